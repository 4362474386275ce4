import { CustomerManagedKey, CustomerManagedKeyProps } from '../../../modules/kms/customer-managed-key';
import { PolicyDocument } from '../../../modules/iam/policy-document';
import { PolicyStatement } from '../../../modules/iam/policy-statement';
import { ProtectedSecret, ProtectedSecretProps } from '../../../modules/secretsmanager/protected-secret';
import { onlyResource, policyOf, resourcesOf, synthJson, testStack } from '../../helpers/assertions';

const root = 'arn:aws:iam::111122223333:root';
const KEY_ARN = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const keyPolicyDoc = () =>
  new PolicyDocument({ kind: 'key', statements: [new PolicyStatement({ sid: 'EnableIamPolicies', principal: { AWS: [root] }, actions: ['kms:*'] })] });
const secretPolicyDoc = () =>
  new PolicyDocument({
    kind: 'resource',
    statements: [new PolicyStatement({ sid: 'Read', principal: { AWS: [root] }, actions: ['secretsmanager:DescribeSecret'] })],
  });

function key(props: Partial<CustomerManagedKeyProps> = {}) {
  const stack = testStack();
  const construct = new CustomerManagedKey(stack, 'key', { alias: 'alias/app-data', policy: keyPolicyDoc(), ...props });
  return { stack, construct };
}

function secret(props: Partial<ProtectedSecretProps> = {}) {
  const stack = testStack();
  const construct = new ProtectedSecret(stack, 'secret', {
    name: 'app/db-password',
    kmsKey: CustomerManagedKey.fromKeyArn(stack, 'imported-key', KEY_ARN),
    policy: secretPolicyDoc(),
    ...props,
  });
  return { stack, construct };
}

describe('CustomerManagedKey', () => {
  it('GIVEN defaults WHEN synthesized THEN rotation on, 30-day window, prevent_destroy, lockout check kept, alias targets the key', () => {
    const { stack } = key();
    const json = synthJson(stack);
    expect(onlyResource(json, 'aws_kms_key')).toEqual(
      expect.objectContaining({
        enable_key_rotation: true,
        deletion_window_in_days: 30,
        bypass_policy_lockout_safety_check: false,
        key_usage: 'ENCRYPT_DECRYPT',
        lifecycle: { prevent_destroy: true },
      }),
    );
    expect(onlyResource(json, 'aws_kms_alias')).toEqual(expect.objectContaining({ name: 'alias/app-data', target_key_id: expect.stringMatching(/key_id\}$/) }));
  });

  it('GIVEN addToPolicy after construction WHEN synthesized THEN the key policy holds the late statement', () => {
    const { stack, construct } = key();
    construct.addToPolicy(new PolicyStatement({ sid: 'Late', principal: { AWS: [root] }, actions: ['kms:DescribeKey'] }));
    expect(policyOf(onlyResource(synthJson(stack), 'aws_kms_key')).Statement.map((s: any) => s.Sid)).toEqual(['EnableIamPolicies', 'Late']);
  });

  it('GIVEN an empty key policy WHEN synthesized with validations THEN it fails', () => {
    const { stack } = key({ policy: new PolicyDocument({ kind: 'key' }) });
    expect(() => synthJson(stack)).toThrow(/PLS_POLICY_EMPTY/);
  });

  it.each<[string, Partial<CustomerManagedKeyProps>, RegExp]>([
    ['a deletion window of 6 days', { deletionWindowInDays: 6 }, /PLS_KMS_DELETION_WINDOW\] deletionWindowInDays: found 6/],
    ['a deletion window of 31 days', { deletionWindowInDays: 31 }, /PLS_KMS_DELETION_WINDOW/],
    ['rotation off', { enableKeyRotation: false }, /PLS_KMS_ROTATION_OFF/],
    ['a rotation period of 30 days', { rotationPeriodInDays: 30 }, /PLS_KMS_ROTATION_PERIOD/],
    ['an AWS-reserved alias', { alias: 'alias/aws/secretsmanager' }, /PLS_KMS_ALIAS/],
    ['an alias without prefix', { alias: 'app-data' }, /PLS_KMS_ALIAS/],
    // A JavaScript caller (TypeScript refuses the document at compile time: test/modules/iam/policy-kind-types.test.ts).
    [
      'a resource policy document',
      { policy: new PolicyDocument({ kind: 'resource' }) as unknown as PolicyDocument<'key'> },
      /PLS_POLICY_KIND\] policy\.kind: found "resource"; expected "key"/,
    ],
  ])('rejects %s', (_label, props, message) => {
    expect(() => key(props)).toThrow(message);
  });
});

