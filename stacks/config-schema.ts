import { z } from 'zod';
import { ACCOUNT_ID_PATTERN, REGION_PATTERN, isResourceId, partitionOf } from '../modules/aws-identifiers';
import { checkIngressCidr } from '../modules/endpoint-security-group';
import { GuardrailError } from '../modules/errors';

/** The config file format: the one source of truth for its types, its validation and its JSON Schema. */

const hexId = (kind: 'vpc' | 'subnet' | 'sg' | 'vpce' | 'pl') =>
  z.string().refine((v) => isResourceId(kind, v), {
    error: (issue) => {
      const value = String(issue.input);
      const other = (['vpc', 'subnet', 'sg', 'vpce', 'pl'] as const).find((k) => k !== kind && isResourceId(k, value));
      return `expected a ${kind}- id ("${kind}-" and 8 or 17 lower-case hex digits)${other ? `; this is a ${other}- id` : ''}`;
    },
  });

const iamArn = z.string().regex(/^arn:[a-z-]+:(iam|sts)::\d{12}:[A-Za-z0-9+=,.@_/*:-]+$/, {
  error: 'expected an IAM ARN such as "arn:aws:iam::111122223333:role/name"',
});

const cidr = z.string().superRefine((value, ctx) => {
  try {
    checkIngressCidr(value, '');
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as GuardrailError).message.replace(/^\[[A-Z_]+\] : found [^;]*; /, '') });
  }
});

const tags = z.record(z.string().min(1).max(128), z.string().max(256));

const subnet = z.strictObject({
  subnetId: hexId('subnet').describe('Subnet for the endpoint network interfaces'),
  availabilityZone: z.string().describe('Availability Zone of the subnet, e.g. us-west-2a'),
});

const vpcCommon = {
  allowedCidrs: z.array(cidr).optional().describe('CIDRs allowed to reach the endpoints on tcp/443; default: the VPC CIDR (created VPCs)'),
  sourceSecurityGroupIds: z.array(hexId('sg')).optional().describe('Security groups allowed to reach the endpoints'),
  prefixListIds: z.array(hexId('pl')).optional().describe('Managed prefix lists allowed to reach the endpoints'),
  principalArns: z
    .array(iamArn)
    .optional()
    .describe('Principals that use this VPC (endpoint policies admit only them, plus exempt principals on the admin side)'),
  privateDns: z.boolean().optional().describe('Private DNS on the endpoints (default true)'),
  enableDnsSupport: z.boolean().optional().describe('VPC enableDnsSupport (created VPC: default true; existing VPC: what you know it is)'),
  enableDnsHostnames: z.boolean().optional().describe('VPC enableDnsHostnames (created VPC: default true; existing VPC: what you know it is)'),
  ipAddressType: z.enum(['ipv4', 'dualstack', 'ipv6']).optional().describe('Endpoint IP address type (default ipv4)'),
};

const vpc = z
  .strictObject({
    vpcId: hexId('vpc').optional().describe('Existing VPC id (with subnets)'),
    subnets: z.array(subnet).optional().describe('Existing VPC: one subnet per AZ for the endpoints'),
    verifyDnsAttributesAtPlan: z
      .boolean()
      .optional()
      .describe('Existing VPC: read the VPC at plan and fail if private DNS is on but a DNS attribute is off (needs credentials at plan; default true)'),
    create: z
      .strictObject({
        cidrBlock: z.string().describe('IPv4 CIDR, /16 to /24'),
        availabilityZones: z.array(z.string()).describe('One private subnet per AZ'),
      })
      .optional()
      .describe('Create a VPC with DNS attributes on'),
    ...vpcCommon,
  })
  .superRefine((v, ctx) => {
    if (!v.create && !v.vpcId) ctx.addIssue({ code: 'custom', message: 'expected either "vpcId" with "subnets" (existing VPC) or "create" (new VPC)' });
    if (v.create && v.vpcId) ctx.addIssue({ code: 'custom', path: ['create'], message: 'expected either "vpcId" or "create", not both' });
    if (v.vpcId && !v.subnets) ctx.addIssue({ code: 'custom', path: ['subnets'], message: 'expected one subnet per AZ for the existing VPC' });
    if (v.create && v.subnets)
      ctx.addIssue({ code: 'custom', path: ['subnets'], message: 'expected no subnets with "create" (they are derived from availabilityZones)' });
    if (v.vpcId && !v.allowedCidrs?.length && !v.sourceSecurityGroupIds?.length && !v.prefixListIds?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['allowedCidrs'],
        message: 'expected allowedCidrs, sourceSecurityGroupIds or prefixListIds for an existing VPC (who may reach the endpoints)',
      });
    }
  });

const secret = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, { error: 'expected 1–512 of A-Z a-z 0-9 / _ + = . @ -' }),
  description: z.string().max(2048).optional(),
  kmsKeyAlias: z.string().optional().describe('Alias of the config key that encrypts it (default: the first key)'),
  recoveryWindowInDays: z.number().optional().describe('7–30, default 30'),
  rotation: z
    .strictObject({
      lambdaArn: z
        .string()
        .regex(/^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/, { error: 'expected a Lambda function ARN' }),
      automaticallyAfterDays: z.number().int().min(1).max(1000).optional(),
      scheduleExpression: z.string().optional(),
    })
    .optional()
    .describe('Rotation by a Lambda'),
});

const key = z.strictObject({
  alias: z.string().regex(/^alias\/(?!aws\/)[a-zA-Z0-9/_-]{1,250}$/, { error: 'expected "alias/<name>" (not under alias/aws/)' }),
  description: z.string().max(8192).optional(),
  deletionWindowInDays: z.number().optional().describe('7–30, default 30'),
  enableKeyRotation: z.boolean().optional().describe('Must stay true (default)'),
  rotationPeriodInDays: z.number().int().min(90).max(2560).optional(),
});

const backend = z.union([
  z.strictObject({
    local: z.strictObject({ path: z.string().optional().describe('State file, relative to the stack directory; default ../../../terraform.<stack>.tfstate') }),
  }),
  z.strictObject({
    s3: z.strictObject({
      bucket: z.string().min(3).max(63),
      keyPrefix: z.string().optional().describe('State key is <keyPrefix>/<stack>.tfstate (default: cdktf-privatelink-secrets)'),
      region: z.string().regex(REGION_PATTERN).optional().describe('Bucket region (default: the environment region)'),
      useLockfile: z.boolean().optional().describe('S3 native locking (default true)'),
      encrypt: z.boolean().optional().describe('default true'),
      roleArn: iamArn.optional(),
    }),
  }),
]);

const environment = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,30}$/, { error: 'expected a lower-case name: a letter, then letters, digits or "-" (≤ 31 characters)' })
      .optional(),
    accountId: z.string().regex(ACCOUNT_ID_PATTERN, { error: 'expected a 12-digit AWS account id' }),
    region: z.string().regex(REGION_PATTERN, { error: 'expected an AWS region name such as "us-west-2"' }),
    deployRoleArn: iamArn.optional().describe('Role the AWS provider assumes; also exempt from the admin-VPC-only rule, since Terraform manages the policies'),
    breakGlassPrincipalArns: z
      .array(iamArn)
      .min(1, { error: 'expected at least one break-glass principal: without one, a broken admin VPC locks everyone out of secrets and keys' }),
    fips: z.boolean().optional().describe('Use the kms-fips endpoint service'),
    tags: tags.optional().describe('Provider default_tags'),
    backend: backend.optional().describe('Terraform backend (default: local, relative path)'),
    adminVpc: vpc,
    appVpc: vpc,
    secrets: z.array(secret).default([]),
    keys: z.array(key).default([]),
  })
  .superRefine((env, ctx) => {
    const partition = partitionOf(env.region ?? '').name;
    const arns: [string, (string | number)[]][] = [];
    if (env.deployRoleArn) arns.push([env.deployRoleArn, ['deployRoleArn']]);
    env.breakGlassPrincipalArns?.forEach((a, i) => arns.push([a, ['breakGlassPrincipalArns', i]]));
    for (const side of ['adminVpc', 'appVpc'] as const) {
      env[side]?.principalArns?.forEach((a, i) => arns.push([a, [side, 'principalArns', i]]));
      env[side]?.subnets?.forEach((s, i) => {
        if (REGION_PATTERN.test(env.region) && !new RegExp(`^${env.region}[a-z]$`).test(s.availabilityZone)) {
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
        if (REGION_PATTERN.test(env.region) && !new RegExp(`^${env.region}[a-z]$`).test(az)) {
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
      if (create && !/^(\d{1,3}\.){3}\d{1,3}\/(1[6-9]|2[0-4])$/.test(create.cidrBlock)) {
        ctx.addIssue({ code: 'custom', path: [side, 'create', 'cidrBlock'], message: 'expected an IPv4 CIDR from /16 to /24, such as "10.20.0.0/16"' });
      }
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
      if (found && REGION_PATTERN.test(env.region) && found !== partition) {
        ctx.addIssue({ code: 'custom', path, message: `expected an ARN in partition "${partition}" (region ${env.region}); write "arn:${partition}:…"` });
      }
      const account = /^arn:[a-z-]+:(?:iam|sts)::(\d{12}):/.exec(value)?.[1];
      if (account && env.accountId && account !== env.accountId && path[0] !== 'deployRoleArn') {
        ctx.addIssue({ code: 'custom', path, message: `expected a principal of account ${env.accountId} (same-account access model)` });
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
    (env.keys ?? []).forEach((k, i) => {
      if (k.enableKeyRotation === false)
        ctx.addIssue({ code: 'custom', path: ['keys', i, 'enableKeyRotation'], message: 'expected true: keys that protect secrets rotate their key material' });
      if (k.deletionWindowInDays !== undefined && !(Number.isInteger(k.deletionWindowInDays) && k.deletionWindowInDays >= 7 && k.deletionWindowInDays <= 30)) {
        ctx.addIssue({ code: 'custom', path: ['keys', i, 'deletionWindowInDays'], message: 'expected a whole number of days from 7 to 30' });
      }
    });
    const secretNames = (env.secrets ?? []).map((s) => s.name);
    (env.secrets ?? []).forEach((s, i) => {
      if (secretNames.indexOf(s.name) !== i) ctx.addIssue({ code: 'custom', path: ['secrets', i, 'name'], message: 'expected each secret name once' });
      if (keyAliases.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['secrets', i],
          message: 'expected a customer-managed key: add one under "keys" (secrets are never left on the AWS managed key)',
        });
      } else if (s.kmsKeyAlias !== undefined && !keyAliases.includes(s.kmsKeyAlias)) {
        ctx.addIssue({ code: 'custom', path: ['secrets', i, 'kmsKeyAlias'], message: `expected one of the config's key aliases (${keyAliases.join(', ')})` });
      }
      if (s.recoveryWindowInDays !== undefined && !(Number.isInteger(s.recoveryWindowInDays) && s.recoveryWindowInDays >= 7 && s.recoveryWindowInDays <= 30)) {
        ctx.addIssue({
          code: 'custom',
          path: ['secrets', i, 'recoveryWindowInDays'],
          message: 'expected a whole number of days from 7 to 30 (0, immediate deletion, is not allowed)',
        });
      }
      if (s.rotation?.automaticallyAfterDays !== undefined && s.rotation.scheduleExpression !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['secrets', i, 'rotation'], message: 'expected automaticallyAfterDays or scheduleExpression, not both' });
      }
    });
  });

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    environments: z.array(environment).min(1, { error: 'expected at least one environment' }),
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
  });

/** A validated config. */
export type StacksConfig = z.output<typeof configSchema>;
/** One validated environment. */
export type EnvironmentConfig = StacksConfig['environments'][number];
/** A validated VPC entry. */
export type VpcConfig = EnvironmentConfig['adminVpc'];
