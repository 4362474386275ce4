import { posix } from 'path';
import { z } from 'zod';
import {
  ACCOUNT_ID_PATTERN,
  ARN_PATTERN,
  KNOWN_REGIONS,
  hasKmsFips,
  isAvailabilityZoneOf,
  isKnownRegion,
  isResourceId,
  kmsFipsRegions,
  partitionOf,
} from '../modules/core/aws-identifiers';
import { KMS_ALIAS_PATTERN } from '../modules/kms/customer-managed-key';
import { vpcCidrProblem } from '../modules/ec2/private-vpc';
import { ipAddressTypesOfSubnets, quotedList, SUBNET_KINDS, SUBNETS_NEEDED, unreachableOverIpv6, UNREACHABLE_OVER_IPV6 } from '../modules/ec2/ip-address-types';
import { checkIngressCidr, MIN_PUBLIC_SOURCES_REASON_LENGTH } from '../modules/ec2/endpoint-security-group';
import {
  CidrRange,
  everyAddressOf,
  familiesCoveredEntirely,
  isCidrProblem,
  isPrivateRange,
  parseCidr,
  privateSpaceExpectation,
} from '../modules/ec2/cidr-ranges';
import {
  exactPrincipalPattern,
  exactPrincipalProblem,
  PRINCIPAL_PATTERN_PATTERN,
  PrincipalKind,
  principalMatches,
  principalPatternProblem,
} from '../modules/iam/principal-arns';
import { GuardrailError } from '../modules/core/errors';
import {
  accountOnlyEndpointPolicy,
  appKmsEndpointPolicy,
  appSecretsEndpointPolicy,
  exactPrincipalArnProblem,
  keyPolicy,
  secretPolicy,
} from '../modules/iam/access-policies';
import { PolicyDocument } from '../modules/iam/policy-document';
import { SECRET_NAME_PATTERN } from '../modules/secretsmanager/protected-secret';
import { PolicyJson, policySize } from '../modules/guardrails/rules';
import { LOG_RETENTION_DAYS } from '../modules/cloudtrail/log-retention';
import {
  lambdaPlaceProblem,
  LAMBDA_FUNCTION_ARN_PATTERN,
  MAX_TAG_KEY_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  TAG_CHARACTERS,
  scheduleExpressionProblem,
  SCHEDULE_EXPRESSION_EXAMPLES,
  tagCountProblem,
  tagKeyProblem,
  tagValueProblem,
} from '../modules/core/aws-limits';
import { constructIdOf } from './construct-ids';

/** The config file format: the one source of truth for its types, its validation and its JSON Schema. */

/** Regions come from AWS's endpoint data (modules/core/aws-partitions.generated.ts), not from a pattern. */
const REGION_ERROR = 'expected an AWS region that exists (aws, aws-cn or aws-us-gov partition), such as "us-west-2"';

const hexId = (kind: 'vpc' | 'subnet' | 'sg' | 'vpce' | 'pl') =>
  z.string().refine((v) => isResourceId(kind, v), {
    error: (issue) => {
      const value = String(issue.input);
      const other = (['vpc', 'subnet', 'sg', 'vpce', 'pl'] as const).find((k) => k !== kind && isResourceId(k, value));
      return `expected a ${kind}- id ("${kind}-" and 8 or 17 lower-case hex digits)${other ? `; this is a ${other}- id` : ''}`;
    },
  });

/** An exact IAM principal ARN of one of `kinds` (an exemption: no pattern, no STS session, no group, no root). */
const exactPrincipalArn = (kinds: readonly PrincipalKind[]) =>
  z
    .string()
    .superRefine((value, ctx) => {
      const problem = exactPrincipalProblem(value, kinds);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ pattern: exactPrincipalPattern(kinds) });

/** An IAM role or user ARN or pattern that admits callers to an endpoint: never as wide as the account. */
const admittedPrincipalArn = z
  .string()
  .superRefine((value, ctx) => {
    const problem = principalPatternProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ pattern: PRINCIPAL_PATTERN_PATTERN });

const cidr = z.string().superRefine((value, ctx) => {
  try {
    checkIngressCidr(value, '');
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as GuardrailError).message.replace(/^\[[A-Z_]+\] : found [^;]*; /, '') });
  }
});

/** A whole number of days from 7 to 30 (KMS deletion window, secret recovery window). */
const waitingDays = (extra = '') => {
  const error = `expected a whole number of days from 7 to 30${extra}`;
  return z.number().int({ error }).min(7, { error }).max(30, { error });
};

/** Values listed twice in an array: an issue on every repeat. */
function addDuplicateIssues(ctx: z.RefinementCtx, values: readonly unknown[] | undefined, path: (string | number)[], what: string): void {
  (values ?? []).forEach((value, i) => {
    const first = values!.indexOf(value);
    if (first !== i) ctx.addIssue({ code: 'custom', path: [...path, i], message: `expected each ${what} once (also at ${path.join('.')}[${first}])` });
  });
}

