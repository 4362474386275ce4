import { parseConfig, StacksConfig } from '../../../stacks/config';
import { defaultConfig, exampleConfigJson } from '../../helpers/configs';
import { EnvironmentPolicies, IamPolicy, synthesizedPolicies } from '../../helpers/policies';
import { describeRequest, explain, keyTarget, Request, secretTarget, simulate, Target } from '../../helpers/simulation';

/**
 * No generated key or secret policy may lock out every principal (docs/design.md, access model): a break-glass
 * principal (and the deploy role, when there is one) can still manage every key and secret from
 * the internet, and every key policy keeps the account-root delegation that lets IAM policies apply.
 */
const CONFIGS: [string, () => StacksConfig][] = [
  ['default', defaultConfig],
  ['multi-env', () => parseConfig(exampleConfigJson('multi-env.json'), 'multi-env.json')],
];
const environments: EnvironmentPolicies[] = CONFIGS.flatMap(([, load]) => synthesizedPolicies(load()));
const labelled = environments.map((env) => [env.label, env] as const);

const KEY_LIFELINE = ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:EnableKey', 'kms:DisableKey'];
const SECRET_LIFELINE = [
  'secretsmanager:PutResourcePolicy',
  'secretsmanager:DeleteResourcePolicy',
  'secretsmanager:DeleteSecret',
  'secretsmanager:RestoreSecret',
  'secretsmanager:UpdateSecret',
];

/** The failures among `actions` by the exempt principals of `env` from the internet on `target`. */
async function lockedOut(env: EnvironmentPolicies, target: Target, actions: readonly string[]): Promise<string[]> {
  const exempt = [...env.env.breakGlassPrincipalArns, ...(env.env.deployRoleArn ? [env.env.deployRoleArn] : [])];
  const failures: string[] = [];
  for (const principalArn of exempt) {
    for (const action of actions) {
      const request: Request = { env, principalArn, action, target, route: { kind: 'internet' } };
      const o = await simulate(request);
      if (o.result !== 'Allowed' || o.ignoredContextKeys.length || o.missingContextKeys.length) {
        failures.push(
          `${describeRequest(request, o.context)}\n  expected Allowed, actual ${o.result}; ignored ${JSON.stringify(o.ignoredContextKeys)}, missing ${JSON.stringify(o.missingContextKeys)}\n${explain(o)}`,
        );
      }
    }
  }
  return failures;
}

function isRootDelegation(statement: Record<string, any>, env: EnvironmentPolicies): boolean {
  return (
    statement.Effect === 'Allow' &&
    JSON.stringify(statement.Principal) === JSON.stringify({ AWS: `arn:${env.partition}:iam::${env.env.accountId}:root` }) &&
    [statement.Action].flat().includes('kms:*') &&
    statement.Resource === '*' &&
    statement.Condition === undefined
  );
}

describe('no generated policy locks everyone out', () => {
  it.each(labelled)('GIVEN environment %s THEN every key policy keeps the unconditional account-root delegation statement', (_label, env) => {
    expect(env.keys.length).toBeGreaterThan(0);
    for (const key of env.keys) expect(key.policy.Statement.filter((s) => isRootDelegation(s, env)).map((s) => s.Sid)).toEqual(['EnableIamPolicies']);
  });

  it.each(labelled)('GIVEN environment %s THEN no key or secret policy has an unconditional Deny', (_label, env) => {
    const all: IamPolicy[] = [...env.keys, ...env.secrets].map((p) => p.policy);
    expect(all.flatMap((p) => p.Statement.filter((s) => s.Effect === 'Deny' && !s.Condition).map((s) => s.Sid))).toEqual([]);
  });

  it.each(labelled)(
    'GIVEN environment %s WHEN break-glass (and the deploy role) act from the internet THEN they can still replace the policy of, disable and delete every key',
    async (_label, env) => {
      const failures = (await Promise.all(env.keys.map((k) => lockedOut(env, keyTarget(env, k), KEY_LIFELINE)))).flat();
      expect(failures.join('\n\n') || 'none locked out').toBe('none locked out');
    },
  );

  it.each(labelled)(
    'GIVEN environment %s WHEN break-glass (and the deploy role) act from the internet THEN they can still replace the policy of, update and delete every secret',
    async (_label, env) => {
      const failures = (await Promise.all(env.secrets.map((s) => lockedOut(env, secretTarget(env, s), SECRET_LIFELINE)))).flat();
      expect(failures.join('\n\n') || 'none locked out').toBe('none locked out');
    },
  );

  it('GIVEN a key policy without the root delegation (negative control) WHEN break-glass calls PutKeyPolicy THEN KMS refuses: the check above can fail', async () => {
    const env = environments[0];
    const key = env.keys[0];
    const orphaned = { ...key, policy: { ...key.policy, Statement: key.policy.Statement.filter((s) => s.Sid !== 'EnableIamPolicies') } };
    const failures = await lockedOut(env, keyTarget(env, orphaned), ['kms:PutKeyPolicy']);
    expect(failures).toHaveLength(env.env.breakGlassPrincipalArns.length);
    expect(failures[0]).toContain('actual ImplicitlyDenied');
  });

  it('GIVEN a secret policy whose management Deny exempts nobody (negative control) WHEN break-glass deletes the secret THEN it is denied: the check above can fail', async () => {
    const env = environments[0];
    const secret = env.secrets[0];
    const strict = {
      ...secret,
      policy: {
        ...secret.policy,
        Statement: secret.policy.Statement.map((s) =>
          s.Sid === 'DenyManagementOutsideAdminVpc' ? { ...s, Condition: { StringNotEquals: s.Condition.StringNotEquals } } : s,
        ),
      },
    };
    const failures = await lockedOut(env, secretTarget(env, strict), ['secretsmanager:DeleteSecret']);
    expect(failures).toHaveLength(env.env.breakGlassPrincipalArns.length);
    expect(failures[0]).toContain('actual ExplicitlyDenied');
  });
});
