import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { evaluatePolicy } from '../../../modules/iam/policy-evaluator';
import { PolicyDocument } from '../../../modules/iam/policy-document';
import { PolicyJson } from '../../../modules/guardrails/rules/policy-rule';
import { PolicyStatement } from '../../../modules/iam/policy-statement';
import { ProtectedSecret } from '../../../modules/secretsmanager/protected-secret';
import { parseConfig } from '../../../stacks/config';
import { TfJson } from '../../helpers/assertions';
import { exampleConfigJson } from '../../helpers/configs';
import { EnvironmentPolicies, IamPolicy, synthesizeConfig, synthesizedPolicies } from '../../helpers/policies';
import {
  columnPrincipals,
  describeRequest,
  explain,
  keyArn,
  keyTarget,
  Outcome,
  Request,
  Route,
  secretArn,
  secretTarget,
  simulate,
  Target,
} from '../../helpers/simulation';

/**
 * The grants of ProtectedSecret (issue 14 item 4), proved by IAM simulation against the generated
 * secret, key and endpoint policies: a role whose identity policy is exactly `grantRead()` reads its
 * secret through the app endpoint, and nothing else: not from elsewhere, not another secret (not even
 * one encrypted with the same key: the key statement is bound to the secret by the encryption
 * context), not management, not the key directly. A role with `grantManage()` manages its secret from
 * the admin VPC and never reads the value. The roles and their policies are added to the admin stack
 * before synth, so the statements are the ones Terraform gets, and the stack's guardrails pass them.
 *
 * Environment `staging` of stacks/config/multi-env.json: two secrets encrypted with one key.
 */
const config = parseConfig(exampleConfigJson('multi-env.json'), 'multi-env.json');
const staging = { ...config, environments: config.environments.filter((e) => e.name === 'staging') };

let readerStatements: PolicyStatement[] = [];
let managerStatements: PolicyStatement[] = [];
const synthesized = synthesizeConfig(staging, ([{ admin }]) => {
  const secret: ProtectedSecret = admin.secrets[0];
  readerStatements = secret.grantRead();
  managerStatements = secret.grantManage();
  const trust = new PolicyDocument({
    kind: 'trust',
    statements: [new PolicyStatement({ sid: 'Ec2Assumes', principal: { Service: ['ec2.amazonaws.com'] }, actions: ['sts:AssumeRole'] })],
  });
  for (const [id, statements] of [
    ['reader', readerStatements],
    ['manager', managerStatements],
  ] as const) {
    const role = new IamRole(admin, `${id}-role`, { name: `staging-secret-${id}`, assumeRolePolicy: trust.terraformJson() });
    new IamRolePolicy(admin, `${id}-policy`, { role: role.name, policy: new PolicyDocument({ kind: 'identity', statements }).lazyJson() });
  }
});
const [env]: EnvironmentPolicies[] = synthesizedPolicies(staging, synthesized);
const adminJson: TfJson = synthesized.stacks[synthesized.environments[0].admin];

/** The role policy as synthesized, with the secret and key references replaced by the stand-in ARNs the simulation gives them. */
function rolePolicy(id: string): IamPolicy {
  const body = Object.entries<TfJson>(adminJson.resource.aws_iam_role_policy).find(([name]) => name.startsWith(`${id}-policy`))?.[1];
  if (!body) throw new Error(`no aws_iam_role_policy ${id}-policy in ${Object.keys(adminJson.resource.aws_iam_role_policy)}`);
  const text = String(body.policy)
    .replace(/\$\{aws_secretsmanager_secret\.([A-Za-z0-9_-]+)\.arn\}/g, (_, name: string) =>
      secretArn(env, String(adminJson.resource.aws_secretsmanager_secret[name].name)),
    )
    .replace(/\$\{aws_kms_key\.([A-Za-z0-9_-]+)\.arn\}/g, (_, name: string) => keyArn(env, `aws_kms_key.${name}`));
  if (text.includes('${')) throw new Error(`unresolved reference left in ${text}`);
  return JSON.parse(text) as IamPolicy;
}

const [granted, other] = env.secrets;
const key = env.keys.find((k) => k.alias === granted.kmsKeyAlias)!;
const readerPolicy = rolePolicy('reader');
const managerPolicy = rolePolicy('manager');
const appCaller = columnPrincipals(env).viaApp![0];
const adminCaller = columnPrincipals(env).viaAdmin![0];

/** The key as Secrets Manager asks for it while serving `secret`: the encryption context names the secret. */
function keyFor(secret: typeof granted): Target {
  const target = keyTarget(env, key);
  return { ...target, context: { ...target.context, 'kms:EncryptionContext:SecretARN': secretArn(env, secret.name) } };
}

