import { asBoolean, found, isUnknown, ResourceRule } from '../resource-rule';

/**
 * `aws_secretsmanager_secret_policy.block_public_policy` is true, so Secrets Manager refuses a policy that grants broad access.
 * Fix: `blockPublicPolicy: true`.
 */
export const secretPolicyBlockPublic: ResourceRule = {
  code: 'PLS_SECRET_POLICY_BLOCK_PUBLIC',
  description: 'Secret resource policies are applied with block_public_policy = true',
  resourceTypes: ['aws_secretsmanager_secret_policy'],
  check: ({ config }) => {
    const value = asBoolean(config.block_public_policy);
    if (value === true || isUnknown(value)) return [];
    return [
      `block_public_policy: ${found(config.block_public_policy)}; expected true: Secrets Manager then rejects a policy that would give access to principals outside the account`,
    ];
  },
};
