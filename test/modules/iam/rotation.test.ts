import { parseConfig, StacksConfig } from '../../../stacks/config';
import { defaultConfig, exampleConfigJson } from '../../helpers/configs';
import { EnvironmentPolicies, IamPolicy, synthesizedPolicies } from '../../helpers/policies';
import {
  checkOutcome,
  describeRequest,
  explain,
  failingCells,
  keyTarget,
  mapPolicies,
  matrixCases,
  Outcome,
  Request,
  ROTATION_COLUMN_LABELS,
  ROTATION_MATRIX,
  RotationCase,
  rotationCases,
  rotationRoles,
  Route,
  runCases,
  secretTarget,
  simulate,
  Target,
  withoutConditionKey,
} from '../../helpers/simulation';

/**
 * Secret rotation under the admin/app model, by IAM simulation: the rotation Lambda runs in the
 * admin VPC, and its execution role (`secrets[i].rotation.roleArn`) may read the value of the
 * secret it rotates only from there, write it and move its stages from there, and nothing more
 * than any other admin principal on every other secret. stacks/config/multi-env.json rotates
 * staging/db-password (admin endpoints open to the account) and prod/db-password (admin endpoints
 * restricted to listed principals); default.json has no rotation.
 */

const multiEnvJson = () => exampleConfigJson('multi-env.json');
const multiEnv = (): StacksConfig => parseConfig(multiEnvJson(), 'multi-env.json');
const environments: EnvironmentPolicies[] = synthesizedPolicies(multiEnv());
const rotating = environments.filter((env) => rotationRoles(env).length > 0);
const prod = environments.find((e) => e.label === 'prod')!;

async function failingRotationCells(env: EnvironmentPolicies): Promise<string[]> {
  const cases = rotationCases(env);
  return failingCells(cases, await runCases(cases));
}

const cells = (rows: string[], columns: string[]) => rows.flatMap((r) => columns.map((c) => `${r}|${c}`)).sort();

function withoutStatement(policy: IamPolicy, sid: string): IamPolicy {
  if (!policy.Statement.some((s) => s.Sid === sid)) return policy;
  return { ...policy, Statement: policy.Statement.filter((s) => s.Sid !== sid) };
}

/** The policy with one operator removed from the statement `sid` (when the statement has it). */
function withoutOperator(policy: IamPolicy, sid: string, operator: string): IamPolicy {
  return {
    ...policy,
    Statement: policy.Statement.map((s) => {
      if (s.Sid !== sid || !s.Condition?.[operator]) return s;
      const condition = { ...s.Condition };
      delete condition[operator];
      return { ...s, Condition: condition };
    }),
  };
}

describe('rotation matrix (multi-env config)', () => {
  const cases: RotationCase[] = rotating.flatMap((env) => rotationCases(env));
  let outcomes: Outcome[] = [];

  beforeAll(async () => {
    outcomes = await runCases(cases);
  });

  it('GIVEN multi-env.json THEN staging and prod each rotate one secret, with a role of the account', () => {
    expect(rotating.map((env) => [env.label, rotationRoles(env)])).toEqual([
      ['staging', [['staging/db-password', 'arn:aws:iam::111122223333:role/service-role/staging-db-rotation']]],
      ['prod', [['prod/db-password', 'arn:aws:iam::444455556666:role/prod-db-rotation']]],
    ]);
  });

  const cellList = rotating.flatMap((env) =>
    ROTATION_MATRIX.flatMap((row) =>
      Object.entries(row.expected).map(
        ([column, expected]) =>
          [env.label, row.label, ROTATION_COLUMN_LABELS[column as keyof typeof ROTATION_COLUMN_LABELS], expected, env, row.id, column] as const,
      ),
    ),
  );

  it.each(cellList)('GIVEN environment %s WHEN %s is requested %s THEN %s', (_env, _row, _col, _expected, env, rowId, column) => {
    const inCell = cases.map((c, i) => [c, outcomes[i]] as const).filter(([c]) => c.request.env === env && c.row.id === rowId && c.column === column);
    expect(inCell.length).toBeGreaterThan(0);
    const failures = inCell.map(([c, o]) => checkOutcome(c, o)).filter((f): f is string => f !== undefined);
    expect(failures.length ? `${failures.length} of ${inCell.length} requests differ:\n\n${failures.join('\n\n')}` : 'all hold').toBe('all hold');
  });

  it('GIVEN the rotation matrix WHEN simulated THEN no request was rejected by the simulator and none ignored or missed a context key', () => {
    expect(outcomes).toHaveLength(cases.length);
    expect(outcomes.filter((o) => o.result === 'error').map((o) => `${o.request.action}: ${JSON.stringify(o.errors)}`)).toEqual([]);
    expect([...new Set(outcomes.flatMap((o) => o.ignoredContextKeys))]).toEqual([]);
    expect([...new Set(outcomes.flatMap((o) => o.missingContextKeys))]).toEqual([]);
  });

  it('GIVEN the rotation role reading the value through the admin endpoint THEN the secret policy is the only one with a say and neither of its value Denies applies', async () => {
    const [name, role] = rotationRoles(prod)[0];
    const request: Request = {
      env: prod,
      principalArn: role,
      action: 'secretsmanager:GetSecretValue',
      target: secretTarget(
        prod,
        prod.secrets.find((s) => s.name === name)!,
      ),
      route: { kind: 'endpoint', endpoint: prod.admin.secretsmanager },
    };
    const outcome = await simulate(request);
    const report = `${describeRequest(request, outcome.context)}\n${explain(outcome)}`;
    expect({ result: outcome.result, endpoint: outcome.analysis?.endpointAnalysis?.result, report }).toEqual({
      result: 'Allowed',
      endpoint: 'Allowed',
      report,
    });
    const notApplying = outcome.analysis!.resourceAnalysis!.unmatchedStatements.map((s) => s.explain.identifier);
    expect(notApplying).toEqual(expect.arrayContaining(['DenySecretValueOutsideAppEndpoint', 'DenyRotationValueAccessOutsideAdminVpc']));
  });
});

