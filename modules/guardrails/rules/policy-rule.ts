import { PolicyKind } from '../../iam/policy-document';

/** One statement as it appears in rendered IAM JSON. */
export interface StatementJson {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[] | boolean | number>>;
}

/** A rendered policy, parsed. */
export interface PolicyJson {
  readonly Version?: string;
  readonly Id?: string;
  readonly Statement: StatementJson | StatementJson[];
}

/** What a policy rule looks at: the parsed policy, its rendered text, and what it is attached to. */
export interface PolicyRuleInput {
  readonly policy: PolicyJson;
  /** The rendered JSON text (for size checks). */
  readonly text: string;
  readonly kind: PolicyKind;
  /** Region the policy is written for, when known. @default - unknown */
  readonly region?: string;
}

/**
 * A guardrail over one policy: a small pure function returning one message per problem found
 * (empty when compliant). Messages name the statement (Sid or index) and say the fix.
 */
export interface PolicyRule {
  /** Stable code, e.g. `PLS_POLICY_NOT_PRINCIPAL`. */
  readonly code: string;
  /** One line on what the rule enforces. */
  readonly description: string;
  readonly check: (input: PolicyRuleInput) => string[];
}

/** The statements of a policy as an array. */
export function statementsOf(policy: PolicyJson): StatementJson[] {
  return Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
}

/** `Sid "X"` or `Statement[3]`, for messages. */
export function statementLabel(statement: StatementJson, index: number): string {
  return statement.Sid ? `Statement[${index}] (Sid "${statement.Sid}")` : `Statement[${index}]`;
}

/** A value or list of values as a list. */
export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