/** Tags: AWS's key and value rules per tag (modules/core/aws-limits.ts); the count per resource is checked with the environment. */
const tagText = (maxLength: number, minLength: number) => z.string().meta({ minLength, maxLength, pattern: TAG_CHARACTERS.source });
const tags = z.record(tagText(MAX_TAG_KEY_LENGTH, 1), tagText(MAX_TAG_VALUE_LENGTH, 0)).superRefine((t, ctx) => {
  for (const [key, value] of Object.entries(t)) {
    const problem = tagKeyProblem(key) ?? tagValueProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
  }
});

const subnet = z.strictObject({
  subnetId: hexId('subnet').describe('Subnet for the endpoint network interfaces'),
  availabilityZone: z.string().describe('Availability Zone of the subnet, e.g. us-west-2a'),
});

const vpcCommon = {
  allowedCidrs: z.array(cidr).optional().describe('CIDRs allowed to reach the endpoints on tcp/443; default: the VPC CIDR (created VPCs)'),
  sourceSecurityGroupIds: z.array(hexId('sg')).optional().describe('Security groups allowed to reach the endpoints'),
  prefixListIds: z.array(hexId('pl')).optional().describe('Managed prefix lists allowed to reach the endpoints'),
  publicSources: z
    .strictObject({
      reason: z
        .string()
        .refine((r) => r.trim().length >= MIN_PUBLIC_SOURCES_REASON_LENGTH, {
          error: `expected a written reason of at least ${MIN_PUBLIC_SOURCES_REASON_LENGTH} characters saying why these endpoints admit public address space`,
        })
        .describe('Why public address space may reach the endpoints (kept with the security group as a guardrail suppression)'),
    })
    .optional()
    .describe(
      'Opt-in for allowedCidrs (or a created VPC CIDR) outside private address space (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7), such as an Amazon-provided IPv6 block: { "reason": "…" } (default: private sources only)',
    ),
  principalArns: z
    .array(admittedPrincipalArn)
    .optional()
    .describe(
      'IAM role or user ARNs, or patterns (* and ?), of the principals that use this VPC (endpoint policies admit only them, plus exempt principals on the admin side); never a pattern as wide as the account (role/*, user/*, :*)',
    ),
  privateDns: z.boolean().optional().describe('Private DNS on the endpoints (default true)'),
  enableDnsSupport: z.boolean().optional().describe('VPC enableDnsSupport (created VPC: default true; existing VPC: what you know it is)'),
  enableDnsHostnames: z.boolean().optional().describe('VPC enableDnsHostnames (created VPC: default true; existing VPC: what you know it is)'),
  ipAddressType: z
    .enum(['ipv4', 'dualstack', 'ipv6'])
    .optional()
    .describe(
      'Endpoint IP address type (default ipv4). With "create": dualstack gives the VPC an Amazon-provided IPv6 /56 and each subnet an IPv6 /64 beside its IPv4 range; ipv6 makes the subnets IPv6-only; either way the endpoints admit the VPC\'s IPv6 block on tcp/443 (besides allowedCidrs). On an existing VPC the plan checks that the VPC has an IPv6 block and the subnets have IPv4 and IPv6 ranges (dualstack) or are IPv6-only (ipv6); ipv6 needs an IPv6 source (an IPv6 CIDR in allowedCidrs, a security group or a prefix list)',
    ),
};

