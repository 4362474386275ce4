// @cloud-copilot/iam-simulate is AGPL: it is imported from test/ only, never from modules/ or stacks/.
import { createHash } from 'crypto';
import { RequestAnalysis, runSimulation, Simulation } from '@cloud-copilot/iam-simulate';
import { ViaService, viaServiceContext } from '../../tools/report/access-report';
import { EndpointPolicy, EnvironmentPolicies, IamPolicy, KeyPolicyOf, SecretPolicyOf } from './policies';

/**
 * Simulation of the generated policies over the access matrix of docs/design.md.
 *
 * Endpoint policies: iam-simulate evaluates VPC endpoint policies itself (`vpcEndpointPolicies`,
 * reported as `endpointAnalysis`, a non-allowing endpoint policy blocks the request with
 * `blockedBy: ['vpce']`). So a request that goes through an endpoint is ONE simulation with the
 * identity policy, the secret or key policy and the endpoint's policy together; no second
 * simulation is combined by hand.
 */

/** A column of the access matrix (docs/design.md), plus the deploy role, which is exempt from the admin-VPC rule like break-glass. */
export type Column = 'viaApp' | 'viaAdmin' | 'internet' | 'breakGlass' | 'deployRole';

export const COLUMN_LABELS: Readonly<Record<Column, string>> = {
  viaApp: 'via app',
  viaAdmin: 'via admin',
  internet: 'internet',
  breakGlass: 'break-glass, internet',
  deployRole: 'deploy role, internet',
};

/** An expected cell. A `Deny` must be an explicit deny (see {@link checkOutcome}). */
export type Expected = 'Allow' | 'Deny';

/** What a row's actions act on. */
export type RowTarget = 'secret' | 'all-secrets' | 'key';

/** A row of the access matrix. */
export interface MatrixRow {
  readonly id: string;
  /** The request as the access matrix of docs/design.md words it. */
  readonly label: string;
  readonly target: RowTarget;
  readonly actions: readonly string[];
  /**
   * Called by this service on the caller's behalf, from AWS's network: `aws:ViaAWSService` true, no
   * VPC keys, no endpoint policy; `kms:ViaService` (Secrets Manager, S3, EBS calling KMS) or
   * `aws:CalledVia` (CloudFormation's forward access session). @default - the caller calls itself
   */
  readonly via?: ViaService;
  /** The four columns of the access matrix; the deploy role expects what break-glass expects. */
  readonly expected: Readonly<Record<Exclude<Column, 'deployRole'>, Expected>>;
}

const allow4 = { viaApp: 'Allow', viaAdmin: 'Allow', internet: 'Allow', breakGlass: 'Allow' } as const;
const deny4 = { viaApp: 'Deny', viaAdmin: 'Deny', internet: 'Deny', breakGlass: 'Deny' } as const;
/** Management made for the caller by another service: from AWS's network, so only the exempt principals pass. */
const exemptOnly = { viaApp: 'Deny', viaAdmin: 'Deny', internet: 'Deny', breakGlass: 'Allow' } as const;

