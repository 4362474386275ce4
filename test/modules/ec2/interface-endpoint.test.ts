import { EndpointService } from '../../../modules/ec2/endpoint-service';
import { InterfaceEndpoint, InterfaceEndpointProps } from '../../../modules/ec2/interface-endpoint';
import { PolicyDocument } from '../../../modules/iam/policy-document';
import { PolicyStatement } from '../../../modules/iam/policy-statement';
import { onlyResource, policyOf, resourcesOf, synthJson, testStack } from '../../helpers/assertions';

const vpc = {
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  cidrBlocks: ['10.10.0.0/16'],
  subnets: [
    { subnetId: 'subnet-0a1b2c3d4e5f60718', availabilityZone: 'us-west-2a' },
    { subnetId: 'subnet-1a1b2c3d4e5f60718', availabilityZone: 'us-west-2b' },
  ],
};

function endpoint(overrides: Partial<InterfaceEndpointProps> = {}) {
  const stack = testStack();
  const construct = new InterfaceEndpoint(stack, 'sm', { vpc, region: 'us-west-2', service: EndpointService.SECRETS_MANAGER, ...overrides });
  return { stack, construct };
}

describe('InterfaceEndpoint', () => {
  it('GIVEN defaults WHEN synthesized THEN an Interface endpoint with private DNS in every subnet behind its own security group', () => {
    const { stack } = endpoint();
    const json = synthJson(stack);
    const ep = onlyResource(json, 'aws_vpc_endpoint');
    expect(ep).toEqual(
      expect.objectContaining({
        vpc_endpoint_type: 'Interface',
        service_name: 'com.amazonaws.us-west-2.secretsmanager',
        private_dns_enabled: true,
        ip_address_type: 'ipv4',
        subnet_ids: ['subnet-0a1b2c3d4e5f60718', 'subnet-1a1b2c3d4e5f60718'],
        vpc_id: 'vpc-0a1b2c3d4e5f60718',
      }),
    );
    expect(ep.policy).toBeUndefined();
    expect(ep.security_group_ids).toHaveLength(1);
    const rule = onlyResource(json, 'aws_vpc_security_group_ingress_rule');
    expect(rule).toEqual(expect.objectContaining({ cidr_ipv4: '10.10.0.0/16', from_port: 443, to_port: 443, ip_protocol: 'tcp' }));
    expect(rule.description).toMatch(/HTTPS/);
    expect(onlyResource(json, 'aws_security_group').description).toMatch(/secretsmanager/);
    expect(resourcesOf(json, 'aws_vpc_security_group_egress_rule')).toHaveLength(0);
    expect(onlyResource(json, 'aws_security_group').egress).toBeUndefined();
  });

  it('GIVEN a statement added after construction WHEN synthesized THEN the endpoint policy contains it', () => {
    const { stack, construct } = endpoint({ policy: new PolicyDocument({ kind: 'endpoint' }) });
    construct.addToPolicy(
      new PolicyStatement({
        sid: 'AccountOnly',
        principal: '*',
        actions: ['secretsmanager:*'],
        conditions: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } },
      }),
    );
    const policy = policyOf(onlyResource(synthJson(stack), 'aws_vpc_endpoint'));
    expect(policy.Statement).toEqual([expect.objectContaining({ Sid: 'AccountOnly', Action: 'secretsmanager:*' })]);
  });

  it('GIVEN kms-fips in GovCloud WHEN synthesized THEN the service name uses the region and partition', () => {
    const stack = testStack('us-gov-west-1');
    new InterfaceEndpoint(stack, 'kms', {
      vpc: { ...vpc, subnets: [{ subnetId: 'subnet-0a1b2c3d4e5f60718', availabilityZone: 'us-gov-west-1a' }] },
      region: 'us-gov-west-1',
      service: EndpointService.KMS_FIPS,
    });
    expect(onlyResource(synthJson(stack), 'aws_vpc_endpoint').service_name).toBe('com.amazonaws.us-gov-west-1.kms-fips');
  });

  it('GIVEN an AZ allow-list WHEN synthesized THEN only subnets in those AZs are used', () => {
    const { stack } = endpoint({ allowedAvailabilityZones: ['us-west-2b'] });
    expect(onlyResource(synthJson(stack), 'aws_vpc_endpoint').subnet_ids).toEqual(['subnet-1a1b2c3d4e5f60718']);
  });

  it('GIVEN dns options and dualstack WHEN synthesized THEN they reach the endpoint', () => {
    const { stack } = endpoint({ ipAddressType: 'dualstack', dnsRecordIpType: 'dualstack', privateDnsOnlyForInboundResolverEndpoint: false });
    const ep = onlyResource(synthJson(stack), 'aws_vpc_endpoint');
    expect(ep.ip_address_type).toBe('dualstack');
    expect(ep.dns_options).toEqual({ dns_record_ip_type: 'dualstack', private_dns_only_for_inbound_resolver_endpoint: false });
  });

  it('GIVEN own security groups WHEN synthesized THEN no group is created', () => {
    const { stack } = endpoint({ securityGroupIds: ['sg-0a1b2c3d4e5f60718'] });
    const json = synthJson(stack);
    expect(resourcesOf(json, 'aws_security_group')).toHaveLength(0);
    expect(onlyResource(json, 'aws_vpc_endpoint').security_group_ids).toEqual(['sg-0a1b2c3d4e5f60718']);
  });

  describe('rejects', () => {
    it.each<[string, Partial<InterfaceEndpointProps>, RegExp]>([
      ['an empty subnet list', { subnets: [] }, /PLS_SUBNETS_EMPTY.*subnets/],
      ['a duplicate subnet', { subnets: [vpc.subnets[0], vpc.subnets[0]] }, /PLS_SUBNET_DUPLICATE\].*subnets\[1\]\.subnetId/],
      [
        'two subnets in one AZ',
        { subnets: [vpc.subnets[0], { subnetId: 'subnet-2a1b2c3d4e5f60718', availabilityZone: 'us-west-2a' }] },
        /PLS_SUBNET_DUPLICATE_AZ.*subnets\[1\]\.availabilityZone/,
      ],
      ['an AZ of another region', { subnets: [{ subnetId: 'subnet-2a1b2c3d4e5f60718', availabilityZone: 'us-east-1a' }] }, /PLS_BAD_AZ.*"us-east-1a"/],
      [
        'a vpc id where a subnet id belongs',
        { subnets: [{ subnetId: 'vpc-2a1b2c3d4e5f60718', availabilityZone: 'us-west-2a' }] },
        /PLS_BAD_RESOURCE_ID.*this is a vpc- id/,
      ],
      ['a malformed region', { region: 'us-west' }, /PLS_BAD_REGION.*"us-west"/],
      // Region-shaped but not a region AWS publishes (botocore endpoints.json): the old pattern accepted these.
      [
        'a region that does not exist',
        { region: 'us-west-9', subnets: [{ subnetId: 'subnet-2a1b2c3d4e5f60718', availabilityZone: 'us-west-9a' }] },
        /PLS_BAD_REGION.*"us-west-9"/,
      ],
      [
        'a region that does not exist (eu-north-7)',
        { region: 'eu-north-7', subnets: [{ subnetId: 'subnet-2a1b2c3d4e5f60718', availabilityZone: 'eu-north-7a' }] },
        /PLS_BAD_REGION.*"eu-north-7"/,
      ],
      // AWS has no kms-fips endpoint in the China regions (botocore lists no fips KMS endpoint there).
      [
        'kms-fips where AWS offers none',
        { region: 'cn-north-1', service: EndpointService.KMS_FIPS, subnets: [{ subnetId: 'subnet-2a1b2c3d4e5f60718', availabilityZone: 'cn-north-1a' }] },
        /PLS_NO_KMS_FIPS.*service.*"cn-north-1"/,
      ],
      ['ingress from /0', { allowedCidrs: ['0.0.0.0/0'] }, /PLS_OPEN_INGRESS.*allowedCidrs\[0\].*"0.0.0.0\/0"/],
      ['ingress from ::/0', { allowedCidrs: ['::/0'] }, /PLS_OPEN_INGRESS/],
      ['own groups and ingress sources together', { securityGroupIds: ['sg-0a1b2c3d4e5f60718'], allowedCidrs: ['10.0.0.0/8'] }, /PLS_SG_BYO_AND_SOURCES/],
      ['private DNS with DNS support off', { vpc: { ...vpc, enableDnsSupport: false } }, /PLS_PRIVATE_DNS_NEEDS_VPC_DNS.*vpc\.enableDnsSupport/],
      ['private DNS with DNS hostnames off', { vpc: { ...vpc, enableDnsHostnames: false } }, /PLS_PRIVATE_DNS_NEEDS_VPC_DNS.*vpc\.enableDnsHostnames/],
      ['allow-listed AZs with no subnet', { allowedAvailabilityZones: ['us-west-2c'] }, /PLS_SUBNETS_NOT_IN_ALLOWED_AZS/],
    ])('%s', (_label, overrides, message) => {
      expect(() => endpoint(overrides)).toThrow(message);
    });

    it('a second private-DNS endpoint for the same service in the same VPC', () => {
      const { stack } = endpoint();
      expect(() => new InterfaceEndpoint(stack, 'sm2', { vpc, region: 'us-west-2', service: EndpointService.SECRETS_MANAGER })).toThrow(
        /PLS_PRIVATE_DNS_CONFLICT.*ConflictingDomainExists/,
      );
    });

    it('but not a second endpoint with private DNS off', () => {
      const { stack } = endpoint();
      expect(
        () => new InterfaceEndpoint(stack, 'sm2', { vpc, region: 'us-west-2', service: EndpointService.SECRETS_MANAGER, privateDnsEnabled: false }),
      ).not.toThrow();
    });
  });
});
