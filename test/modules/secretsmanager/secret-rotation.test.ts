import { Testing } from 'cdktf';
import { secretPolicy } from '../../../modules/iam/access-policies';
import { CustomerManagedKey } from '../../../modules/kms/customer-managed-key';
import { GuardrailError } from '../../../modules/core/errors';
import { validatePolicyDocument } from '../../../modules/iam/policy-validation';
import { ProtectedSecret } from '../../../modules/secretsmanager/protected-secret';
import { buildStacks } from '../../../stacks/build-app';
import { parseConfig } from '../../../stacks/config';
import { onlyResource, policyOf, resourcesOf, synthJson, testStack, TfJson } from '../../helpers/assertions';
import { defaultConfigJson } from '../../helpers/configs';
import { SAMPLE_ACCESS_MODEL } from '../../helpers/policies';

const ROLE = 'arn:aws:iam::111122223333:role/db-rotation';
const model = SAMPLE_ACCESS_MODEL;

/** secretPolicy(model) as rendered before rotation roles existed: a secret without rotation must keep exactly this. */
const PLAIN_POLICY =
  '{"Version":"2012-10-17","Statement":[' +
  '{"Sid":"AllowReadMetadataFromAccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["secretsmanager:DescribeSecret","secretsmanager:GetResourcePolicy","secretsmanager:ListSecretVersionIds"],"Resource":"*"},' +
  '{"Sid":"DenySecretValueOutsideAppEndpoint","Effect":"Deny","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0a1b2c3d4e5f60718"}}},' +
  '{"Sid":"DenyManagementOutsideAdminVpc","Effect":"Deny","Principal":"*","Action":["secretsmanager:CancelRotateSecret","secretsmanager:Delete*","secretsmanager:Put*","secretsmanager:RemoveRegionsFromReplication","secretsmanager:ReplicateSecretToRegions","secretsmanager:Restore*","secretsmanager:RotateSecret","secretsmanager:StopReplicationToReplica","secretsmanager:TagResource","secretsmanager:UntagResource","secretsmanager:Update*"],"Resource":"*","Condition":{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/break-glass"},"StringNotEquals":{"aws:SourceVpc":"vpc-0a1b2c3d4e5f60718"}}}]}';

describe('secretPolicy with and without rotation roles', () => {
  it('GIVEN no rotation role (no options, or an empty list) WHEN rendered THEN the policy is byte-for-byte the plain admin/app policy', () => {
    expect(secretPolicy(model).render()).toBe(PLAIN_POLICY);
    expect(secretPolicy(model, {}).render()).toBe(PLAIN_POLICY);
    expect(secretPolicy(model, { rotationRoleArns: [] }).render()).toBe(PLAIN_POLICY);
  });

  it('GIVEN a rotation role WHEN rendered THEN the app-endpoint value Deny exempts it (both operators, ANDed) and a second Deny keeps it to the admin VPC', () => {
    const statements = JSON.parse(secretPolicy(model, { rotationRoleArns: [ROLE] }).render()).Statement as TfJson[];
    expect(statements.map((s) => s.Sid)).toEqual([
      'AllowReadMetadataFromAccount',
      'DenySecretValueOutsideAppEndpoint',
      'DenyRotationValueAccessOutsideAdminVpc',
      'DenyManagementOutsideAdminVpc',
    ]);
    expect(statements[1]).toEqual({
      Sid: 'DenySecretValueOutsideAppEndpoint',
      Effect: 'Deny',
      Principal: '*',
      Action: 'secretsmanager:GetSecretValue',
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': ROLE }, StringNotEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d4e5f60718' } },
    });
    expect(statements[2]).toEqual({
      Sid: 'DenyRotationValueAccessOutsideAdminVpc',
      Effect: 'Deny',
      Principal: '*',
      Action: 'secretsmanager:GetSecretValue',
      Resource: '*',
      Condition: { ArnEquals: { 'aws:PrincipalArn': ROLE }, StringNotEquals: { 'aws:SourceVpc': 'vpc-0a1b2c3d4e5f60718' } },
    });
  });

  it('GIVEN a rotation role WHEN rendered THEN the metadata and management statements are those of the plain policy', () => {
    const plain = JSON.parse(PLAIN_POLICY).Statement as TfJson[];
    const rotated = JSON.parse(secretPolicy(model, { rotationRoleArns: [ROLE] }).render()).Statement as TfJson[];
    expect([rotated[0], rotated[3]]).toEqual([plain[0], plain[2]]);
  });

  it('GIVEN two rotation roles listed in any order, one twice WHEN rendered THEN both statements name each once, sorted', () => {
    const other = 'arn:aws:iam::111122223333:role/service-role/other-rotation';
    const statements = JSON.parse(secretPolicy(model, { rotationRoleArns: [ROLE, other, ROLE] }).render()).Statement as TfJson[];
    expect(statements[1].Condition.ArnNotEquals['aws:PrincipalArn']).toEqual([ROLE, other].sort());
    expect(statements[2].Condition.ArnEquals['aws:PrincipalArn']).toEqual([ROLE, other].sort());
  });

  it('GIVEN a rotation role WHEN the policy rules run THEN it passes every rule (Sids, operators on aws:SourceVpc, size, …)', () => {
    expect(validatePolicyDocument(secretPolicy(model, { rotationRoleArns: [ROLE] }), 'secret policy')).toEqual([]);
  });
});

