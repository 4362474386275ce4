import { writeFileSync } from 'fs';
import { resolve } from 'path';
import { CONFIG_JSON_SCHEMA_PATH, renderConfigJsonSchema } from '../stacks/config-json-schema';

/** `npm run schema`: writes the config's JSON Schema (generated from the zod schema) to stacks/config/schema.json, or to the path given. */
const target = resolve(process.argv[2] ?? CONFIG_JSON_SCHEMA_PATH);
writeFileSync(target, renderConfigJsonSchema());
process.stdout.write(`Wrote ${target}\n`);
