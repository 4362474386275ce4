import { copyFileSync } from 'fs';
import { join, relative } from 'path';
import { defaultConfig } from '../helpers/configs';
import { expectPipelinePasses, showPlan, stackDir, stackNames, synthToTemp, writeStandInRemoteStates } from '../helpers/pipeline';
import { inParallel, terraform, toolchainOrReportSkip, writeOfflineOverride } from '../helpers/terraform';

describe('Terraform pipeline on the default config', () => {
  it('GIVEN the default config WHEN synthesized THEN terraform init (offline mirror), validate and plan pass for every stack, and the HCL output (synth:hcl) plans the same', async () => {
    const toolchain = await toolchainOrReportSkip('Terraform pipeline');
    if (!toolchain) return;
    const json = synthToTemp(defaultConfig());
    const results = await expectPipelinePasses(json.outdir, `${toolchain.version}, provider mirror ${toolchain.pluginDir}`);
    expect(results.map((r) => r.stack)).toEqual(['admin-vpc', 'app-vpc']);
    const plans = Object.fromEntries(results.map((r) => [r.stack, r.steps[2].output]));
    expect(plans['app-vpc']).toMatch(/Plan: 8 to add, 0 to change, 0 to destroy/);
    expect(plans['admin-vpc']).toMatch(/aws_kms_key\.\S+ will be created/);
    expect(plans['admin-vpc']).toMatch(/aws_secretsmanager_secret_policy\.\S+ will be created/);

    // AND the same config synthesized as HCL plans the same resources with the same values and outputs.
    const hcl = synthToTemp(defaultConfig(), { hcl: true });
    const stacks = stackNames(json.outdir);
    expect(stackNames(hcl.outdir)).toEqual(stacks);
    // The admin stack reads the app stack's state: the same stand-in state for both outputs.
    for (const path of writeStandInRemoteStates(json.outdir, 'admin-vpc')) copyFileSync(path, join(hcl.project, relative(json.project, path)));
    const planned = await inParallel(
      stacks.map((stack) => async () => {
        const dir = stackDir(hcl.outdir, stack);
        writeOfflineOverride(dir);
        // No separate validate here: `terraform plan` validates the configuration first and fails if it is invalid.
        for (const args of [
          ['init', '-input=false', `-plugin-dir=${toolchain.pluginDir}`],
          ['plan', '-input=false', '-lock=false', '-refresh=false', '-out=tfplan'],
        ]) {
          const step = await terraform(toolchain, dir, args);
          if (!step.ok) throw new Error(`${stack} (HCL): terraform ${step.command} failed:\n${step.output}`);
        }
        return { fromHcl: await showPlan(toolchain, dir), fromJson: await showPlan(toolchain, stackDir(json.outdir, stack)) };
      }),
      2,
    );
    stacks.forEach((stack, i) => {
      const { fromJson, fromHcl } = planned[i];
      expect(fromJson.changes.length).toBeGreaterThan(0);
      expect(fromJson.changes.every((c) => c.actions.join() === 'create')).toBe(true);
      expect({ stack, ...fromHcl }).toEqual({ stack, ...fromJson });
    });
  });
});
