import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Subnet, SubnetConfig } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { EndpointSecurityGroup } from '../../../modules/ec2/endpoint-security-group';
import { EndpointService } from '../../../modules/ec2/endpoint-service';
import { EndpointVpc, IpAddressType } from '../../../modules/ec2/endpoint-vpc';
import { ExistingVpc } from '../../../modules/ec2/existing-vpc';
import { GUARDRAIL_SUPPRESSION_METADATA } from '../../../modules/guardrails/guardrail-suppressions';
import { InterfaceEndpoint, InterfaceEndpointOptions } from '../../../modules/ec2/interface-endpoint';
import { PrivateVpc } from '../../../modules/ec2/private-vpc';
import { ServiceEndpoints } from '../../../modules/ec2/service-endpoints';
import { resourcesOf, synthJson, testStack, TfJson } from '../../helpers/assertions';
import { guardedStack, guardrailErrors } from '../../helpers/guardrails';

/**
 * Dualstack and IPv6-only endpoints. What AWS requires, and what these tests hold the modules to:
 * - VpcEndpointIpAddressType: Dualstack "is supported only if all selected subnets have both IPv4
 *   and IPv6 address ranges and the endpoint service accepts both IPv4 and IPv6 requests"; IPv6 "is
 *   supported only if all selected subnets are IPv6 only subnets and the endpoint service accepts
 *   IPv6 requests"; IPv4 "only if all selected subnets have IPv4 address ranges".
 * - VpcEndpointDnsRecordIpType: ipv4 "The IP address type must be IPv4 or Dualstack."; ipv6 "The IP
 *   address type must be IPv6 or Dualstack."; dualstack and service-defined "The IP address type
 *   must be Dualstack."
 * - AWS::EC2::Subnet: "If the VPC has an IPv6 CIDR block, you can create an IPv6 only subnet or a
 *   dual stack subnet instead. For an IPv6 only subnet, specify an IPv6 CIDR block. For a dual stack
 *   subnet, specify both an IPv4 CIDR block and an IPv6 CIDR block."
 * - AWS KMS: "AWS KMS is also privately accessible over IPv4 and IPv6 from your virtual private
 *   cloud (VPC) using AWS PrivateLink."
 */

const AZS = ['us-west-2a', 'us-west-2b', 'us-west-2c'];

function createdVpcStack(ipAddressType: IpAddressType, endpointType: IpAddressType = ipAddressType, extra: { allowedCidrs?: string[] } = {}) {
  const stack = guardedStack();
  const vpc = new PrivateVpc(stack, 'vpc', { cidrBlock: '10.20.0.0/16', availabilityZones: AZS, region: 'us-west-2', ipAddressType });
  const endpoints = new ServiceEndpoints(stack, 'endpoints', { vpc, region: 'us-west-2', endpointOptions: { ipAddressType: endpointType }, ...extra });
  return { stack, vpc, endpoints };
}

const vpcAddress = (json: TfJson) => `aws_vpc.${Object.keys(json.resource.aws_vpc)[0]}`;
const rules = (json: TfJson) => resourcesOf(json, 'aws_vpc_security_group_ingress_rule');

