import { conditionEntries, ConditionEntry, parseOperator, sameKey } from './condition-helpers';
import { asList, PolicyRule, StatementJson, statementLabel, statementsOf } from './policy-rule';

/**
 * A condition that keeps a Deny away from AWS services acting for the caller: `Bool` false on
 * `aws:ViaAWSService` or `aws:PrincipalIsAWSService`; a negated string operator or `Null` true on
 * `kms:ViaService`.
 */
export function isServiceExemption(entry: ConditionEntry): boolean {
  const op = parseOperator(entry.operator);
  if (!op.known) return false;
  if (sameKey(entry.key, 'aws:ViaAWSService') || sameKey(entry.key, 'aws:PrincipalIsAWSService')) {
    return op.base === 'Bool' && entry.values.length > 0 && entry.values.every((v) => v.toLowerCase() === 'false');
  }
  if (sameKey(entry.key, 'kms:ViaService')) {
    return op.negated || (op.base === 'Null' && entry.values.every((v) => v.toLowerCase() === 'true'));
  }
  return false;
}

function deniesKms(s: StatementJson, keyPolicy: boolean): boolean {
  if (s.Effect !== 'Deny') return false;
  if (keyPolicy) return true;
  const actions = asList<unknown>(s.Action);
  return actions.length > 0 && actions.every((a) => typeof a === 'string' && a.toLowerCase().startsWith('kms:'));
}

/**
 * In a key policy (or any statement whose actions are all `kms:`), a Deny carries an AWS-service
 * exemption. Secrets Manager and other services call KMS for the caller from AWS's own network, not
 * through your endpoint or VPC, so an unexempted network Deny breaks every secret encrypted with the key.
 */
export const policyKmsDenyServiceExemption: PolicyRule = {
  code: 'PLS_POLICY_KMS_DENY_NO_SERVICE_EXEMPTION',
  description: 'KMS Deny statements exempt AWS services acting for the caller (aws:ViaAWSService, kms:ViaService, aws:PrincipalIsAWSService)',
  check: ({ policy, kind }) =>
    statementsOf(policy).flatMap((s, i) => {
      if (!deniesKms(s, kind === 'key') || conditionEntries(s).some(isServiceExemption)) return [];
      const near = conditionEntries(s).filter((c) => ['aws:ViaAWSService', 'aws:PrincipalIsAWSService', 'kms:ViaService'].some((k) => sameKey(k, c.key)));
      const found = near.length
        ? ` (found ${near.map((c) => `${c.operator} ${c.key} = ${JSON.stringify(c.values)}`).join(', ')}, which does not exempt them)`
        : '';
      return [
        `${statementLabel(s, i)} denies KMS actions without exempting AWS services acting for the caller${found}; Secrets Manager decrypts through AWS's network, not your endpoint, so add "Bool": {"aws:ViaAWSService": "false"} (or "StringNotEquals": {"kms:ViaService": "secretsmanager.<region>.amazonaws.com"})`,
      ];
    }),
};
