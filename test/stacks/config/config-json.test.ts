import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ConfigError, loadConfig } from '../../../stacks/config';
import { JsonTextError, MAX_JSON_DEPTH, parseJsonStrict } from '../../../stacks/config-json';

/** Issue 11 item 8: a config file is read strictly: repeated keys are refused with their JSON path, nesting is bounded. */

function problemsOfFile(text: string): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'pls-json-')), 'config.json');
  writeFileSync(file, text);
  try {
    loadConfig(file);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a ConfigError, the config was accepted');
}

const defaultText = () => readFileSync(join(__dirname, '..', '..', '..', 'stacks', 'config', 'default.json'), 'utf8');

describe('parseJsonStrict', () => {
  it('GIVEN every example config and the schema THEN the value equals JSON.parse and there are no duplicates', () => {
    const dir = join(__dirname, '..', '..', '..', 'stacks', 'config');
    for (const name of readdirSync(dir)) {
      const text = readFileSync(join(dir, name), 'utf8');
      expect(parseJsonStrict(text)).toEqual({ value: JSON.parse(text), duplicates: [] });
    }
  });

  it('GIVEN any JSON value (hostile strings, numbers, deep-ish nesting) THEN the value equals JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.constantFrom(undefined, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(parseJsonStrict(text).value).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('GIVEN any text JSON.parse refuses THEN parseJsonStrict refuses it too, with a line and column', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', ' ', '\n', '1', '-', 'e', '.', 'a', '\\', 'u', 'n', 'true', 'null') }),
        (text) => {
          let accepted = true;
          try {
            JSON.parse(text);
          } catch {
            accepted = false;
          }
          if (accepted) expect(parseJsonStrict(text).value).toEqual(JSON.parse(text));
          else expect(() => parseJsonStrict(text)).toThrow(JsonTextError);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('GIVEN a "__proto__" key THEN it stays data (as with JSON.parse) and the object keeps its prototype', () => {
    const { value } = parseJsonStrict('{"__proto__": {"polluted": true}}') as { value: Record<string, unknown> };
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('GIVEN keys repeated at several depths THEN each repeat is listed with its path and position', () => {
    const text = '{\n  "a": 1,\n  "b": [{"c": 1, "c": 2, "c": 3}],\n  "a": 2\n}';
    expect(parseJsonStrict(text)).toEqual({
      value: JSON.parse(text),
      duplicates: [
        { path: ['b', 0, 'c'], line: 3, column: 18 },
        { path: ['b', 0, 'c'], line: 3, column: 26 },
        { path: ['a'], line: 4, column: 3 },
      ],
    });
  });

  it(`GIVEN ${MAX_JSON_DEPTH} levels THEN the text is read; one more THEN a clear error names where`, () => {
    expect(() => parseJsonStrict('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => parseJsonStrict('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))).toThrow(
      new JsonTextError(
        `objects and arrays nested more than ${MAX_JSON_DEPTH} levels deep`,
        1,
        MAX_JSON_DEPTH + 1,
        `at most ${MAX_JSON_DEPTH} levels (a config needs a handful)`,
        true,
      ),
    );
  });
});

describe('loadConfig with the strict reader', () => {
  it('GIVEN a key written twice in the default config THEN the loader refuses it with its JSON path, line and column', () => {
    const text = defaultText().replace('"region": "us-west-2",', '"region": "us-west-2",\n      "region": "us-west-2",');
    expect(problemsOfFile(text)).toEqual([
      'environments[0].region: found the key twice (line 7, column 7); expected each key once (JSON readers keep only one of them)',
    ]);
  });

  it('GIVEN several repeated keys and another mistake THEN every one is reported in one run', () => {
    const raw = JSON.parse(defaultText());
    raw.environments[0].keys[0].deletionWindowInDays = 3;
    const text = JSON.stringify(raw, null, 2)
      .replace(/("breakGlassPrincipalArns": \[[^\]]*\],)/, '$1\n      "breakGlassPrincipalArns": ["arn:aws:iam::111122223333:role/*"],')
      .replace(/("create": \{\s*"cidrBlock": "10.10.0.0\/16",)/, '$1 "cidrBlock": "0.0.0.0/0",');
    const problems = problemsOfFile(text);
    expect(problems).toEqual([
      expect.stringMatching(/^environments\[0\]\.breakGlassPrincipalArns: found the key twice \(line \d+, column 7\); expected each key once/),
      expect.stringMatching(/^environments\[0\]\.adminVpc\.create\.cidrBlock: found the key twice \(line \d+, column \d+\); expected each key once/),
      expect.stringMatching(/^environments\[0\]\.breakGlassPrincipalArns\[0\]: found ".*role\/\*"; expected an exact IAM role or user ARN/),
      'environments[0].keys[0].deletionWindowInDays: found 3; expected a whole number of days from 7 to 30',
      'environments[0].adminVpc.create.cidrBlock: found "0.0.0.0/0"; expected an IPv4 CIDR from /16 to /24, such as "10.20.0.0/16"',
    ]);
  });

  it('GIVEN a 100,000-deep array THEN the loader reports the nesting with its position, not a stack overflow', () => {
    const text = `{"environments": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(problemsOfFile(text)).toEqual([
      `(file): found objects and arrays nested more than ${MAX_JSON_DEPTH} levels deep at line 1, column ${18 + MAX_JSON_DEPTH - 1}; expected at most ${MAX_JSON_DEPTH} levels (a config needs a handful)`,
    ]);
  });

  it.each<[string, string, RegExp]>([
    [
      'a comment',
      '{\n  // note\n  "environments": []\n}',
      /^\(file\): found invalid JSON at line 2, column 3 \(unexpected character "\/"\); expected one JSON document \(no comments, no trailing commas\): here, a property name in double quotes$/,
    ],
    [
      'a trailing comma',
      '{"environments": [],\n}',
      /^\(file\): found invalid JSON at line 2, column 1 \(unexpected character "}"\); expected one JSON document .*: here, a property name in double quotes$/,
    ],
    ['an unclosed string', '{"environments": "abc', /^\(file\): found invalid JSON at line 1, column 18 \(a string that is not closed\)/],
    [
      'a raw newline in a string',
      '{"environments": "a\nb"}',
      /^\(file\): found invalid JSON at line 1, column 20 \(a control character \(U\+000a\) inside a string\)/,
    ],
    [
      'two documents',
      '{}\n{}',
      /^\(file\): found invalid JSON at line 2, column 1 \(unexpected character "\{"\); .*: here, the end of the text after one JSON document$/,
    ],
    ['a byte order mark', '\ufeff{}', /^\(file\): found invalid JSON at line 1, column 1 \(a byte order mark\)/],
    ['nothing', '', /^\(file\): found invalid JSON at line 1, column 1 \(the end of the text\)/],
  ])('GIVEN %s THEN the single problem names the line and column', (_label, text, message) => {
    expect(problemsOfFile(text)).toEqual([expect.stringMatching(message)]);
  });
});
