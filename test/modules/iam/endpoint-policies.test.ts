import { accountOnlyEndpointPolicy } from '../../../modules/iam/access-policies';
import { parseConfig, StacksConfig } from '../../../stacks/config';
import { defaultConfig, exampleConfigJson } from '../../helpers/configs';
import { EnvironmentPolicies, synthesizedPolicies } from '../../helpers/policies';
import {
  ALL_RESOURCES,
  columnPrincipals,
  describeRequest,
  explain,
  keyArn,
  keyTarget,
  Outcome,
  Request,
  secretArn,
  secretTarget,
  simulate,
  Target,
} from '../../helpers/simulation';

/**
 * "Endpoint policies narrow further" (docs/design.md, access model): requests the secret or key policy alone would
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

/** An account that is not the environment's. */
function otherAccount(env: EnvironmentPolicies): string {
  return env.env.accountId === '999988887777' ? '999988887776' : '999988887777';
}

/**
 * A secret or key of another account whose resource policy allows `principalArn` everything: the
 * data perimeter of our endpoints has to stop the request on its own. A key keeps the alias of one
 * the app endpoint lists, so the alias condition alone would admit it.
 */
function foreignTarget(env: EnvironmentPolicies, service: 'secretsmanager' | 'kms', principalArn: string): Target {
  const account = otherAccount(env);
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'AllowTheCallerEverything', Effect: 'Allow', Principal: { AWS: principalArn }, Action: `${service}:*`, Resource: '*' }],
  };
  if (service === 'secretsmanager') {
    return {
      arn: secretArn(env, env.secrets[0].name).replace(`:${env.env.accountId}:`, `:${account}:`),
      accountId: account,
      policyName: `secret policy of account ${account}`,
      policy,
    };
  }
  return {
    arn: keyArn(env, 'foreign').replace(`:${env.env.accountId}:`, `:${account}:`),
    accountId: account,
    policyName: `key policy of account ${account}`,
    policy,
    context: { 'kms:ResourceAliases': [env.keys[0].alias] },
  };
}

