import { PolicyRule, statementLabel, statementsOf } from '../policy-rule';
import { coveredActions, describeEntry, managementActions, serviceExemptions } from './service-exemptions';

/**
 * A Deny of key or secret management (actions of access level Write, Permissions management or
 * Tagging other than key usage, such as `kms:PutKeyPolicy`, `kms:ScheduleKeyDeletion`,
 * `secretsmanager:PutSecretValue`) carries no service exemption at all: a service acting for the
 * caller (a CloudFormation stack's forward access session) would otherwise manage keys and secrets
 * from anywhere.
 * Fix: No service exemption: exempt exact principals instead.
 */
export const policyManagementDenyServiceExemption: PolicyRule = {
  code: 'PLS_POLICY_MANAGEMENT_DENY_SERVICE_EXEMPTION',
  description: 'A Deny of key or secret management exempts no AWS service acting for the caller (aws:ViaAWSService, kms:ViaService, aws:CalledVia, …)',
  check: ({ policy }) =>
    statementsOf(policy).flatMap((s, i) => {
      if (s.Effect !== 'Deny') return [];
      const exemptions = serviceExemptions(s);
      if (exemptions.length === 0) return [];
      const management = managementActions(coveredActions(s));
      if (management.length === 0) return [];
      return [
        `${statementLabel(s, i)} denies key or secret management (${management.slice(0, 3).join(', ')}${management.length > 3 ? ', …' : ''}) but exempts AWS services acting for the caller (found ${exemptions.map(describeEntry).join('; ')}); a CloudFormation stack or other service could then manage it for the caller from anywhere: remove the exemption (put key usage, which needs the Secrets Manager exemption, in a statement of its own)`,
      ];
    }),
};
