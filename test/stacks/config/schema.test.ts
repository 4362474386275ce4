import { readFileSync } from 'fs';
import { join } from 'path';
import { CONFIG_JSON_SCHEMA_PATH, configJsonSchema, renderConfigJsonSchema } from '../../../stacks/config-json-schema';
import { defaultConfigJson } from '../../helpers/configs';

const root = join(__dirname, '..', '..', '..');

describe('config JSON Schema (generated from the zod schema)', () => {
  it('GIVEN the committed stacks/config/schema.json WHEN generated afresh THEN it is byte-for-byte the same (run `npm run schema` after changing config-schema.ts)', () => {
    const committed = readFileSync(join(root, CONFIG_JSON_SCHEMA_PATH), 'utf8');
    expect(committed).toBe(renderConfigJsonSchema());
  });

  it('GIVEN default.json THEN it points editors at the schema beside it', () => {
    expect(defaultConfigJson().$schema).toBe('./schema.json');
  });

  it('GIVEN the schema THEN an environment requires the account, region, break-glass principals and both VPCs, and forbids unknown fields', () => {
    const schema = configJsonSchema() as any;
    expect(schema.required).toEqual(['environments']);
    expect(schema.additionalProperties).toBe(false);
    const environment = schema.properties.environments.items;
    expect([...environment.required].sort()).toEqual(['accountId', 'adminVpc', 'appVpc', 'breakGlassPrincipalArns', 'region']);
    expect(environment.additionalProperties).toBe(false);
    expect(environment.properties.breakGlassPrincipalArns.minItems).toBe(1);
    // Fields with defaults are optional on the input side, and the default is shown.
    expect(environment.properties.secrets.default).toEqual([]);
  });

  it('GIVEN the schema THEN the KMS deletion and secret recovery windows are whole days from 7 to 30 and a backend is exactly one of local / s3', () => {
    const environment = (configJsonSchema() as any).properties.environments.items;
    for (const field of [
      environment.properties.keys.items.properties.deletionWindowInDays,
      environment.properties.secrets.items.properties.recoveryWindowInDays,
    ]) {
      expect(field).toEqual(expect.objectContaining({ type: 'integer', minimum: 7, maximum: 30 }));
    }
    expect(environment.properties.backend).toEqual(
      expect.objectContaining({
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: false,
        properties: expect.objectContaining({ local: expect.anything(), s3: expect.anything() }),
      }),
    );
  });
});
