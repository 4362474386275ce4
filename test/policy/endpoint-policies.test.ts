import { parseConfig, StacksConfig } from '../../stacks/config';
import { defaultConfig, exampleConfigJson } from '../helpers/configs';
import { EnvironmentPolicies, synthesizedPolicies } from '../helpers/policies';
import { describeRequest, explain, keyArn, keyTarget, Outcome, Request, secretArn, secretTarget, simulate } from './simulation';

/**
 * "Endpoint policies narrow further" (DESIGN.md §5): requests the secret or key policy alone would
 * allow, stopped by the endpoint policy. Each is one simulation with the endpoint policy in
 * `vpcEndpointPolicies`; the assertion reads the endpoint's own verdict (`endpointAnalysis`).
 */
const CONFIGS: [string, () => StacksConfig][] = [
  ['default', defaultConfig],
  ['multi-env', () => parseConfig(exampleConfigJson('multi-env.json'), 'multi-env.json')],
];

const environments: EnvironmentPolicies[] = CONFIGS.flatMap(([, load]) => synthesizedPolicies(load()));
const labelled = environments.map((env) => [env.label, env] as const);

async function expectEndpoint(request: Request, endpointResult: 'Allowed' | 'ImplicitlyDenied', final: Outcome['result'][]): Promise<void> {
  const outcome = await simulate(request);
  const report = `${describeRequest(request, outcome.context)}\n  actual: ${outcome.result}\n${explain(outcome)}`;
  expect({ endpoint: outcome.analysis?.endpointAnalysis?.result, final: final.includes(outcome.result), report }).toEqual({
    endpoint: endpointResult,
    final: true,
    report,
  });
  expect(outcome.ignoredContextKeys).toEqual([]);
  expect(outcome.missingContextKeys).toEqual([]);
}

describe('endpoint policies narrow the secret and key policies', () => {
  it.each(labelled.filter(([, env]) => env.env.appVpc.principalArns?.length))(
    'GIVEN environment %s WHEN an account principal not listed for the app VPC reads a secret through the app endpoint THEN the endpoint blocks it',
    async (_label, env) => {
      const request: Request = {
        env,
        principalArn: `arn:${env.partition}:iam::${env.env.accountId}:role/not-listed-for-the-app-vpc`,
        action: 'secretsmanager:GetSecretValue',
        target: secretTarget(env, env.secrets[0]),
        route: { kind: 'endpoint', endpoint: env.app.secretsmanager },
      };
      await expectEndpoint(request, 'ImplicitlyDenied', ['ImplicitlyDenied']);
    },
  );

  it.each(labelled)(
    'GIVEN environment %s WHEN the app reads a secret the config does not list through the app endpoint THEN the endpoint blocks it',
    async (_label, env) => {
      const request: Request = {
        env,
        principalArn: env.env.appVpc.principalArns?.[0] ?? `arn:${env.partition}:iam::${env.env.accountId}:role/policy-simulation-caller`,
        action: 'secretsmanager:GetSecretValue',
        target: { arn: secretArn(env, 'not-listed/other-secret') },
        route: { kind: 'endpoint', endpoint: env.app.secretsmanager },
      };
      await expectEndpoint(request, 'ImplicitlyDenied', ['ImplicitlyDenied']);
    },
  );

  it.each(labelled)(
    'GIVEN environment %s WHEN the app decrypts with a key of the account behind no listed alias THEN the app KMS endpoint blocks it',
    async (_label, env) => {
      const request: Request = {
        env,
        principalArn: env.env.appVpc.principalArns?.[0] ?? `arn:${env.partition}:iam::${env.env.accountId}:role/policy-simulation-caller`,
        action: 'kms:Decrypt',
        target: {
          ...keyTarget(env, env.keys[0]),
          arn: keyArn(env, 'a key the config does not list'),
          context: { 'kms:ResourceAliases': ['alias/not-listed'] },
        },
        route: { kind: 'endpoint', endpoint: env.app.kms },
      };
      await expectEndpoint(request, 'ImplicitlyDenied', ['ImplicitlyDenied']);
    },
  );

  it.each(labelled)(
    'GIVEN environment %s WHEN the app manages a listed secret or key through its endpoints THEN the endpoint and the resource policy both refuse',
    async (_label, env) => {
      const principalArn = env.env.appVpc.principalArns?.[0] ?? `arn:${env.partition}:iam::${env.env.accountId}:role/policy-simulation-caller`;
      for (const [action, target, endpoint] of [
        ['secretsmanager:PutSecretValue', secretTarget(env, env.secrets[0]), env.app.secretsmanager],
        ['kms:PutKeyPolicy', keyTarget(env, env.keys[0]), env.app.kms],
      ] as const) {
        const outcome = await simulate({ env, principalArn, action, target, route: { kind: 'endpoint', endpoint } });
        expect([action, outcome.analysis?.endpointAnalysis?.result, outcome.analysis?.resourceAnalysis?.result, outcome.result]).toEqual([
          action,
          'ImplicitlyDenied',
          'ExplicitlyDenied',
          'ExplicitlyDenied',
        ]);
      }
    },
  );

  it.each(labelled)('GIVEN environment %s WHEN a principal of another account uses the admin endpoints THEN the endpoint blocks it', async (_label, env) => {
    const other = env.env.accountId === '999988887777' ? '999988887776' : '999988887777';
    for (const [action, target, endpoint] of [
      ['secretsmanager:DescribeSecret', secretTarget(env, env.secrets[0]), env.admin.secretsmanager],
      ['kms:EnableKey', keyTarget(env, env.keys[0]), env.admin.kms],
    ] as const) {
      await expectEndpoint(
        { env, principalArn: `arn:${env.partition}:iam::${other}:role/secret-admin`, action, target, route: { kind: 'endpoint', endpoint } },
        'ImplicitlyDenied',
        ['ImplicitlyDenied', 'ExplicitlyDenied'],
      );
    }
  });

  it.each(labelled)(
    'GIVEN environment %s WHEN an account principal uses the admin endpoints THEN only the listed admin principals (or, with none listed, any) are admitted',
    async (_label, env) => {
      const request: Request = {
        env,
        principalArn: `arn:${env.partition}:iam::${env.env.accountId}:role/some-account-role`,
        action: 'secretsmanager:DescribeSecret',
        target: secretTarget(env, env.secrets[0]),
        route: { kind: 'endpoint', endpoint: env.admin.secretsmanager },
      };
      if (env.env.adminVpc.principalArns?.length) await expectEndpoint(request, 'ImplicitlyDenied', ['ImplicitlyDenied']);
      else await expectEndpoint(request, 'Allowed', ['Allowed']);
    },
  );
});
