import { asBoolean, ResourceRule } from '../resource-rule';

/**
 * `aws_kms_key.bypass_policy_lockout_safety_check` is never true.
 * Fix: `false`; fix the policy instead.
 */
export const kmsKeyBypassLockout: ResourceRule = {
  code: 'PLS_KMS_BYPASS_LOCKOUT_CHECK',
  description: 'KMS key policy never applied with the lockout safety check bypassed',
  resourceTypes: ['aws_kms_key'],
  check: ({ config }) =>
    asBoolean(config.bypass_policy_lockout_safety_check) === true
      ? [
          'bypass_policy_lockout_safety_check: found true; expected false or unset: bypassing the check lets a key policy lock every principal out of the key for good; fix the policy instead',
        ]
      : [],
};