const vpc = z
  .strictObject({
    vpcId: hexId('vpc').optional().describe('Existing VPC id (with subnets)'),
    subnets: z.array(subnet).optional().describe('Existing VPC: one subnet per AZ for the endpoints'),
    verifyDnsAttributesAtPlan: z
      .boolean()
      .optional()
      .describe(
        'Existing VPC: read the VPC (and, for dualstack / ipv6 endpoints, its subnets) at plan and fail if private DNS is on but a DNS attribute is off, or if the VPC or a subnet lacks the IPv6 ranges the endpoints need (needs credentials at plan; default true)',
      ),
    subnetIpAddressType: z
      .enum(['ipv4', 'dualstack', 'ipv6'])
      .optional()
      .describe(
        'Existing VPC: what its endpoint subnets carry, if you know it: ipv4 (IPv4-only subnets), dualstack (IPv4 and IPv6 ranges) or ipv6 (IPv6-only subnets); an ipAddressType they cannot carry is refused at synth (default: unknown, checked at plan)',
      ),
    create: z
      .strictObject({
        cidrBlock: z.string().describe('IPv4 network address, /16 to /24, in canonical form (no host bits, no leading zeros)'),
        availabilityZones: z
          .array(z.string())
          .max(16, { error: 'expected at most 16 Availability Zones (each gets a /28 or larger subnet of the VPC CIDR)' })
          .describe('One private subnet per AZ (1 to 16)'),
      })
      .optional()
      .describe('Create a VPC with DNS attributes on'),
    ...vpcCommon,
  })
  .superRefine((v, ctx) => {
    if (!v.create && !v.vpcId) ctx.addIssue({ code: 'custom', message: 'expected either "vpcId" with "subnets" (existing VPC) or "create" (new VPC)' });
    if (v.create && v.vpcId) ctx.addIssue({ code: 'custom', path: ['create'], message: 'expected either "vpcId" or "create", not both' });
    if (v.vpcId && !v.subnets) ctx.addIssue({ code: 'custom', path: ['subnets'], message: 'expected one subnet per AZ for the existing VPC' });
    if (v.create && v.subnetIpAddressType)
      ctx.addIssue({
        code: 'custom',
        path: ['subnetIpAddressType'],
        message: 'expected no subnetIpAddressType with "create" (the subnets follow ipAddressType)',
      });
    // The subnets as the config states them carry only some endpoint types (AWS: dualstack needs IPv4 and IPv6 ranges, ipv6 IPv6-only subnets).
    if (v.subnetIpAddressType && !v.create) {
      const carried = ipAddressTypesOfSubnets(v.subnetIpAddressType);
      const wanted = v.ipAddressType ?? 'ipv4';
      if (!carried.includes(wanted)) {
        ctx.addIssue({
          code: 'custom',
          path: ['ipAddressType'],
          message: `expected ${quotedList(carried)}: ${wanted} endpoints need ${SUBNETS_NEEDED[wanted]}, and subnetIpAddressType says the subnets are ${SUBNET_KINDS[v.subnetIpAddressType]}`,
        });
      }
    }
    if (v.create && v.subnets)
      ctx.addIssue({ code: 'custom', path: ['subnets'], message: 'expected no subnets with "create" (they are derived from availabilityZones)' });
    // Who may reach the endpoints: the listed sources, or a created VPC's own CIDR when allowedCidrs is absent.
    const cidrs = v.allowedCidrs ?? (v.create ? [v.create.cidrBlock] : []);
    if ((v.create || v.vpcId) && !cidrs.length && !v.sourceSecurityGroupIds?.length && !v.prefixListIds?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['allowedCidrs'],
        message: v.create
          ? 'expected at least one CIDR (or omit allowedCidrs to admit the VPC CIDR), or sourceSecurityGroupIds / prefixListIds'
          : 'expected allowedCidrs, sourceSecurityGroupIds or prefixListIds for an existing VPC (who may reach the endpoints)',
      });
    }
    addDuplicateIssues(ctx, v.allowedCidrs, ['allowedCidrs'], 'CIDR');
    // Sources are private address space unless publicSources opts in; together they never cover a whole address space.
    const sources: [CidrRange, (string | number)[]][] = (
      v.allowedCidrs
        ? v.allowedCidrs.map((c, i) => [c, ['allowedCidrs', i]] as const)
        : v.create
          ? [[v.create.cidrBlock, ['create', 'cidrBlock']] as const]
          : []
    ).flatMap(([text, path]) => {
      const range = parseCidr(text);
      return isCidrProblem(range) || range.prefix === 0 ? [] : [[range, [...path]] as [CidrRange, (string | number)[]]];
    });
    const publicOnes = sources.filter(([range]) => !isPrivateRange(range));
    if (!v.publicSources) {
      for (const [range, path] of publicOnes) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `expected ${privateSpaceExpectation(range)}; to admit it anyway, add "publicSources": { "reason": "…" } to this VPC entry`,
        });
      }
    } else if (publicOnes.length === 0 && (v.allowedCidrs ?? []).every((c) => !isCidrProblem(parseCidr(c)))) {
      ctx.addIssue({
        code: 'custom',
        path: ['publicSources'],
        message: 'expected no publicSources: no CIDR source here is outside private address space, so the opt-in would only hide a later public one',
      });
    }
    for (const { family } of familiesCoveredEntirely(sources.map(([range]) => range))) {
      ctx.addIssue({
        code: 'custom',
        path: [v.allowedCidrs ? 'allowedCidrs' : 'create'],
        message: `expected ranges that leave out part of the address space: together these admit ${everyAddressOf(family)}`,
      });
    }
    // An IPv6-only endpoint has only IPv6 addresses: an existing VPC listing only IPv4 sources admits no one (a created VPC's own IPv6 block is always admitted).
    if (v.ipAddressType && !v.create && unreachableOverIpv6(v.ipAddressType, v)) {
      ctx.addIssue({ code: 'custom', path: ['ipAddressType'], message: `expected ${UNREACHABLE_OVER_IPV6}` });
    }
    addDuplicateIssues(ctx, v.sourceSecurityGroupIds, ['sourceSecurityGroupIds'], 'security group');
    addDuplicateIssues(ctx, v.prefixListIds, ['prefixListIds'], 'prefix list');
  });

