import { DefaultTokenResolver, StringConcat, TerraformStack, Token, Tokenization } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { keyPolicy, SECRET_MANAGEMENT_ACTIONS, secretPolicy } from '../../../modules/iam/access-policies';
import { CustomerManagedKey } from '../../../modules/kms/customer-managed-key';
import { GuardrailError } from '../../../modules/core/errors';
import { PolicyDocument } from '../../../modules/iam/policy-document';
import { PolicyStatement } from '../../../modules/iam/policy-statement';
import { validatePolicyDocument } from '../../../modules/iam/policy-validation';
import { ProtectedSecret } from '../../../modules/secretsmanager/protected-secret';
import { onlyResource, policyOf, synthJson, testStack } from '../../helpers/assertions';
import { SAMPLE_ACCESS_MODEL } from '../../helpers/policies';

const model = SAMPLE_ACCESS_MODEL;
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:us-west-2:111122223333:key/${KEY_ID}`;

/** Tokens as their Terraform expressions, so two reads of one attribute compare equal. */
function resolve(stack: TerraformStack, value: unknown): any {
  return Tokenization.resolve(value, { scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
}

function thrown(f: () => unknown): GuardrailError {
  try {
    f();
  } catch (e) {
    if (e instanceof GuardrailError) return e;
    throw e;
  }
  throw new Error('expected a GuardrailError, nothing was thrown');
}

describe('CustomerManagedKey.fromKeyArn', () => {
  it('GIVEN a literal key ARN THEN it is the key, with its id and region; a multi-Region key id is accepted', () => {
    const key = CustomerManagedKey.fromKeyArn(testStack(), 'key', KEY_ARN);
    expect([key.keyArn, key.keyId, key.keyRegion, key.alias]).toEqual([KEY_ARN, KEY_ID, 'us-west-2', undefined]);
    const mrk = `arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/mrk-${'0123456789abcdef'.repeat(2)}`;
    expect(CustomerManagedKey.fromKeyArn(testStack(), 'mrk', mrk).keyRegion).toBe('us-gov-west-1');
    expect(CustomerManagedKey.fromKeyArn(testStack(), 'cn', `arn:aws-cn:kms:cn-north-1:111122223333:key/${KEY_ID}`).keyRegion).toBe('cn-north-1');
  });

  it('GIVEN a Terraform reference THEN it is accepted as it is (checked by AWS at apply), its region unknown', () => {
    const stack = testStack();
    const other = new CustomerManagedKey(stack, 'other', { alias: 'alias/other', policy: keyPolicy(model) });
    const key = CustomerManagedKey.fromKeyArn(stack, 'ref', other.keyArn);
    expect(resolve(stack, key.keyArn)).toBe(resolve(stack, other.keyArn));
    expect(Token.isUnresolved(key.keyId)).toBe(true);
    expect(key.keyRegion).toBeUndefined();
    expect(CustomerManagedKey.fromKeyArn(stack, 'raw', '${data.aws_kms_key.shared.arn}').keyRegion).toBeUndefined();
  });

  it.each([
    ['an alias ARN', 'arn:aws:kms:us-west-2:111122223333:alias/app-data', 'the ARN of the key itself ("…:key/<key id>"), not of an alias'],
    ['a key id alone', KEY_ID, 'a KMS key ARN "arn:<partition>:kms:<region>:<12-digit account>:key/<key id>"'],
    ['an IAM ARN', 'arn:aws:iam::111122223333:role/app', 'a KMS key ARN "arn:<partition>:kms:'],
    ["a partition that is not the region's", `arn:aws:kms:us-gov-west-1:111122223333:key/${KEY_ID}`, 'partition "aws-us-gov" for region us-gov-west-1'],
    ['a region that does not exist', `arn:aws:kms:us-west-9:111122223333:key/${KEY_ID}`, 'an ARN whose region exists (found region "us-west-9")'],
    ['an 11-digit account', `arn:aws:kms:us-west-2:11112222333:key/${KEY_ID}`, 'a KMS key ARN "arn:<partition>:kms:'],
    ['a wildcard key id', 'arn:aws:kms:us-west-2:111122223333:key/*', 'a key id after "key/": a lower-case UUID or "mrk-" and 32 hex digits (found "*")'],
    ['an upper-case key id', `arn:aws:kms:us-west-2:111122223333:key/${KEY_ID.toUpperCase()}`, 'a key id after "key/"'],
  ])('GIVEN %s THEN PLS_KMS_KEY_ARN names keyArn, the value and the expected form', (_label, value, expected) => {
    const error = thrown(() => CustomerManagedKey.fromKeyArn(testStack(), 'key', value));
    expect(error.code).toBe('PLS_KMS_KEY_ARN');
    expect(error.field).toBe('keyArn');
    expect(error.message).toContain(`keyArn: found ${JSON.stringify(value)}; expected ${expected}`);
  });
});

describe('key grants', () => {
  it('GIVEN a key THEN decrypt, encrypt and both are one Allow on the key ARN only, never *', () => {
    const stack = testStack();
    const imported = CustomerManagedKey.fromKeyArn(stack, 'imported', KEY_ARN);
    const created = new CustomerManagedKey(stack, 'created', { alias: 'alias/app-data', policy: keyPolicy(model) });
    expect(imported.grantDecrypt().map((s) => s.toJSON())).toEqual([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN }]);
    expect(imported.grantEncrypt().map((s) => s.toJSON())).toEqual([
      { Effect: 'Allow', Action: ['kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'], Resource: KEY_ARN },
    ]);
    expect(imported.grantEncryptDecrypt().map((s) => s.toJSON())).toEqual([
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'], Resource: KEY_ARN },
    ]);
    const [statement] = created.grantDecrypt();
    expect(resolve(stack, statement.resources)).toEqual([resolve(stack, created.keyArn)]);
    expect(statement.resources).not.toContain('*');
  });
});

describe('secret grants', () => {
  function secretWith(kmsKey: 'imported' | 'created', region?: string) {
    const stack = testStack();
    const key =
      kmsKey === 'imported'
        ? CustomerManagedKey.fromKeyArn(stack, 'key', KEY_ARN)
        : new CustomerManagedKey(stack, 'key', { alias: 'alias/app-data', policy: keyPolicy(model) });
    const secret = new ProtectedSecret(stack, 'secret', { name: 'app/db-password', kmsKey: key, region, policy: secretPolicy(model) });
    return { stack, key, secret };
  }

  it('GIVEN a secret THEN the reader grant reads this secret only and decrypts with its key only via Secrets Manager for this secret', () => {
    const { stack, secret } = secretWith('imported');
    expect(secret.region).toBe('us-west-2');
    expect(
      resolve(
        stack,
        secret.grantRead().map((s) => s.toJSON()),
      ),
    ).toEqual(
      resolve(stack, [
        { Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: secret.secretArn },
        {
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: KEY_ARN,
          Condition: {
            StringEquals: { 'kms:EncryptionContext:SecretARN': secret.secretArn, 'kms:ViaService': 'secretsmanager.us-west-2.amazonaws.com' },
          },
        },
      ]),
    );
  });

  it('GIVEN a secret THEN the administrator grant holds the management actions and metadata reads, never the value, on this secret and key only', () => {
    const { stack, secret } = secretWith('created', 'us-west-2');
    const [onSecret, onKey]: PolicyStatement[] = secret.grantManage();
    expect(onSecret.actions).toEqual(
      expect.arrayContaining([...SECRET_MANAGEMENT_ACTIONS, 'secretsmanager:DescribeSecret', 'secretsmanager:GetResourcePolicy']),
    );
    expect(onSecret.actions).not.toContain('secretsmanager:GetSecretValue');
    expect(onSecret.actions.filter((a) => /^secretsmanager:(\*|Get\*|GetSecret)/.test(a))).toEqual([]);
    expect(resolve(stack, onSecret.resources)).toEqual([resolve(stack, secret.secretArn)]);
    expect(onKey.actions).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(resolve(stack, onKey.resources)).toEqual([resolve(stack, secret.kmsKey.keyArn)]);
    expect(resolve(stack, onKey.conditions)).toEqual({
      StringEquals: { 'kms:EncryptionContext:SecretARN': [resolve(stack, secret.secretArn)], 'kms:ViaService': ['secretsmanager.us-west-2.amazonaws.com'] },
    });
  });

  it("GIVEN a China region THEN kms:ViaService carries the partition's DNS suffix", () => {
    const stack = testStack('cn-north-1');
    const chinaModel = {
      ...model,
      partition: 'aws-cn',
      region: 'cn-north-1',
      managementExemptPrincipalArns: ['arn:aws-cn:iam::111122223333:role/break-glass'],
    };
    const key = CustomerManagedKey.fromKeyArn(stack, 'key', `arn:aws-cn:kms:cn-north-1:111122223333:key/${KEY_ID}`);
    const secret = new ProtectedSecret(stack, 'secret', { name: 'app/db', kmsKey: key, policy: secretPolicy(chinaModel) });
    expect(secret.grantRead()[1].conditions.StringEquals['kms:ViaService']).toEqual(['secretsmanager.cn-north-1.amazonaws.com.cn']);
  });

  it('GIVEN a key of this app and no region THEN a grant throws PLS_GRANT_REGION naming where to set it; an unknown region is refused at construction', () => {
    const { secret } = secretWith('created');
    const error = thrown(() => secret.grantRead());
    expect(error.code).toBe('PLS_GRANT_REGION');
    expect(error.message).toContain('set region on the ProtectedSecret');
    expect(thrown(() => secretWith('created', 'us-west-9')).message).toMatch(/\[PLS_BAD_REGION\] region: found "us-west-9"/);
  });

  it('GIVEN the reader and administrator grants in an identity document on a role THEN it passes the policy checks and synthesizes with validations', () => {
    const { stack, secret } = secretWith('created', 'us-west-2');
    const role = new IamRole(stack, 'reader', {
      name: 'app-reader',
      assumeRolePolicy: new PolicyDocument({ kind: 'trust' }).render(),
    });
    const reader = new PolicyDocument({ kind: 'identity', statements: [...secret.grantRead(), ...secret.grantManage()] });
    expect(validatePolicyDocument(reader, 'reader')).toEqual([]);
    new IamRolePolicy(stack, 'reader-policy', { role: role.name, policy: reader.lazyJson() });
    const policy = policyOf(onlyResource(synthJson(stack), 'aws_iam_role_policy'));
    expect(policy.Statement.map((s: { Resource: string }) => s.Resource)).toEqual([
      expect.stringMatching(/^\$\{aws_secretsmanager_secret\.secret_[0-9A-F]+\.arn\}$/),
      expect.stringMatching(/^\$\{aws_kms_key\.key_[0-9A-F_a-z]+\.arn\}$/),
      expect.stringMatching(/^\$\{aws_secretsmanager_secret\./),
      expect.stringMatching(/^\$\{aws_kms_key\./),
    ]);
  });
});
