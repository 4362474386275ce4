import { join } from 'path';
import { parseConfig } from '../../stacks/config';
import { exampleConfigJson } from '../helpers/configs';
import { credentialBoundDataSources, describePipeline, offlinePlanTest, readStack, runPipeline, synthToTemp, writeTerraformTest } from '../helpers/pipeline';
import { terraform, toolchainOrReportSkip } from '../helpers/terraform';

const config = parseConfig(exampleConfigJson('existing-vpcs-fips.json'), 'existing-vpcs-fips.json');

describe('Terraform pipeline on existing VPCs with kms-fips', () => {
  it('GIVEN existing VPCs and fips WHEN synthesized THEN both stacks init, validate and plan (DNS attributes stood in)', async () => {
    const toolchain = await toolchainOrReportSkip('Terraform pipeline');
    if (!toolchain) return;
    const { outdir } = synthToTemp(config);
    const app = readStack(outdir, 'gov-app-vpc');
    expect(
      Object.values<any>(app.resource.aws_vpc_endpoint)
        .map((e) => e.service_name)
        .sort(),
    ).toEqual(['com.amazonaws.us-west-2.kms-fips', 'com.amazonaws.us-west-2.secretsmanager']);
    const results = await runPipeline(outdir);
    if ('skipReason' in results) throw new Error(results.skipReason);
    console.log(describePipeline(results));
    for (const r of results) {
      const failed = r.steps.find((s) => !s.ok);
      if (failed) throw new Error(`${r.stack}: terraform ${failed.command} failed:\n${failed.output}`);
      expect(r.steps.map((s) => s.command)).toEqual(['init', 'validate', 'plan']);
      expect(r.planWithOverriddenData).toEqual([expect.stringMatching(/^data\.aws_vpc\./)]);
    }

    // THEN the plan-time precondition fails the plan when the existing VPC has a DNS attribute off.
    const dir = join(outdir, 'stacks', 'gov-app-vpc');
    const [lookup] = credentialBoundDataSources(app);
    const endpoints = Object.keys(app.resource.aws_vpc_endpoint).map((n) => `aws_vpc_endpoint.${n}`);
    const dnsOff = (attribute: string, expectFailures: boolean) =>
      `run "${attribute}_off" {\n  command = plan\n  override_data {\n    target = ${lookup}\n    values = { enable_dns_support = ${attribute !== 'enable_dns_support'}, enable_dns_hostnames = ${attribute !== 'enable_dns_hostnames'} }\n  }\n${expectFailures ? `  expect_failures = [${endpoints.join(', ')}]\n` : ''}}\n`;
    // One terraform test file: the two expected failures (a run fails if its expected failure does not happen), then the
    // same DNS-off plan without expecting the failure, which must fail with our message (the check is not vacuous).
    const runs =
      dnsOff('enable_dns_support', true) + dnsOff('enable_dns_hostnames', true) + dnsOff('enable_dns_hostnames', false).replace('_off"', '_off_unexpected"');
    writeTerraformTest(dir, 'dns_precondition', offlinePlanTest([lookup], runs));
    const result = await terraform(toolchain, dir, ['test', '-filter=tests/dns_precondition.tftest.hcl']);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/run "enable_dns_support_off"\.\.\. pass/);
    expect(result.output).toMatch(/run "enable_dns_hostnames_off"\.\.\. pass/);
    expect(result.output).toMatch(/run "enable_dns_hostnames_off_unexpected"\.\.\. fail/);
    expect(result.output).toMatch(/3 passed, 1 failed/);
    expect(result.output).toMatch(/Resource precondition failed/);
    expect(result.output.replace(/\s+/g, ' ')).toMatch(
      /Private DNS for kms-fips needs enable_dns_support and enable_dns_hostnames on VPC vpc-1b2c3d4e5f6071829/,
    );
  });
});
