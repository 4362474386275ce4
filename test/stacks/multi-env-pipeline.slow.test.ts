import { parseConfig } from '../../stacks/config';
import { exampleConfigJson } from '../helpers/configs';
import { describePipeline, readStack, runPipeline, synthToTemp, TfJson } from '../helpers/pipeline';
import { toolchainOrReportSkip } from '../helpers/terraform';

/** `type.name` of every resource a synthesized stack declares. */
function resourceAddresses(json: TfJson): string[] {
  return Object.entries<TfJson>(json.resource ?? {})
    .flatMap(([type, blocks]) => Object.keys(blocks).map((name) => `${type}.${name}`))
    .sort();
}

/** Addresses a `terraform plan` says it will create. */
function plannedCreates(planOutput: string): string[] {
  return [...planOutput.matchAll(/^\s*# (\S+) will be created$/gm)].map((m) => m[1]).sort();
}

describe('Terraform pipeline on three environments in two accounts (stacks/config/three-accounts.json)', () => {
  const raw = exampleConfigJson('three-accounts.json');

  it('GIVEN the example THEN it has three environments in two accounts, exactly one with a deploy role', () => {
    const config = parseConfig(raw, 'three-accounts.json');
    expect(config.environments).toHaveLength(3);
    expect(new Set(config.environments.map((e) => e.accountId)).size).toBe(2);
    expect(config.environments.filter((e) => e.deployRoleArn)).toHaveLength(1);
    expect(config.environments.filter((e) => e.backend?.s3)).toHaveLength(1);
  });

  it('GIVEN the config WHEN synthesized THEN its six stacks pass terraform init (offline mirror), validate and plan, each planning exactly the resources it declares', async () => {
    const toolchain = await toolchainOrReportSkip('multi-environment Terraform pipeline');
    if (!toolchain) return;
    const { outdir } = synthToTemp(parseConfig(raw, 'three-accounts.json'));
    // The deploy role is really in the output, so the plan below proves the offline override neutralises assume_role.
    for (const stack of ['prod-admin-vpc', 'prod-app-vpc']) {
      expect(readStack(outdir, stack).provider.aws[0].assume_role).toEqual([
        { role_arn: 'arn:aws:iam::444455556666:role/platform-deploy', session_name: `cdktf-${stack}` },
      ]);
    }
    const results = await runPipeline(outdir);
    if ('skipReason' in results) throw new Error(results.skipReason);
    console.log(`${toolchain.version}\n${describePipeline(results)}`);
    expect(results.map((r) => r.stack)).toEqual(['dev-admin-vpc', 'dev-app-vpc', 'prod-admin-vpc', 'prod-app-vpc', 'qa-admin-vpc', 'qa-app-vpc']);
    for (const r of results) {
      const failed = r.steps.find((s) => !s.ok);
      if (failed) throw new Error(`${r.stack}: terraform ${failed.command} failed:\n${failed.output}`);
      expect(r.planSkipped).toBeUndefined();
      expect(r.steps.map((s) => s.command)).toEqual(['init', 'validate', 'plan']);
      const plan = r.steps[2].output;
      const declared = resourceAddresses(readStack(outdir, r.stack));
      expect(plannedCreates(plan)).toEqual(declared);
      expect(plan).toContain(`Plan: ${declared.length} to add, 0 to change, 0 to destroy.`);
    }
  });
});
