import { GuardrailError } from '../core/errors';

/**
 * The subset of CloudWatch Logs JSON filter patterns (`{ $.field = "value" && ... }`) that the audit
 * alarm uses, as a small expression tree that renders one deterministic pattern, parses a pattern
 * back, and evaluates it on a log event — so the pattern's syntax and meaning are checked at synth
 * and in tests, not first by AWS at apply.
 *
 * What CloudWatch documents for JSON patterns, and this module enforces:
 * - selectors start at `$` and use `.name` and `[index]` steps (`$.resources[0].ARN`);
 * - string comparisons are `=` and `!=` with a double-quoted value, where `*` is a wildcard only at
 *   the start or the end of the value;
 * - `NOT EXISTS` matches when the selector finds nothing;
 * - `&&` and `||` combine expressions, with parentheses; this module always parenthesises, so it
 *   never depends on operator precedence, and its parser rejects `&&` mixed with `||` unparenthesised;
 * - the whole pattern is at most {@link MAX_FILTER_PATTERN_LENGTH} characters (UTF-8), as the
 *   PutMetricFilter API and the AWS provider's `pattern` validation require.
 */

/** Longest filter pattern AWS accepts, in UTF-8 bytes. */
export const MAX_FILTER_PATTERN_LENGTH = 1024;

/** `$.a.b[0].c` */
export type Selector = string;

/** A filter expression. */
export type FilterExpression =
  | { readonly kind: 'compare'; readonly selector: Selector; readonly operator: '=' | '!='; readonly value: string }
  | { readonly kind: 'notExists'; readonly selector: Selector }
  | { readonly kind: 'and'; readonly operands: readonly FilterExpression[] }
  | { readonly kind: 'or'; readonly operands: readonly FilterExpression[] };

const SELECTOR = /^\$(\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])+$/;

/** `selector = "value"` (`*` at the start or end of the value is a wildcard). */
export function filterEq(selector: Selector, value: string): FilterExpression {
  return { kind: 'compare', selector, operator: '=', value };
}

/** `selector != "value"`. */
export function filterNe(selector: Selector, value: string): FilterExpression {
  return { kind: 'compare', selector, operator: '!=', value };
}

/** `selector NOT EXISTS`. */
export function filterNotExists(selector: Selector): FilterExpression {
  return { kind: 'notExists', selector };
}

/** All operands match (a single operand is returned as is). */
export function filterAnd(...operands: FilterExpression[]): FilterExpression {
  return operands.length === 1 ? operands[0] : { kind: 'and', operands };
}

/** Any operand matches (a single operand is returned as is). */
export function filterOr(...operands: FilterExpression[]): FilterExpression {
  return operands.length === 1 ? operands[0] : { kind: 'or', operands };
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function renderExpression(expr: FilterExpression): string {
  switch (expr.kind) {
    case 'compare':
      return `${expr.selector} ${expr.operator} ${quote(expr.value)}`;
    case 'notExists':
      return `${expr.selector} NOT EXISTS`;
    case 'and':
    case 'or':
      return expr.operands
        .map((o) => (o.kind === 'and' || o.kind === 'or' ? `(${renderExpression(o)})` : renderExpression(o)))
        .join(expr.kind === 'and' ? ' && ' : ' || ');
  }
}

/** The pattern text, `{ ... }`. Checks selectors and wildcards (not the length: see {@link checkFilterPattern}). */
export function renderFilterPattern(expr: FilterExpression): string {
  checkExpression(expr);
  return `{ ${renderExpression(expr)} }`;
}

function checkExpression(expr: FilterExpression): void {
  if (expr.kind === 'and' || expr.kind === 'or') {
    if (expr.operands.length === 0) throw new GuardrailError('PLS_FILTER_PATTERN', 'pattern', `found an empty "${expr.kind}"; expected at least one operand`);
    expr.operands.forEach(checkExpression);
    return;
  }
  if (!SELECTOR.test(expr.selector)) {
    throw new GuardrailError(
      'PLS_FILTER_PATTERN',
      'pattern',
      `found selector ${JSON.stringify(expr.selector)}; expected "$" followed by .name or [index] steps`,
    );
  }
  if (expr.kind === 'compare' && expr.value.slice(1, -1).includes('*')) {
    throw new GuardrailError(
      'PLS_FILTER_PATTERN',
      'pattern',
      `found value ${JSON.stringify(expr.value)} with "*" inside; expected a wildcard only at the start or the end of the value`,
    );
  }
}

/** UTF-8 length of a pattern. */
export function filterPatternLength(pattern: string): number {
  return Buffer.byteLength(pattern, 'utf8');
}

/** Throws a {@link GuardrailError} unless `pattern` parses and fits the length limit. */
export function checkFilterPattern(pattern: string, field = 'pattern'): void {
  const length = filterPatternLength(pattern);
  if (length > MAX_FILTER_PATTERN_LENGTH) {
    throw new GuardrailError(
      'PLS_FILTER_PATTERN_TOO_LONG',
      field,
      `found a pattern of ${length} characters; expected at most ${MAX_FILTER_PATTERN_LENGTH} (CloudWatch Logs PutMetricFilter limit)`,
    );
  }
  parseFilterPattern(pattern, field);
}

interface Token {
  readonly type: 'selector' | 'string' | 'word' | 'op' | 'paren' | 'brace';
  readonly text: string;
  readonly at: number;
}

function tokenize(pattern: string, field: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new GuardrailError('PLS_FILTER_PATTERN', field, `found ${what} at character ${i + 1} of ${JSON.stringify(pattern)}; expected a JSON filter pattern`);
  };
  while (i < pattern.length) {
    const c = pattern[i];
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '{' || c === '}') {
      tokens.push({ type: 'brace', text: c, at: i });
      i += 1;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: 'paren', text: c, at: i });
      i += 1;
    } else if (pattern.startsWith('&&', i) || pattern.startsWith('||', i) || pattern.startsWith('!=', i)) {
      tokens.push({ type: 'op', text: pattern.slice(i, i + 2), at: i });
      i += 2;
    } else if (c === '=') {
      tokens.push({ type: 'op', text: '=', at: i });
      i += 1;
    } else if (c === '"') {
      let j = i + 1;
      let value = '';
      while (j < pattern.length && pattern[j] !== '"') {
        if (pattern[j] === '\\' && j + 1 < pattern.length) j += 1;
        value += pattern[j];
        j += 1;
      }
      if (j >= pattern.length) fail('an unterminated string');
      tokens.push({ type: 'string', text: value, at: i });
      i = j + 1;
    } else if (c === '$') {
      const match = /^\$(\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])*/.exec(pattern.slice(i))![0];
      tokens.push({ type: 'selector', text: match, at: i });
      i += match.length;
    } else if (/[A-Za-z]/.test(c)) {
      const word = /^[A-Za-z]+/.exec(pattern.slice(i))![0];
      tokens.push({ type: 'word', text: word, at: i });
      i += word.length;
    } else {
      fail(JSON.stringify(c));
    }
  }
  return tokens;
}