const secret = z.strictObject({
  name: z
    .string()
    .regex(SECRET_NAME_PATTERN, { error: 'expected 1–512 of A-Z a-z 0-9 / _ + = . @ -' })
    .refine((n) => !/-[A-Za-z0-9]{6}$/.test(n), {
      error: 'expected a name not ending in "-" and six letters or digits (Secrets Manager appends such a suffix to ARNs, so ARN patterns would be ambiguous)',
    })
    .describe('Secret name, unique per account and region; the app endpoint policies admit it by name'),
  description: z.string().max(2048).optional().describe('Secret description'),
  kmsKeyAlias: z.string().optional().describe('Alias of the config key that encrypts it (default: the first key)'),
  recoveryWindowInDays: waitingDays(' (0, immediate deletion, is not allowed)').optional().describe('7–30, default 30'),
  rotation: z
    .strictObject({
      lambdaArn: z
        .string()
        .regex(LAMBDA_FUNCTION_ARN_PATTERN, { error: 'expected a Lambda function ARN' })
        .describe("Rotation function, in the environment's partition, region and account"),
      roleArn: exactPrincipalArn(['role']).describe(
        'Execution role of the rotation Lambda, a role of this account; the secret policy lets it read the value only from the admin VPC (where the Lambda runs), and the admin Secrets Manager endpoint admits it',
      ),
      automaticallyAfterDays: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .optional()
        .describe('Rotate every n days (default 30 when scheduleExpression is not given); or scheduleExpression, not both'),
      scheduleExpression: z
        .string()
        .superRefine((e, ctx) => {
          const problem = scheduleExpressionProblem(e);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .optional()
        .describe(
          `Secrets Manager rotation schedule: rate(4–23 hours), rate(1–999 days) or cron(0 Hours Day-of-month Month Day-of-week *), such as ${SCHEDULE_EXPRESSION_EXAMPLES}`,
        ),
    })
    .optional()
    .describe('Rotation by a Lambda that runs in the admin VPC'),
});

const key = z.strictObject({
  alias: z
    .string()
    .regex(KMS_ALIAS_PATTERN, { error: 'expected "alias/<name>" (not under alias/aws/)' })
    .describe('Key alias, "alias/<name>", unique per account and region; the app KMS endpoint policy admits the key by it (kms:ResourceAliases)'),
  description: z.string().max(8192).optional().describe('Key description'),
  deletionWindowInDays: waitingDays().optional().describe('7–30, default 30'),
  enableKeyRotation: z
    .boolean()
    .refine((on) => on, { error: 'expected true: keys that protect secrets rotate their key material' })
    .optional()
    .describe('Must stay true (default)'),
  rotationPeriodInDays: z.number().int().min(90).max(2560).optional().describe('Days between automatic key rotations (default: the AWS default, 365)'),
});

// One object with exactly one of `local` / `s3` (not a union), so a mistake inside either is reported at its own path.
const backend = z
  .strictObject({
    local: z
      .strictObject({
        path: z
          .string()
          .refine((p) => p.includes('{stack}'), {
            error:
              'expected a path holding "{stack}" (replaced by the stack name), such as "../../../state/{stack}.tfstate": one path shared by the admin and app stacks would make each plan to destroy the other\'s resources',
          })
          .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(p), {
            error: 'expected a relative path (relative to cdktf.out/stacks/<stack>), so the output holds no absolute path',
          })
          .refine((p) => posix.normalize(p.replace(/\\/g, '/')).startsWith('../../../'), {
            error: 'expected a path outside cdktf.out (start it with "../../../"): the next synth replaces cdktf.out and would delete the state',
          })
          .optional()
          .describe(
            'State file per stack, relative to cdktf.out/stacks/<stack>; "{stack}" is replaced by the stack name (default ../../../terraform.{stack}.tfstate)',
          ),
      })
      .optional()
      .describe('Local state'),
    s3: z
      .strictObject({
        bucket: z
          .string()
          .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'expected an S3 bucket name: 3–63 of a-z 0-9 . -' })
          .describe('Bucket of the state files'),
        keyPrefix: z
          .string()
          .regex(/^[^/](.*[^/])?$/, { error: 'expected a key prefix without a leading or trailing "/", such as "platform/secrets"' })
          .optional()
          .describe('State key is <keyPrefix>/<stack>.tfstate (default: cdktf-privatelink-secrets)'),
        region: z
          .string()
          .refine(isKnownRegion, { error: REGION_ERROR })
          .meta({ enum: [...KNOWN_REGIONS] })
          .optional()
          .describe('Bucket region (default: the environment region)'),
        useLockfile: z.boolean().optional().describe('S3 native locking (default true)'),
        encrypt: z.boolean().optional().describe('default true'),
        roleArn: exactPrincipalArn(['role'])
          .optional()
          .describe('Role the backend assumes to reach the bucket, an exact role ARN (default: the provider credentials)'),
      })
      .optional()
      .describe('State in S3, one key per stack'),
  })
  .superRefine((b, ctx) => {
    if ((b.local ? 1 : 0) + (b.s3 ? 1 : 0) !== 1) ctx.addIssue({ code: 'custom', message: 'expected exactly one of "local" or "s3"' });
  })
  .meta({ minProperties: 1, maxProperties: 1 });