describe('ProtectedSecret', () => {
  it('GIVEN defaults WHEN synthesized THEN CMK, 30-day recovery, prevent_destroy, policy with public policies blocked', () => {
    const { stack } = secret();
    const json = synthJson(stack);
    expect(onlyResource(json, 'aws_secretsmanager_secret')).toEqual(
      expect.objectContaining({
        name: 'app/db-password',
        kms_key_id: KEY_ARN,
        recovery_window_in_days: 30,
        lifecycle: { prevent_destroy: true },
      }),
    );
    const policy = onlyResource(json, 'aws_secretsmanager_secret_policy');
    expect(policy.block_public_policy).toBe(true);
    expect(policyOf(policy).Statement[0].Sid).toBe('Read');
    expect(resourcesOf(json, 'aws_secretsmanager_secret_rotation')).toHaveLength(0);
  });

  it('GIVEN a rotation Lambda WHEN synthesized THEN rotation every 30 days by default', () => {
    const { stack } = secret({ rotation: { lambdaArn: 'arn:aws:lambda:us-west-2:111122223333:function:rotate' } });
    expect(onlyResource(synthJson(stack), 'aws_secretsmanager_secret_rotation')).toEqual(
      expect.objectContaining({
        rotation_lambda_arn: 'arn:aws:lambda:us-west-2:111122223333:function:rotate',
        rotation_rules: { automatically_after_days: 30 },
      }),
    );
  });

  it.each<[string, Partial<ProtectedSecretProps>, RegExp]>([
    ['no customer-managed key', { kmsKey: undefined }, /PLS_SECRET_NO_CMK\] kmsKey: found nothing; expected a customer-managed KMS key/],
    ['a key ARN string for kmsKey (JavaScript)', { kmsKey: KEY_ARN as unknown as CustomerManagedKey }, /PLS_SECRET_NO_CMK\] kmsKey: found "arn:aws:kms:/],
    [
      'the removed kmsKeyArn prop (JavaScript)',
      { kmsKeyArn: KEY_ARN } as Partial<ProtectedSecretProps>,
      /PLS_SECRET_NO_CMK\] kmsKeyArn: found "arn:aws:kms:.*"; expected nothing: kmsKeyArn was replaced by kmsKey/,
    ],
    [
      "a region other than the imported key's",
      { region: 'eu-west-1' },
      /PLS_SECRET_KEY_REGION\] region: found "eu-west-1"; expected the region of kmsKey \(us-west-2\)/,
    ],
    ['a recovery window of 0 days', { recoveryWindowInDays: 0 }, /PLS_SECRET_RECOVERY_WINDOW\] recoveryWindowInDays: found 0/],
    ['a name ending like an ARN suffix', { name: 'app/db-AbCdEf' }, /PLS_SECRET_NAME/],
    [
      'a key policy document (JavaScript)',
      { policy: new PolicyDocument({ kind: 'key' }) as unknown as PolicyDocument<'resource'> },
      /PLS_POLICY_KIND\] policy\.kind: found "key"; expected "resource"/,
    ],
    [
      'both rotation schedules',
      { rotation: { lambdaArn: 'arn:aws:lambda:us-west-2:111122223333:function:r', automaticallyAfterDays: 7, scheduleExpression: 'rate(7 days)' } },
      /PLS_SECRET_ROTATION/,
    ],
  ])('rejects %s', (_label, props, message) => {
    expect(() => secret(props)).toThrow(message);
  });
});
