import { parseConfig } from '../../../stacks/config';
import { defaultConfig, exampleConfigJson } from '../../helpers/configs';
import { EnvironmentPolicies, IamPolicy, synthesizedPolicies } from '../../helpers/policies';
import {
  ACCESS_MATRIX,
  checkOutcome,
  failingCells,
  mapPolicies,
  matrixCases,
  runCases,
  secretTarget,
  simulate,
  withoutConditionKey,
} from '../../helpers/simulation';

/**
 * Negative controls: the simulation tests must be able to fail. Each control breaks one generated
 * policy the way a careless edit would, re-runs the whole access matrix, and asserts exactly which
 * cells then differ from the access matrix of docs/design.md (`row|column`).
 */

function withoutStatement(policy: IamPolicy, sid: string): IamPolicy {
  if (!policy.Statement.some((s) => s.Sid === sid)) throw new Error(`no statement ${sid} in ${JSON.stringify(policy)}`);
  return { ...policy, Statement: policy.Statement.filter((s) => s.Sid !== sid) };
}

function replaced(policy: IamPolicy, from: string, to: string): IamPolicy {
  const text = JSON.stringify(policy);
  if (!text.includes(from)) throw new Error(`${from} not in ${text}`);
  return JSON.parse(text.split(from).join(to)) as IamPolicy;
}

async function failingCellsOf(env: EnvironmentPolicies): Promise<string[]> {
  const cases = matrixCases(env);
  return failingCells(cases, await runCases(cases));
}

const cells = (rows: string[], columns: string[]) => rows.flatMap((r) => columns.map((c) => `${r}|${c}`)).sort();
const ALL_COLUMNS = ['viaApp', 'viaAdmin', 'internet', 'breakGlass'];