describe('created dual-stack VPC', () => {
  it('GIVEN ipAddressType dualstack WHEN synthesized with validations THEN an Amazon-provided /56, an IPv4 range and an IPv6 /64 per subnet, dualstack endpoints and ingress from both VPC blocks', () => {
    const { stack, vpc } = createdVpcStack('dualstack');
    const json = synthJson(stack);
    const address = vpcAddress(json);
    expect(resourcesOf(json, 'aws_vpc')).toEqual([expect.objectContaining({ cidr_block: '10.20.0.0/16', assign_generated_ipv6_cidr_block: true })]);
    expect(
      resourcesOf(json, 'aws_subnet').map((s) => [s.availability_zone, s.cidr_block, s.ipv6_cidr_block, s.assign_ipv6_address_on_creation, s.ipv6_native]),
    ).toEqual([
      ['us-west-2a', '10.20.0.0/20', `\${cidrsubnet(${address}.ipv6_cidr_block, 8, 0)}`, true, undefined],
      ['us-west-2b', '10.20.16.0/20', `\${cidrsubnet(${address}.ipv6_cidr_block, 8, 1)}`, true, undefined],
      ['us-west-2c', '10.20.32.0/20', `\${cidrsubnet(${address}.ipv6_cidr_block, 8, 2)}`, true, undefined],
    ]);
    expect(resourcesOf(json, 'aws_vpc_endpoint').map((e) => [e.ip_address_type, e.dns_options])).toEqual([
      ['dualstack', { dns_record_ip_type: 'dualstack' }],
      ['dualstack', { dns_record_ip_type: 'dualstack' }],
    ]);
    expect(rules(json).map((r) => [r.cidr_ipv4, r.cidr_ipv6, r.from_port, r.to_port, r.ip_protocol])).toEqual([
      ['10.20.0.0/16', undefined, 443, 443, 'tcp'],
      [undefined, `\${${address}.ipv6_cidr_block}`, 443, 443, 'tcp'],
    ]);
    expect(vpc.ipAddressTypes).toEqual(['ipv4', 'dualstack']);
  });

  it('GIVEN the VPC own IPv6 block (a reference) THEN the guardrails pass it with no publicSources opt-in and record no suppression', () => {
    const { stack, endpoints } = createdVpcStack('dualstack');
    expect(guardrailErrors(stack)).toEqual([]);
    expect(endpoints.securityGroup.node.metadata.filter((m) => m.type === GUARDRAIL_SUPPRESSION_METADATA)).toEqual([]);
  });

  it('GIVEN allowedCidrs WHEN dualstack THEN they replace the IPv4 default and the VPC own IPv6 block is still admitted', () => {
    const { stack } = createdVpcStack('dualstack', 'dualstack', { allowedCidrs: ['10.0.0.0/8', 'fd00:ec2::/56'] });
    const json = synthJson(stack);
    expect(rules(json).map((r) => r.cidr_ipv4 ?? r.cidr_ipv6)).toEqual(['10.0.0.0/8', 'fd00:ec2::/56', `\${${vpcAddress(json)}.ipv6_cidr_block}`]);
  });

  it('GIVEN a dual-stack VPC WHEN ipv4 endpoints THEN accepted (dual-stack subnets have IPv4 ranges)', () => {
    const json = synthJson(createdVpcStack('dualstack', 'ipv4').stack);
    expect(resourcesOf(json, 'aws_vpc_endpoint').map((e) => e.ip_address_type)).toEqual(['ipv4', 'ipv4']);
  });
});

describe('created IPv6-only VPC', () => {
  it('GIVEN ipAddressType ipv6 WHEN synthesized with validations THEN IPv6-only /64 subnets as AWS requires them, ipv6 endpoints with AAAA records and IPv6 ingress only', () => {
    const { stack, vpc } = createdVpcStack('ipv6');
    const json = synthJson(stack);
    const address = vpcAddress(json);
    // Every VPC keeps an IPv4 block; the subnets carry none.
    expect(resourcesOf(json, 'aws_vpc')).toEqual([expect.objectContaining({ cidr_block: '10.20.0.0/16', assign_generated_ipv6_cidr_block: true })]);
    const subnets = resourcesOf(json, 'aws_subnet');
    expect(subnets).toHaveLength(3);
    subnets.forEach((s, i) => {
      expect(s.cidr_block).toBeUndefined();
      expect(s).toEqual(
        expect.objectContaining({
          ipv6_native: true,
          ipv6_cidr_block: `\${cidrsubnet(${address}.ipv6_cidr_block, 8, ${i})}`,
          assign_ipv6_address_on_creation: true,
          private_dns_hostname_type_on_launch: 'resource-name',
          enable_resource_name_dns_aaaa_record_on_launch: true,
          enable_dns64: false,
          map_public_ip_on_launch: false,
        }),
      );
    });
    expect(resourcesOf(json, 'aws_vpc_endpoint').map((e) => [e.ip_address_type, e.dns_options.dns_record_ip_type])).toEqual([
      ['ipv6', 'ipv6'],
      ['ipv6', 'ipv6'],
    ]);
    expect(rules(json).map((r) => [r.cidr_ipv4, r.cidr_ipv6])).toEqual([[undefined, `\${${address}.ipv6_cidr_block}`]]);
    expect(vpc.cidrBlocks).toEqual([]);
    expect(vpc.ipAddressTypes).toEqual(['ipv6']);
  });
});

