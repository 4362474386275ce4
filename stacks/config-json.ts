/**
 * A strict JSON reader for config files. `JSON.parse` keeps the last of two equal keys silently (a
 * reviewer reads the first, Terraform gets the second); this reader returns the same value as
 * `JSON.parse` but also lists every repeated key with its JSON path and position, and bounds the
 * nesting depth so a hostile file gives a clear error instead of a stack overflow further on.
 */

/** Deepest nesting of objects and arrays a config may have (the schema itself needs 6). */
export const MAX_JSON_DEPTH = 64;

/** A key written twice in one object. */
export interface DuplicateKey {
  /** Path of the repeated key, e.g. `['environments', 0, 'adminVpc', 'vpcId']`. */
  readonly path: readonly (string | number)[];
  /** 1-based line and column of the repeat. */
  readonly line: number;
  readonly column: number;
}

/** Text that is not one JSON document, or nested too deep. */
export class JsonTextError extends Error {
  constructor(
    /** What was found, e.g. `unexpected character "o"`. */
    public readonly reason: string,
    public readonly line: number,
    public readonly column: number,
    /** What is expected instead. */
    public readonly expected: string,
    /** True when the text nests deeper than the limit (valid JSON, refused). */
    public readonly tooDeep = false,
  ) {
    super(`${reason} at line ${line}, column ${column}; expected ${expected}`);
    this.name = 'JsonTextError';
  }
}

/** 1-based line and column of an offset. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** A JSON string token, escapes checked; raw control characters (U+0000–U+001F, refused by JSON) are checked apart. */
const STRING = /"(?:[^"\\]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

const LITERALS: readonly (readonly [string, unknown])[] = [
  ['true', true],
  ['false', false],
  ['null', null],
];

function hasControlCharacter(token: string): boolean {
  for (let i = 0; i < token.length; i++) if (token.charCodeAt(i) < 0x20) return true;
  return false;
}

/**
 * Parses `text` as one JSON document: the value (as `JSON.parse` gives it, with own `__proto__`
 * keys kept as data) and the keys written twice. Throws a {@link JsonTextError} with line and
 * column for text that is not JSON or nests deeper than `maxDepth`.
 */
export function parseJsonStrict(text: string, maxDepth = MAX_JSON_DEPTH): { value: unknown; duplicates: DuplicateKey[] } {
  let at = 0;
  const duplicates: DuplicateKey[] = [];
  const fail = (reason: string, offset: number, expected: string, tooDeep = false): never => {
    const { line, column } = positionOf(text, offset);
    throw new JsonTextError(reason, line, column, expected, tooDeep);
  };
  const describe = (offset: number) => (offset >= text.length ? 'the end of the text' : `unexpected character ${JSON.stringify(text[offset])}`);
  const skipSpace = () => {
    while (at < text.length && (text[at] === ' ' || text[at] === '\t' || text[at] === '\n' || text[at] === '\r')) at++;
  };
  const readString = (): string => {
    STRING.lastIndex = at;
    const match = STRING.exec(text);
    if (!match || hasControlCharacter(match[0])) {
      // Find where the string goes wrong, for the message.
      let i = at + 1;
      while (i < text.length && text[i] !== '"') {
        if (text.charCodeAt(i) < 0x20)
          fail(`a control character (U+${text.charCodeAt(i).toString(16).padStart(4, '0')}) inside a string`, i, 'it escaped, such as \\n');
        if (text[i] === '\\') {
          if (!/^(["\\/bfnrt]|u[0-9a-fA-F]{4})/.test(text.slice(i + 1, i + 6)))
            fail('an invalid escape in a string', i, 'one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX');
          i += text[i + 1] === 'u' ? 6 : 2;
        } else i++;
      }
      fail('a string that is not closed', at, 'a closing "');
    }
    const token = match![0];
    at += token.length;
    return token.includes('\\') ? (JSON.parse(token) as string) : token.slice(1, -1);
  };
  // One path, pushed and popped as the reader descends (copied only for a duplicate).
  const path: (string | number)[] = [];
  const readValue = (depth: number): unknown => {
    skipSpace();
    const c = text[at];
    if (c === '{' || c === '[') {
      if (depth >= maxDepth) {
        fail(`objects and arrays nested more than ${maxDepth} levels deep`, at, `at most ${maxDepth} levels (a config needs a handful)`, true);
      }
      at++;
      skipSpace();
      if (c === '[') {
        const list: unknown[] = [];
        if (text[at] === ']') {
          at++;
          return list;
        }
        for (;;) {
          path.push(list.length);
          list.push(readValue(depth + 1));
          path.pop();
          skipSpace();
          if (text[at] === ',') at++;
          else if (text[at] === ']') {
            at++;
            return list;
          } else fail(describe(at), at, '"," or "]" after an array element');
        }
      }
      const object: Record<string, unknown> = {};
      const seen = new Set<string>();
      if (text[at] === '}') {
        at++;
        return object;
      }
      for (;;) {
        skipSpace();
        const keyAt = at;
        if (text[at] !== '"') fail(describe(at), at, 'a property name in double quotes');
        const key = readString();
        if (seen.has(key)) duplicates.push({ path: [...path, key], ...positionOf(text, keyAt) });
        seen.add(key);
        skipSpace();
        if (text[at] !== ':') fail(describe(at), at, '":" after a property name');
        at++;
        path.push(key);
        const value = readValue(depth + 1);
        path.pop();
        // defineProperty: a "__proto__" key is data, as with JSON.parse, never the object's prototype.
        Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
        skipSpace();
        if (text[at] === ',') at++;
        else if (text[at] === '}') {
          at++;
          return object;
        } else fail(describe(at), at, '"," or "}" after a property value');
      }
    }
    if (c === '"') return readString();
    for (const [word, value] of LITERALS) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = at;
    const number = NUMBER.exec(text);
    if (number) {
      at += number[0].length;
      return Number(number[0]);
    }
    return fail(describe(at), at, 'a JSON value (object, array, string, number, true, false or null)');
  };
  if (text.charCodeAt(0) === 0xfeff) fail('a byte order mark', 0, 'UTF-8 text without a byte order mark');
  const value = readValue(0);
  skipSpace();
  if (at < text.length) fail(describe(at), at, 'the end of the text after one JSON document');
  return { value, duplicates };
}
