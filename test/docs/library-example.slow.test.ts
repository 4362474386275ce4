import { join } from 'path';
import { runLibraryExample } from '../helpers/doc-examples';
import { initValidatePlan, toolchainOrReportSkip } from '../helpers/terraform';

/**
 * The grant example of docs/library.md (`## Granting access`: a secret, its key, an imported key, and
 * a role whose `aws_iam_role_policy` holds the reader statements) as real Terraform takes it: the
 * example runs as written, and `terraform init` (offline, from the provider mirror) and `terraform
 * validate` pass on its stack. One stack, one provider start for validate.
 */
describe('docs/library.md grant example through terraform validate', () => {
  it('GIVEN the grant example WHEN synthesized THEN terraform init and validate pass', async () => {
    const toolchain = await toolchainOrReportSkip('library grant example validate');
    if (!toolchain) return;
    const outdir = runLibraryExample('## Granting access');
    const steps = await initValidatePlan(toolchain, join(outdir, 'stacks', 'grants'), { plan: false });
    expect(steps.map((s) => [s.command, s.ok, s.ok ? '' : s.output])).toEqual([
      ['init', true, ''],
      ['validate', true, ''],
    ]);
  }, 120_000);
});