const environment = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,30}$/, { error: 'expected a lower-case name: a letter, then letters, digits or "-" (≤ 31 characters)' })
      .optional()
      .describe('Prefixes the stack names (<name>-admin-vpc, <name>-app-vpc); required with several environments'),
    accountId: z
      .string()
      .regex(ACCOUNT_ID_PATTERN, { error: 'expected a 12-digit AWS account id' })
      .describe('AWS account of the stacks (provider allowed_account_ids)'),
    region: z
      .string()
      .refine(isKnownRegion, { error: REGION_ERROR })
      .meta({ enum: [...KNOWN_REGIONS] })
      .describe('AWS region; its partition (aws, aws-cn, aws-us-gov) must match every ARN'),
    deployRoleArn: exactPrincipalArn(['role'])
      .optional()
      .describe('Role the AWS provider assumes; also exempt from the admin-VPC-only rule, since Terraform manages the policies'),
    breakGlassPrincipalArns: z
      .array(exactPrincipalArn(['role', 'user']))
      .min(1, { error: 'expected at least one break-glass principal: without one, a broken admin VPC locks everyone out of secrets and keys' })
      .describe(
        'Exact IAM role or user ARNs (no * or ?, no STS session ARNs, no groups) of principals that may manage secrets and keys from anywhere (never locked out)',
      ),
    fips: z.boolean().optional().describe('Use the kms-fips endpoint service'),
    tags: tags
      .optional()
      .describe(
        'Provider default_tags: keys 1–128 and values 0–256 Unicode characters of letters, digits, spaces and _ . : / = + - @, no "aws:" key prefix, at most 50 per resource with the stack\'s own (ManagedBy, Stack, Environment, Name)',
      ),
    backend: backend.optional().describe('Terraform backend (default: local, relative path)'),
    adminVpc: vpc.describe('The VPC secrets and keys are managed from: an existing one (vpcId, subnets) or one to create'),
    appVpc: vpc.describe('The VPC applications read secret values and decrypt from: an existing one (vpcId, subnets) or one to create'),
    secrets: z.array(secret).default([]).describe('Secrets, in the admin stack, each encrypted with a key of this environment'),
    keys: z.array(key).default([]).describe('Customer-managed KMS keys, in the admin stack'),
    audit: z
      .strictObject({
        name: z
          .string()
          .regex(/^[a-z][a-z0-9-]{2,52}$/, { error: 'expected 3–53 of a-z 0-9 "-", starting with a letter' })
          .optional()
          .describe('Name of the trail, log group, alarm and topic (default "privatelink-audit", prefixed by the environment name)'),
        existingLogGroupName: z
          .string()
          .regex(/^[.\-_/#A-Za-z0-9]{1,512}$/, { error: 'expected a CloudWatch Logs group name' })
          .optional()
          .describe("Use an existing trail's CloudWatch Logs group and create no trail"),
        bucketName: z
          .string()
          .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'expected an S3 bucket name (3–63 of a-z 0-9 . -)' })
          .optional()
          .describe('Bucket of the trail (default <name>-<account>-<region>)'),
        logRetentionInDays: z
          .number()
          .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
            error: `expected one of ${LOG_RETENTION_DAYS.join(', ')} (CloudWatch Logs retention values)`,
          })
          .optional()
          .describe(`Retention of the log group in days (default 365), one of ${LOG_RETENTION_DAYS.join(', ')}`),
        ignoredRoleArns: z
          .array(exactPrincipalArn(['role']))
          .optional()
          .describe(
            'Exact role ARNs whose calls the alarm does not count (default: the deployRoleArn, whose Terraform plans read from outside the VPCs; [] counts every role)',
          ),
        createTopic: z.boolean().optional().describe('Create a KMS-encrypted SNS topic for the alarm (default true unless alarmActionArns)'),
        alarmActionArns: z
          .array(z.string().regex(ARN_PATTERN, { error: 'expected an ARN on one line, such as "arn:aws:sns:us-west-2:111122223333:alarms"' }))
          .optional()
          .describe('Alarm actions, such as an existing SNS topic ARN (then no topic is created)'),
      })
      .optional()
      .describe(
        'Audit endpoint use (modules/cloudtrail/audit-trail.ts), in the admin stack. {} creates a multi-region CloudTrail trail (log file validation, own KMS key) delivering to a private, versioned, SSE-KMS S3 bucket and a KMS-encrypted log group, plus an alarm on Secrets Manager / KMS calls on this environment\'s secrets and keys without one of its vpcEndpointIds, management made by another AWS service for a caller outside the admin VPC, and key usage through any service but Secrets Manager. Options: name (default "privatelink-audit", prefixed by the environment name), existingLogGroupName (use an existing trail\'s log group instead of creating a trail), bucketName (default <name>-<account>-<region>), logRetentionInDays (default 365), ignoredRoleArns (roles whose calls are not counted; default: the deployRoleArn, whose Terraform plans read from outside the VPCs; [] counts every role), createTopic (KMS-encrypted SNS topic for the alarm; default true unless alarmActionArns), alarmActionArns',
      ),
  })
  .superRefine((env, ctx) => {
    const partition = partitionOf(env.region ?? '').name;
    if (env.fips && isKnownRegion(env.region) && !hasKmsFips(env.region)) {
      ctx.addIssue({
        code: 'custom',
        path: ['fips'],
        message: `expected false: AWS offers no kms-fips endpoint in ${env.region} (it does in ${kmsFipsRegions().join(', ')})`,
      });
    }
    const arns: [string, (string | number)[]][] = [];
    if (env.deployRoleArn) arns.push([env.deployRoleArn, ['deployRoleArn']]);
    env.breakGlassPrincipalArns?.forEach((a, i) => arns.push([a, ['breakGlassPrincipalArns', i]]));
    env.secrets?.forEach((s, i) => {
      if (s.rotation?.roleArn) arns.push([s.rotation.roleArn, ['secrets', i, 'rotation', 'roleArn']]);
    });
    for (const side of ['adminVpc', 'appVpc'] as const) {
      env[side]?.principalArns?.forEach((a, i) => arns.push([a, [side, 'principalArns', i]]));
      env[side]?.subnets?.forEach((s, i) => {
        if (isKnownRegion(env.region) && !isAvailabilityZoneOf(s.availabilityZone, env.region)) {
          ctx.addIssue({
            code: 'custom',
            path: [side, 'subnets', i, 'availabilityZone'],
            message: `expected an Availability Zone of ${env.region}, such as "${env.region}a"`,
          });
        }
        const firstId = env[side]!.subnets!.findIndex((t) => t.subnetId === s.subnetId);
        if (firstId !== i)
          ctx.addIssue({ code: 'custom', path: [side, 'subnets', i, 'subnetId'], message: `expected each subnet once (also at ${side}.subnets[${firstId}])` });
        const firstAz = env[side]!.subnets!.findIndex((t) => t.availabilityZone === s.availabilityZone);
        if (firstAz !== i)
          ctx.addIssue({
            code: 'custom',
            path: [side, 'subnets', i, 'availabilityZone'],
            message: `expected one subnet per Availability Zone (${side}.subnets[${firstAz}] is already in it)`,
          });
      });
      if (env[side]?.subnets?.length === 0)
        ctx.addIssue({ code: 'custom', path: [side, 'subnets'], message: 'expected at least one subnet (one per Availability Zone)' });
      env[side]?.create?.availabilityZones.forEach((az, i, all) => {
        if (isKnownRegion(env.region) && !isAvailabilityZoneOf(az, env.region)) {
          ctx.addIssue({
            code: 'custom',
            path: [side, 'create', 'availabilityZones', i],
            message: `expected an Availability Zone of ${env.region}, such as "${env.region}a"`,
          });
        }
        if (all.indexOf(az) !== i)
          ctx.addIssue({ code: 'custom', path: [side, 'create', 'availabilityZones', i], message: 'expected each Availability Zone once' });
      });
      if (env[side]?.create && env[side]!.create!.availabilityZones.length === 0) {
        ctx.addIssue({ code: 'custom', path: [side, 'create', 'availabilityZones'], message: 'expected at least one Availability Zone' });
      }
      const create = env[side]?.create;
      const cidrProblem = create && vpcCidrProblem(create.cidrBlock);
      if (cidrProblem) ctx.addIssue({ code: 'custom', path: [side, 'create', 'cidrBlock'], message: `expected ${cidrProblem}` });
      if (env[side]?.privateDns !== false) {
        for (const attribute of ['enableDnsSupport', 'enableDnsHostnames'] as const) {
          if (env[side]?.[attribute] === false) {
            ctx.addIssue({
              code: 'custom',
              path: [side, attribute],
              message: `expected true: private DNS needs ${attribute}; turn it on or set "privateDns": false`,
            });
          }
        }
      }
    }
    for (const [value, path] of arns) {
      const found = /^arn:([a-z-]+):/.exec(value)?.[1];
      if (found && isKnownRegion(env.region) && found !== partition) {
        ctx.addIssue({ code: 'custom', path, message: `expected an ARN in partition "${partition}" (region ${env.region}); write "arn:${partition}:…"` });
      }
      const account = /^arn:[a-z-]+:(?:iam|sts)::(\d{12}):/.exec(value)?.[1];
      if (account && ACCOUNT_ID_PATTERN.test(env.accountId) && account !== env.accountId) {
        const why =
          path[0] === 'deployRoleArn'
            ? 'the provider assumes it to manage this account (allowed_account_ids), and the key and secret policies exempt it by ARN'
            : path[0] === 'secrets'
              ? "the rotation Lambda runs in this account's admin VPC, and the secret policy names its role"
              : 'same-account access model';
        ctx.addIssue({ code: 'custom', path, message: `expected a principal of account ${env.accountId} (${why})` });
      }
    }
    if (env.adminVpc?.vpcId && env.adminVpc.vpcId === env.appVpc?.vpcId) {
      ctx.addIssue({
        code: 'custom',
        path: ['appVpc', 'vpcId'],
        message: 'expected a VPC other than adminVpc.vpcId: management and value access must come from different VPCs',
      });
    }
    const keyAliases = (env.keys ?? []).map((k) => k.alias);
    keyAliases.forEach((a, i) => {
      if (keyAliases.indexOf(a) !== i) ctx.addIssue({ code: 'custom', path: ['keys', i, 'alias'], message: 'expected each key alias once' });
    });
    // Keys and secrets become construct ids (Terraform addresses) through constructIdOf: two names must not give the same id.
    for (const [list, field, names] of [
      ['keys', 'alias', keyAliases],
      ['secrets', 'name', (env.secrets ?? []).map((s) => s.name)],
    ] as const) {
      const ids = names.map(constructIdOf);
      ids.forEach((id, i) => {
        const first = ids.indexOf(id);
        if (first !== i && names[first] !== names[i]) {
          ctx.addIssue({
            code: 'custom',
            path: [list, i, field],
            message: `expected a ${field} whose construct id differs from ${list}[${first}].${field} ("${names[first]}"): both give "${id}" (letters and digits are kept, lower-cased; every other run of characters becomes "-")`,
          });
        }
      });
    }
    const secretNames = (env.secrets ?? []).map((s) => s.name);
    (env.secrets ?? []).forEach((s, i) => {
      if (secretNames.indexOf(s.name) !== i)
        ctx.addIssue({
          code: 'custom',
          path: ['secrets', i, 'name'],
          message: `expected each secret name once (also at secrets[${secretNames.indexOf(s.name)}])`,
        });
      if (keyAliases.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['secrets', i],
          message: 'expected a customer-managed key: add one under "keys" (secrets are never left on the AWS managed key)',
        });
      } else if (s.kmsKeyAlias !== undefined && !keyAliases.includes(s.kmsKeyAlias)) {
        ctx.addIssue({ code: 'custom', path: ['secrets', i, 'kmsKeyAlias'], message: `expected one of the config's key aliases (${keyAliases.join(', ')})` });
      }
      if (s.rotation?.automaticallyAfterDays !== undefined && s.rotation.scheduleExpression !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['secrets', i, 'rotation'], message: 'expected automaticallyAfterDays or scheduleExpression, not both' });
      }
      // A principal plays one part. The rotation role reads the value from the admin VPC only: as an admin principal anyone
      // holding it would read values through the admin endpoint too; as an app principal it would lose its app reads; as an
      // exempt principal its Lambda could manage secrets from anywhere. Admin and app entries are patterns: a match counts.
      const role = s.rotation?.roleArn;
      const why = {
        admin: 'an admin principal that is also a rotation role reads secret values through the admin endpoint',
        app: 'an app principal would be denied the value through the app endpoint',
        exempt: 'an exempt principal would let the Lambda manage secrets from anywhere',
      };
      const parts: [string, string, string, boolean][] = role
        ? [
            ...(env.breakGlassPrincipalArns ?? []).map((a, j): [string, string, string, boolean] => [a, `breakGlassPrincipalArns[${j}]`, why.exempt, false]),
            ...(env.deployRoleArn ? [[env.deployRoleArn, 'deployRoleArn', why.exempt, false] as [string, string, string, boolean]] : []),
            ...(env.adminVpc?.principalArns ?? []).map((a, j): [string, string, string, boolean] => [a, `adminVpc.principalArns[${j}]`, why.admin, true]),
            ...(env.appVpc?.principalArns ?? []).map((a, j): [string, string, string, boolean] => [a, `appVpc.principalArns[${j}]`, why.app, true]),
          ]
        : [];
      for (const [other, where, reason, pattern] of parts) {
        if (other === role || (pattern && principalMatches(other, role!))) {
          ctx.addIssue({
            code: 'custom',
            path: ['secrets', i, 'rotation', 'roleArn'],
            message: `expected a role of the rotation Lambda's own, playing no other part: ${where} (${JSON.stringify(other)}) ${other === role ? 'is' : 'matches'} it (${reason})`,
          });
        }
      }
    });
    // One subnet, one VPC: a subnet id in both VPC entries names two VPCs for one subnet.
    env.appVpc?.subnets?.forEach((s, i) => {
      const j = env.adminVpc?.subnets?.findIndex((t) => t.subnetId === s.subnetId) ?? -1;
      if (j >= 0)
        ctx.addIssue({
          code: 'custom',
          path: ['appVpc', 'subnets', i, 'subnetId'],
          message: `expected a subnet of the app VPC only: adminVpc.subnets[${j}] has it too (a subnet belongs to one VPC)`,
        });
    });
    // Tags per resource: the config's default tags plus the stack's own (ManagedBy, Stack, Environment; Name on created VPC resources).
    if (env.tags) {
      const own = ['ManagedBy', 'Stack', ...(env.name ? ['Environment'] : []), ...(env.adminVpc?.create || env.appVpc?.create ? ['Name'] : [])];
      const count = new Set([...Object.keys(env.tags), ...own]).size;
      const problem = tagCountProblem(count, own.filter((k) => !(k in env.tags!)).length);
      if (problem) ctx.addIssue({ code: 'custom', path: ['tags'], message: `${problem}: ${own.join(', ')} are the stack's` });
    }
    if (isKnownRegion(env.region) && ACCOUNT_ID_PATTERN.test(env.accountId)) {
      const scope = { partition: partitionOf(env.region).name, region: env.region, accountId: env.accountId };
      env.secrets?.forEach((s, i) => {
        const problem = s.rotation?.lambdaArn && lambdaPlaceProblem(s.rotation.lambdaArn, scope);
        if (problem) ctx.addIssue({ code: 'custom', path: ['secrets', i, 'rotation', 'lambdaArn'], message: problem });
      });
    }
    if (isKnownRegion(env.region) && ACCOUNT_ID_PATTERN.test(env.accountId)) {
      for (const { path, problem } of policySizeProblems(env)) ctx.addIssue({ code: 'custom', path, message: problem });
    }
  });

