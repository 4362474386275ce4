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
    writeTerraformTest(dir, 'dns_expected', offlinePlanTest([lookup], dnsOff('enable_dns_support', true) + dnsOff('enable_dns_hostnames', true)));
    const expected = await terraform(toolchain, dir, ['test', '-filter=tests/dns_expected.tftest.hcl']);
    expect(expected.output).toMatch(/Success! 3 passed, 0 failed/);
    // AND without expecting the failure, the run fails with our message (the check is not vacuous).
    writeTerraformTest(dir, 'dns_unexpected', offlinePlanTest([lookup], dnsOff('enable_dns_hostnames', false)));
    const unexpected = await terraform(toolchain, dir, ['test', '-filter=tests/dns_unexpected.tftest.hcl']);
    expect(unexpected.ok).toBe(false);
    expect(unexpected.output).toMatch(/Resource precondition failed/);
    expect(unexpected.output.replace(/\s+/g, ' ')).toMatch(
      /Private DNS for kms-fips needs enable_dns_support and enable_dns_hostnames on VPC vpc-1b2c3d4e5f6071829/,
    );
  });
});
