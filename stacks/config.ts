import { z } from 'zod';
import { describeValue } from '../modules/core/errors';
import { CDKTF_TOKEN_MARKER } from '../modules/core/terraform-literal';
import { configSchema, StacksConfig } from './config-schema';
import { JsonTextError, parseJsonStrict } from './config-json';
import { FileInputError, readRegularFile } from './regular-file';

export * from './config-schema';

/** A config file that cannot be used; `problems` lists every problem found, each with its JSON path. */
export class ConfigError extends Error {
  public readonly problems: readonly string[];
  constructor(source: string, problems: readonly string[]) {
    super(`Invalid config ${source} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** `environments[0].adminVpc.subnets[1].availabilityZone` from a path array (`tags["a b"]` for keys that are not identifiers). */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>((out, part) => {
      if (typeof part === 'number') return `${out}[${part}]`;
      const key = String(part);
      if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `${out}[${JSON.stringify(key)}]`;
      return out ? `${out}.${key}` : key;
    }, '') || '(root)'
  );
}

/** The fields the schema documents for the object at `path` (for "unknown field" messages). */
function knownFields(path: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType = configSchema;
  const unwrap = (s: z.core.$ZodType): z.core.$ZodType => {
    const def = s._zod.def as unknown as { innerType?: z.core.$ZodType };
    return def.innerType ? unwrap(def.innerType) : s;
  };
  for (const part of path) {
    const def = unwrap(schema)._zod.def as unknown as { shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType; valueType?: z.core.$ZodType };
    const next = typeof part === 'number' ? def.element : (def.shape?.[String(part)] ?? def.valueType);
    if (!next) return [];
    schema = next;
  }
  const shape = (unwrap(schema)._zod.def as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape).filter((k) => k !== '$schema') : [];
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = root;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}

function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** "expected …" from a zod issue: zod's own wording without its "Too small: " style prefix or the "received" part (we show what was found). */
function expectation(issue: z.core.$ZodIssue, found: unknown): string {
  if (issue.code === 'invalid_type') {
    const expected = String(issue.expected);
    return `expected ${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected}${found === undefined ? ' (required field)' : ''}`;
  }
  const message = issue.message.replace(/^(Invalid [a-z ]+|Too small|Too big|Unrecognized keys?): /, '').replace(/, received [a-z]+$/, '');
  return message.startsWith('expected') ? message : `expected ${message}`;
}

/**
 * Strings (and object keys) holding a cdktf token marker such as `${TfToken[TOKEN.1]}`: cdktf would
 * replace the marker with the value of one of its own tokens (another resource's attribute), so the
 * text could never reach Terraform as written. Every other text is kept literally.
 */
function tokenMarkerProblems(node: unknown, path: PropertyKey[] = []): string[] {
  const problem = (at: PropertyKey[], text: string, what: string) =>
    `${formatJsonPath(at)}: found ${shorten(describeValue(text))}; expected ${what} without "\${TfToken[", "#{TfToken[" or "&{TfToken[" (cdktf's token markers: cdktf would put the value of another resource in their place)`;
  if (typeof node === 'string') return CDKTF_TOKEN_MARKER.test(node) ? [problem(path, node, 'text')] : [];
  if (Array.isArray(node)) return node.flatMap((item, i) => tokenMarkerProblems(item, [...path, i]));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => [
    ...(CDKTF_TOKEN_MARKER.test(key) ? [problem([...path, key], key, 'a key')] : []),
    ...tokenMarkerProblems(value, [...path, key]),
  ]);
}

/**
 * Validates parsed JSON against the schema; throws a {@link ConfigError} listing every problem,
 * each as `<JSON path>: found <value>; expected <what>`.
 */
export function parseConfig(raw: unknown, source = 'config'): StacksConfig {
  const markers = tokenMarkerProblems(raw);
  const result = configSchema.safeParse(raw);
  if (result.success && !markers.length) return result.data;
  const problems = (result.success ? [] : result.error.issues).flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const known = knownFields(issue.path);
      return issue.keys.map(
        (key) =>
          `${formatJsonPath([...issue.path, key])}: found ${shorten(describeValue(valueAt(raw, [...issue.path, key])))}; expected no field "${key}" here${
            known.length ? ` (fields here: ${known.join(', ')})` : ''
          }`,
      );
    }
    const found = valueAt(raw, issue.path);
    return [`${formatJsonPath(issue.path)}: found ${shorten(describeValue(found))}; ${expectation(issue, found)}`];
  });
  throw new ConfigError(source, [...new Set([...markers, ...problems])]);
}

/** The largest config file read (a fleet of 1,000 environments is about 1 MiB). */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/**
 * Reads and validates a config file. Only a regular file of at most {@link MAX_CONFIG_BYTES} is
 * read (a FIFO, `/dev/zero` or a directory is refused at once), and its nesting depth is bounded.
 */
export function loadConfig(file: string): StacksConfig {
  let text: string;
  try {
    text = readRegularFile(file, MAX_CONFIG_BYTES, 'a JSON config file (STACKS_CONFIG, default stacks/config/default.json)');
  } catch (e) {
    if (!(e instanceof FileInputError)) throw e;
    throw new ConfigError(file, [`(file): ${e.problem}`]);
  }
  let parsed: ReturnType<typeof parseJsonStrict>;
  try {
    parsed = parseJsonStrict(text);
  } catch (e) {
    if (!(e instanceof JsonTextError)) throw e;
    throw new ConfigError(file, [
      e.tooDeep
        ? `(file): found ${e.reason} at line ${e.line}, column ${e.column}; expected ${e.expected}`
        : `(file): found invalid JSON at line ${e.line}, column ${e.column} (${e.reason}); expected one JSON document (no comments, no trailing commas): here, ${e.expected}`,
    ]);
  }
  const duplicates = parsed.duplicates.map(
    (d) => `${formatJsonPath(d.path)}: found the key twice (line ${d.line}, column ${d.column}); expected each key once (JSON readers keep only one of them)`,
  );
  if (duplicates.length === 0) return parseConfig(parsed.value, file);
  // Report the other problems too, so one run lists everything.
  let others: readonly string[] = [];
  try {
    parseConfig(parsed.value, file);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    others = e.problems;
  }
  throw new ConfigError(file, [...duplicates, ...others]);
}
