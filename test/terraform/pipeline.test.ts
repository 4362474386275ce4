import { defaultConfig } from '../helpers/configs';
import { expectPipelinePasses, synthToTemp } from '../helpers/pipeline';
import { toolchainOrReportSkip } from '../helpers/terraform';

describe('Terraform pipeline on the default config', () => {
  it('GIVEN the default config WHEN synthesized THEN terraform init (offline mirror), validate and plan pass for every stack (the HCL output: hcl-equivalence.test.ts)', async () => {
    const toolchain = await toolchainOrReportSkip('Terraform pipeline');
    if (!toolchain) return;
    const json = synthToTemp(defaultConfig());
    const results = await expectPipelinePasses(json.outdir, `${toolchain.version}, provider mirror ${toolchain.pluginDir}`);
    expect(results.map((r) => r.stack)).toEqual(['admin-vpc', 'app-vpc']);
    const plans = Object.fromEntries(results.map((r) => [r.stack, r.steps[2].output]));
    expect(plans['app-vpc']).toMatch(/Plan: 8 to add, 0 to change, 0 to destroy/);
    expect(plans['admin-vpc']).toMatch(/aws_kms_key\.\S+ will be created/);
    expect(plans['admin-vpc']).toMatch(/aws_secretsmanager_secret_policy\.\S+ will be created/);
  });
});
