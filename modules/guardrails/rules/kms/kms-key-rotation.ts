import { asBoolean, found, isUnknown, ResourceRule, TfConfig } from '../resource-rule';

/** Keys whose material AWS can rotate: symmetric encryption keys with AWS-generated material in KMS. */
function rotatable(config: TfConfig): boolean {
  const usage = config.key_usage ?? 'ENCRYPT_DECRYPT';
  const spec = config.customer_master_key_spec ?? config.key_spec ?? 'SYMMETRIC_DEFAULT';
  return usage === 'ENCRYPT_DECRYPT' && spec === 'SYMMETRIC_DEFAULT' && config.custom_key_store_id === undefined;
}

/**
 * `aws_kms_key.enable_key_rotation` is true for symmetric encryption keys (unset means off).
 * Asymmetric, HMAC and custom-key-store keys cannot rotate automatically and are not checked.
 * Fix: `enableKeyRotation: true`.
 */
export const kmsKeyRotation: ResourceRule = {
  code: 'PLS_KMS_ROTATION_OFF',
  description: 'Automatic key rotation on for symmetric encryption keys',
  resourceTypes: ['aws_kms_key'],
  check: ({ config }) => {
    if (!rotatable(config)) return [];
    const value = asBoolean(config.enable_key_rotation);
    if (value === true || isUnknown(value)) return [];
    return [
      `enable_key_rotation: ${found(config.enable_key_rotation)}${value === undefined ? ' (AWS default: off)' : ''}; expected true: keys that protect secrets rotate their key material yearly`,
    ];
  },
};
