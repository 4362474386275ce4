import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { ConfigError, parseConfig, StacksConfig } from '../../stacks/config';

/** The raw default config (a fresh copy each call). */
export function defaultConfigJson(): any {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'stacks', 'config', 'default.json'), 'utf8'));
}

/** The default config, validated. */
export function defaultConfig(): StacksConfig {
  return parseConfig(defaultConfigJson(), 'default.json');
}

/** The example configs: every stacks/config/*.json but the JSON schema. */
export function exampleConfigNames(): string[] {
  return readdirSync(join(__dirname, '..', '..', 'stacks', 'config'))
    .filter((name) => name.endsWith('.json') && name !== 'schema.json')
    .sort();
}

/** Raw JSON of a config under stacks/config. */
export function exampleConfigJson(name: string): any {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'stacks', 'config', name), 'utf8'));
}

/** The problems of a config the loader rejects (fails the test when it is accepted). */
export function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a ConfigError, the config was accepted');
}
