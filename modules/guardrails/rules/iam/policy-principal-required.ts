import { PolicyRule, statementLabel, statementsOf } from '../policy-rule';

/**
 * Resource, key and endpoint policies must name a Principal in every statement.
 * Fix: Name the principal, or `"*"` with a condition.
 */
export const policyPrincipalRequired: PolicyRule = {
  code: 'PLS_POLICY_PRINCIPAL_REQUIRED',
  description: 'Every statement of a resource, key or endpoint policy names a Principal',
  check: ({ policy, kind }) =>
    kind === 'identity'
      ? []
      : statementsOf(policy).flatMap((s, i) =>
          s.Principal === undefined && s.NotPrincipal === undefined
            ? [
                `${statementLabel(s, i)} has no Principal; a ${kind} policy statement needs one (e.g. {"AWS": "arn:aws:iam::111122223333:root"} or "*" with a restricting condition)`,
              ]
            : [],
        ),
};
