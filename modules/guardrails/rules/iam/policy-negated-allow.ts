import { conditionEntries, parseOperator } from './condition-helpers';
import { PolicyRule, statementLabel, statementsOf } from '../policy-rule';

/**
 * No negated condition on an Allow. A negated operator (`StringNotEquals`, `StringNotLike`,
 * `StringNotEqualsIgnoreCase`, `ArnNotEquals`, `ArnNotLike`, `NumericNotEquals`, `DateNotEquals`,
 * `NotIpAddress`, with or without `ForAnyValue:` / `ForAllValues:` / `IfExists`) also matches a
 * request that lacks the key, and `Null` with `true` matches exactly those requests: on an Allow both
 * grant access to requests the author meant to exclude (e.g. `StringNotEquals aws:SourceVpce` allows
 * every call from the internet, which carries no `aws:SourceVpce`). Negations belong in a Deny.
 * `Null` with `false` (the key must be present) narrows an Allow and is fine.
 * Fix: A positive operator, or the negation in a Deny.
 */
export const policyNegatedAllow: PolicyRule = {
  code: 'PLS_POLICY_NEGATED_ALLOW',
  description: 'No negated condition operator (…Not…, NotIpAddress, Null true) on an Allow statement',
  check: ({ policy }) =>
    statementsOf(policy).flatMap((s, i) =>
      s.Effect !== 'Allow'
        ? []
        : conditionEntries(s).flatMap((c) => {
            const op = parseOperator(c.operator);
            if (op.negated) {
              return [
                `${statementLabel(s, i)} is an Allow with negated condition ${c.operator} on ${c.key}: it also matches requests without ${c.key} and so widens the Allow; use a positive operator (StringEquals, ArnLike, IpAddress) on the Allow, or express the exclusion as a Deny statement`,
              ];
            }
            if (op.base === 'Null' && c.values.some((v) => v.toLowerCase() === 'true')) {
              return [
                `${statementLabel(s, i)} is an Allow with Null ${c.key} = true: it grants exactly the requests that lack ${c.key}; use Null false (key required) on the Allow, or move the condition to a Deny statement`,
              ];
            }
            return [];
          }),
    ),
};