/**
 * Parses a JSON filter pattern of the supported subset back into an expression; throws a
 * {@link GuardrailError} naming the position of the first problem.
 */
export function parseFilterPattern(pattern: string, field = 'pattern'): FilterExpression {
  const tokens = tokenize(pattern, field);
  let pos = 0;
  const fail = (expected: string): never => {
    const token = tokens[pos];
    const found = token ? `${JSON.stringify(token.text)} at character ${token.at + 1}` : 'the end of the pattern';
    throw new GuardrailError('PLS_FILTER_PATTERN', field, `found ${found} in ${JSON.stringify(pattern)}; expected ${expected}`);
  };
  const expect = (type: Token['type'], text?: string): Token => {
    const token = tokens[pos];
    if (!token || token.type !== type || (text !== undefined && token.text !== text)) fail(text ? `"${text}"` : `a ${type}`);
    pos += 1;
    return token;
  };

  const primary = (): FilterExpression => {
    if (tokens[pos]?.type === 'paren' && tokens[pos].text === '(') {
      pos += 1;
      const inner = expression();
      expect('paren', ')');
      return inner;
    }
    const selector = expect('selector').text;
    if (!SELECTOR.test(selector)) fail('a selector with at least one .name or [index] step');
    const next = tokens[pos];
    if (next?.type === 'word' && next.text === 'NOT') {
      pos += 1;
      expect('word', 'EXISTS');
      return filterNotExists(selector);
    }
    const operator = expect('op').text;
    if (operator !== '=' && operator !== '!=') fail('"=" or "!="');
    const value = expect('string').text;
    if (value.slice(1, -1).includes('*')) fail('a wildcard "*" only at the start or the end of a value');
    return { kind: 'compare', selector, operator: operator as '=' | '!=', value };
  };

  const expression = (): FilterExpression => {
    const operands = [primary()];
    let joiner: string | undefined;
    while (tokens[pos]?.type === 'op' && (tokens[pos].text === '&&' || tokens[pos].text === '||')) {
      const op = tokens[pos].text;
      if (joiner && op !== joiner) fail(`"${joiner}" (parenthesise to mix && and ||)`);
      joiner = op;
      pos += 1;
      operands.push(primary());
    }
    if (!joiner) return operands[0];
    return joiner === '&&' ? { kind: 'and', operands } : { kind: 'or', operands };
  };

  expect('brace', '{');
  const result = expression();
  expect('brace', '}');
  if (pos !== tokens.length) fail('nothing after the closing "}"');
  return result;
}

/** The value a selector finds in an event (undefined when absent). */
export function selectValue(event: unknown, selector: Selector): unknown {
  let node: unknown = event;
  for (const step of selector.slice(1).match(/\.[^.[]+|\[\d+\]/g) ?? []) {
    if (node === null || typeof node !== 'object') return undefined;
    node = step.startsWith('[') ? (Array.isArray(node) ? node[Number(step.slice(1, -1))] : undefined) : (node as Record<string, unknown>)[step.slice(1)];
  }
  return node;
}

/** Whether a value matches a pattern value as CloudWatch compares strings: `*` at the start or end is a wildcard. */
export function wildcardEquals(actual: string, expected: string): boolean {
  if (expected === '*') return true;
  const starts = expected.startsWith('*');
  const ends = expected.endsWith('*');
  const core = expected.slice(starts ? 1 : 0, ends ? -1 : undefined);
  if (starts && ends) return actual.includes(core);
  if (starts) return actual.endsWith(core);
  if (ends) return actual.startsWith(core);
  return actual === expected;
}

/**
 * Evaluates an expression on a parsed log event. A comparison on an absent field or a non-scalar
 * value matches neither `=` nor `!=` (which is why the audit patterns pair `!=` with `NOT EXISTS`).
 */
export function matchesFilter(expr: FilterExpression, event: unknown): boolean {
  switch (expr.kind) {
    case 'and':
      return expr.operands.every((o) => matchesFilter(o, event));
    case 'or':
      return expr.operands.some((o) => matchesFilter(o, event));
    case 'notExists':
      return selectValue(event, expr.selector) === undefined;
    case 'compare': {
      const value = selectValue(event, expr.selector);
      if (value === undefined || value === null || typeof value === 'object') return false;
      const equal = wildcardEquals(String(value), expr.value);
      return expr.operator === '=' ? equal : !equal;
    }
  }
}