describe('refusals at synth (each names the field, what was found and what is expected)', () => {
  const existing = (props: Partial<EndpointVpc> = {}): EndpointVpc => ({
    vpcId: 'vpc-0a1b2c3d',
    cidrBlocks: ['10.10.0.0/16'],
    subnets: [{ subnetId: 'subnet-0a1b2c3d', availabilityZone: 'us-west-2a' }],
    ...props,
  });
  const endpoint = (vpc: EndpointVpc, options: Partial<InterfaceEndpointOptions> = {}, scope: Construct = testStack()) =>
    new InterfaceEndpoint(scope, 'ep', { vpc, region: 'us-west-2', service: EndpointService.SECRETS_MANAGER, ...options });

  it.each<[string, IpAddressType, IpAddressType, RegExp]>([
    [
      'dualstack endpoints in a created IPv4-only VPC (the bug: accepted at synth, refused at apply)',
      'ipv4',
      'dualstack',
      /\[PLS_IP_ADDRESS_TYPE\] ipAddressType: found "dualstack"; expected "ipv4": dualstack endpoints need subnets with both IPv4 and IPv6 ranges, and the subnets of this VPC carry only "ipv4" endpoints; give it subnets with both IPv4 and IPv6 ranges \(a PrivateVpc: ipAddressType "dualstack"\)/,
    ],
    [
      'ipv6 endpoints in a created IPv4-only VPC',
      'ipv4',
      'ipv6',
      /\[PLS_IP_ADDRESS_TYPE\] ipAddressType: found "ipv6"; expected "ipv4": ipv6 endpoints need IPv6-only subnets/,
    ],
    ['ipv6 endpoints in a created dual-stack VPC', 'dualstack', 'ipv6', /found "ipv6"; expected "ipv4" or "dualstack": ipv6 endpoints need IPv6-only subnets/],
    ['ipv4 endpoints in a created IPv6-only VPC', 'ipv6', 'ipv4', /found "ipv4"; expected "ipv6": ipv4 endpoints need subnets with IPv4 ranges/],
    [
      'dualstack endpoints in a created IPv6-only VPC',
      'ipv6',
      'dualstack',
      /found "dualstack"; expected "ipv6": dualstack endpoints need subnets with both IPv4 and IPv6 ranges/,
    ],
  ])('%s', (_title, vpcType, endpointType, message) => {
    expect(() => createdVpcStack(vpcType, endpointType)).toThrow(message);
  });

  it.each<[string, IpAddressType, InterfaceEndpointOptions['dnsRecordIpType'], RegExp]>([
    [
      'AAAA records on an ipv4 endpoint',
      'ipv4',
      'ipv6',
      /\[PLS_DNS_OPTIONS\] dnsRecordIpType: found "ipv6"; expected a DNS record IP type an ipv4 endpoint can have: "ipv4" \(AWS: "ipv6" needs ipAddressType "ipv6" or "dualstack"\)/,
    ],
    [
      'A records on an ipv6 endpoint',
      'ipv6',
      'ipv4',
      /found "ipv4"; expected a DNS record IP type an ipv6 endpoint can have: "ipv6" \(AWS: "ipv4" needs ipAddressType "ipv4" or "dualstack"\)/,
    ],
    ['dualstack records on an ipv6 endpoint', 'ipv6', 'dualstack', /found "dualstack"; .*"dualstack" needs ipAddressType "dualstack"/],
    ['service-defined records on an ipv4 endpoint', 'ipv4', 'service-defined', /found "service-defined"; .*"service-defined" needs ipAddressType "dualstack"/],
  ])('%s', (_title, ipAddressType, dnsRecordIpType, message) => {
    const vpc = existing({ cidrBlocks: ['10.10.0.0/16', 'fd00:ec2::/56'] });
    expect(() => endpoint(vpc, { ipAddressType, dnsRecordIpType })).toThrow(message);
  });

  it('GIVEN dualstack with service-defined or ipv4 records THEN accepted (AWS allows both on a dualstack endpoint)', () => {
    for (const dnsRecordIpType of ['service-defined', 'ipv4', 'ipv6'] as const) {
      const stack = testStack();
      endpoint(existing(), { ipAddressType: 'dualstack', dnsRecordIpType }, stack);
      expect(resourcesOf(synthJson(stack), 'aws_vpc_endpoint')[0].dns_options.dns_record_ip_type).toBe(dnsRecordIpType);
    }
  });

  it('GIVEN a service AWS does not offer over IPv6 only THEN an ipv6 endpoint is refused with the reason', () => {
    // AWS IAM User Guide: "IPv6-only AWS STS VPC endpoints are not supported. You can configure VPC endpoints for IPv4 or dual-stack connectivity."
    const sts = EndpointService.of('sts', { ipAddressTypes: ['ipv4', 'dualstack'] });
    expect(() => endpoint(existing({ cidrBlocks: ['fd00:ec2::/56'] }), { service: sts, ipAddressType: 'ipv6' })).toThrow(
      /\[PLS_IP_ADDRESS_TYPE\] ipAddressType: found "ipv6"; expected "ipv4" or "dualstack": AWS offers sts endpoints only as ipv4, dualstack/,
    );
    expect(() => endpoint(existing(), { service: sts, ipAddressType: 'dualstack' })).not.toThrow();
  });

  it('GIVEN Secrets Manager, KMS and kms-fips THEN each is offered as ipv4, dualstack and ipv6', () => {
    for (const service of [EndpointService.SECRETS_MANAGER, EndpointService.KMS, EndpointService.KMS_FIPS]) {
      expect(service.ipAddressTypes).toEqual(['ipv4', 'dualstack', 'ipv6']);
    }
  });

  it('GIVEN an ipv6 endpoint whose only sources are IPv4 CIDRs THEN refused (no client could reach it); an IPv6 CIDR or a source group fixes it', () => {
    const message =
      /\[PLS_IP_ADDRESS_TYPE\] ipAddressType: found "ipv6"; expected "dualstack" or "ipv4", or an IPv6 source: an ipv6 endpoint has only IPv6 addresses/;
    expect(() => endpoint(existing(), { ipAddressType: 'ipv6' })).toThrow(message);
    expect(() => new ServiceEndpoints(testStack(), 'e', { vpc: existing(), region: 'us-west-2', endpointOptions: { ipAddressType: 'ipv6' } })).toThrow(message);
    expect(() => endpoint(existing(), { ipAddressType: 'ipv6', allowedCidrs: ['fd00:ec2::/56'] })).not.toThrow();
    expect(() => endpoint(existing(), { ipAddressType: 'ipv6', sourceSecurityGroupIds: ['sg-0a1b2c3d'] })).not.toThrow();
  });

  it.each<[string, string, RegExp]>([
    ['::/0', '::/0', /\[PLS_OPEN_INGRESS\] vpcIpv6CidrBlocks\[0\]: found "::\/0"/],
    ['an IPv4 CIDR', '10.0.0.0/8', /\[PLS_BAD_CIDR\] vpcIpv6CidrBlocks\[0\]: found "10.0.0.0\/8"; expected an IPv6 CIDR/],
    ['a non-canonical IPv6 CIDR', '2600:1F14::/56', /\[PLS_BAD_CIDR\] vpcIpv6CidrBlocks\[0\]: .*did you mean "2600:1f14::\/56"/],
    [
      'a public literal without publicSources (only a reference is the VPC own block for sure)',
      '2600:1f14:abc:de00::/56',
      /\[PLS_PUBLIC_INGRESS\] vpcIpv6CidrBlocks\[0\]: found "2600:1f14:abc:de00::\/56"; expected private address space \(fc00::\/7\)/,
    ],
  ])('GIVEN %s as the VPC own IPv6 block THEN refused', (_title, cidr, message) => {
    expect(() => new EndpointSecurityGroup(testStack(), 'sg', { vpcId: 'vpc-0a1b2c3d', vpcIpv6CidrBlocks: [cidr] })).toThrow(message);
  });
});

