import { daysInRange, ResourceRule } from '../resource-rule';

/**
 * `aws_kms_key.deletion_window_in_days` is 7–30 days (unset is AWS's default, 30).
 * Fix: 30 days, or leave it unset.
 */
export const kmsKeyDeletionWindow: ResourceRule = {
  code: 'PLS_KMS_DELETION_WINDOW',
  description: 'KMS key deletion window from 7 to 30 days (unset = 30)',
  resourceTypes: ['aws_kms_key'],
  check: ({ config }) =>
    daysInRange(
      'deletion_window_in_days',
      config.deletion_window_in_days,
      7,
      30,
      'a whole number of days from 7 to 30 (30 recommended, or leave it unset for the AWS default of 30) so a scheduled deletion can still be cancelled',
    ),
};