/**
 * The policies whose size grows with the config, rendered as the stacks render them (Terraform
 * references counted at their worst-case length, as the policy-size rule does), so a config that
 * would overflow one fails here, at the field that makes it grow, instead of at synth.
 */
function policySizeProblems(env: z.output<typeof environment>): { path: (string | number)[]; problem: string }[] {
  const reference = `\${${'x'.repeat(62)}}`;
  const scope = { partition: partitionOf(env.region).name, region: env.region, accountId: env.accountId };
  const exempt = [...env.breakGlassPrincipalArns, ...(env.deployRoleArn ? [env.deployRoleArn] : [])].filter((a) => !exactPrincipalArnProblem(a, scope));
  const model = {
    ...scope,
    adminVpcId: reference,
    appSecretsManagerEndpointIds: [reference],
    appKmsEndpointIds: [reference],
    managementExemptPrincipalArns: exempt,
  };
  const rotationRoles = env.secrets.flatMap((s) => (s.rotation ? [s.rotation.roleArn] : [])).filter((r) => !exactPrincipalArnProblem(r, scope));
  const adminPrincipals = env.adminVpc.principalArns?.length ? [...env.adminVpc.principalArns, ...exempt, ...rotationRoles] : undefined;
  // Each secret names at most its own rotation role: the longest one gives the largest secret policy.
  const longestRotationRole = rotationRoles.reduce<string[]>((longest, r) => (r.length > (longest[0]?.length ?? 0) ? [r] : longest), []);
  const policies: [(string | number)[], string, PolicyDocument][] = [
    [
      ['secrets'],
      'app Secrets Manager endpoint policy',
      appSecretsEndpointPolicy(
        { ...scope, principalArns: env.appVpc.principalArns },
        env.secrets.map((s) => s.name),
      ),
    ],
    [
      ['keys'],
      'app KMS endpoint policy',
      appKmsEndpointPolicy(
        { ...scope, principalArns: env.appVpc.principalArns },
        env.keys.map((k) => k.alias),
      ),
    ],
    [['adminVpc', 'principalArns'], 'admin endpoint policies', accountOnlyEndpointPolicy('secretsmanager', { ...scope, principalArns: adminPrincipals })],
    [['breakGlassPrincipalArns'], 'secret policies', secretPolicy(model, { rotationRoleArns: longestRotationRole })],
    [['breakGlassPrincipalArns'], 'key policies', keyPolicy(model)],
  ];
  return policies.flatMap(([path, what, doc]) =>
    policySize
      .check({ policy: doc.toJSON() as unknown as PolicyJson, text: doc.render(), kind: doc.kind })
      .map((m) => ({ path, problem: `expected fewer or shorter entries (the ${what} would be ${m.replace(/^.*?policy is /, '').replace(/;.*$/, '')})` })),
  );
}