describe('negative controls of the access-matrix simulation (default config)', () => {
  const [env] = synthesizedPolicies(defaultConfig());

  it('GIVEN the policies as synthesized WHEN the matrix is simulated THEN no cell differs (the baseline of every control)', async () => {
    expect(await failingCellsOf(env)).toEqual([]);
  });

  it('GIVEN the secret policy without its DenySecretValueOutsideAppEndpoint statement THEN GetSecretValue is no longer denied outside the app endpoint', async () => {
    const broken = mapPolicies(env, (p, kind) => (kind === 'secret' ? withoutStatement(p, 'DenySecretValueOutsideAppEndpoint') : p));
    expect(await failingCellsOf(broken)).toEqual(cells(['secret-value'], ['viaAdmin', 'internet', 'breakGlass']));
  });

  it('GIVEN the key policy naming the admin KMS endpoint instead of the app one THEN key usage flips between the app and admin columns', async () => {
    const broken = mapPolicies(env, (p, kind) => (kind === 'key' ? replaced(p, env.app.kms.id, env.admin.kms.id) : p));
    expect(await failingCellsOf(broken)).toEqual(cells(['key-usage'], ['viaApp', 'viaAdmin']));
  });

  it('GIVEN the secret policy naming the app KMS endpoint instead of the Secrets Manager one THEN the app can no longer read the value', async () => {
    const broken = mapPolicies(env, (p, kind) => (kind === 'secret' ? replaced(p, env.app.secretsmanager.id, env.app.kms.id) : p));
    expect(await failingCellsOf(broken)).toEqual(cells(['secret-value'], ['viaApp']));
  });

  it('GIVEN the key policy without the Secrets Manager kms:ViaService exemption THEN Secrets Manager can no longer use the key for any caller', async () => {
    const broken = mapPolicies(env, (p, kind) => (kind === 'key' ? withoutConditionKey(p, 'StringNotEquals', 'kms:ViaService') : p));
    expect(await failingCellsOf(broken)).toEqual(cells(['key-usage-via-secrets-manager'], ALL_COLUMNS));
  });

  it('GIVEN the key usage Deny with the broad exemption it had before (Bool aws:ViaAWSService false) THEN S3 and EBS use the key for any caller from anywhere', async () => {
    const broken = mapPolicies(env, (p, kind) =>
      kind === 'key'
        ? {
            ...withoutConditionKey(p, 'StringNotEquals', 'kms:ViaService'),
            Statement: withoutConditionKey(p, 'StringNotEquals', 'kms:ViaService').Statement.map((s) =>
              s.Sid === 'DenyKeyUsageOutsideAppEndpoint' ? { ...s, Condition: { ...s.Condition, Bool: { 'aws:ViaAWSService': 'false' } } } : s,
            ),
          }
        : p,
    );
    expect(await failingCellsOf(broken)).toEqual(cells(['key-usage-via-ebs', 'key-usage-via-s3'], ALL_COLUMNS));
  });

  it('GIVEN the key administration Deny exempting AWS services (Bool aws:ViaAWSService false, as before) THEN CloudFormation manages the key for any caller from anywhere', async () => {
    const broken = mapPolicies(env, (p, kind) =>
      kind === 'key'
        ? {
            ...p,
            Statement: p.Statement.map((s) =>
              s.Sid === 'DenyKeyAdministrationOutsideAdminVpc' ? { ...s, Condition: { ...s.Condition, Bool: { 'aws:ViaAWSService': 'false' } } } : s,
            ),
          }
        : p,
    );
    expect(await failingCellsOf(broken)).toEqual(cells(['key-management-via-cloudformation'], ['internet', 'viaAdmin', 'viaApp']));
  });

  it('GIVEN the secret management Deny exempting calls made through CloudFormation (aws:CalledVia) THEN CloudFormation manages the secret for any caller from anywhere', async () => {
    const broken = mapPolicies(env, (p, kind) =>
      kind === 'secret'
        ? {
            ...p,
            Statement: p.Statement.map((s) =>
              s.Sid === 'DenyManagementOutsideAdminVpc'
                ? { ...s, Condition: { ...s.Condition, 'ForAllValues:StringNotEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' } } }
                : s,
            ),
          }
        : p,
    );
    expect(await failingCellsOf(broken)).toEqual(cells(['secret-management-via-cloudformation'], ['internet', 'viaAdmin', 'viaApp']));
  });

  it('GIVEN the policies without the break-glass exemption THEN break-glass can no longer manage secrets and keys, directly or through CloudFormation', async () => {
    const broken = mapPolicies(env, (p, kind) => (kind === 'key' || kind === 'secret' ? withoutConditionKey(p, 'ArnNotEquals', 'aws:PrincipalArn') : p));
    expect(await failingCellsOf(broken)).toEqual(
      cells(['key-management', 'key-management-via-cloudformation', 'secret-management', 'secret-management-via-cloudformation'], ['breakGlass']),
    );
  });

  it('GIVEN the policies naming the app VPC where the admin VPC belongs THEN the admin VPC loses management and the app VPC is refused it only by its endpoint', async () => {
    const broken = mapPolicies(env, (p, kind) => (kind === 'key' || kind === 'secret' ? replaced(p, env.admin.vpcId, env.app.vpcId) : p));
    // via app: only the app endpoint policy still stops management (an implicit deny), which the access matrix does not accept as its Deny.
    expect(await failingCellsOf(broken)).toEqual(cells(['key-management', 'secret-management'], ['viaApp', 'viaAdmin']));
  });

  it('GIVEN the app Secrets Manager endpoint policy without AllowListedSecrets THEN the endpoint policy is evaluated and blocks the app', async () => {
    const broken = mapPolicies(env, (p, kind, service) =>
      kind === 'app-endpoint' && service === 'secretsmanager' ? withoutStatement(p, 'AllowListedSecrets') : p,
    );
    expect(await failingCellsOf(broken)).toEqual(cells(['secret-metadata', 'secret-value'], ['viaApp']));
  });

  it('GIVEN the app KMS endpoint policy listing another alias THEN direct key usage through the app endpoint is blocked', async () => {
    const broken = mapPolicies(env, (p, kind, service) =>
      kind === 'app-endpoint' && service === 'kms' ? replaced(p, '"alias/app-data"', '"alias/other"') : p,
    );
    expect(await failingCellsOf(broken)).toEqual(cells(['key-usage'], ['viaApp']));
  });

  it('GIVEN a secret policy reading a condition key no request carries THEN every secret cell reports it missing', async () => {
    const broken = mapPolicies(env, (p, kind) =>
      kind === 'secret'
        ? {
            ...p,
            Statement: p.Statement.map((s) =>
              s.Sid === 'AllowReadMetadataFromAccount' ? { ...s, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } } : s,
            ),
          }
        : p,
    );
    const cases = matrixCases(broken);
    const outcomes = await runCases(cases);
    expect(failingCells(cases, outcomes)).toEqual(
      cells(['secret-management', 'secret-management-via-cloudformation', 'secret-metadata', 'secret-value'], ALL_COLUMNS),
    );
    expect([...new Set(outcomes.flatMap((o) => o.missingContextKeys))]).toEqual(['aws:SourceIp']);
  });

  it('GIVEN a request carrying a context key that does not apply to its action THEN the simulator reports it ignored and the case fails', async () => {
    const secret = env.secrets[0];
    const target = { ...secretTarget(env, secret), context: { 'kms:ResourceAliases': ['alias/app-data'] } };
    const request = {
      env,
      principalArn: env.env.appVpc.principalArns![0],
      action: 'secretsmanager:GetSecretValue',
      target,
      route: { kind: 'endpoint' as const, endpoint: env.app.secretsmanager },
    };
    const outcome = await simulate(request);
    expect(outcome.result).toBe('Allowed');
    expect(outcome.ignoredContextKeys).toEqual(['kms:ResourceAliases']);
    const failure = checkOutcome({ row: ACCESS_MATRIX.find((r) => r.id === 'secret-value')!, column: 'viaApp', expected: 'Allow', request }, outcome);
    expect(failure).toContain('ignored context keys: ["kms:ResourceAliases"]');
  });
});

describe('negative controls of the deploy-role exemption (multi-env config, prod)', () => {
  const prod = synthesizedPolicies(parseConfig(exampleConfigJson('multi-env.json'), 'multi-env.json')).find((e) => e.label === 'prod')!;

  it('GIVEN the prod policies without the deploy role in the exemption THEN only the deploy role loses management', async () => {
    const deployRole = prod.env.deployRoleArn!;
    const broken = mapPolicies(prod, (p, kind) =>
      kind === 'key' || kind === 'secret' ? replaced(p, `"${deployRole}"`, `"${prod.env.breakGlassPrincipalArns[0]}"`) : p,
    );
    expect(await failingCellsOf(broken)).toEqual(
      cells(['key-management', 'key-management-via-cloudformation', 'secret-management', 'secret-management-via-cloudformation'], ['deployRole']),
    );
  });
});
