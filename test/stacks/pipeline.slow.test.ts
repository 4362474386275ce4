import { existsSync, lstatSync, readlinkSync } from 'fs';
import { join } from 'path';
import { synthesizeToDirectory } from '../../stacks/build-app';
import { defaultConfig } from '../helpers/configs';
import { expectPipelinePasses, synthToTemp } from '../helpers/pipeline';
import { terraform, toolchainOrReportSkip } from '../helpers/terraform';

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

    // The stack files are links into the current generation; a new synth switches them, and Terraform's
    // files (.terraform/, the lock file, the saved plan) stay: validate works without a new init.
    const app = join(json.outdir, 'stacks', 'app-vpc');
    expect(lstatSync(join(app, 'cdk.tf.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(app, 'cdk.tf.json'))).toBe('../../.synth/current/cdk.tf.json/app-vpc');
    synthesizeToDirectory(defaultConfig(), json.outdir);
    for (const file of ['.terraform', '.terraform.lock.hcl', 'tfplan']) expect(existsSync(join(app, file))).toBe(true);
    const validate = await terraform(toolchain, app, ['validate']);
    expect(validate.output).toContain('The configuration is valid');
  });
});
