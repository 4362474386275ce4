import { PolicyRule, statementLabel, statementsOf } from '../policy-rule';

/**
 * `NotPrincipal` is never used: it is easy to get wrong (it also matches AWS services and other accounts).
 * Fix: `Principal: "*"` and a Deny with `ArnNotLike aws:PrincipalArn`.
 */
export const policyNotPrincipal: PolicyRule = {
  code: 'PLS_POLICY_NOT_PRINCIPAL',
  description: 'No statement uses NotPrincipal',
  check: ({ policy }) =>
    statementsOf(policy).flatMap((s, i) =>
      s.NotPrincipal === undefined
        ? []
        : [
            `${statementLabel(s, i)} uses NotPrincipal (found ${JSON.stringify(s.NotPrincipal)}); use "Principal": "*" with a condition instead, e.g. a Deny with "ArnNotEquals": {"aws:PrincipalArn": [...]} to exempt exact principals`,
          ],
    ),
};