describe('guardrails on IPv6 ingress rules written directly', () => {
  const rule = { securityGroupId: 'sg-0a1b2c3d', ipProtocol: 'tcp', fromPort: 443, toPort: 443, description: 'HTTPS to endpoints' };
  const errorsOf = (build: (stack: TerraformStack) => void) => {
    const stack = guardedStack();
    build(stack);
    return guardrailErrors(stack);
  };

  it('GIVEN a reference to a VPC IPv6 block THEN accepted without an opt-in', () => {
    expect(errorsOf((s) => new VpcSecurityGroupIngressRule(s, 'r', { ...rule, cidrIpv6: '${aws_vpc.app.ipv6_cidr_block}' }))).toEqual([]);
  });

  it('GIVEN ::/0 or an unexplained public IPv6 literal THEN still refused', () => {
    expect(errorsOf((s) => new VpcSecurityGroupIngressRule(s, 'r', { ...rule, cidrIpv6: '::/0' })).join('\n')).toMatch(
      /\[PLS_OPEN_INGRESS\] .*cidr_ipv6: found "::\/0"/,
    );
    expect(errorsOf((s) => new VpcSecurityGroupIngressRule(s, 'r', { ...rule, cidrIpv6: '2600:1f14:abc:de00::/56' })).join('\n')).toMatch(
      /\[PLS_PUBLIC_INGRESS\] .*cidr_ipv6: found "2600:1f14:abc:de00::\/56"; expected private address space \(fc00::\/7\)/,
    );
  });
});

