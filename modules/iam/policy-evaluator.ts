import { GuardrailError } from '../core/errors';
import { asList, PolicyJson, StatementJson, statementsOf } from '../guardrails/rules/policy-rule';

/**
 * A small IAM policy evaluator for the access report: enough of IAM's logic for the policies these
 * modules generate (principal, action and resource matching with wildcards, the condition
 * operators below), nothing more. Values may be symbolic Terraform references: they compare as the
 * strings they are. An operator it does not know is an error, never a guess.
 *
 * Supported operators: StringEquals, StringNotEquals, StringLike, ArnEquals, ArnLike, ArnNotEquals,
 * ArnNotLike, Bool, ForAnyValue:StringEquals. As in IAM, `ArnEquals` matches like `ArnLike` (each
 * ARN part with `*` and `?`), and `ArnNotEquals` like `ArnNotLike`. Condition keys are matched case-insensitively, as IAM does.
 */

/** The request being evaluated. */
export interface EvaluationRequest {
  /** The caller's ARN (an IAM role or user). */
  readonly principalArn: string;
  /** The caller's account. */
  readonly principalAccount: string;
  /** A service principal, when an AWS service itself is the caller. @default - none */
  readonly servicePrincipal?: string;
  /** `service:Action`. */
  readonly action: string;
  /** The resource ARN, or `*` for actions without a resource. */
  readonly resource: string;
  /** Request context keys (e.g. `aws:SourceVpce`); absent keys are simply not listed. */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

/** What one policy says about a request. */
export interface PolicyVerdict {
  /** Sids (or `Statement[i]`) of the Deny statements that match. */
  readonly denies: string[];
  /** Sids (or `Statement[i]`) of the Allow statements that match. */
  readonly allows: string[];
}

/** Operators the evaluator understands. */
export const SUPPORTED_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringLike',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Bool',
  'ForAnyValue:StringEquals',
] as const;

function globToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
}

/** `*` and `?` wildcards over the whole string. */
export function globMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  return globToRegExp(pattern, caseInsensitive).test(value);
}

