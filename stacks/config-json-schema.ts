import { z } from 'zod';
import { configSchema } from './config-schema';

/** Where the generated JSON Schema is committed, relative to the repository root (`"$schema": "./schema.json"` in the examples). */
export const CONFIG_JSON_SCHEMA_PATH = 'stacks/config/schema.json';

/**
 * The JSON Schema of the config file, generated from the zod schema (the single source of truth):
 * the input side, so fields with defaults are optional. Draft 7, which editors support best.
 * Cross-field rules (AZs of the region, ARN partitions, unique names, …) are checked by the loader
 * only; the schema gives editors the shape, types, patterns and descriptions.
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'cdktf-privatelink-secrets stacks config',
    description: 'Generated from stacks/config-schema.ts by `npm run schema`; do not edit by hand.',
    ...rest,
  };
}

/** The file text of {@link CONFIG_JSON_SCHEMA_PATH}: two-space JSON and a final newline. */
export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
