import { isResourceId } from '../../../core/aws-identifiers';
import { conditionEntries, isUnresolved, parseOperator } from './condition-helpers';
import { PolicyRule, statementLabel, statementsOf } from '../policy-rule';

const EXPECTED = { 'aws:sourcevpce': 'vpce', 'aws:sourcevpc': 'vpc' } as const;

/**
 * Values of `aws:SourceVpce` are `vpce-` ids and values of `aws:SourceVpc` are `vpc-` ids (8 or 17
 * hex digits). A vpc id where a vpce id belongs (or the reverse) never matches, which turns an Allow
 * into a no-op and a Deny into a lock-out. Terraform references and cdktf tokens (`${…}`) are left to
 * plan time; wildcard values and non-string operators are reported by PLS_POLICY_SOURCE_VPC_OPERATOR.
 * Fix: The endpoint id / the VPC id.
 */
export const policySourceVpcId: PolicyRule = {
  code: 'PLS_POLICY_SOURCE_VPC_ID',
  description: 'aws:SourceVpce values are vpce- ids and aws:SourceVpc values are vpc- ids',
  check: ({ policy }) =>
    statementsOf(policy).flatMap((s, i) =>
      conditionEntries(s).flatMap((c) => {
        const expected = EXPECTED[c.key.toLowerCase() as keyof typeof EXPECTED];
        // Only string comparisons hold ids; other operators on these keys are PLS_POLICY_SOURCE_VPC_OPERATOR's.
        if (!expected || !parseOperator(c.operator).base.startsWith('String')) return [];
        const other = expected === 'vpce' ? 'vpc' : 'vpce';
        const otherKey = expected === 'vpce' ? 'aws:SourceVpc' : 'aws:SourceVpce';
        return c.values
          .filter((v) => !isUnresolved(v) && !/[*?]/.test(v) && !isResourceId(expected, v))
          .map((v) =>
            isResourceId(other, v)
              ? `${statementLabel(s, i)} Condition ${c.operator} ${c.key}: found ${JSON.stringify(v)}, a ${other}- id where a ${expected}- id belongs; use the ${expected === 'vpce' ? 'VPC endpoint id' : 'VPC id'} here, or condition on ${otherKey} instead`
              : `${statementLabel(s, i)} Condition ${c.operator} ${c.key}: found ${JSON.stringify(v)}; expected a ${expected}- id ("${expected}-" followed by 8 or 17 lower-case hex digits)`,
          );
      }),
    ),
};
