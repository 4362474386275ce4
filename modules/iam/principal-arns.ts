import { arnLike } from './policy-evaluator';

/**
 * IAM principal ARNs as the policies use them. The key and secret policies compare
 * `aws:PrincipalArn`, which always holds the IAM role or user ARN of the caller (for an assumed role,
 * the role's ARN with its path, never the STS session ARN), never a group, never the root.
 *
 * - Exempt principals (break-glass, deploy role, rotation roles, audit-ignored roles) are exact
 *   role or user ARNs: a pattern would exempt every principal it matches.
 * - Admitted principals (the endpoint policies' `principalArns`) may be patterns, but none as wide
 *   as the account: that would admit every principal, which is what the list exists to narrow.
 */

/** The kinds of IAM principal an ARN may name. */
export type PrincipalKind = 'role' | 'user';

const IAM_NAME = /^(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/;
const STS_SESSION = /^arn:([a-z-]+):sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/.+$/;

/** A regular expression (source) for exact principal ARNs of `kinds`, for the JSON Schema (editors); the checks below say more. */
export function exactPrincipalPattern(kinds: readonly PrincipalKind[]): string {
  return `^arn:[a-z-]+:iam::\\d{12}:(${kinds.join('|')})/([\\w+=,.@-]+/)*[\\w+=,.@-]{1,128}$`;
}

/** A regular expression (source) for admitted principal ARNs or patterns, for the JSON Schema (editors). */
export const PRINCIPAL_PATTERN_PATTERN = '^arn:[a-z-]+:iam::\\d{12}:(role|user)/[\\w+=,.@/*?-]+$';

/** Problems every principal entry shares: STS ARNs, the root, groups (none can equal `aws:PrincipalArn` usefully). */
function commonProblem(arn: string, kinds: readonly PrincipalKind[]): string | undefined {
  const session = STS_SESSION.exec(arn);
  if (session) {
    return `expected the IAM role ARN, not an STS session ARN: aws:PrincipalArn holds the role's ARN and never a session's, so this entry would match no call; did you mean "arn:${session[1]}:iam::${session[2]}:role/${session[3]}" (with the role's path, if it has one)?`;
  }
  if (/^arn:[a-z-]+:sts:/.test(arn))
    return `expected an IAM ${kinds.join(' or ')} ARN ("arn:<partition>:iam::…"), not an STS ARN: aws:PrincipalArn never holds one`;
  if (/^arn:[a-z-]+:iam::[^:]*:root$/.test(arn))
    return `expected an IAM ${kinds.join(' or ')} ARN, not the account root: it stands for every principal of the account`;
  if (/^arn:[a-z-]+:iam::[^:]*:group\//.test(arn))
    return `expected an IAM ${kinds.join(' or ')} ARN, not a group: a group is never the principal of a call (aws:PrincipalArn never names one)`;
  return undefined;
}

/** How wide a pattern's resource part is when it matches every principal of a kind, or of the account; undefined otherwise. */
function accountWide(resource: string): string | undefined {
  if (/^[*?/]*$/.test(resource)) return 'every principal of the account';
  const typed = /^([^/]*)\/(.*)$/.exec(resource);
  if (!typed) return undefined;
  const [, type, name] = typed;
  if (/[*?]/.test(type)) return 'every principal of the account whose type it matches (roles and users alike)';
  if (/^[*?/]+$/.test(name)) return `every ${type} of the account`;
  return undefined;
}

/**
 * Why `arn` is not an exact IAM principal ARN of one of `kinds` (`arn:<partition>:iam::<account>:role/<path/name>`),
 * as the `expected …` of a message; undefined when it is one.
 */
export function exactPrincipalProblem(arn: string, kinds: readonly PrincipalKind[] = ['role', 'user']): string | undefined {
  const common = commonProblem(arn, kinds);
  if (common) return common;
  const example = `"arn:aws:iam::111122223333:${kinds[0]}/name"`;
  const resource = /^arn:[a-z-]+:iam::\d{12}:(.+)$/.exec(arn)?.[1];
  if (resource !== undefined && /[*?]/.test(resource)) {
    const width = accountWide(resource);
    return `expected an exact IAM ${kinds.join(' or ')} ARN such as ${example}, without "*" or "?": this principal is exempted by ARN, and a pattern exempts every principal it matches${width ? ` (this one matches ${width})` : ''}`;
  }
  const kind = resource ? /^(\w+)\/(.+)$/.exec(resource) : null;
  if (!kind || !(kinds as readonly string[]).includes(kind[1]) || !IAM_NAME.test(kind[2])) {
    return `expected an exact IAM ${kinds.join(' or ')} ARN "arn:<partition>:iam::<12-digit account>:${kinds.join('|')}/<path/name>", such as ${example}`;
  }
  return undefined;
}

/**
 * Why `arn` may not admit callers to an endpoint (`principalArns`): not an IAM role or user ARN
 * (pattern), or a pattern as wide as the account (`:*`, `role/*`, `user/?*`); undefined when fine.
 */
export function principalPatternProblem(arn: string): string | undefined {
  const common = commonProblem(arn, ['role', 'user']);
  if (common) return common;
  if (/^[*?]+$/.test(arn)) return 'expected an IAM role or user ARN or a narrow pattern: this one matches every principal of every account';
  const resource = /^arn:[a-z-]+:iam::\d{12}:(.+)$/.exec(arn)?.[1];
  if (resource === undefined || !/^[\w+=,.@/*?-]+$/.test(resource)) {
    return 'expected an IAM role or user ARN or pattern such as "arn:aws:iam::111122223333:role/app" or "arn:aws:iam::111122223333:role/team-a/*"';
  }
  const width = accountWide(resource);
  if (width) {
    return `expected a narrower pattern: this one matches ${width}, and the endpoint policy would admit them all; name the roles, or a path or prefix of yours such as "role/team-a/*"`;
  }
  if (!/^(role|user)\/./.test(resource)) return 'expected "role/<name or pattern>" or "user/<name or pattern>" after the account id';
  return undefined;
}

/** True when the admitted-principal `pattern` (with `*` / `?`) matches the exact principal `arn`. */
export function principalMatches(pattern: string, arn: string): boolean {
  return arnLike(pattern, arn);
}