const PERIMETER: readonly ['app' | 'admin', 'secretsmanager' | 'kms', readonly string[]][] = [
  ['app', 'secretsmanager', ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']],
  ['app', 'kms', ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey']],
  [
    'admin',
    'secretsmanager',
    ['secretsmanager:PutSecretValue', 'secretsmanager:GetSecretValue', 'secretsmanager:PutResourcePolicy', 'secretsmanager:DeleteSecret'],
  ],
  ['admin', 'kms', ['kms:Encrypt', 'kms:Decrypt', 'kms:PutKeyPolicy', 'kms:CreateGrant']],
];

describe('data perimeter: every endpoint admits only the account’s own resources', () => {
  const cases = labelled.flatMap(([label, env]) => PERIMETER.map(([side, service, actions]) => [label, side, service, actions, env] as const));

  it.each(cases)(
    'GIVEN environment %s WHEN a listed %s principal calls %s actions %j on another account’s resource that allows it THEN the endpoint blocks it (and from the internet the same call is allowed)',
    async (_label, side, service, actions, env) => {
      const principalArn = columnPrincipals(env)[side === 'app' ? 'viaApp' : 'viaAdmin']![0];
      const target = foreignTarget(env, service, principalArn);
      for (const action of actions) {
        await expectEndpoint({ env, principalArn, action, target, route: { kind: 'endpoint', endpoint: env[side][service] } }, 'ImplicitlyDenied', [
          'ImplicitlyDenied',
        ]);
        // Control: the other account's policy does allow it, so only the endpoint's perimeter stops it.
        const direct = await simulate({ env, principalArn, action, target, route: { kind: 'internet' } });
        expect([action, direct.result]).toEqual([action, 'Allowed']);
      }
    },
  );

  it.each(labelled)(
    'GIVEN environment %s WHEN a listed admin principal calls actions that name no resource, or creates a secret, through the admin endpoints THEN they are admitted',
    async (_label, env) => {
      const principalArn = columnPrincipals(env).viaAdmin![0];
      const newSecret: Target = { arn: secretArn(env, 'new/secret-created-here') };
      for (const [action, target, endpoint] of [
        ['secretsmanager:ListSecrets', ALL_RESOURCES, env.admin.secretsmanager],
        ['secretsmanager:GetRandomPassword', ALL_RESOURCES, env.admin.secretsmanager],
        ['secretsmanager:CreateSecret', newSecret, env.admin.secretsmanager],
        ['kms:CreateKey', ALL_RESOURCES, env.admin.kms],
        ['kms:ListKeys', ALL_RESOURCES, env.admin.kms],
        ['kms:ListAliases', ALL_RESOURCES, env.admin.kms],
        ['kms:GenerateRandom', ALL_RESOURCES, env.admin.kms],
      ] as const) {
        const outcome = await simulate({ env, principalArn, action, target, route: { kind: 'endpoint', endpoint } });
        expect([action, outcome.analysis?.endpointAnalysis?.result, outcome.result]).toEqual([action, 'Allowed', 'Allowed']);
      }
    },
  );

  it.each(labelled)(
    'GIVEN environment %s WHEN a listed admin principal calls BatchGetSecretValue through the admin endpoint THEN it is not admitted (it reads values; GetSecretValue decides per secret)',
    async (_label, env) => {
      const principalArn = columnPrincipals(env).viaAdmin![0];
      await expectEndpoint(
        {
          env,
          principalArn,
          action: 'secretsmanager:BatchGetSecretValue',
          target: ALL_RESOURCES,
          route: { kind: 'endpoint', endpoint: env.admin.secretsmanager },
        },
        'ImplicitlyDenied',
        ['ImplicitlyDenied'],
      );
    },
  );
});

describe('accountOnlyEndpointPolicy', () => {
  const scope = { partition: 'aws-cn', region: 'cn-north-1', accountId: '111122223333', principalArns: ['arn:aws-cn:iam::111122223333:role/admin'] };

  it('GIVEN the KMS prefix THEN every action is scoped to the account’s keys and aliases of the region, and only calls without a resource go to "*"', () => {
    const [resources, withoutResource] = accountOnlyEndpointPolicy('kms', scope).toJSON().Statement as Record<string, any>[];
    expect(resources).toEqual(
      expect.objectContaining({
        Sid: 'AllowAccountResources',
        Action: 'kms:*',
        Resource: ['arn:aws-cn:kms:cn-north-1:111122223333:alias/*', 'arn:aws-cn:kms:cn-north-1:111122223333:key/*'],
        Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws-cn:iam::111122223333:role/admin' }, StringEquals: { 'aws:PrincipalAccount': '111122223333' } },
      }),
    );
    expect(withoutResource.Sid).toBe('AllowCallsWithoutResource');
    expect(withoutResource.Resource).toBe('*');
    expect(withoutResource.Action).toEqual(expect.arrayContaining(['kms:CreateKey', 'kms:ListAliases', 'kms:ListKeys']));
    expect(withoutResource.Action.filter((a: string) => /\*|Decrypt|Encrypt|PutKeyPolicy/.test(a))).toEqual([]);
  });

  it('GIVEN the Secrets Manager prefix THEN secrets of the account, and ListSecrets / GetRandomPassword on "*" (not BatchGetSecretValue)', () => {
    const [resources, withoutResource] = accountOnlyEndpointPolicy('secretsmanager', scope).toJSON().Statement as Record<string, any>[];
    expect(resources.Resource).toBe('arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:*');
    expect(withoutResource.Action).toEqual(['secretsmanager:GetRandomPassword', 'secretsmanager:ListSecrets']);
  });

  it('GIVEN a service whose resources the perimeter does not know THEN it is refused, naming the prefix', () => {
    expect(() => accountOnlyEndpointPolicy('s3', scope)).toThrow('[PLS_ENDPOINT_PERIMETER] iamPrefix: found "s3"; expected "secretsmanager" or "kms"');
  });
});
