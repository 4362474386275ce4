import { readFileSync } from 'fs';
import { homedir, tmpdir } from 'os';
import { join } from 'path';
import { parseConfig } from '../../../stacks/config';
import { exampleConfigJson } from '../../helpers/configs';
import { filesOf, readStack, stackDir, stackNames, synthToTemp } from '../../helpers/pipeline';

/** Every string value in a JSON document. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

const root = join(__dirname, '..', '..', '..');
const threeAccounts = () => parseConfig(exampleConfigJson('three-accounts.json'), 'three-accounts.json');

describe('pipeline-ready output', () => {
  it.each([
    ['JSON', false],
    ['HCL', true],
  ])('GIVEN the same config WHEN synthesized twice (%s) THEN every file of the two outputs is byte-for-byte the same', (_format, hcl) => {
    const first = filesOf(synthToTemp(threeAccounts(), { hcl }).outdir);
    const second = filesOf(synthToTemp(threeAccounts(), { hcl }).outdir);
    expect([...second.keys()]).toEqual([...first.keys()]);
    expect([...first.keys()]).toContain(join('stacks', 'prod-admin-vpc', hcl ? 'cdk.tf' : 'cdk.tf.json'));
    for (const [path, content] of first) expect({ path, same: content.equals(second.get(path)!) }).toEqual({ path, same: true });
  });

  it.each([
    ['JSON', false],
    ['HCL', true],
  ])('GIVEN a synthesized output (%s) THEN no file holds an absolute path (not the project, the repository, the temp or home directory)', (_format, hcl) => {
    const { project, outdir } = synthToTemp(threeAccounts(), { hcl });
    const forbidden = [project, root, tmpdir(), homedir()];
    for (const [path, content] of filesOf(outdir)) {
      const text = content.toString('utf8');
      for (const dir of forbidden) expect({ path, holds: text.includes(dir) }).toEqual({ path, holds: false });
      if (path.endsWith('.json')) {
        expect({ path, absolute: stringsOf(JSON.parse(text)).filter((s) => s.startsWith('/')) }).toEqual({ path, absolute: [] });
      } else {
        expect({ path, absolute: text.match(/"\/[^"]*"/g) ?? [] }).toEqual({ path, absolute: [] });
      }
    }
  });

  it('GIVEN every JSON stack THEN it names the provider source hashicorp/aws and a required Terraform version', () => {
    const { outdir } = synthToTemp(threeAccounts());
    expect(stackNames(outdir)).toHaveLength(6);
    for (const stack of stackNames(outdir)) {
      const json = readStack(outdir, stack);
      expect(json.terraform.required_providers.aws.source).toBe('hashicorp/aws');
      expect(json.terraform.required_version).toBe('>= 1.10.0');
    }
  });

  it('GIVEN every HCL stack (synth:hcl) THEN it names the provider source hashicorp/aws and a required Terraform version', () => {
    const { outdir } = synthToTemp(threeAccounts(), { hcl: true });
    for (const stack of stackNames(outdir)) {
      const hcl = readFileSync(join(stackDir(outdir, stack), 'cdk.tf'), 'utf8');
      expect(hcl).toMatch(/^\s*"source" = "hashicorp\/aws"$/m);
      expect(hcl).toMatch(/^\s*required_version = ">= 1\.10\.0"$/m);
    }
  });
});