/** The access matrix of docs/design.md, one row per line of the table (the metadata line split by target), one action per family. */
export const ACCESS_MATRIX: readonly MatrixRow[] = [
  {
    id: 'secret-value',
    label: 'secretsmanager:GetSecretValue',
    target: 'secret',
    actions: ['secretsmanager:GetSecretValue'],
    expected: { viaApp: 'Allow', viaAdmin: 'Deny', internet: 'Deny', breakGlass: 'Deny' },
  },
  {
    id: 'secret-management',
    label: 'secret management (Put*/Update*/Delete*/Restore*/RotateSecret/PutResourcePolicy/Tag*)',
    target: 'secret',
    actions: [
      'secretsmanager:PutSecretValue',
      'secretsmanager:PutResourcePolicy',
      'secretsmanager:UpdateSecret',
      'secretsmanager:UpdateSecretVersionStage',
      'secretsmanager:DeleteSecret',
      'secretsmanager:DeleteResourcePolicy',
      'secretsmanager:RestoreSecret',
      'secretsmanager:RotateSecret',
      'secretsmanager:CancelRotateSecret',
      'secretsmanager:TagResource',
      'secretsmanager:UntagResource',
      'secretsmanager:ReplicateSecretToRegions',
      'secretsmanager:RemoveRegionsFromReplication',
      'secretsmanager:StopReplicationToReplica',
    ],
    expected: { viaApp: 'Deny', viaAdmin: 'Allow', internet: 'Deny', breakGlass: 'Allow' },
  },
  {
    id: 'secret-metadata',
    label: 'secretsmanager:DescribeSecret, List* (on a secret)',
    target: 'secret',
    actions: ['secretsmanager:DescribeSecret', 'secretsmanager:ListSecretVersionIds'],
    expected: allow4,
  },
  {
    id: 'secret-list',
    label: 'secretsmanager:List* (ListSecrets, no resource)',
    target: 'all-secrets',
    actions: ['secretsmanager:ListSecrets'],
    expected: allow4,
  },
  {
    id: 'key-usage',
    label: 'kms:Decrypt / Encrypt / GenerateDataKey*',
    target: 'key',
    actions: [
      'kms:Decrypt',
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'kms:GenerateDataKeyWithoutPlaintext',
      'kms:GenerateDataKeyPair',
      'kms:ReEncryptFrom',
      'kms:ReEncryptTo',
    ],
    expected: { viaApp: 'Allow', viaAdmin: 'Deny', internet: 'Deny', breakGlass: 'Deny' },
  },
  {
    id: 'key-usage-via-secrets-manager',
    label: "kms:Decrypt / Encrypt / GenerateDataKey called by Secrets Manager on the caller's behalf",
    target: 'key',
    actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
    via: 'secretsmanager',
    expected: allow4,
  },
  {
    id: 'key-usage-via-s3',
    label: "kms:Decrypt / Encrypt / GenerateDataKey called by S3 on the caller's behalf (kms:ViaService s3.<region>.<DNS suffix>)",
    target: 'key',
    actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
    via: 's3',
    expected: deny4,
  },
  {
    id: 'key-usage-via-ebs',
    label: "kms:Decrypt / GenerateDataKeyWithoutPlaintext / ReEncrypt called by EBS on the caller's behalf (kms:ViaService ec2.<region>.<DNS suffix>)",
    target: 'key',
    actions: ['kms:Decrypt', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
    via: 'ec2',
    expected: deny4,
  },
  {
    id: 'key-management',
    label: 'kms key management (PutKeyPolicy, Enable/Disable*, ScheduleKeyDeletion, …)',
    target: 'key',
    actions: [
      'kms:PutKeyPolicy',
      'kms:EnableKey',
      'kms:EnableKeyRotation',
      'kms:DisableKey',
      'kms:DisableKeyRotation',
      'kms:ScheduleKeyDeletion',
      'kms:CancelKeyDeletion',
      'kms:UpdateKeyDescription',
      'kms:UpdatePrimaryRegion',
      'kms:CreateGrant',
      'kms:RevokeGrant',
      'kms:RetireGrant',
      'kms:ImportKeyMaterial',
      'kms:DeleteImportedKeyMaterial',
      'kms:ReplicateKey',
      'kms:RotateKeyOnDemand',
      'kms:TagResource',
      'kms:UntagResource',
    ],
    expected: { viaApp: 'Deny', viaAdmin: 'Allow', internet: 'Deny', breakGlass: 'Allow' },
  },
  {
    id: 'key-management-via-cloudformation',
    label: "kms key management called by CloudFormation on the caller's behalf (forward access session, aws:CalledVia)",
    target: 'key',
    actions: ['kms:PutKeyPolicy', 'kms:DisableKey', 'kms:ScheduleKeyDeletion', 'kms:CreateGrant', 'kms:TagResource'],
    via: 'cloudformation',
    expected: exemptOnly,
  },
  {
    id: 'secret-management-via-cloudformation',
    label: "secret management called by CloudFormation on the caller's behalf (forward access session, aws:CalledVia)",
    target: 'secret',
    actions: [
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecret',
      'secretsmanager:DeleteSecret',
      'secretsmanager:PutResourcePolicy',
      'secretsmanager:TagResource',
    ],
    via: 'cloudformation',
    expected: exemptOnly,
  },
];

/** The expectation of a cell. */
export function expectedCell(row: MatrixRow, column: Column): Expected {
  return column === 'deployRole' ? row.expected.breakGlass : row.expected[column];
}

/**
 * A column of the rotation matrix: the execution role of a secret's rotation Lambda, calling from
 * where the Lambda could run. It runs in the admin VPC; the other two columns show what the role
 * cannot do elsewhere.
 */
export type RotationColumn = 'rotationViaApp' | 'rotationViaAdmin' | 'rotationInternet';

export const ROTATION_COLUMN_LABELS: Readonly<Record<RotationColumn, string>> = {
  rotationViaApp: 'rotation role, via app',
  rotationViaAdmin: 'rotation role, via admin',
  rotationInternet: 'rotation role, internet',
};

/** A row of the rotation matrix; `rotated-*` targets are the secret the role rotates and the key that encrypts it. */
export interface RotationRow {
  readonly id: string;
  readonly label: string;
  readonly target: 'rotated-secret' | 'all-secrets' | 'rotated-key';
  readonly actions: readonly string[];
  /** Called by this service for the Lambda (as in {@link MatrixRow.via}): every column takes that route. */
  readonly via?: ViaService;
  /** The cells of the row; a column left out is not simulated. */
  readonly expected: Readonly<Partial<Record<RotationColumn, Expected>>>;
}

/**
 * What a rotation Lambda calls (the four steps createSecret / setSecret / testSecret / finishSecret
 * of the AWS rotation templates), for its execution role on the secret it rotates. Only the admin
 * VPC gives it the value; writing the value and moving its stages is management, allowed from the
 * admin VPC only; metadata is readable from anywhere in the account (the metadata row of the access matrix).
 */
export const ROTATION_MATRIX: readonly RotationRow[] = [
  {
    id: 'rotation-secret-value',
    label: 'secretsmanager:GetSecretValue by the rotation role',
    target: 'rotated-secret',
    actions: ['secretsmanager:GetSecretValue'],
    expected: { rotationViaApp: 'Deny', rotationViaAdmin: 'Allow', rotationInternet: 'Deny' },
  },
  {
    id: 'rotation-secret-write',
    label: 'secretsmanager:PutSecretValue / UpdateSecretVersionStage by the rotation role',
    target: 'rotated-secret',
    actions: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
    expected: { rotationViaApp: 'Deny', rotationViaAdmin: 'Allow', rotationInternet: 'Deny' },
  },
  {
    id: 'rotation-secret-metadata',
    label: 'secretsmanager:DescribeSecret by the rotation role',
    target: 'rotated-secret',
    actions: ['secretsmanager:DescribeSecret'],
    expected: { rotationViaAdmin: 'Allow', rotationInternet: 'Allow' },
  },
  {
    id: 'rotation-random-password',
    label: 'secretsmanager:GetRandomPassword by the rotation role (no resource)',
    target: 'all-secrets',
    actions: ['secretsmanager:GetRandomPassword'],
    expected: { rotationViaAdmin: 'Allow', rotationInternet: 'Allow' },
  },
  {
    id: 'rotation-key-via-secrets-manager',
    label: 'kms:Decrypt / GenerateDataKey called by Secrets Manager for the rotation Lambda',
    target: 'rotated-key',
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    via: 'secretsmanager',
    expected: { rotationViaApp: 'Allow', rotationViaAdmin: 'Allow', rotationInternet: 'Allow' },
  },
  {
    id: 'rotation-key-direct',
    label: 'kms:Decrypt / GenerateDataKey called by the rotation role itself (not needed: the key policy gives it nothing)',
    target: 'rotated-key',
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    expected: { rotationViaAdmin: 'Deny', rotationInternet: 'Deny' },
  },
];

/** What a request acts on: an ARN, the resource policy that guards it (if any) and the context keys the resource brings. */
export interface Target {
  readonly arn: string;
  /** Account that owns the resource. @default - the environment's account */
  readonly accountId?: string;
  /** Where the resource policy comes from, for messages. */
  readonly policyName?: string;
  readonly policy?: IamPolicy;
  readonly context?: Readonly<Record<string, string | string[]>>;
}

function hex(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/** ARN of a secret as AWS forms it: the name, `-` and six random characters (stood in). */
export function secretArn(env: EnvironmentPolicies, name: string): string {
  const suffix = hex(`${env.label}/${name}`).slice(0, 6).replace(/^./, 'S');
  return `arn:${env.partition}:secretsmanager:${env.env.region}:${env.env.accountId}:secret:${name}-${suffix}`;
}

/** ARN of a key, with a stand-in key id (a UUID stable per key). */
export function keyArn(env: EnvironmentPolicies, seed: string): string {
  const h = hex(`${env.label}/${seed}`);
  const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return `arn:${env.partition}:kms:${env.env.region}:${env.env.accountId}:key/${uuid}`;
}

/** A generated secret, guarded by its generated policy. */
export function secretTarget(env: EnvironmentPolicies, secret: SecretPolicyOf): Target {
  return { arn: secretArn(env, secret.name), policyName: `${secret.stack} ${secret.address}`, policy: secret.policy };
}

/** A generated key, guarded by its generated key policy; KMS puts the key's aliases in `kms:ResourceAliases`. */
export function keyTarget(env: EnvironmentPolicies, key: KeyPolicyOf): Target {
  return {
    arn: keyArn(env, key.address),
    policyName: `${key.stack} ${key.address}`,
    policy: key.policy,
    context: { 'kms:ResourceAliases': [key.alias] },
  };
}

/** `*`: actions without a resource (ListSecrets); no secret policy is consulted for them. */
export const ALL_RESOURCES: Target = { arn: '*' };

/** How the request reaches the service. */
export type Route =
  | { readonly kind: 'endpoint'; readonly endpoint: EndpointPolicy }
  | { readonly kind: 'internet' }
  /** A request a service (Secrets Manager, S3, EBS, CloudFormation) makes for the caller: it does not go through the caller's endpoint. */
  | { readonly kind: 'viaService'; readonly service: ViaService };

/** One request to simulate. */
export interface Request {
  readonly env: EnvironmentPolicies;
  /** The IAM identity (`aws:PrincipalArn`): a role, user or root ARN. */
  readonly principalArn: string;
  readonly action: string;
  readonly target: Target;
  readonly route: Route;
  /** The caller's identity policy. @default CALLER_IDENTITY_POLICY (both services entirely, so the resource side decides) */
  readonly identityPolicy?: IamPolicy;
}

/** The identity policy of every caller: allows both services entirely, so the resource side decides. */
export const CALLER_IDENTITY_POLICY: IamPolicy = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'AllowSecretsManagerAndKms', Effect: 'Allow', Action: ['secretsmanager:*', 'kms:*'], Resource: '*' }],
};

