import { conditionEntries, sameKey } from './condition-helpers';
import { ENDPOINT_CONDITION_KEYS } from './policy-source-vpc-operator';
import { PolicyRule, statementLabel, statementsOf } from '../policy-rule';

/**
 * No `aws:SourceIp` in a policy that also conditions on `aws:SourceVpc` / `aws:SourceVpce`. Requests
 * through a VPC endpoint carry no `aws:SourceIp` (the private address is in `aws:VpcSourceIp`), so
 * mixing the two is a sign of a policy that either never matches endpoint traffic or lets it through
 * by accident. If both paths are really wanted, suppress with a reason.
 * Fix: Drop it, or use `aws:VpcSourceIp`.
 */
export const policySourceIpWithEndpoint: PolicyRule = {
  code: 'PLS_POLICY_SOURCE_IP_WITH_ENDPOINT',
  description: 'aws:SourceIp is not combined with aws:SourceVpc / aws:SourceVpce conditions',
  check: ({ policy }) => {
    const statements = statementsOf(policy);
    const endpointUse = statements.flatMap((s, i) =>
      conditionEntries(s)
        .filter((c) => ENDPOINT_CONDITION_KEYS.some((k) => sameKey(k, c.key)))
        .map((c) => `${c.key} in ${statementLabel(s, i)}`),
    );
    if (endpointUse.length === 0) return [];
    return statements.flatMap((s, i) =>
      conditionEntries(s)
        .filter((c) => sameKey(c.key, 'aws:SourceIp'))
        .map(
          (c) =>
            `${statementLabel(s, i)} Condition ${c.operator} aws:SourceIp sits in a policy that also uses endpoint conditions (${endpointUse[0]}): requests through a VPC endpoint carry no aws:SourceIp, so this condition cannot match them; drop it, or use aws:VpcSourceIp for private addresses behind the endpoint`,
        ),
    );
  },
};
