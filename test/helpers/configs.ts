import { readFileSync } from 'fs';
import { join } from 'path';
import { parseConfig, StacksConfig } from '../../stacks/config';

/** The raw default config (a fresh copy each call). */
export function defaultConfigJson(): any {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'stacks', 'config', 'default.json'), 'utf8'));
}

/** The default config, validated. */
export function defaultConfig(): StacksConfig {
  return parseConfig(defaultConfigJson(), 'default.json');
}

/** Raw JSON of a config under stacks/config. */
export function exampleConfigJson(name: string): any {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'stacks', 'config', name), 'utf8'));
}