describe('the rotation role of one secret gains nothing elsewhere', () => {
  const ACTIONS = [
    'secretsmanager:GetSecretValue',
    'secretsmanager:PutSecretValue',
    'secretsmanager:UpdateSecretVersionStage',
    'secretsmanager:DescribeSecret',
    'secretsmanager:PutResourcePolicy',
    'secretsmanager:DeleteSecret',
  ];
  const KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:PutKeyPolicy'];

  /** Every route of an environment for a service. */
  function routes(env: EnvironmentPolicies, service: 'secretsmanager' | 'kms'): [string, Route][] {
    return [
      ['via app', { kind: 'endpoint', endpoint: env.app[service] }],
      ['via admin', { kind: 'endpoint', endpoint: env.admin[service] }],
      ['internet', { kind: 'internet' }],
    ];
  }

  /** A principal the admin endpoints admit like the rotation role: a listed admin principal, or (none listed) any account principal. */
  function adminPrincipal(env: EnvironmentPolicies): string {
    return env.env.adminVpc.principalArns?.[0] ?? `arn:${env.partition}:iam::${env.env.accountId}:role/policy-simulation-caller`;
  }

  /** `action route → result` for a principal on targets. */
  async function results(
    env: EnvironmentPolicies,
    principalArn: string,
    targets: [Target, 'secretsmanager' | 'kms', string[]][],
  ): Promise<Map<string, string>> {
    const requests = targets.flatMap(([target, service, actions]) =>
      routes(env, service).flatMap(([label, route]) =>
        actions.map((action) => [`${action} on ${target.arn} ${label}`, { env, principalArn, action, target, route } as Request] as const),
      ),
    );
    const outcomes = await Promise.all(requests.map(([, r]) => simulate(r)));
    for (const o of outcomes) expect([o.result, o.ignoredContextKeys, o.missingContextKeys]).toEqual([expect.not.stringMatching(/^error$/), [], []]);
    return new Map(requests.map(([label], i) => [label, outcomes[i].result]));
  }

  it.each(rotating.map((env) => [env.label, env] as const))(
    'GIVEN environment %s WHEN the rotation role acts on every other secret and on every key THEN it is never allowed what an ordinary admin principal is not, and on the other secrets it is one',
    async (_label, env) => {
      for (const [name, role] of rotationRoles(env)) {
        const others = env.secrets.filter((s) => s.name !== name);
        expect(others.length).toBeGreaterThan(0);
        const secrets = others.map((s): [Target, 'secretsmanager', string[]] => [secretTarget(env, s), 'secretsmanager', ACTIONS]);
        const keys = env.keys.map((k): [Target, 'kms', string[]] => [keyTarget(env, k), 'kms', KEY_ACTIONS]);
        const onSecrets = await results(env, role, secrets);
        expect(Object.fromEntries(onSecrets)).toEqual(Object.fromEntries(await results(env, adminPrincipal(env), secrets)));
        // On keys it has less where the admin KMS endpoint lists principals: only the Secrets Manager endpoint admits rotation roles.
        const onKeys = await results(env, role, keys);
        const ordinaryOnKeys = await results(env, adminPrincipal(env), keys);
        expect([...onKeys].filter(([label, r]) => r === 'Allowed' && ordinaryOnKeys.get(label) !== 'Allowed')).toEqual([]);
      }
    },
  );

  it.each(rotating.map((env) => [env.label, env] as const))(
    'GIVEN environment %s WHEN the rotation role acts on the secret it rotates THEN the only thing it may do beyond an ordinary admin principal is read the value from the admin VPC',
    async (_label, env) => {
      for (const [name, role] of rotationRoles(env)) {
        const targets: [Target, 'secretsmanager', string[]][] = [
          [
            secretTarget(
              env,
              env.secrets.find((s) => s.name === name)!,
            ),
            'secretsmanager',
            ACTIONS,
          ],
        ];
        const rotation = await results(env, role, targets);
        const ordinary = await results(env, adminPrincipal(env), targets);
        const gained = [...rotation].filter(([label, r]) => r === 'Allowed' && ordinary.get(label) !== 'Allowed').map(([label]) => label);
        expect(gained).toEqual([`secretsmanager:GetSecretValue on ${targets[0][0].arn} via admin`]);
        expect([...rotation].filter(([label, r]) => r !== 'Allowed' && ordinary.get(label) === 'Allowed')).toEqual([]);
      }
    },
  );

  it('GIVEN multi-env.json with and without its rotation entries WHEN the access matrix is simulated THEN every request of every other principal has the same result', async () => {
    const raw = multiEnvJson();
    for (const env of raw.environments) for (const s of env.secrets) delete s.rotation;
    const without = synthesizedPolicies(parseConfig(raw, 'multi-env.json (no rotation)'));
    const resultsOf = async (envs: EnvironmentPolicies[]) => {
      const cases = envs.flatMap((env) => matrixCases(env));
      const outcomes = await runCases(cases);
      return Object.fromEntries(
        cases.map((c, i) => [`${c.request.env.label} ${c.request.action} ${c.request.principalArn} ${c.request.target.arn} ${c.column}`, outcomes[i].result]),
      );
    };
    const withRotation = await resultsOf(environments);
    expect(Object.keys(withRotation).length).toBeGreaterThan(1000);
    expect(withRotation).toEqual(await resultsOf(without));
  });
});

