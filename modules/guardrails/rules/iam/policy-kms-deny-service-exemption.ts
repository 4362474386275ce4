import { asList, PolicyRule, StatementJson, statementLabel, statementsOf } from '../policy-rule';
import {
  coveredActions,
  describeEntry,
  exactSecretsManagerExemptionProblem,
  secretsManagerViaServiceHint,
  serviceExemptions,
  usageActions,
} from './service-exemptions';

export { isServiceExemption } from './service-exemptions';

function onlyKmsActions(s: StatementJson): boolean {
  const actions = asList<unknown>(s.Action);
  return actions.length > 0 && actions.every((a) => typeof a === 'string' && a.toLowerCase().startsWith('kms:'));
}

/**
 * A Deny of KMS key usage (in a key policy, or a statement of only `kms:` actions) carries exactly
 * one service exemption: `StringNotEquals kms:ViaService = secretsmanager.<region>.<DNS suffix>`.
 * Secrets Manager calls KMS for the caller from AWS's network, not through your endpoint, so without
 * it every secret encrypted with the key breaks; any broader exemption (`aws:ViaAWSService`,
 * `aws:PrincipalIsAWSService`, `Null kms:ViaService`, a wildcard or another service) lets S3, EBS or
 * any other service use the key for the caller from anywhere.
 * Fix: `"StringNotEquals": {"kms:ViaService": "secretsmanager.<region>.amazonaws.com"}`.
 */
export const policyKmsDenyServiceExemption: PolicyRule = {
  code: 'PLS_POLICY_KMS_DENY_NO_SERVICE_EXEMPTION',
  description:
    'A KMS key-usage Deny exempts exactly Secrets Manager acting for the caller (StringNotEquals kms:ViaService = secretsmanager.<region>.<DNS suffix>), no other service',
  check: ({ policy, kind, region }) =>
    statementsOf(policy).flatMap((s, i) => {
      if (s.Effect !== 'Deny' || (kind !== 'key' && !onlyKmsActions(s))) return [];
      const usage = usageActions(coveredActions(s));
      if (usage.length === 0) return [];
      const expected = `"StringNotEquals": {"kms:ViaService": "${secretsManagerViaServiceHint(region)}"}`;
      const exemptions = serviceExemptions(s);
      const label = `${statementLabel(s, i)} denies key usage (${usage.slice(0, 3).join(', ')}${usage.length > 3 ? ', …' : ''})`;
      if (exemptions.length === 0) {
        return [
          `${label} without exempting Secrets Manager acting for the caller; Secrets Manager decrypts through AWS's network, not your endpoint, so add ${expected} (and no other service)`,
        ];
      }
      const problems = exemptions.map((e) => [e, exactSecretsManagerExemptionProblem(e, region)] as const);
      const exact = problems.filter(([, p]) => p === undefined);
      const broad = problems.filter(([, p]) => p !== undefined);
      if (exact.length === 1 && broad.length === 0) return [];
      return [
        `${label} with a service exemption other than Secrets Manager alone (found ${broad.map(([e, p]) => `${describeEntry(e)}: ${p}`).join('; ') || exact.map(([e]) => describeEntry(e)).join('; ')}); this lets other services (S3, EBS, …) use the key for the caller from anywhere: keep only ${expected}`,
      ];
    }),
};
