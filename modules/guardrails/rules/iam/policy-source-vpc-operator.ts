import { conditionEntries, isUnresolved, parseOperator, sameKey } from './condition-helpers';
import { PolicyRule, statementLabel, statementsOf } from '../policy-rule';

/** The endpoint keys this rule guards. */
export const ENDPOINT_CONDITION_KEYS: readonly string[] = ['aws:SourceVpc', 'aws:SourceVpce'];

/** Operators that compare ids exactly; everything else is a wildcard, ARN or wrong-type operator. */
const EXACT_STRING_OPERATORS: ReadonlySet<string> = new Set(['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'Null']);

function operatorProblem(base: string): string | undefined {
  if (EXACT_STRING_OPERATORS.has(base)) return undefined;
  if (base === 'StringLike' || base === 'StringNotLike' || base.startsWith('Arn')) {
    return `a wildcard operator (${base}); a pattern can match endpoints or VPCs of other accounts`;
  }
  return `a ${base} operator; the key holds a string id, so it never compares as a number, date, boolean, binary or IP address`;
}

/**
 * `aws:SourceVpc` / `aws:SourceVpce` are compared exactly: `StringEquals` / `StringNotEquals`
 * (optionally `IgnoreCase`, `IfExists`) or `Null`; no `StringLike` / `Arn*` wildcard operators, no
 * `*` / `?` in the values, no numeric, date, boolean, binary or IP operators.
 * Fix: `StringEquals` / `StringNotEquals` with exact ids.
 */
export const policySourceVpcOperator: PolicyRule = {
  code: 'PLS_POLICY_SOURCE_VPC_OPERATOR',
  description: 'aws:SourceVpc / aws:SourceVpce only with exact string operators and no wildcard values',
  check: ({ policy }) =>
    statementsOf(policy).flatMap((s, i) =>
      conditionEntries(s)
        .filter((c) => ENDPOINT_CONDITION_KEYS.some((k) => sameKey(k, c.key)))
        .flatMap((c) => {
          const op = parseOperator(c.operator);
          const fix = `use StringEquals (Allow) or StringNotEquals (Deny) with the exact ${c.key.toLowerCase().endsWith('vpce') ? 'vpce-' : 'vpc-'} ids`;
          const out: string[] = [];
          const problem = op.known ? operatorProblem(op.base) : undefined;
          if (problem) out.push(`${statementLabel(s, i)} Condition ${c.operator} ${c.key}: found ${problem}; ${fix}`);
          if (op.base !== 'Null') {
            const wild = c.values.filter((v) => !isUnresolved(v) && /[*?]/.test(v));
            if (wild.length)
              out.push(
                `${statementLabel(s, i)} Condition ${c.operator} ${c.key}: found wildcard value(s) ${wild.map((v) => JSON.stringify(v)).join(', ')}; ${fix}`,
              );
          }
          return out;
        }),
    ),
};
