import { keyPolicy, secretPolicy, accountOnlyEndpointPolicy } from '../../../modules/iam/access-policies';
import { CustomerManagedKey } from '../../../modules/kms/customer-managed-key';
import { PolicyDocument, PolicyKind } from '../../../modules/iam/policy-document';
import { ProtectedSecret } from '../../../modules/secretsmanager/protected-secret';
import { testStack } from '../../helpers/assertions';
import { SAMPLE_ACCESS_MODEL } from '../../helpers/policies';

/**
 * `PolicyDocument<K>` (issue 14 item 4): a prop that needs a key policy takes `PolicyDocument<'key'>`,
 * so a document of another kind is a compile error. tsc compiles this file in `npm run build`: each
 * `@ts-expect-error` fails the build when its line stops being a type error (the typing was removed),
 * and ts-jest type-checks it again. The run-time check for JavaScript callers is tested too.
 */

const model = SAMPLE_ACCESS_MODEL;
const KEY_ARN = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** Compiles only when `A` and `B` are the same type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameType = <T extends true>(): T => true as T;

describe('PolicyDocument is typed by its kind', () => {
  it('GIVEN a literal kind or a preset WHEN built THEN the type carries the kind; an unspecified kind is any kind', () => {
    const key = new PolicyDocument({ kind: 'key' });
    expect(sameType<Same<typeof key, PolicyDocument<'key'>>>()).toBe(true);
    expect(sameType<Same<ReturnType<typeof keyPolicy>, PolicyDocument<'key'>>>()).toBe(true);
    expect(sameType<Same<ReturnType<typeof secretPolicy>, PolicyDocument<'resource'>>>()).toBe(true);
    expect(sameType<Same<ReturnType<typeof accountOnlyEndpointPolicy>, PolicyDocument<'endpoint'>>>()).toBe(true);
    const unspecified = new PolicyDocument();
    expect(sameType<Same<typeof unspecified, PolicyDocument<PolicyKind>>>()).toBe(true);
    expect(unspecified.kind).toBe('resource');
    // @ts-expect-error kind left out would be "resource" at run time, so it cannot be typed as a key policy
    const notAKeyPolicy: PolicyDocument<'key'> = new PolicyDocument();
    expect(notAKeyPolicy.kind).toBe('resource');
    // @ts-expect-error a literal kind fixes the type
    const wrongKind: PolicyDocument<'key'> = new PolicyDocument({ kind: 'resource' });
    expect(wrongKind.kind).toBe('resource');
    const resource: PolicyDocument<'resource'> = new PolicyDocument();
    expect(resource.kind).toBe('resource');
    // Every kind is still a PolicyDocument (functions that take any document keep taking it).
    const anyKind: PolicyDocument = key;
    expect(anyKind.kind).toBe('key');
  });

  it('GIVEN a document of the wrong kind WHEN passed to a construct THEN tsc refuses it, and JavaScript callers get PLS_POLICY_KIND', () => {
    const stack = testStack();
    const secretDoc = secretPolicy(model);
    const keyDoc = keyPolicy(model);
    // @ts-expect-error a secret (resource) policy is not a key policy
    expect(() => new CustomerManagedKey(stack, 'k1', { alias: 'alias/k1', policy: secretDoc })).toThrow(
      /\[PLS_POLICY_KIND\] policy\.kind: found "resource"; expected "key"/,
    );
    // @ts-expect-error a document of unspecified kind is not known to be a key policy
    expect(() => new CustomerManagedKey(stack, 'k2', { alias: 'alias/k2', policy: new PolicyDocument() })).toThrow(/PLS_POLICY_KIND/);
    const kmsKey = CustomerManagedKey.fromKeyArn(stack, 'imported', KEY_ARN);
    // @ts-expect-error a key policy is not a secret policy
    expect(() => new ProtectedSecret(stack, 's1', { name: 'app/s1', kmsKey, policy: keyDoc })).toThrow(
      /\[PLS_POLICY_KIND\] policy\.kind: found "key"; expected "resource"/,
    );
    // @ts-expect-error kmsKeyArn is gone: the secret takes the key (kmsKey)
    expect(() => new ProtectedSecret(stack, 's2', { name: 'app/s2', kmsKeyArn: KEY_ARN, policy: secretPolicy(model) })).toThrow(
      /\[PLS_SECRET_NO_CMK\] kmsKeyArn: .*replaced by kmsKey/,
    );
    // @ts-expect-error an ARN string is not a key reference
    expect(() => new ProtectedSecret(stack, 's3', { name: 'app/s3', kmsKey: KEY_ARN, policy: secretPolicy(model) })).toThrow(/\[PLS_SECRET_NO_CMK\] kmsKey: /);
    // The right kinds compile and construct.
    expect(() => new CustomerManagedKey(stack, 'k3', { alias: 'alias/k3', policy: keyDoc })).not.toThrow();
    expect(() => new ProtectedSecret(stack, 's4', { name: 'app/s4', kmsKey, policy: secretDoc })).not.toThrow();
  });
});