describe('PLS_ENDPOINT_IP_ADDRESS_TYPE on endpoints written directly', () => {
  const build = (subnet: Partial<SubnetConfig>, ipAddressType: string, dnsRecordIpType?: string, subnetId?: string) => {
    const stack = guardedStack();
    const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16', enableDnsSupport: true, enableDnsHostnames: true, assignGeneratedIpv6CidrBlock: true });
    const sn = new Subnet(stack, 'subnet', { vpcId: vpc.id, availabilityZone: 'us-west-2a', ...subnet });
    new VpcEndpoint(stack, 'endpoint', {
      vpcId: vpc.id,
      serviceName: 'com.amazonaws.us-west-2.secretsmanager',
      vpcEndpointType: 'Interface',
      subnetIds: [subnetId ?? sn.id],
      ipAddressType,
      dnsOptions: dnsRecordIpType ? { dnsRecordIpType } : undefined,
    });
    return guardrailErrors(stack);
  };
  const ipv4Only = { cidrBlock: '10.0.0.0/24' };
  const dualStack = { cidrBlock: '10.0.0.0/24', ipv6CidrBlock: '${cidrsubnet(aws_vpc.vpc.ipv6_cidr_block, 8, 0)}' };
  const ipv6Only = { ipv6Native: true, ipv6CidrBlock: '${cidrsubnet(aws_vpc.vpc.ipv6_cidr_block, 8, 0)}', assignIpv6AddressOnCreation: true };

  it.each<[string, Partial<SubnetConfig>, string, RegExp]>([
    [
      'dualstack in an IPv4-only subnet (the bug: accepted at synth, refused at apply)',
      ipv4Only,
      'dualstack',
      /\[PLS_ENDPOINT_IP_ADDRESS_TYPE\] aws_vpc_endpoint\.ip_address_type is "dualstack" but aws_subnet\.subnet is IPv4-only; expected subnets with both IPv4 and IPv6 ranges \(AWS refuses the endpoint at apply\), or ip_address_type "ipv4"/,
    ],
    [
      'ipv6 in a dual-stack subnet',
      dualStack,
      'ipv6',
      /ip_address_type is "ipv6" but aws_subnet\.subnet is dual-stack; expected IPv6-only subnets .*or ip_address_type "ipv4" or "dualstack"/,
    ],
    ['ipv4 in an IPv6-only subnet', ipv6Only, 'ipv4', /ip_address_type is "ipv4" but aws_subnet\.subnet is IPv6-only; expected subnets with IPv4 ranges/],
  ])('GIVEN %s THEN synth fails', (_title, subnet, type, message) => {
    expect(build(subnet, type).join('\n')).toMatch(message);
  });

  it('GIVEN a DNS record type AWS does not pair with the endpoint type THEN synth fails', () => {
    expect(build(ipv6Only, 'ipv6', 'ipv4').join('\n')).toMatch(
      /\[PLS_ENDPOINT_IP_ADDRESS_TYPE\] aws_vpc_endpoint\.dns_options\.dns_record_ip_type: found "ipv4"; expected a record type of an ipv6 endpoint \(AWS: "ipv4" needs ip_address_type "ipv4" or "dualstack"\)/,
    );
  });

  it('GIVEN subnets that carry the type, or subnets outside the stack THEN synth passes', () => {
    expect(build(ipv4Only, 'ipv4')).toEqual([]);
    expect(build(dualStack, 'dualstack', 'service-defined')).toEqual([]);
    expect(build(dualStack, 'ipv4')).toEqual([]);
    expect(build(ipv6Only, 'ipv6', 'ipv6')).toEqual([]);
    expect(build(ipv4Only, 'ipv6', undefined, 'subnet-0a1b2c3d')).toEqual([]);
  });
});

