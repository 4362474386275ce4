import { StatementJson } from '../policy-rule';

/** One `operator → key → values` entry of a statement's Condition block, values as strings. */
export interface ConditionEntry {
  /** The operator as written, e.g. `ForAnyValue:StringEquals`. */
  readonly operator: string;
  /** The condition key as written, e.g. `aws:SourceVpce`. */
  readonly key: string;
  /** The values, stringified (`true`, `"false"` and `false` all become `"true"` / `"false"`). */
  readonly values: readonly string[];
}

/** The base operators of IAM, in their documented spelling. */
export const CONDITION_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
] as const;

/** Operators that also match when the key is absent from the request (and so widen an Allow). */
export const NEGATED_OPERATORS: ReadonlySet<string> = new Set([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'ArnNotEquals',
  'ArnNotLike',
  'NotIpAddress',
]);

const OPERATOR_BY_LOWER = new Map<string, string>(CONDITION_OPERATORS.map((o) => [o.toLowerCase(), o]));

/** An operator split into its parts. Matching is case-insensitive, as in the IAM policy simulator. */
export interface ParsedOperator {
  /** `ForAnyValue` or `ForAllValues` when the operator has a set prefix. */
  readonly setOperator?: 'ForAnyValue' | 'ForAllValues';
  /** The base operator in its documented spelling (`StringEquals`), or as written when unknown. */
  readonly base: string;
  /** True for an `...IfExists` operator. */
  readonly ifExists: boolean;
  /** True when the whole operator is valid IAM. */
  readonly known: boolean;
  /** True when the base operator also matches requests that lack the key (see {@link NEGATED_OPERATORS}). */
  readonly negated: boolean;
}

/** Splits `ForAllValues:StringNotLikeIfExists` into set operator, base and IfExists. */
export function parseOperator(operator: string): ParsedOperator {
  let rest = operator;
  let setOperator: ParsedOperator['setOperator'];
  let known = true;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const prefix = rest.slice(0, colon).toLowerCase();
    if (prefix === 'foranyvalue') setOperator = 'ForAnyValue';
    else if (prefix === 'forallvalues') setOperator = 'ForAllValues';
    else known = false;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith('ifexists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const base = OPERATOR_BY_LOWER.get(rest.toLowerCase());
  if (!base || (base === 'Null' && ifExists)) known = false;
  return { setOperator, base: base ?? rest, ifExists, known, negated: base !== undefined && NEGATED_OPERATORS.has(base) };
}

function stringify(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The entries of a statement's Condition block, in the order written. */
export function conditionEntries(statement: StatementJson): ConditionEntry[] {
  const condition = statement.Condition;
  if (!condition || typeof condition !== 'object') return [];
  return Object.entries(condition).flatMap(([operator, keys]) =>
    keys && typeof keys === 'object'
      ? Object.entries(keys).map(([key, value]) => ({ operator, key, values: (Array.isArray(value) ? value : [value]).map(stringify) }))
      : [],
  );
}

/** True when two condition keys are the same key (IAM compares keys case-insensitively). */
export function sameKey(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * True for a value that is not known at synth: a Terraform reference (`${aws_vpc.main.id}`), an
 * unresolved cdktf token (`${TfToken[TOKEN.12]}`) or an IAM policy variable (`${aws:username}`).
 */
export function isUnresolved(value: string): boolean {
  return value.includes('${');
}

/** `"a", "b" and "c"` for messages. */
export function quotedList(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** `; did you mean "X"?` for the closest candidate within a few edits (case-insensitive), else ''. */
export function didYouMean(value: string, candidates: Iterable<string>): string {
  const lower = value.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(lower.length / 4)) + 1;
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best ? `; did you mean ${JSON.stringify(best)}?` : '';
}
