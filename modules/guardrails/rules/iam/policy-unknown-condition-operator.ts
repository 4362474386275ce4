import { CONDITION_OPERATORS, didYouMean, parseOperator } from './condition-helpers';
import { PolicyRule, statementLabel, statementsOf } from '../policy-rule';

/**
 * Condition operators are IAM operators, optionally with a `ForAnyValue:` / `ForAllValues:` prefix
 * and an `IfExists` suffix (not on `Null`). Matched case-insensitively, as the IAM policy simulator
 * does, so only a real misspelling is reported.
 * Fix: An IAM operator, `ForAnyValue:` / `ForAllValues:`, `…IfExists`.
 */
export const policyUnknownConditionOperator: PolicyRule = {
  code: 'PLS_POLICY_UNKNOWN_CONDITION_OPERATOR',
  description: 'Condition operators are IAM operators (with optional ForAnyValue:/ForAllValues: and IfExists)',
  check: ({ policy }) =>
    statementsOf(policy).flatMap((s, i) =>
      Object.keys(s.Condition ?? {})
        .filter((operator) => !parseOperator(operator).known)
        .map((operator) => {
          const base = operator.slice(operator.indexOf(':') + 1).replace(/IfExists$/i, '');
          return `${statementLabel(s, i)} Condition: found unknown operator ${JSON.stringify(operator)}${didYouMean(base, CONDITION_OPERATORS)}; expected an IAM operator such as "StringEquals" or "ArnLike", optionally prefixed "ForAnyValue:" / "ForAllValues:" or suffixed "IfExists" (not "NullIfExists")`;
        }),
    ),
};