const VPC_KEYS = ['aws:SourceVpc', 'aws:SourceVpce'];
/** Keys only a request made by a service for the caller carries. */
const SERVICE_KEYS = ['kms:ViaService', 'aws:CalledVia'];

/** The principal that signs the request: a role acts through an assumed-role session; users and root sign as themselves. */
export function signingPrincipal(principalArn: string): string {
  const role = /^arn:([a-z-]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(principalArn);
  return role ? `arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}/policy-simulation` : principalArn;
}

/** A concrete principal ARN matching a configured ARN that may hold `*` / `?` wildcards. */
export function concretePrincipal(configured: string): string {
  return configured.replace(/\*/g, 'policy-simulation').replace(/\?/g, 'x');
}

/** The simulation input of a request, and the context keys it leaves out on purpose. */
export function simulationOf(request: Request): { simulation: Simulation; absentByDesign: string[] } {
  const account = /^arn:[a-z-]+:(?:iam|sts)::(\d{12}):/.exec(request.principalArn)?.[1];
  if (!account) throw new Error(`not an IAM principal ARN: ${request.principalArn}`);
  const context: Record<string, string | string[]> = {
    'aws:PrincipalArn': request.principalArn,
    'aws:PrincipalAccount': account,
    ...request.target.context,
  };
  let vpcEndpointPolicies: Simulation['vpcEndpointPolicies'];
  let absentByDesign: string[] = [];
  const route = request.route;
  if (route.kind === 'endpoint') {
    context['aws:SourceVpce'] = route.endpoint.id;
    context['aws:SourceVpc'] = route.endpoint.vpcId;
    context['aws:ViaAWSService'] = 'false';
    vpcEndpointPolicies = [{ name: `${route.endpoint.stack} ${route.endpoint.address}`, policy: route.endpoint.policy }];
    absentByDesign = SERVICE_KEYS;
  } else if (route.kind === 'internet') {
    context['aws:ViaAWSService'] = 'false';
    absentByDesign = [...VPC_KEYS, ...SERVICE_KEYS];
  } else {
    const target = request.action.toLowerCase().startsWith('kms:') ? 'kms' : 'secretsmanager';
    Object.assign(context, viaServiceContext(route.service, target, request.env.env.region));
    absentByDesign = [...VPC_KEYS, ...SERVICE_KEYS.filter((k) => !(k in context))];
  }
  return {
    simulation: {
      request: {
        principal: signingPrincipal(request.principalArn),
        action: request.action,
        resource: { resource: request.target.arn, accountId: request.target.accountId ?? request.env.env.accountId },
        contextVariables: context,
      },
      identityPolicies: [{ name: 'caller-identity-policy', policy: request.identityPolicy ?? CALLER_IDENTITY_POLICY }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: request.target.policy,
      vpcEndpointPolicies,
    },
    absentByDesign,
  };
}

/** Condition keys a policy's statements read. */
export function conditionKeysOf(policy: IamPolicy): string[] {
  return policy.Statement.flatMap((s) => Object.values<Record<string, unknown>>(s.Condition ?? {}).flatMap((keys) => Object.keys(keys)));
}

/** The result of one simulated request. */
export interface Outcome {
  readonly request: Request;
  readonly result: 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied' | 'error';
  /** Context keys given but dropped by the simulator as not applying to the action / resource type. */
  readonly ignoredContextKeys: readonly string[];
  /** Condition keys the evaluated policies read that the request did not carry (beyond the keys absent by design). */
  readonly missingContextKeys: readonly string[];
  readonly analysis?: RequestAnalysis;
  /** The simulator's errors, when the input was rejected. */
  readonly errors?: unknown;
  readonly context: Readonly<Record<string, string | string[]>>;
}

/** Runs one request through iam-simulate (Strict mode: the context is taken as complete). */
export async function simulate(request: Request): Promise<Outcome> {
  const { simulation, absentByDesign } = simulationOf(request);
  const context = simulation.request.contextVariables;
  const response = await runSimulation(simulation, { simulationMode: 'Strict' });
  const evaluated = [
    request.identityPolicy ?? CALLER_IDENTITY_POLICY,
    request.target.policy,
    ...(simulation.vpcEndpointPolicies ?? []).map((p) => p.policy as IamPolicy),
  ];
  const provided = new Set([...Object.keys(context), ...absentByDesign].map((k) => k.toLowerCase()));
  const missingContextKeys = [...new Set(evaluated.flatMap((p) => (p ? conditionKeysOf(p) : [])))].filter((k) => !provided.has(k.toLowerCase()));
  if (response.resultType === 'error') {
    return { request, result: 'error', ignoredContextKeys: [], missingContextKeys, errors: response.errors, context };
  }
  const results = response.resultType === 'single' ? [response.result] : response.results;
  return {
    request,
    result: response.overallResult,
    ignoredContextKeys: [...new Set(results.flatMap((r) => r.ignoredContextKeys ?? []))],
    missingContextKeys,
    analysis: results[0]?.analysis,
    context,
  };
}

type StatementAnalysisOf = NonNullable<RequestAnalysis['resourceAnalysis']>['allowStatements'][number];

function describeStatement(s: StatementAnalysisOf): string {
  const e = s.explain;
  const conditions = (e.conditions ?? []).map((c) => {
    const values = [c.values].flat().map((v) => v.value);
    const actual = c.matchedBecauseMissing || c.failedBecauseMissing ? '(absent)' : (c.resolvedConditionKeyValue ?? '(absent)');
    return `${c.operator} ${c.conditionKeyValue} ${JSON.stringify(values)} on ${actual} → ${c.matches ? 'true' : 'false'}`;
  });
  const parts = [`action ${e.actionMatch ? '✓' : '✗'}`, `resource ${e.resourceMatch ? '✓' : '✗'}`, `principal ${e.principalMatch}`];
  return `${e.identifier} [${parts.join(', ')}${conditions.length ? `; ${conditions.join('; ')}` : ''}]`;
}

function describeAnalysis(
  label: string,
  analysis:
    { result: string; allowStatements: StatementAnalysisOf[]; denyStatements: StatementAnalysisOf[]; unmatchedStatements: StatementAnalysisOf[] } | undefined,
): string[] {
  if (!analysis) return [];
  const lines = [`    ${label}: ${analysis.result}`];
  for (const [kind, list] of [
    ['allow', analysis.allowStatements],
    ['deny', analysis.denyStatements],
    ['not applying', analysis.unmatchedStatements],
  ] as const) {
    for (const s of list) lines.push(`      ${kind}: ${describeStatement(s)}`);
  }
  return lines;
}

/** The library's explanation: per policy, which statements allowed, denied or did not apply, and why. */
export function explain(outcome: Outcome): string {
  if (outcome.result === 'error') return `    simulator rejected the input: ${JSON.stringify(outcome.errors)}`;
  const a = outcome.analysis!;
  const route = outcome.request.route;
  return [
    ...describeAnalysis('identity policy (caller-identity-policy)', a.identityAnalysis),
    ...describeAnalysis(`resource policy (${outcome.request.target.policyName ?? 'none'})`, a.resourceAnalysis),
    ...describeAnalysis(`endpoint policy (${route.kind === 'endpoint' ? `${route.endpoint.stack} ${route.endpoint.address}` : 'none'})`, a.endpointAnalysis),
    `    blocked by: ${a.blockedBy?.join(', ') || '-'}`,
  ].join('\n');
}

function describeRoute(route: Route): string {
  if (route.kind === 'endpoint') return `through ${route.endpoint.id} (${route.endpoint.stack} ${route.endpoint.address}) in ${route.endpoint.vpcId}`;
  if (route.kind === 'internet') return 'over the public endpoint (no VPC keys, no endpoint policy)';
  return `by ${route.service} on the caller’s behalf (no VPC keys, no endpoint policy)`;
}

/** The request in words, with its context. */
export function describeRequest(request: Request, context: Readonly<Record<string, unknown>>): string {
  return [
    `[${request.env.label}] ${request.action} on ${request.target.arn}`,
    `  by ${signingPrincipal(request.principalArn)} (aws:PrincipalArn ${request.principalArn}), ${describeRoute(request.route)}`,
    `  context: ${JSON.stringify(context)}`,
  ].join('\n');
}

/** One request of the matrix, with its cell. */
export interface MatrixCase {
  readonly row: MatrixRow;
  readonly column: Column;
  readonly expected: Expected;
  readonly request: Request;
}

/** One request of the rotation matrix, with its cell. */
export interface RotationCase {
  readonly row: RotationRow;
  readonly column: RotationColumn;
  readonly expected: Expected;
  readonly request: Request;
  /** The secret whose rotation role makes the request. */
  readonly rotatedSecret: string;
}

/** The callers of a VPC side: its configured principals, else any principal of the account (stood in). */
function callers(env: EnvironmentPolicies, configured: readonly string[] | undefined): string[] {
  return configured?.length ? configured.map(concretePrincipal) : [`arn:${env.partition}:iam::${env.env.accountId}:role/policy-simulation-caller`];
}

/** The principals of each column of an environment (no deploy-role column without a deploy role). */
export function columnPrincipals(env: EnvironmentPolicies): Partial<Record<Column, string[]>> {
  const app = callers(env, env.env.appVpc.principalArns);
  const admin = callers(env, env.env.adminVpc.principalArns);
  return {
    viaApp: app,
    viaAdmin: admin,
    internet: [...new Set([...app, ...admin])],
    breakGlass: env.env.breakGlassPrincipalArns.map(concretePrincipal),
    ...(env.env.deployRoleArn ? { deployRole: [env.env.deployRoleArn] } : {}),
  };
}

/**
 * Every request of the access matrix for an environment: each row's actions × each secret or key ×
 * each column × each principal of that column.
 */
export function matrixCases(env: EnvironmentPolicies, rows: readonly MatrixRow[] = ACCESS_MATRIX): MatrixCase[] {
  const cases: MatrixCase[] = [];
  const principals = columnPrincipals(env);
  for (const row of rows) {
    const targets: Target[] =
      row.target === 'secret' ? env.secrets.map((s) => secretTarget(env, s)) : row.target === 'key' ? env.keys.map((k) => keyTarget(env, k)) : [ALL_RESOURCES];
    const service = row.target === 'key' ? 'kms' : 'secretsmanager';
    for (const [column, arns] of Object.entries(principals) as [Column, string[]][]) {
      const route: Route = row.via
        ? { kind: 'viaService', service: row.via }
        : column === 'viaApp'
          ? { kind: 'endpoint', endpoint: env.app[service] }
          : column === 'viaAdmin'
            ? { kind: 'endpoint', endpoint: env.admin[service] }
            : { kind: 'internet' };
      for (const principalArn of arns) {
        for (const target of targets) {
          for (const action of row.actions) {
            cases.push({ row, column, expected: expectedCell(row, column), request: { env, principalArn, action, target, route } });
          }
        }
      }
    }
  }
  return cases;
}

/**
 * The failure text of a case, or undefined when it holds. `Allow` must be `Allowed`; `Deny` must be
 * `ExplicitlyDenied`: every Deny of the access matrix comes from an explicit Deny statement of the secret or key
 * policy, so it holds even if an endpoint policy is widened or left at the AWS default. Every case
 * must also leave no context key ignored and none missing.
 */
export function checkOutcome(c: MatrixCase | RotationCase, outcome: Outcome): string | undefined {
  const wanted = c.expected === 'Allow' ? 'Allowed' : 'ExplicitlyDenied';
  if (outcome.result === wanted && outcome.ignoredContextKeys.length === 0 && outcome.missingContextKeys.length === 0) return undefined;
  return [
    describeRequest(c.request, outcome.context),
    `  cell: ${c.row.label} × ${columnLabel(c.column)}`,
    `  expected: ${c.expected} (${wanted})   actual: ${outcome.result}`,
    `  ignored context keys: ${JSON.stringify(outcome.ignoredContextKeys)}   missing context keys: ${JSON.stringify(outcome.missingContextKeys)}`,
    '  explanation:',
    explain(outcome),
  ].join('\n');
}

function columnLabel(column: Column | RotationColumn): string {
  return column in ROTATION_COLUMN_LABELS ? ROTATION_COLUMN_LABELS[column as RotationColumn] : COLUMN_LABELS[column as Column];
}

/** Simulates every case (in order). */
export function runCases(cases: readonly (MatrixCase | RotationCase)[]): Promise<Outcome[]> {
  return Promise.all(cases.map((c) => simulate(c.request)));
}

/** `row|column` of every cell where at least one case fails. */
export function failingCells(cases: readonly (MatrixCase | RotationCase)[], outcomes: readonly Outcome[]): string[] {
  return [...new Set(cases.filter((c, i) => checkOutcome(c, outcomes[i]) !== undefined).map((c) => `${c.row.id}|${c.column}`))].sort();
}

/** The rotation role of every secret of an environment that has rotation: `[secret name, role ARN]`. */
export function rotationRoles(env: EnvironmentPolicies): [string, string][] {
  return env.env.secrets.flatMap((s): [string, string][] => (s.rotation ? [[s.name, s.rotation.roleArn]] : []));
}

/**
 * Every request of the rotation matrix for an environment: for each secret with rotation, its
 * rotation role × each row's actions × each column the row lists, on that secret (or its key).
 */
export function rotationCases(env: EnvironmentPolicies, rows: readonly RotationRow[] = ROTATION_MATRIX): RotationCase[] {
  const cases: RotationCase[] = [];
  for (const [name, principalArn] of rotationRoles(env)) {
    const secret = env.secrets.find((s) => s.name === name);
    if (!secret) throw new Error(`[${env.label}] no synthesized policy for the rotated secret ${name}`);
    const key = env.keys.find((k) => k.alias === secret.kmsKeyAlias);
    if (!key) throw new Error(`[${env.label}] no synthesized key ${secret.kmsKeyAlias} for the rotated secret ${name}`);
    for (const row of rows) {
      const target = row.target === 'rotated-secret' ? secretTarget(env, secret) : row.target === 'rotated-key' ? keyTarget(env, key) : ALL_RESOURCES;
      const service = row.target === 'rotated-key' ? 'kms' : 'secretsmanager';
      for (const [column, expected] of Object.entries(row.expected) as [RotationColumn, Expected][]) {
        const route: Route = row.via
          ? { kind: 'viaService', service: row.via }
          : column === 'rotationViaApp'
            ? { kind: 'endpoint', endpoint: env.app[service] }
            : column === 'rotationViaAdmin'
              ? { kind: 'endpoint', endpoint: env.admin[service] }
              : { kind: 'internet' };
        for (const action of row.actions) {
          cases.push({ row, column, expected, rotatedSecret: name, request: { env, principalArn, action, target, route } });
        }
      }
    }
  }
  return cases;
}

/** A copy of an environment's policies with `change` applied to each policy (return the policy unchanged to keep it). */
export function mapPolicies(
  env: EnvironmentPolicies,
  change: (policy: IamPolicy, kind: 'key' | 'secret' | 'app-endpoint' | 'admin-endpoint', service?: 'secretsmanager' | 'kms') => IamPolicy,
): EnvironmentPolicies {
  const copy = (p: IamPolicy) => JSON.parse(JSON.stringify(p)) as IamPolicy;
  const side = (s: EnvironmentPolicies['app'], kind: 'app-endpoint' | 'admin-endpoint') => ({
    ...s,
    secretsmanager: { ...s.secretsmanager, policy: change(copy(s.secretsmanager.policy), kind, 'secretsmanager') },
    kms: { ...s.kms, policy: change(copy(s.kms.policy), kind, 'kms') },
  });
  return {
    ...env,
    app: side(env.app, 'app-endpoint'),
    admin: side(env.admin, 'admin-endpoint'),
    keys: env.keys.map((k) => ({ ...k, policy: change(copy(k.policy), 'key') })),
    secrets: env.secrets.map((s) => ({ ...s, policy: change(copy(s.policy), 'secret') })),
  };
}

/** The policy with one condition key removed from every statement that has it under `operator` (throws when none has it). */
export function withoutConditionKey(policy: IamPolicy, operator: string, key: string): IamPolicy {
  let removed = 0;
  const statements = policy.Statement.map((s) => {
    if (!s.Condition?.[operator]?.[key]) return s;
    removed++;
    const condition = JSON.parse(JSON.stringify(s.Condition)) as Record<string, Record<string, unknown>>;
    delete condition[operator][key];
    if (Object.keys(condition[operator]).length === 0) delete condition[operator];
    return { ...s, Condition: condition };
  });
  if (removed === 0) throw new Error(`no ${operator} ${key} condition in ${JSON.stringify(policy)}`);
  return { ...policy, Statement: statements };
}
