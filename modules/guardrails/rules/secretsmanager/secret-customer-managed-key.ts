import { found, isUnknown, ResourceRule } from '../resource-rule';

/**
 * `aws_secretsmanager_secret.kms_key_id` names a customer-managed key: unset or `alias/aws/…` means
 * the AWS managed key, whose policy cannot be locked to your endpoints.
 * Fix: A customer-managed key (`CustomerManagedKey.keyArn`).
 */
export const secretCustomerManagedKey: ResourceRule = {
  code: 'PLS_SECRET_NO_CMK',
  description: 'Secrets are encrypted with a customer-managed KMS key',
  resourceTypes: ['aws_secretsmanager_secret'],
  check: ({ config }) => {
    const key = config.kms_key_id;
    if (isUnknown(key)) return [];
    if (typeof key === 'string' && key.trim() !== '' && !/(^|:)alias\/aws\//.test(key)) return [];
    return [
      `kms_key_id: ${found(key)}; expected the ARN or id of a customer-managed KMS key (for example CustomerManagedKey.keyArn): the AWS managed key cannot be restricted by a key policy`,
    ];
  },
};
