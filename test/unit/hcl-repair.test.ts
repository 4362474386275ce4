import { readFileSync } from 'fs';
import { join } from 'path';
import { escapeHclTemplate } from '../../stacks/build-app';
import { defaultConfig } from '../helpers/configs';
import { synthToTemp } from '../helpers/pipeline';

describe('HCL output repairs', () => {
  it('GIVEN a JSON string with an interpolation THEN quotes outside ${} are escaped and the interpolation is kept', () => {
    expect(escapeHclTemplate('{"a":"${aws_vpc.x.id}","b":"${jsonencode({"k" = "v"})}"}')).toBe(
      '{\\"a\\":\\"${aws_vpc.x.id}\\",\\"b\\":\\"${jsonencode({"k" = "v"})}\\"}',
    );
  });

  it('GIVEN already escaped quotes THEN they are not escaped twice', () => {
    expect(escapeHclTemplate('\\"${x}\\"')).toBe('\\"${x}\\"');
  });

  it('GIVEN the default config synthesized as HCL THEN required_version is rendered and policies with references are valid strings', () => {
    const { outdir } = synthToTemp(defaultConfig(), { hcl: true });
    const hcl = readFileSync(join(outdir, 'stacks', 'admin-vpc', 'cdk.tf'), 'utf8');
    expect(hcl).toMatch(/^\s*required_version = ">= 1\.10\.0"$/m);
    expect(hcl).not.toMatch(/^\s*\d+ = "/m);
    const keyPolicyLine = hcl.split('\n').find((l) => l.includes('DenyKeyUsageOutsideAppEndpoint'))!;
    expect(keyPolicyLine).toMatch(/^policy = "\{\\"Version\\":\\"2012-10-17\\",/);
    expect(keyPolicyLine).toMatch(/\\"aws:SourceVpce\\":\\"\$\{data\.terraform_remote_state\.[^}]+\}\\"/);
  });
});
