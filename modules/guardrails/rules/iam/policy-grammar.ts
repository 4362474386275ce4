import { PolicyKind } from '../../../iam/policy-document';
import { asList, PolicyRule, StatementJson, statementLabel, statementsOf } from '../policy-rule';

/** Actions a trust policy may grant (lower case): assuming the role and what comes with the session. */
const TRUST_ACTIONS = /^sts:(assumerole[a-z]*|tagsession|setsourceidentity)$/;

const KINDS_WITH_RESOURCE: ReadonlySet<PolicyKind> = new Set(['identity', 'resource', 'endpoint', 'key']);

function statementProblems(s: StatementJson, kind: PolicyKind): string[] {
  const problems: string[] = [];
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') problems.push(`has Effect ${JSON.stringify(s.Effect)}; expected "Allow" or "Deny"`);
  const hasAction = s.Action !== undefined;
  const hasNotAction = s.NotAction !== undefined;
  if (hasAction === hasNotAction) {
    problems.push(hasAction ? 'has both Action and NotAction; expected one of them' : 'has neither Action nor NotAction; expected one of them');
  }
  if (kind === 'identity' && (s.Principal !== undefined || s.NotPrincipal !== undefined)) {
    problems.push('names a Principal; an identity policy applies to the role or user it is attached to and names none: remove it');
  }
  if (KINDS_WITH_RESOURCE.has(kind) && s.Resource === undefined && s.NotResource === undefined) {
    problems.push(`has no Resource; ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} policy statement needs one (e.g. "Resource": "*")`);
  }
  if (kind === 'trust') {
    if (hasNotAction) problems.push('has NotAction; a trust policy grants only sts:AssumeRole*, sts:TagSession, sts:SetSourceIdentity: use Action');
    const other = asList<unknown>(s.Action).filter((a) => typeof a !== 'string' || !TRUST_ACTIONS.test(a.toLowerCase()));
    if (other.length) {
      problems.push(
        `has Action ${JSON.stringify(other)}; a trust policy grants only sts:AssumeRole, sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity, sts:TagSession, sts:SetSourceIdentity`,
      );
    }
  }
  return problems;
}

/**
 * Each document follows the grammar of its kind: `Version`, when given, 2012-10-17; every statement has
 * Effect Allow/Deny and exactly one of Action/NotAction; an identity policy names no Principal;
 * identity, resource, endpoint and key policy statements have a Resource; a trust policy grants only
 * the `sts:` actions of assuming a role. (A Principal where one is required: PLS_POLICY_PRINCIPAL_REQUIRED;
 * no Resource in a trust policy: PLS_POLICY_TRUST_RESOURCE.)
 * Fix: Principal where the kind needs one, Resource where it needs one.
 */
export const policyGrammar: PolicyRule = {
  code: 'PLS_POLICY_GRAMMAR',
  description: 'The document follows the grammar of its kind (identity, resource, endpoint, key, trust): Version, Effect, Action, Principal, Resource',
  check: ({ policy, kind }) => [
    ...(policy.Version === undefined || policy.Version === '2012-10-17'
      ? []
      : [`has Version ${JSON.stringify(policy.Version)}; expected "2012-10-17" (the only version with policy variables)`]),
    ...statementsOf(policy).flatMap((s, i) => statementProblems(s, kind).map((p) => `${statementLabel(s, i)} ${p}`)),
  ],
};