const app = (service: 'secretsmanager' | 'kms'): Route => ({ kind: 'endpoint', endpoint: env.app[service] });
const admin = (service: 'secretsmanager' | 'kms'): Route => ({ kind: 'endpoint', endpoint: env.admin[service] });
const internet: Route = { kind: 'internet' };
const viaSecretsManager: Route = { kind: 'viaService', service: 'secretsmanager' };
const viaS3: Route = { kind: 'viaService', service: 's3' };

type Result = Outcome['result'];
type Case = [label: string, request: Omit<Request, 'env'>, expected: Result];

function reader(action: string, target: Target, route: Route): Omit<Request, 'env'> {
  return { principalArn: appCaller, identityPolicy: readerPolicy, action, target, route };
}
function manager(action: string, target: Target, route: Route): Omit<Request, 'env'> {
  return { principalArn: adminCaller, identityPolicy: managerPolicy, action, target, route };
}

const CASES: Case[] = [
  ['reader: GetSecretValue through the app endpoint', reader('secretsmanager:GetSecretValue', secretTarget(env, granted), app('secretsmanager')), 'Allowed'],
  ['reader: DescribeSecret through the app endpoint', reader('secretsmanager:DescribeSecret', secretTarget(env, granted), app('secretsmanager')), 'Allowed'],
  ['reader: kms:Decrypt by Secrets Manager for the granted secret', reader('kms:Decrypt', keyFor(granted), viaSecretsManager), 'Allowed'],
  [
    'reader: GetSecretValue through the admin endpoint',
    reader('secretsmanager:GetSecretValue', secretTarget(env, granted), admin('secretsmanager')),
    'ExplicitlyDenied',
  ],
  ['reader: GetSecretValue over the internet', reader('secretsmanager:GetSecretValue', secretTarget(env, granted), internet), 'ExplicitlyDenied'],
  [
    'reader: GetSecretValue of another secret through the app endpoint',
    reader('secretsmanager:GetSecretValue', secretTarget(env, other), app('secretsmanager')),
    'ImplicitlyDenied',
  ],
  ['reader: kms:Decrypt by Secrets Manager for another secret under the same key', reader('kms:Decrypt', keyFor(other), viaSecretsManager), 'ImplicitlyDenied'],
  ['reader: kms:Decrypt directly through the app KMS endpoint', reader('kms:Decrypt', keyFor(granted), app('kms')), 'ImplicitlyDenied'],
  ['reader: kms:Decrypt by S3 for the caller', reader('kms:Decrypt', keyFor(granted), viaS3), 'ExplicitlyDenied'],
  [
    'reader: PutSecretValue through the admin endpoint',
    reader('secretsmanager:PutSecretValue', secretTarget(env, granted), admin('secretsmanager')),
    'ImplicitlyDenied',
  ],
  [
    'reader: DeleteSecret through the admin endpoint',
    reader('secretsmanager:DeleteSecret', secretTarget(env, granted), admin('secretsmanager')),
    'ImplicitlyDenied',
  ],
  [
    'reader: PutResourcePolicy through the admin endpoint',
    reader('secretsmanager:PutResourcePolicy', secretTarget(env, granted), admin('secretsmanager')),
    'ImplicitlyDenied',
  ],
  [
    'manager: PutSecretValue through the admin endpoint',
    manager('secretsmanager:PutSecretValue', secretTarget(env, granted), admin('secretsmanager')),
    'Allowed',
  ],
  ['manager: UpdateSecret through the admin endpoint', manager('secretsmanager:UpdateSecret', secretTarget(env, granted), admin('secretsmanager')), 'Allowed'],
  ['manager: TagResource through the admin endpoint', manager('secretsmanager:TagResource', secretTarget(env, granted), admin('secretsmanager')), 'Allowed'],
  ['manager: kms:GenerateDataKey by Secrets Manager for the granted secret', manager('kms:GenerateDataKey', keyFor(granted), viaSecretsManager), 'Allowed'],
  ['manager: PutSecretValue over the internet', manager('secretsmanager:PutSecretValue', secretTarget(env, granted), internet), 'ExplicitlyDenied'],
  [
    'manager: PutSecretValue through the app endpoint',
    manager('secretsmanager:PutSecretValue', secretTarget(env, granted), app('secretsmanager')),
    'ExplicitlyDenied',
  ],
  [
    'manager: GetSecretValue through the admin endpoint',
    manager('secretsmanager:GetSecretValue', secretTarget(env, granted), admin('secretsmanager')),
    'ExplicitlyDenied',
  ],
  [
    'manager: GetSecretValue through the app endpoint',
    manager('secretsmanager:GetSecretValue', secretTarget(env, granted), app('secretsmanager')),
    'ImplicitlyDenied',
  ],
  [
    'manager: PutSecretValue on another secret through the admin endpoint',
    manager('secretsmanager:PutSecretValue', secretTarget(env, other), admin('secretsmanager')),
    'ImplicitlyDenied',
  ],
  ['manager: kms:GenerateDataKey by Secrets Manager for another secret', manager('kms:GenerateDataKey', keyFor(other), viaSecretsManager), 'ImplicitlyDenied'],
  ['manager: kms:ScheduleKeyDeletion through the admin KMS endpoint', manager('kms:ScheduleKeyDeletion', keyFor(granted), admin('kms')), 'ImplicitlyDenied'],
];

