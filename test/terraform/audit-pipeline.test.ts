import { parseConfig } from '../../stacks/config';
import { exampleConfigJson } from '../helpers/configs';
import { describePipeline, readStack, runPipeline, synthToTemp } from '../helpers/pipeline';
import { terraformToolchain } from '../helpers/terraform';

describe('Terraform pipeline on the audit config', () => {
  it('GIVEN stacks/config/audit.json WHEN synthesized THEN terraform init (offline mirror), validate and plan pass with the trail, bucket, log group, filter and alarm', async () => {
    const toolchain = await terraformToolchain();
    if ('skipReason' in toolchain) {
      // Reported, not hidden: this machine cannot run the Terraform checks.
      console.warn(`SKIPPED Terraform pipeline (audit): ${toolchain.skipReason}`);
      expect(process.env.REQUIRE_TERRAFORM).not.toBe('1');
      return;
    }
    const { outdir } = synthToTemp(parseConfig(exampleConfigJson('audit.json'), 'audit.json'));
    expect(Object.keys(readStack(outdir, 'admin-vpc').resource.aws_cloudtrail ?? {})).toHaveLength(1);
    const results = await runPipeline(outdir);
    if ('skipReason' in results) throw new Error(results.skipReason);
    console.log(`${toolchain.version}\n${describePipeline(results)}`);
    expect(results.map((r) => r.stack)).toEqual(['admin-vpc', 'app-vpc']);
    for (const r of results) {
      const failed = r.steps.find((s) => !s.ok);
      if (failed) throw new Error(`${r.stack}: terraform ${failed.command} failed:\n${failed.output}`);
      expect(r.steps.map((s) => s.command)).toEqual(['init', 'validate', 'plan']);
      expect(r.planSkipped).toBeUndefined();
    }
    const plan = results.find((r) => r.stack === 'admin-vpc')!.steps[2].output;
    for (const address of [
      'aws_cloudtrail',
      'aws_s3_bucket',
      'aws_s3_bucket_policy',
      'aws_s3_bucket_public_access_block',
      'aws_s3_bucket_versioning',
      'aws_s3_bucket_server_side_encryption_configuration',
      'aws_cloudwatch_log_group',
      'aws_cloudwatch_log_metric_filter',
      'aws_cloudwatch_metric_alarm',
      'aws_iam_role',
      'aws_sns_topic',
    ]) {
      expect(plan).toMatch(new RegExp(`${address}\\.audit_\\S+ will be created`));
    }
  });
});
