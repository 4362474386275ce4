import { readFileSync } from 'fs';
import { describeValue } from '../modules/errors';
import { configSchema, StacksConfig } from './config-schema';

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

/** `environments[0].adminVpc.subnets[1].availabilityZone` from a path array. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '') || '(root)';
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

/** Validates parsed JSON against the schema; throws a {@link ConfigError} listing every problem. */
export function parseConfig(raw: unknown, source = 'config'): StacksConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path;
    const found =
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`
        : `found ${shorten(describeValue(valueAt(raw, path)))}`;
    const message =
      issue.code === 'unrecognized_keys'
        ? 'expected only the documented fields (see stacks/config/schema.json)'
        : issue.message.replace(/^Invalid input: /, '');
    return `${formatJsonPath(path)}: ${found}; ${message}`;
  });
  throw new ConfigError(source, [...new Set(problems)]);
}

/** Reads and validates a config file. */
export function loadConfig(file: string): StacksConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [`(file): cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, [`(file): not valid JSON: ${(e as Error).message}`]);
  }
  return parseConfig(raw, file);
}
