import { PolicyRule, statementLabel, statementsOf } from '../policy-rule';

/**
 * A trust policy (a role's assume-role policy) names no `Resource` or `NotResource`: the role is the
 * resource. IAM refuses the document at CreateRole / UpdateAssumeRolePolicy (MalformedPolicyDocument).
 * Fix: remove `Resource` / `NotResource` (a trust policy names no resource).
 */
export const policyTrustResource: PolicyRule = {
  code: 'PLS_POLICY_TRUST_RESOURCE',
  description: 'A trust policy has no Resource or NotResource (IAM refuses it: MalformedPolicyDocument)',
  check: ({ policy, kind }) =>
    kind !== 'trust'
      ? []
      : statementsOf(policy).flatMap((s, i) =>
          (['Resource', 'NotResource'] as const)
            .filter((field) => s[field] !== undefined)
            .map(
              (field) =>
                `${statementLabel(s, i)} has ${field} (found ${JSON.stringify(s[field])}); a trust policy names no ${field}, IAM refuses it with MalformedPolicyDocument: remove it`,
            ),
        ),
};