export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path of this JSON Schema, for editors'),
    environments: z
      .array(environment)
      .min(1, { error: 'expected at least one environment' })
      .describe('One admin stack and one app stack per environment (account + region)'),
  })
  .superRefine((config, ctx) => {
    const envs = config.environments ?? [];
    if (envs.length > 1) {
      envs.forEach((env, i) => {
        if (!env.name)
          ctx.addIssue({
            code: 'custom',
            path: ['environments', i, 'name'],
            message: 'expected a name: with several environments each needs one (it prefixes the stack names)',
          });
      });
    }
    const names = envs.map((e) => e.name);
    names.forEach((n, i) => {
      if (n && names.indexOf(n) !== i)
        ctx.addIssue({
          code: 'custom',
          path: ['environments', i, 'name'],
          message: `expected a unique name ("${n}" is also environments[${names.indexOf(n)}])`,
        });
    });
    // Environments sharing an account and region share its namespaces: secret names, key aliases, and VPCs (private DNS).
    const seen = new Map<string, string>();
    envs.forEach((env, i) => {
      const claim = (kind: string, value: string | undefined, path: (string | number)[]) => {
        if (!value) return;
        const key = `${env.accountId}|${env.region}|${kind}|${value}`;
        const where = `environments[${i}].${path.join('.').replace(/\.(\d+)/g, '[$1]')}`;
        const first = seen.get(key);
        if (first === undefined) seen.set(key, where);
        else if (!first.startsWith(`environments[${i}].`))
          ctx.addIssue({
            code: 'custom',
            path: ['environments', i, ...path],
            message: `expected a ${kind} not used by another environment in account ${env.accountId} and ${env.region} (${first} has it)`,
          });
      };
      env.secrets.forEach((s, j) => claim('secret name', s.name, ['secrets', j, 'name']));
      env.keys.forEach((k, j) => claim('key alias', k.alias, ['keys', j, 'alias']));
      claim('VPC (private DNS endpoints for a service conflict in one VPC)', env.adminVpc.vpcId, ['adminVpc', 'vpcId']);
      claim('VPC (private DNS endpoints for a service conflict in one VPC)', env.appVpc.vpcId, ['appVpc', 'vpcId']);
      env.adminVpc.subnets?.forEach((s, j) => claim('subnet (a subnet belongs to one VPC)', s.subnetId, ['adminVpc', 'subnets', j, 'subnetId']));
      env.appVpc.subnets?.forEach((s, j) => claim('subnet (a subnet belongs to one VPC)', s.subnetId, ['appVpc', 'subnets', j, 'subnetId']));
    });
  });

/** A validated config. */
export type StacksConfig = z.output<typeof configSchema>;
/** One validated environment. */
export type EnvironmentConfig = StacksConfig['environments'][number];
/** A validated VPC entry. */
export type VpcConfig = EnvironmentConfig['adminVpc'];