describe('default config: no rotation, no rotation statements', () => {
  const [env] = synthesizedPolicies(defaultConfig());

  it('GIVEN default.json THEN it has no rotation, so no rotation case and the secret policies keep the plain value Deny', () => {
    expect(rotationRoles(env)).toEqual([]);
    expect(rotationCases(env)).toEqual([]);
    for (const secret of env.secrets) {
      expect(secret.policy.Statement.map((s) => s.Sid)).toEqual([
        'AllowReadMetadataFromAccount',
        'DenySecretValueOutsideAppEndpoint',
        'DenyManagementOutsideAdminVpc',
      ]);
      expect(Object.keys(secret.policy.Statement[1].Condition)).toEqual(['StringNotEquals']);
    }
  });
});

describe('negative controls of the rotation matrix (multi-env config)', () => {
  it('GIVEN the policies as synthesized WHEN the rotation matrix is simulated THEN no cell differs (the baseline of every control)', async () => {
    for (const env of rotating) expect(await failingRotationCells(env)).toEqual([]);
  });

  it('GIVEN the secret policy without DenyRotationValueAccessOutsideAdminVpc THEN the rotation role reads the value from the internet', async () => {
    for (const env of rotating) {
      const broken = mapPolicies(env, (p, kind) => (kind === 'secret' ? withoutStatement(p, 'DenyRotationValueAccessOutsideAdminVpc') : p));
      // via app: the app endpoint still refuses the role, but only implicitly, which the matrix does not accept as its Deny.
      expect(await failingRotationCells(broken)).toEqual(cells(['rotation-secret-value'], ['rotationInternet', 'rotationViaApp']));
      const [name, role] = rotationRoles(broken)[0];
      const outcome = await simulate({
        env: broken,
        principalArn: role,
        action: 'secretsmanager:GetSecretValue',
        target: secretTarget(
          broken,
          broken.secrets.find((s) => s.name === name)!,
        ),
        route: { kind: 'internet' },
      });
      expect(outcome.result).toBe('Allowed');
    }
  });

  it('GIVEN DenySecretValueOutsideAppEndpoint without the rotation-role exemption THEN the rotation Lambda can no longer read the value from the admin VPC', async () => {
    for (const env of rotating) {
      const broken = mapPolicies(env, (p, kind) => (kind === 'secret' ? withoutOperator(p, 'DenySecretValueOutsideAppEndpoint', 'ArnNotEquals') : p));
      expect(await failingRotationCells(broken)).toEqual(cells(['rotation-secret-value'], ['rotationViaAdmin']));
    }
  });

  it('GIVEN the prod admin Secrets Manager endpoint policy without the rotation role THEN the endpoint blocks every call the Lambda makes from the admin VPC', async () => {
    const role = rotationRoles(prod)[0][1];
    const broken = mapPolicies(prod, (p, kind, service) =>
      kind === 'admin-endpoint' && service === 'secretsmanager' ? (JSON.parse(JSON.stringify(p).split(`"${role}",`).join('')) as IamPolicy) : p,
    );
    expect(JSON.stringify(broken.admin.secretsmanager.policy)).not.toContain(role);
    expect(await failingRotationCells(broken)).toEqual(
      cells(['rotation-random-password', 'rotation-secret-metadata', 'rotation-secret-value', 'rotation-secret-write'], ['rotationViaAdmin']),
    );
  });

  it('GIVEN the key policy without the Secrets Manager kms:ViaService exemption THEN Secrets Manager can no longer do the crypto for the rotation Lambda', async () => {
    const broken = mapPolicies(prod, (p, kind) => (kind === 'key' ? withoutConditionKey(p, 'StringNotEquals', 'kms:ViaService') : p));
    expect(await failingRotationCells(broken)).toEqual(cells(['rotation-key-via-secrets-manager'], ['rotationInternet', 'rotationViaAdmin', 'rotationViaApp']));
  });
});
