import { join } from 'path';
import { parseConfig } from '../../stacks/config';
import { exampleConfigJson } from '../helpers/configs';
import {
  credentialBoundDataSources,
  offlinePlanTest,
  readStack,
  writeStandInRemoteStates,
  showPlan,
  synthToTemp,
  TfJson,
  writeTerraformTest,
} from '../helpers/pipeline';
import { initValidatePlan, inParallel, terraform, toolchainOrReportSkip } from '../helpers/terraform';

/**
 * IPv6 for real (stacks/config/ipv6.json): a created dual-stack admin VPC and a created IPv6-only
 * app VPC ("dual") through terraform init, validate and an offline plan, and an existing dual-stack
 * app VPC ("legacy") through init, validate and `terraform test` runs that plan it and make its IPv6
 * preconditions fail. (hcl-equivalence.test.ts plans every stack of the example too, JSON and HCL;
 * the legacy admin stack, an existing IPv4 VPC, is left to it.)
 *
 * AWS, on the subnets each endpoint IP address type needs (VpcEndpointIpAddressType): Dualstack
 * "is supported only if all selected subnets have both IPv4 and IPv6 address ranges"; IPv6 "only if
 * all selected subnets are IPv6 only subnets".
 */
describe('Terraform pipeline on IPv6 endpoints (stacks/config/ipv6.json)', () => {
  const config = parseConfig(exampleConfigJson('ipv6.json'), 'ipv6.json');

  it('GIVEN created dual-stack and IPv6-only VPCs and an existing dual-stack VPC THEN each validates and plans, and a VPC or subnet without IPv6, or a service AWS lists without IPv6, fails the plan', async () => {
    const toolchain = await toolchainOrReportSkip('IPv6 Terraform pipeline');
    if (!toolchain) return;
    const { outdir } = synthToTemp(config);
    const created = ['dual-admin-vpc', 'dual-app-vpc'];
    for (const stack of created) writeStandInRemoteStates(outdir, stack);
    const legacyDir = join(outdir, 'stacks', 'legacy-app-vpc');
    const [admin, app, legacy] = await inParallel(
      [
        ...created.map((stack) => () => initValidatePlan(toolchain, join(outdir, 'stacks', stack), { plan: true })),
        () => initValidatePlan(toolchain, legacyDir, { plan: false }),
      ],
      3,
    );
    for (const [stack, steps, commands] of [
      ['dual-admin-vpc', admin, ['init', 'validate', 'plan']],
      ['dual-app-vpc', app, ['init', 'validate', 'plan']],
      ['legacy-app-vpc', legacy, ['init', 'validate']],
    ] as const) {
      const failed = steps.find((s) => !s.ok);
      if (failed) throw new Error(`${stack}: terraform ${failed.command} failed:\n${failed.output}`);
      expect(steps.map((s) => s.command)).toEqual(commands);
    }
    const declared = (stack: string) => Object.values<TfJson>(readStack(outdir, stack).resource).reduce((n, blocks) => n + Object.keys(blocks).length, 0);
    expect(admin[2].output).toContain(`Plan: ${declared('dual-admin-vpc')} to add, 0 to change, 0 to destroy.`);
    expect(app[2].output).toContain(`Plan: ${declared('dual-app-vpc')} to add, 0 to change, 0 to destroy.`);

    // THEN the plan of the IPv6-only VPC asks AWS for an Amazon-provided block and carves IPv6-only /64 subnets from it.
    const plan = await showPlan(toolchain, join(outdir, 'stacks', 'dual-app-vpc'));
    const after = (type: string) => plan.changes.filter((c) => c.address.startsWith(`${type}.`)).map((c) => c.after as TfJson);
    expect(after('aws_vpc')).toEqual([expect.objectContaining({ assign_generated_ipv6_cidr_block: true, cidr_block: '10.91.0.0/16' })]);
    const subnets = after('aws_subnet');
    expect(subnets).toHaveLength(3);
    for (const s of subnets) {
      expect(s).toEqual(
        expect.objectContaining({ ipv6_native: true, assign_ipv6_address_on_creation: true, enable_resource_name_dns_aaaa_record_on_launch: true }),
      );
      expect(s.cidr_block ?? null).toBeNull();
    }
    expect(after('aws_vpc_endpoint').map((e) => [e.ip_address_type, e.dns_options[0].dns_record_ip_type])).toEqual([
      ['ipv6', 'ipv6'],
      ['ipv6', 'ipv6'],
    ]);

    // THEN the existing dual-stack VPC's preconditions fail the plan when the VPC, or one subnet, has no IPv6 range.
    const legacyApp = readStack(outdir, 'legacy-app-vpc');
    const dir = legacyDir;
    const lookups = credentialBoundDataSources(legacyApp);
    const vpcLookup = lookups.find((a) => a.startsWith('data.aws_vpc.'))!;
    const subnetLookup = lookups.find((a) => a.startsWith('data.aws_subnet.') && a.includes('subnet-5d6e7f80912233445'))!;
    expect(lookups.filter((a) => a.startsWith('data.aws_subnet.'))).toHaveLength(2);
    const endpoints = Object.keys(legacyApp.resource.aws_vpc_endpoint).map((n) => `aws_vpc_endpoint.${n}`);
    const run = (name: string, target: string, values: string, expectFailures: boolean, failing = endpoints) =>
      `run "${name}" {\n  command = plan\n  override_data {\n    target = ${target}\n    values = { ${values} }\n  }\n${expectFailures ? `  expect_failures = [${failing.join(', ')}]\n` : ''}}\n`;
    // What AWS lists for Secrets Manager (aws ec2 describe-vpc-endpoint-services), were it IPv4 only: the Secrets Manager endpoint alone fails.
    const secretsManagerLookup = lookups.find((a) => a.startsWith('data.aws_vpc_endpoint_service.') && a.includes('secretsmanager'))!;
    const secretsManagerEndpoint = endpoints.filter((e) => e.includes('secretsmanager'));
    expect(lookups.filter((a) => a.startsWith('data.aws_vpc_endpoint_service.'))).toHaveLength(2);
    expect(secretsManagerEndpoint).toHaveLength(1);
    const noVpcIpv6 = 'enable_dns_support = true, enable_dns_hostnames = true, cidr_block = "10.93.0.0/16", ipv6_cidr_block = ""';
    const ipv4OnlySubnet = 'cidr_block = "10.93.1.0/24", ipv6_cidr_block = "", ipv6_native = false';
    // Three expected failures (a run fails if its expected failure does not happen), then one unexpected: it must fail with our message.
    const runs =
      run('vpc_without_ipv6', vpcLookup, noVpcIpv6, true) +
      run('service_without_ipv6', secretsManagerLookup, 'supported_ip_address_types = ["ipv4"]', true, secretsManagerEndpoint) +
      run('subnet_without_ipv6', subnetLookup, ipv4OnlySubnet, true) +
      run('subnet_without_ipv6_unexpected', subnetLookup, ipv4OnlySubnet, false);
    writeTerraformTest(dir, 'ipv6_precondition', offlinePlanTest(lookups, runs));
    const result = await terraform(toolchain, dir, ['test', '-filter=tests/ipv6_precondition.tftest.hcl']);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/run "offline_plan"\.\.\. pass/);
    expect(result.output).toMatch(/run "vpc_without_ipv6"\.\.\. pass/);
    expect(result.output).toMatch(/run "subnet_without_ipv6"\.\.\. pass/);
    expect(result.output).toMatch(/run "service_without_ipv6"\.\.\. pass/);
    expect(result.output).toMatch(/run "subnet_without_ipv6_unexpected"\.\.\. fail/);
    expect(result.output).toMatch(/4 passed, 1 failed/);
    expect(result.output.replace(/\s+/g, ' ')).toMatch(
      /Dualstack endpoints need subnets with both IPv4 and IPv6 ranges; subnet subnet-5d6e7f80912233445 \(us-east-2b\) lacks one/,
    );
  });

  it('GIVEN IPv6-only endpoints in an existing VPC THEN the plan passes with IPv6-only subnets and fails with our message when a subnet is not IPv6-only', async () => {
    const toolchain = await toolchainOrReportSkip('IPv6 Terraform pipeline');
    if (!toolchain) return;
    const raw = exampleConfigJson('ipv6.json');
    raw.environments = [raw.environments[1]];
    raw.environments[0].appVpc.ipAddressType = 'ipv6';
    const { outdir } = synthToTemp(parseConfig(raw, 'ipv6.json'));
    const dir = join(outdir, 'stacks', 'legacy-app-vpc');
    const app = readStack(outdir, 'legacy-app-vpc');
    const steps = await initValidatePlan(toolchain, dir, { plan: false });
    const failed = steps.find((s) => !s.ok);
    if (failed) throw new Error(`terraform ${failed.command} failed:\n${failed.output}`);
    const lookups = credentialBoundDataSources(app);
    const subnets = lookups.filter((a) => a.startsWith('data.aws_subnet.'));
    expect(subnets).toHaveLength(2);
    const vpcLookup = lookups.find((a) => a.startsWith('data.aws_vpc.'))!;
    const endpoints = Object.keys(app.resource.aws_vpc_endpoint).map((n) => `aws_vpc_endpoint.${n}`);
    const override = (target: string, values: string) => `override_data {\n  target = ${target}\n  values = { ${values} }\n}\n`;
    const ipv6Only = 'cidr_block = "", ipv6_cidr_block = "2600:1f16:abc:de01::/64", ipv6_native = true';
    const dualStack = 'cidr_block = "10.93.1.0/24", ipv6_cidr_block = "2600:1f16:abc:de02::/64", ipv6_native = false';
    const run = (name: string, expectFailures: boolean) =>
      `run "${name}" {\n  command = plan\n  ${override(subnets[1], dualStack).replace(/\n/g, '\n  ')}${expectFailures ? `expect_failures = [${endpoints.join(', ')}]\n` : ''}}\n`;
    const file =
      override(vpcLookup, 'enable_dns_support = true, enable_dns_hostnames = true, cidr_block = "10.93.0.0/16", ipv6_cidr_block = "2600:1f16:abc:de00::/56"') +
      subnets.map((s) => override(s, ipv6Only)).join('') +
      lookups
        .filter((a) => a.startsWith('data.aws_vpc_endpoint_service.'))
        .map((s) => override(s, 'supported_ip_address_types = ["ipv4", "ipv6"]'))
        .join('') +
      `run "ipv6_only_subnets" {\n  command = plan\n}\n` +
      run('dual_stack_subnet', true) +
      run('dual_stack_subnet_unexpected', false);
    writeTerraformTest(dir, 'ipv6_only', file);
    const result = await terraform(toolchain, dir, ['test', '-filter=tests/ipv6_only.tftest.hcl']);
    expect(result.output).toMatch(/run "ipv6_only_subnets"\.\.\. pass/);
    expect(result.output).toMatch(/run "dual_stack_subnet"\.\.\. pass/);
    expect(result.output).toMatch(/run "dual_stack_subnet_unexpected"\.\.\. fail/);
    expect(result.output).toMatch(/2 passed, 1 failed/);
    expect(result.output.replace(/\s+/g, ' ')).toMatch(/IPv6-only endpoints need IPv6-only subnets; subnet subnet-\w+ \(us-east-2b\) is not one/);
  });
});
