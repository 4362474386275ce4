import { conditionEntries, ConditionEntry, parseOperator, sameKey } from './condition-helpers';
import { PolicyRule, StatementJson, statementLabel, statementsOf } from '../policy-rule';

/**
 * Condition keys that narrow who can use an Allow with `Principal: "*"`: the caller's account,
 * organization or ARN, the network path (VPC endpoint, VPC), or the calling service's source.
 */
export const RESTRICTING_CONDITION_KEYS: readonly string[] = [
  'aws:PrincipalAccount',
  'aws:PrincipalArn',
  'aws:PrincipalOrgID',
  'aws:PrincipalOrgPaths',
  'aws:SourceVpce',
  'aws:SourceVpc',
  'aws:SourceAccount',
  'aws:SourceArn',
  'aws:SourceOrgID',
  'aws:SourceOrgPaths',
  'kms:CallerAccount',
  'kms:ViaService',
];

/** True when the statement's principal includes everyone: `"*"` or `{"AWS": "*"}` (alone or in a list). */
export function isPublicPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object') return false;
  const aws = (principal as { AWS?: unknown }).AWS;
  return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
}

/**
 * A condition narrows the principal only when it must match: a positive operator (not negated, not
 * `Null`, not `...IfExists`, not `ForAllValues:`, all of which also match when the key is absent) on
 * one of {@link RESTRICTING_CONDITION_KEYS}, with a value other than `*`.
 */
export function isRestrictingCondition(entry: ConditionEntry): boolean {
  const op = parseOperator(entry.operator);
  return (
    op.known &&
    !op.negated &&
    op.base !== 'Null' &&
    !op.ifExists &&
    op.setOperator !== 'ForAllValues' &&
    RESTRICTING_CONDITION_KEYS.some((k) => sameKey(k, entry.key)) &&
    entry.values.length > 0 &&
    entry.values.every((v) => v !== '*')
  );
}

function message(s: StatementJson, i: number): string {
  const near = conditionEntries(s).filter((c) => RESTRICTING_CONDITION_KEYS.some((k) => sameKey(k, c.key)));
  const found = near.length ? ` (found ${near.map((c) => `${c.operator} ${c.key}`).join(', ')}, which also match requests without the key or any value)` : '';
  return `${statementLabel(s, i)} allows Principal ${JSON.stringify(s.Principal)} with no restricting condition${found}; name the principals, or add a positive condition on the caller or network path such as "StringEquals": {"aws:PrincipalAccount": "111122223333"} or {"aws:SourceVpce": "vpce-…"} (keys: ${RESTRICTING_CONDITION_KEYS.join(', ')})`;
}

/**
 * An Allow for everyone (`Principal: "*"`) must carry a condition that narrows who or from where.
 * Fix: Name the principals, or add `StringEquals aws:PrincipalAccount`.
 */
export const policyPublicPrincipal: PolicyRule = {
  code: 'PLS_POLICY_PUBLIC_PRINCIPAL',
  description: 'Allow with Principal "*" carries a restricting condition (account, organization, principal ARN, VPC endpoint, VPC)',
  check: ({ policy }) =>
    statementsOf(policy).flatMap((s, i) =>
      s.Effect === 'Allow' && isPublicPrincipal(s.Principal) && !conditionEntries(s).some(isRestrictingCondition) ? [message(s, i)] : [],
    ),
};
