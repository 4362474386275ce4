import { parseConfig } from '../../../stacks/config';
import { defaultConfigJson, exampleConfigJson, problemsOf } from '../../helpers/configs';
import { readStack, synthToTemp } from '../../helpers/pipeline';

/**
 * IPv6 in the config: `ipAddressType` on a created VPC builds the IPv6 network it needs, so it is
 * never refused there; on an existing VPC the plan checks the VPC and its subnets (see
 * test/stacks/ipv6-pipeline.slow.test.ts), and the config refuses only what it shows to be impossible.
 */

const E = 'environments[0]';
const existing = (extra: Record<string, unknown>) => ({
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  subnets: [{ subnetId: 'subnet-0a1b2c3d4e5f60718', availabilityZone: 'us-west-2a' }],
  allowedCidrs: ['10.10.0.0/16'],
  ...extra,
});

describe('ipAddressType in the config', () => {
  it('GIVEN ipv6 endpoints in an existing VPC whose only sources are IPv4 CIDRs THEN refused at the JSON path, with what was found and what is expected', () => {
    const raw = defaultConfigJson();
    raw.environments[0].adminVpc = existing({ ipAddressType: 'ipv6' });
    expect(problemsOf(raw)).toEqual([
      `${E}.adminVpc.ipAddressType: found "ipv6"; expected "dualstack" or "ipv4", or an IPv6 source: an ipv6 endpoint has only IPv6 addresses, and the only sources given are IPv4 CIDRs; add the IPv6 ranges of the clients to allowedCidrs, or source security groups / prefix lists`,
    ]);
  });

  it('GIVEN the second environment wrong THEN the path names environments[1]', () => {
    const raw = exampleConfigJson('ipv6.json');
    raw.environments[1].appVpc = { ...raw.environments[1].appVpc, ipAddressType: 'ipv6', allowedCidrs: ['10.93.0.0/16'] };
    delete raw.environments[1].appVpc.publicSources;
    expect(problemsOf(raw)).toEqual([
      expect.stringMatching(/^environments\[1\]\.appVpc\.ipAddressType: found "ipv6"; expected "dualstack" or "ipv4", or an IPv6 source/),
    ]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['an IPv6 CIDR among the sources', { allowedCidrs: ['10.10.0.0/16', 'fd00:ec2::/56'] }],
    ['a source security group', { sourceSecurityGroupIds: ['sg-0a1b2c3d4e5f60718'] }],
    ['a prefix list', { prefixListIds: ['pl-0a1b2c3d4e5f60718'] }],
  ])('GIVEN ipv6 endpoints in an existing VPC with %s THEN accepted (the plan checks the subnets)', (_title, sources) => {
    const raw = defaultConfigJson();
    raw.environments[0].adminVpc = existing({ ipAddressType: 'ipv6', ...sources });
    expect(parseConfig(raw).environments[0].adminVpc.ipAddressType).toBe('ipv6');
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'dualstack endpoints in subnets stated IPv4-only',
      { subnetIpAddressType: 'ipv4', ipAddressType: 'dualstack' },
      `${E}.adminVpc.ipAddressType: found "dualstack"; expected "ipv4": dualstack endpoints need subnets with both IPv4 and IPv6 ranges, and subnetIpAddressType says the subnets are IPv4-only`,
    ],
    [
      'ipv6 endpoints in subnets stated dual-stack',
      { subnetIpAddressType: 'dualstack', ipAddressType: 'ipv6', allowedCidrs: ['fd00:ec2::/56'] },
      `${E}.adminVpc.ipAddressType: found "ipv6"; expected "ipv4" or "dualstack": ipv6 endpoints need IPv6-only subnets, and subnetIpAddressType says the subnets are dual-stack (IPv4 and IPv6 ranges)`,
    ],
    [
      'the default (ipv4) endpoints in subnets stated IPv6-only',
      { subnetIpAddressType: 'ipv6' },
      `${E}.adminVpc.ipAddressType: found nothing; expected "ipv6": ipv4 endpoints need subnets with IPv4 ranges, and subnetIpAddressType says the subnets are IPv6-only`,
    ],
  ])('GIVEN %s THEN refused at ipAddressType', (_title, extra, problem) => {
    const raw = defaultConfigJson();
    raw.environments[0].adminVpc = existing(extra);
    expect(problemsOf(raw)).toEqual([problem]);
  });

  it('GIVEN subnetIpAddressType on a created VPC THEN refused (its subnets follow ipAddressType); stated subnets that can carry the endpoints THEN accepted', () => {
    const raw = defaultConfigJson();
    raw.environments[0].adminVpc.subnetIpAddressType = 'dualstack';
    expect(problemsOf(raw)).toEqual([
      `${E}.adminVpc.subnetIpAddressType: found "dualstack"; expected no subnetIpAddressType with "create" (the subnets follow ipAddressType)`,
    ]);
    const ok = defaultConfigJson();
    ok.environments[0].adminVpc = existing({ subnetIpAddressType: 'dualstack', ipAddressType: 'dualstack' });
    expect(parseConfig(ok).environments[0].adminVpc.subnetIpAddressType).toBe('dualstack');
  });

  it('GIVEN created VPCs THEN dualstack and ipv6 are accepted with IPv4-only allowedCidrs, since the VPC own IPv6 block is always admitted', () => {
    const raw = defaultConfigJson();
    raw.environments[0].adminVpc.ipAddressType = 'dualstack';
    raw.environments[0].appVpc.ipAddressType = 'ipv6';
    raw.environments[0].appVpc.allowedCidrs = ['10.20.0.0/16'];
    const { outdir } = synthToTemp(parseConfig(raw));
    const rules = Object.values<any>(readStack(outdir, 'app-vpc').resource.aws_vpc_security_group_ingress_rule);
    expect(rules.map((r) => r.cidr_ipv4 ?? r.cidr_ipv6)).toEqual(['10.20.0.0/16', '${aws_vpc.vpc_6776A399.ipv6_cidr_block}']);
    expect(Object.values<any>(readStack(outdir, 'admin-vpc').resource.aws_vpc)[0].assign_generated_ipv6_cidr_block).toBe(true);
  });

  it('GIVEN the example stacks/config/ipv6.json THEN a dual-stack and an IPv6-only created VPC, and an existing dual-stack VPC whose IPv6 block is opted in with a reason', () => {
    const config = parseConfig(exampleConfigJson('ipv6.json'), 'ipv6.json');
    expect(config.environments.map((e) => [e.adminVpc.ipAddressType, e.appVpc.ipAddressType, Boolean(e.appVpc.create)])).toEqual([
      ['dualstack', 'ipv6', true],
      [undefined, 'dualstack', false],
    ]);
    expect(config.environments[1].appVpc.publicSources?.reason).toMatch(/Amazon-provided IPv6 block/);
  });
});
