import { daysInRange, ResourceRule } from '../resource-rule';

/**
 * `aws_secretsmanager_secret.recovery_window_in_days` is 7–30 (unset = 30; 0, immediate deletion, is rejected).
 * Fix: 30 days, or leave it unset.
 */
export const secretRecoveryWindow: ResourceRule = {
  code: 'PLS_SECRET_RECOVERY_WINDOW',
  description: 'Secret recovery window from 7 to 30 days (unset = 30, never 0)',
  resourceTypes: ['aws_secretsmanager_secret'],
  check: ({ config }) =>
    daysInRange(
      'recovery_window_in_days',
      config.recovery_window_in_days,
      7,
      30,
      'a whole number of days from 7 to 30 (30 recommended, or unset for the AWS default of 30); 0 deletes the secret at once with no way back',
    ),
};