/**
 * iam-simulate does not evaluate `kms:EncryptionContext:<key>`: it matches variable condition keys
 * only in the `prefix/name` form (`aws:RequestTag/x`), so it drops `kms:EncryptionContext:SecretARN`
 * as a key that does not apply to the action (an ignored context key). So a KMS request is proved
 * in two parts: iam-simulate evaluates every policy (identity, key, endpoint) with the encryption
 * context condition taken out of the identity policy, and the module's own evaluator
 * (modules/iam/policy-evaluator.ts) evaluates the identity policy as generated, encryption context
 * included. The key policy allows the account only (IAM delegation), so the request is allowed when
 * both allow, implicitly denied when only the identity part does not, and explicitly denied whatever
 * the identity part says when the simulated policies deny it.
 */
const ENCRYPTION_CONTEXT_KEY = 'kms:EncryptionContext:SecretARN';

function withoutEncryptionContext(policy: IamPolicy): IamPolicy {
  return {
    ...policy,
    Statement: policy.Statement.map((s) => {
      if (!s.Condition?.StringEquals?.[ENCRYPTION_CONTEXT_KEY]) return s;
      const rest = Object.fromEntries(Object.entries(s.Condition.StringEquals as Record<string, unknown>).filter(([k]) => k !== ENCRYPTION_CONTEXT_KEY));
      return { ...s, Condition: { ...s.Condition, StringEquals: rest } };
    }),
  };
}

interface Checked {
  readonly result: Result;
  readonly ignored: readonly string[];
  readonly missing: readonly string[];
  readonly detail: string;
}

async function check(request: Omit<Request, 'env'>): Promise<Checked> {
  const kms = request.action.startsWith('kms:');
  const outcome = await simulate({ env, ...request, identityPolicy: kms ? withoutEncryptionContext(request.identityPolicy!) : request.identityPolicy });
  // The encryption context is only in the context of a request Secrets Manager makes to KMS; no other request carries it.
  const carriesContext = ENCRYPTION_CONTEXT_KEY in (request.target.context ?? {});
  const missing = outcome.missingContextKeys.filter((k) => !(k.toLowerCase() === ENCRYPTION_CONTEXT_KEY.toLowerCase() && !carriesContext));
  const ignored = outcome.ignoredContextKeys.filter((k) => k !== ENCRYPTION_CONTEXT_KEY);
  let result: Result = outcome.result;
  let identity = '';
  if (kms && result === 'Allowed') {
    const verdict = evaluatePolicy(request.identityPolicy as PolicyJson, {
      principalArn: request.principalArn,
      principalAccount: env.env.accountId,
      action: request.action,
      resource: request.target.arn,
      context: outcome.context,
    });
    identity = `    identity policy as generated (module evaluator, encryption context included): allows ${JSON.stringify(verdict.allows)}, denies ${JSON.stringify(verdict.denies)}`;
    if (verdict.denies.length) result = 'ExplicitlyDenied';
    else if (!verdict.allows.length) result = 'ImplicitlyDenied';
  }
  return { result, ignored, missing, detail: `${describeRequest(outcome.request, outcome.context)}\n${explain(outcome)}\n${identity}` };
}

describe('grants of ProtectedSecret, simulated against the generated policies (multi-env.json, staging)', () => {
  let checked: Checked[] = [];
  beforeAll(async () => {
    checked = await Promise.all(CASES.map(([, request]) => check(request)));
  });

  it('GIVEN the environment THEN the two secrets share one key (so the encryption context is what tells them apart), and no grant names *', () => {
    expect(granted.kmsKeyAlias).toBe(other.kmsKeyAlias);
    expect(readerPolicy.Statement).toHaveLength(2);
    for (const policy of [readerPolicy, managerPolicy]) expect(policy.Statement.flatMap((s) => [s.Resource].flat())).not.toContain('*');
  });

  it('GIVEN a KMS request by Secrets Manager THEN iam-simulate drops the encryption context (why the identity part is evaluated apart)', async () => {
    const outcome = await simulate({ env, ...reader('kms:Decrypt', keyFor(granted), viaSecretsManager) });
    expect(outcome.ignoredContextKeys).toEqual([ENCRYPTION_CONTEXT_KEY]);
  });

  it.each(CASES.map(([label, , expected], i) => [label, expected, i] as const))('GIVEN %s THEN %s', (_label, expected, i) => {
    const c = checked[i];
    expect({ result: c.result, ignored: c.ignored, missing: c.missing, detail: c.result === expected ? '' : c.detail }).toEqual({
      result: expected,
      ignored: [],
      missing: [],
      detail: '',
    });
  });
});