/** IAM ArnLike: each of the six colon-separated parts matched on its own, with `*` and `?`. */
export function arnLike(pattern: string, value: string): boolean {
  const split = (arn: string): string[] | undefined => {
    const parts = arn.split(':');
    return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const p = split(pattern);
  const v = split(value);
  if (pattern === '*') return true;
  if (!p || !v) return false; // not an ARN (pattern or value): ArnLike never matches
  return p.every((part, i) => globMatch(part, v[i]));
}

function contextValue(context: EvaluationRequest['context'], key: string): readonly string[] | undefined {
  const found = Object.keys(context).find((k) => k.toLowerCase() === key.toLowerCase());
  if (found === undefined) return undefined;
  const value = context[found];
  return typeof value === 'string' ? [value] : value;
}

function conditionMatches(operator: string, key: string, policyValues: readonly string[], context: EvaluationRequest['context'], where: string): boolean {
  const actual = contextValue(context, key);
  const any = (test: (policyValue: string, value: string) => boolean) => actual !== undefined && actual.some((v) => policyValues.some((p) => test(p, v)));
  switch (operator) {
    case 'StringEquals':
      return any((p, v) => p === v);
    case 'ForAnyValue:StringEquals':
      return any((p, v) => p === v);
    case 'StringNotEquals':
      return actual === undefined || !any((p, v) => p === v);
    case 'StringLike':
      return any((p, v) => globMatch(p, v));
    case 'ArnEquals':
    case 'ArnLike':
      return any((p, v) => arnLike(p, v));
    case 'ArnNotEquals':
    case 'ArnNotLike':
      return actual === undefined || !any((p, v) => arnLike(p, v));
    case 'Bool':
      return any((p, v) => p.toLowerCase() === v.toLowerCase());
    default:
      throw new GuardrailError(
        'PLS_EVALUATOR_OPERATOR',
        `${where}.Condition`,
        `found operator ${JSON.stringify(operator)}; expected one the access report evaluates (${SUPPORTED_OPERATORS.join(', ')})`,
      );
  }
}

function principalMatches(principal: unknown, request: EvaluationRequest): boolean {
  if (principal === undefined) return true; // identity policies
  if (principal === '*') return true;
  if (principal === null || typeof principal !== 'object') return false;
  const p = principal as { AWS?: string | string[]; Service?: string | string[] };
  if (request.servicePrincipal) return asList(p.Service).includes(request.servicePrincipal);
  return asList(p.AWS).some((entry) => {
    if (entry === '*' || entry === request.principalArn) return true;
    // The account (root or bare id) delegates to the account's identity policies, which the report assumes allow.
    const account = /^arn:[a-z-]+:iam::(\d{12}):root$/.exec(entry)?.[1] ?? (/^\d{12}$/.test(entry) ? entry : undefined);
    return account !== undefined && account === request.principalAccount;
  });
}

function listMatches(patterns: string | string[] | undefined, value: string, match: (pattern: string, value: string) => boolean): boolean {
  return asList(patterns).some((p) => match(p, value));
}

function label(statement: StatementJson, index: number): string {
  return statement.Sid ?? `Statement[${index}]`;
}

/** True when the statement applies to the request (principal, action, resource and every condition). */
export function statementMatches(statement: StatementJson, index: number, request: EvaluationRequest): boolean {
  if (statement.NotPrincipal !== undefined) {
    throw new GuardrailError('PLS_EVALUATOR_NOT_PRINCIPAL', label(statement, index), 'found NotPrincipal; the access report does not evaluate it');
  }
  if (!principalMatches(statement.Principal, request)) return false;
  const actionMatch = (p: string, v: string) => globMatch(p, v, true);
  if (statement.Action !== undefined && !listMatches(statement.Action, request.action, actionMatch)) return false;
  if (statement.NotAction !== undefined && listMatches(statement.NotAction, request.action, actionMatch)) return false;
  const resourceMatch = (p: string, v: string) => p === '*' || (v !== '*' && globMatch(p, v));
  if (statement.Resource !== undefined && !listMatches(statement.Resource, request.resource, resourceMatch)) return false;
  if (statement.NotResource !== undefined && listMatches(statement.NotResource, request.resource, resourceMatch)) return false;
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, value] of Object.entries(keys)) {
      const values = asList(value as string | string[]).map(String);
      if (!conditionMatches(operator, key, values, request.context, label(statement, index))) return false;
    }
  }
  return true;
}

/** The Allow and Deny statements of a policy that match the request. */
export function evaluatePolicy(policy: PolicyJson, request: EvaluationRequest): PolicyVerdict {
  const verdict: PolicyVerdict = { denies: [], allows: [] };
  statementsOf(policy).forEach((statement, i) => {
    if (!statementMatches(statement, i, request)) return;
    (statement.Effect === 'Deny' ? verdict.denies : verdict.allows).push(label(statement, i));
  });
  return verdict;
}

/** A policy on the request's path, and what it needs to grant. */
export interface PolicyOnPath {
  /** Label for reasons, e.g. `app-vpc secretsmanager endpoint policy`. */
  readonly name: string;
  readonly policy: PolicyJson;
  /**
   * `required`: the request needs an Allow here (endpoint policies, KMS key policies);
   * `optional`: an Allow here is not needed (same-account resource policies: the identity policy suffices).
   */
  readonly allow: 'required' | 'optional';
}

/** The outcome of a request. */
export interface AccessDecision {
  readonly allowed: boolean;
  /** Why it is denied: `<policy>: <Sid>` for explicit denies, `<policy>: no Allow` for missing grants. */
  readonly reasons: readonly string[];
}

/**
 * IAM's decision for a same-account caller whose identity policy allows the action: denied by any
 * matching Deny, and by any policy whose Allow is required but absent; allowed otherwise.
 */
export function decideAccess(request: EvaluationRequest, policies: readonly PolicyOnPath[]): AccessDecision {
  const reasons: string[] = [];
  for (const p of policies) {
    const verdict = evaluatePolicy(p.policy, request);
    reasons.push(...verdict.denies.map((sid) => `${p.name}: ${sid}`));
    if (p.allow === 'required' && verdict.allows.length === 0 && verdict.denies.length === 0) reasons.push(`${p.name}: no Allow`);
  }
  return { allowed: reasons.length === 0, reasons };
}
