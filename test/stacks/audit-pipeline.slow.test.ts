import { parseConfig } from '../../stacks/config';
import { exampleConfigJson } from '../helpers/configs';
import { expectPipelinePasses, readStack, synthToTemp } from '../helpers/pipeline';
import { toolchainOrReportSkip } from '../helpers/terraform';

describe('Terraform pipeline on the audit config', () => {
  it('GIVEN stacks/config/audit.json WHEN synthesized THEN terraform init (offline mirror), validate and plan pass with the trail, bucket, log group, filters of every kind and alarm', async () => {
    const toolchain = await toolchainOrReportSkip('Terraform pipeline (audit)');
    if (!toolchain) return;
    const { outdir } = synthToTemp(parseConfig(exampleConfigJson('audit.json'), 'audit.json'));
    expect(Object.keys(readStack(outdir, 'admin-vpc').resource.aws_cloudtrail ?? {})).toHaveLength(1);
    const results = await expectPipelinePasses(outdir, toolchain.version);
    expect(results.map((r) => r.stack)).toEqual(['admin-vpc', 'app-vpc']);
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
    // One metric filter of each kind (modules/cloudtrail/outside-endpoint-filter.ts), all accepted by the provider's pattern validation.
    for (const kind of ['outside-endpoints', 'service-secret-management', 'service-key-management', 'service-key-usage']) {
      expect(plan).toMatch(new RegExp(`aws_cloudwatch_log_metric_filter\\.audit_${kind}-1_\\S+ will be created`));
    }
  });
});