describe('existing VPC: IPv6 checked at plan', () => {
  const subnets = [
    { subnetId: 'subnet-0a1b2c3d', availabilityZone: 'us-west-2a' },
    { subnetId: 'subnet-1a1b2c3d', availabilityZone: 'us-west-2b' },
  ];
  const build = (ipAddressType: IpAddressType, verify = true) => {
    const stack = testStack();
    const vpc = new ExistingVpc(stack, 'vpc', {
      vpcId: 'vpc-0a1b2c3d',
      subnets,
      region: 'us-west-2',
      cidrBlocks: ['10.10.0.0/16', 'fd00:ec2::/56'],
      verifyDnsAttributesAtPlan: verify,
    });
    new ServiceEndpoints(stack, 'endpoints', { vpc, region: 'us-west-2', endpointOptions: { ipAddressType } });
    return synthJson(stack);
  };
  const preconditions = (json: TfJson) =>
    resourcesOf(json, 'aws_vpc_endpoint').find((e) => e.service_name.endsWith('.secretsmanager'))!.lifecycle?.precondition ?? [];

  it('GIVEN dualstack THEN each endpoint checks the VPC IPv6 block and that every subnet has IPv4 and IPv6 ranges, reading each subnet once', () => {
    const json = build('dualstack');
    expect(Object.values<TfJson>(json.data.aws_subnet).map((d) => d.id)).toEqual(['subnet-0a1b2c3d', 'subnet-1a1b2c3d']);
    const checks = preconditions(json);
    expect(checks).toHaveLength(5); // DNS, VPC IPv6 block, two subnets, what AWS offers for the service
    expect(
      Object.values<TfJson>(json.data.aws_vpc_endpoint_service)
        .map((d) => d.service_name)
        .sort(),
    ).toEqual(['com.amazonaws.us-west-2.kms', 'com.amazonaws.us-west-2.secretsmanager']);
    expect(checks[4].condition).toMatch(
      /^\$\{\(\(contains\(tolist\(data\.aws_vpc_endpoint_service\.\S+\.supported_ip_address_types\), "ipv4"\) == true\) && \(contains\(tolist\(data\.aws_vpc_endpoint_service\.\S+\.supported_ip_address_types\), "ipv6"\) == true\)\)\}$/,
    );
    expect(checks[4].error_message).toBe(
      'AWS does not offer com.amazonaws.us-west-2.secretsmanager endpoints as dualstack in us-west-2 (that needs ipv4 and ipv6 among its SupportedIpAddressTypes); set ipAddressType to one it offers (aws ec2 describe-vpc-endpoint-services --service-names com.amazonaws.us-west-2.secretsmanager).',
    );
    expect(checks[1].condition).toMatch(/^\$\{try\(\(length\(data\.aws_vpc\.\S+\.ipv6_cidr_block\) >= 1\), false\)\}$/);
    expect(checks[1].error_message).toBe(
      'Dualstack endpoints need an IPv6 CIDR block on VPC vpc-0a1b2c3d, and it has none: associate one (aws ec2 associate-vpc-cidr-block --amazon-provided-ipv6-cidr-block) and give the endpoint subnets IPv6 ranges, or set ipAddressType to ipv4.',
    );
    expect(checks[2].condition).toMatch(/data\.aws_subnet\.\S*subnet-0a1b2c3d\S*\.cidr_block.*&&.*\.ipv6_cidr_block/);
    expect(checks[3].error_message).toMatch(
      /^Dualstack endpoints need subnets with both IPv4 and IPv6 ranges; subnet subnet-1a1b2c3d \(us-west-2b\) lacks one/,
    );
  });

  it('GIVEN ipv6 THEN every subnet must be IPv6-only (ipv6_native)', () => {
    const checks = preconditions(build('ipv6'));
    expect(checks[4].condition).toMatch(/^\$\{\(contains\(tolist\(data\.aws_vpc_endpoint_service\.\S+\.supported_ip_address_types\), "ipv6"\) == true\)\}$/);
    expect(checks.slice(2, 4).map((c: TfJson) => c.condition)).toEqual([
      expect.stringMatching(/^\$\{\(try\(data\.aws_subnet\.\S*subnet-0a1b2c3d\S*\.ipv6_native, false\) == true\)\}$/),
      expect.stringMatching(/subnet-1a1b2c3d\S*\.ipv6_native/),
    ]);
    expect(checks[2].error_message).toMatch(/^IPv6-only endpoints need IPv6-only subnets; subnet subnet-0a1b2c3d \(us-west-2a\) is not one/);
  });

  it('GIVEN subnetIpAddressType stating what the subnets carry THEN endpoints they cannot carry are refused at synth, the others accepted', () => {
    const vpcOf = (subnetIpAddressType: IpAddressType) =>
      new ExistingVpc(testStack(), 'vpc', {
        vpcId: 'vpc-0a1b2c3d',
        subnets,
        region: 'us-west-2',
        cidrBlocks: ['10.10.0.0/16', 'fd00:ec2::/56'],
        subnetIpAddressType,
      });
    const endpoints = (vpc: ExistingVpc, ipAddressType: IpAddressType) =>
      new ServiceEndpoints(vpc.node.scope as Construct, 'endpoints', { vpc, region: 'us-west-2', endpointOptions: { ipAddressType } });
    expect(() => endpoints(vpcOf('ipv4'), 'dualstack')).toThrow(
      /\[PLS_IP_ADDRESS_TYPE\] ipAddressType: found "dualstack"; expected "ipv4": dualstack endpoints need subnets with both IPv4 and IPv6 ranges, and the subnets of VPC vpc-0a1b2c3d carry only "ipv4" endpoints/,
    );
    expect(() => endpoints(vpcOf('dualstack'), 'ipv6')).toThrow(/found "ipv6"; expected "ipv4" or "dualstack": ipv6 endpoints need IPv6-only subnets/);
    expect(() => endpoints(vpcOf('ipv6'), 'ipv4')).toThrow(/found "ipv4"; expected "ipv6"/);
    expect(() => endpoints(vpcOf('dualstack'), 'ipv4')).not.toThrow();
    expect(() => endpoints(vpcOf('dualstack'), 'dualstack')).not.toThrow();
    expect(() => endpoints(vpcOf('ipv6'), 'ipv6')).not.toThrow();
  });

  it('GIVEN ipv4, or verification off THEN no subnet is read and no IPv6 precondition', () => {
    const ipv4 = build('ipv4');
    expect(ipv4.data.aws_subnet).toBeUndefined();
    expect(preconditions(ipv4)).toHaveLength(1);
    expect(ipv4.data.aws_vpc_endpoint_service).toBeUndefined();
    const unverified = build('dualstack', false);
    expect(unverified.data).toBeUndefined();
    expect(preconditions(unverified)).toHaveLength(0);
  });
});
