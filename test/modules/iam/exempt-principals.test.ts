import { assertExactPrincipalArns, keyPolicy, secretPolicy } from '../../../modules/iam/access-policies';
import { GuardrailError } from '../../../modules/core/errors';
import { validatePolicyDocument } from '../../../modules/iam/policy-validation';
import { SAMPLE_ACCESS_MODEL } from '../../helpers/policies';

/**
 * Exempt principals are exact (issue 11 item 2, module side): the break-glass, deploy and rotation
 * principals the secret and key policies exempt must be exact IAM role or user ARNs of the
 * environment's account, and the policies name them with ArnEquals / ArnNotEquals.
 */
const model = SAMPLE_ACCESS_MODEL;

function errorOf(build: () => unknown): GuardrailError {
  try {
    build();
  } catch (e) {
    if (e instanceof GuardrailError) return e;
    throw e;
  }
  throw new Error('expected a GuardrailError, nothing was thrown');
}

const BAD: [string, string, RegExp][] = [
  ['a role wildcard', 'arn:aws:iam::111122223333:role/*', /without "\*" or "\?".*a pattern widens the exemption/],
  ['a "?" pattern', 'arn:aws:iam::111122223333:role/break-glas?', /without "\*" or "\?"/],
  ['an account-wide wildcard', 'arn:aws:iam::111122223333:*', /without "\*" or "\?"/],
  [
    'an STS assumed-role session',
    'arn:aws:sts::111122223333:assumed-role/break-glass/alice',
    /the role's own ARN \("arn:aws:iam::111122223333:role\/break-glass", with its path if it has one\), not an STS session ARN: aws:PrincipalArn holds the role ARN/,
  ],
  [
    'a group',
    'arn:aws:iam::111122223333:group/admins',
    /an exact IAM role or user ARN such as "arn:aws:iam::111122223333:role\/<name>" \(an IAM group is not a principal/,
  ],
  ['the account root', 'arn:aws:iam::111122223333:root', /\(an IAM root is not a principal/],
  ['another account', 'arn:aws:iam::999988887777:role/break-glass', /a role or user of the environment's account 111122223333, not of account 999988887777/],
  ['another partition', 'arn:aws-cn:iam::111122223333:role/break-glass', /an ARN in partition "aws"/],
  ['no ARN at all', 'break-glass', /an exact IAM role or user ARN/],
];

describe('exempt principals are exact IAM role or user ARNs of the account', () => {
  it.each(BAD)(
    'GIVEN %s as a management-exempt principal WHEN the key or secret policy is built THEN it is refused, naming the field',
    (_name, value, message) => {
      for (const build of [keyPolicy, secretPolicy]) {
        const error = errorOf(() => build({ ...model, managementExemptPrincipalArns: ['arn:aws:iam::111122223333:role/deploy', value] }));
        expect(error.code).toBe('PLS_EXEMPT_PRINCIPAL');
        expect(error.field).toBe('managementExemptPrincipalArns[1]');
        expect(error.message).toContain(`found ${JSON.stringify(value)}; expected `);
        expect(error.message).toMatch(message);
      }
    },
  );

  it.each(BAD)('GIVEN %s as a rotation role WHEN the secret policy is built THEN it is refused, naming rotationRoleArns', (_name, value, message) => {
    const error = errorOf(() => secretPolicy(model, { rotationRoleArns: [value] }));
    expect([error.code, error.field]).toEqual(['PLS_EXEMPT_PRINCIPAL', 'rotationRoleArns[0]']);
    expect(error.message).toMatch(message);
  });

  it.each([
    ['a role', 'arn:aws:iam::111122223333:role/break-glass'],
    ['a role with a path', 'arn:aws:iam::111122223333:role/ops/emergency/break-glass'],
    ['a user', 'arn:aws:iam::111122223333:user/deployer'],
    ['a role name with IAM punctuation', 'arn:aws:iam::111122223333:role/break.glass+ops=1,a@b-c_d'],
    ['a Terraform reference, resolved at apply', '${aws_iam_role.deploy.arn}'],
  ])('GIVEN %s THEN it is accepted', (_name, value) => {
    expect(() => assertExactPrincipalArns([value], model, 'managementExemptPrincipalArns')).not.toThrow();
  });

  it('GIVEN the exempt principals WHEN the policies render THEN the exemptions use ArnNotEquals, the rotation role ArnEquals, and the rules pass', () => {
    const exempt = ['arn:aws:iam::111122223333:role/break-glass', 'arn:aws:iam::111122223333:role/deploy'];
    const rotation = 'arn:aws:iam::111122223333:role/db-rotation';
    const key = keyPolicy({ ...model, managementExemptPrincipalArns: exempt });
    const secret = secretPolicy({ ...model, managementExemptPrincipalArns: exempt }, { rotationRoleArns: [rotation] });
    const conditionsOf = (doc: typeof key | typeof secret) => Object.fromEntries(doc.statements.map((s) => [s.sid, s.conditions]));
    expect(conditionsOf(key).DenyKeyAdministrationOutsideAdminVpc).toEqual({
      ArnNotEquals: { 'aws:PrincipalArn': exempt },
      StringNotEquals: { 'aws:SourceVpc': ['vpc-0a1b2c3d4e5f60718'] },
    });
    expect(conditionsOf(secret).DenyManagementOutsideAdminVpc.ArnNotEquals).toEqual({ 'aws:PrincipalArn': exempt });
    expect(conditionsOf(secret).DenySecretValueOutsideAppEndpoint.ArnNotEquals).toEqual({ 'aws:PrincipalArn': [rotation] });
    expect(conditionsOf(secret).DenyRotationValueAccessOutsideAdminVpc.ArnEquals).toEqual({ 'aws:PrincipalArn': [rotation] });
    expect(key.render() + secret.render()).not.toMatch(/ArnLike|ArnNotLike/);
    expect([...validatePolicyDocument(key, 'key'), ...validatePolicyDocument(secret, 'secret')]).toEqual([]);
  });
});

describe('service exemptions of the key policy are exact', () => {
  const statements = Object.fromEntries(keyPolicy(model).statements.map((s) => [s.sid, s.conditions]));

  it('GIVEN the key policy THEN key usage exempts exactly Secrets Manager of the region, and administration exempts no service', () => {
    expect(statements.DenyKeyUsageOutsideAppEndpoint).toEqual({
      StringNotEquals: { 'aws:SourceVpce': ['vpce-1a1b2c3d4e5f60718'], 'kms:ViaService': ['secretsmanager.us-west-2.amazonaws.com'] },
    });
    expect(Object.keys(statements.DenyKeyAdministrationOutsideAdminVpc).sort()).toEqual(['ArnNotEquals', 'StringNotEquals']);
    expect(Object.keys(statements.DenyKeyAdministrationOutsideAdminVpc.StringNotEquals)).toEqual(['aws:SourceVpc']);
    expect(JSON.stringify(statements)).not.toMatch(/ViaAWSService|PrincipalIsAWSService|CalledVia/);
  });

  it('GIVEN a GovCloud environment THEN the exemption names the GovCloud region with its DNS suffix', () => {
    const gov = keyPolicy({
      ...model,
      partition: 'aws-us-gov',
      region: 'us-gov-west-1',
      managementExemptPrincipalArns: ['arn:aws-us-gov:iam::111122223333:role/break-glass'],
    });
    expect(gov.render()).toContain('"kms:ViaService":"secretsmanager.us-gov-west-1.amazonaws.com"');
    expect(validatePolicyDocument(gov, 'key')).toEqual([]);
  });
});