describe('ProtectedSecret rotation.roleArn', () => {
  const lambdaArn = 'arn:aws:lambda:us-west-2:111122223333:function:rotate';
  // `policyRoles`: the roles the secret policy exempts (secretPolicy refuses a bad one itself, so the
  // tests of ProtectedSecret's own check build the policy without it).
  function secret(roleArn: string | undefined, policyRoles: string[] = roleArn ? [roleArn] : []) {
    const stack = testStack();
    const construct = new ProtectedSecret(stack, 'secret', {
      name: 'app/db-password',
      kmsKey: CustomerManagedKey.fromKeyArn(stack, 'key', 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
      policy: secretPolicy(model, { rotationRoleArns: policyRoles }),
      rotation: { lambdaArn, roleArn },
    });
    return { stack, construct };
  }

  it('GIVEN a rotation role WHEN synthesized THEN the secret records it and rotates with the Lambda', () => {
    const { stack, construct } = secret(ROLE);
    expect(construct.rotationRoleArn).toBe(ROLE);
    const json = synthJson(stack);
    expect(onlyResource(json, 'aws_secretsmanager_secret_rotation')).toEqual(expect.objectContaining({ rotation_lambda_arn: lambdaArn }));
    expect(policyOf(onlyResource(json, 'aws_secretsmanager_secret_policy')).Statement.map((s: TfJson) => s.Sid)).toContain(
      'DenyRotationValueAccessOutsideAdminVpc',
    );
  });

  it('GIVEN rotation without a role WHEN constructed THEN no role is recorded', () => {
    expect(secret(undefined).construct.rotationRoleArn).toBeUndefined();
  });

  it.each([
    ['a wildcard', 'arn:aws:iam::111122223333:role/rotation-*'],
    ['a user', 'arn:aws:iam::111122223333:user/rotation'],
    ['an assumed-role session', 'arn:aws:sts::111122223333:assumed-role/db-rotation/session'],
    ['a Lambda function', lambdaArn],
  ])('GIVEN %s as the rotation role WHEN constructed THEN PLS_SECRET_ROTATION_ROLE names the field, the value and what is expected', (_what, roleArn) => {
    let error: unknown;
    try {
      secret(roleArn, []);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GuardrailError);
    expect((error as GuardrailError).code).toBe('PLS_SECRET_ROTATION_ROLE');
    expect((error as GuardrailError).message).toBe(
      `[PLS_SECRET_ROTATION_ROLE] rotation.roleArn: found ${JSON.stringify(roleArn)}; expected the IAM role ARN of the rotation function, such as "arn:aws:iam::111122223333:role/db-rotation" (no wildcards: the secret policy exempts it by ARN)`,
    );
  });
});

describe('admin stack of a config with rotation', () => {
  const ROTATION = { lambdaArn: 'arn:aws:lambda:us-west-2:111122223333:function:rotate-db', roleArn: ROLE };

  function adminStack(edit: (env: TfJson) => void = () => undefined): TfJson {
    const raw = defaultConfigJson();
    const env = raw.environments[0];
    env.secrets = [{ ...env.secrets[0], rotation: ROTATION }, { name: 'app/api-token' }];
    edit(env);
    const [{ admin }] = buildStacks(Testing.app(), parseConfig(raw));
    return JSON.parse(Testing.synth(admin, true)) as TfJson;
  }

  const secretPolicies = (json: TfJson) =>
    Object.fromEntries(
      resourcesOf(json, 'aws_secretsmanager_secret_policy').map((p) => {
        const name = /^\$\{aws_secretsmanager_secret\.([^.]+)\.arn\}$/.exec(p.secret_arn)![1];
        return [json.resource.aws_secretsmanager_secret[name].name as string, policyOf(p)];
      }),
    );
  const endpointPolicy = (json: TfJson, service: string) =>
    policyOf(resourcesOf(json, 'aws_vpc_endpoint').find((e) => String(e.service_name).endsWith(`.${service}`))!);

  it('GIVEN a rotated and a plain secret WHEN synthesized THEN only the rotated secret’s policy names the rotation role', () => {
    const policies = secretPolicies(adminStack());
    expect(policies['app/db-password'].Statement.map((s: TfJson) => s.Sid)).toContain('DenyRotationValueAccessOutsideAdminVpc');
    expect(JSON.stringify(policies['app/db-password'])).toContain(ROLE);
    expect(policies['app/api-token'].Statement.map((s: TfJson) => s.Sid)).toEqual([
      'AllowReadMetadataFromAccount',
      'DenySecretValueOutsideAppEndpoint',
      'DenyManagementOutsideAdminVpc',
    ]);
    expect(JSON.stringify(policies['app/api-token'])).not.toContain(ROLE);
  });

  it('GIVEN listed admin principals WHEN synthesized THEN the admin Secrets Manager endpoint admits the rotation role too, the admin KMS endpoint does not', () => {
    const json = adminStack();
    expect(endpointPolicy(json, 'secretsmanager').Statement[0].Condition.ArnLike['aws:PrincipalArn']).toEqual([
      'arn:aws:iam::111122223333:role/break-glass',
      ROLE,
      'arn:aws:iam::111122223333:role/secret-admin',
    ]);
    expect(endpointPolicy(json, 'kms').Statement[0].Condition.ArnLike['aws:PrincipalArn']).toEqual([
      'arn:aws:iam::111122223333:role/break-glass',
      'arn:aws:iam::111122223333:role/secret-admin',
    ]);
  });

  it('GIVEN no listed admin principals WHEN synthesized THEN the admin endpoints still admit any principal of the account (no principal condition)', () => {
    const json = adminStack((env) => delete env.adminVpc.principalArns);
    expect(endpointPolicy(json, 'secretsmanager').Statement[0].Condition).toEqual({ StringEquals: { 'aws:PrincipalAccount': '111122223333' } });
  });

  it('GIVEN the rotation role also listed as an admin principal THEN the loader refuses it (one part per principal); built without the loader, the endpoint policy names it once', () => {
    const raw = defaultConfigJson();
    raw.environments[0].secrets[0].rotation = ROTATION;
    raw.environments[0].adminVpc.principalArns.push(ROLE);
    expect(() => parseConfig(raw)).toThrow(/rotation\.roleArn: .*playing no other part: adminVpc\.principalArns\[1\]/);
    raw.environments[0].adminVpc.principalArns.pop();
    const config = parseConfig(raw);
    config.environments[0].adminVpc.principalArns!.push(ROLE);
    const [{ admin }] = buildStacks(Testing.app(), config);
    const json = JSON.parse(Testing.synth(admin, true)) as TfJson;
    const listed = endpointPolicy(json, 'secretsmanager').Statement[0].Condition.ArnLike['aws:PrincipalArn'] as string[];
    expect(listed.filter((a) => a === ROLE)).toHaveLength(1);
  });
});
