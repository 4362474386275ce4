import { Testing } from 'cdktf';
import { EndpointService } from '../../../modules/ec2/endpoint-service';
import { ServiceEndpoints } from '../../../modules/ec2/service-endpoints';
import { addEndpointOutputs } from '../../../stacks/endpoint-outputs';
import { resourcesOf, synthJson, testStack } from '../../helpers/assertions';

const vpc = {
  vpcId: 'vpc-0a1b2c3d',
  cidrBlocks: ['10.10.0.0/16'],
  subnets: [
    { subnetId: 'subnet-0a1b2c3d', availabilityZone: 'us-west-2a' },
    { subnetId: 'subnet-1a1b2c3d', availabilityZone: 'us-west-2b' },
  ],
};

describe('ServiceEndpoints', () => {
  it('GIVEN a VPC WHEN synthesized THEN Secrets Manager and KMS endpoints share one security group', () => {
    const stack = testStack();
    new ServiceEndpoints(stack, 'endpoints', { vpc, region: 'us-west-2', tags: { Team: 'platform' } });
    const json = synthJson(stack);
    const endpoints = resourcesOf(json, 'aws_vpc_endpoint');
    expect(endpoints.map((e) => e.service_name).sort()).toEqual(['com.amazonaws.us-west-2.kms', 'com.amazonaws.us-west-2.secretsmanager']);
    const groupRef = endpoints[0].security_group_ids;
    expect(endpoints[1].security_group_ids).toEqual(groupRef);
    expect(resourcesOf(json, 'aws_security_group')).toHaveLength(1);
    for (const e of endpoints) expect(e.tags).toEqual({ Team: 'platform' });
  });

  it('GIVEN fips WHEN synthesized THEN the KMS endpoint is kms-fips', () => {
    const stack = testStack();
    new ServiceEndpoints(stack, 'endpoints', { vpc, region: 'us-west-2', fips: true });
    expect(resourcesOf(synthJson(stack), 'aws_vpc_endpoint').map((e) => e.service_name)).toContain('com.amazonaws.us-west-2.kms-fips');
  });

  it('GIVEN fips in a region without a kms-fips endpoint (cn-northwest-1, ap-east-2) THEN a GuardrailError', () => {
    for (const region of ['cn-northwest-1', 'ap-east-2']) {
      const subnets = [{ subnetId: 'subnet-0a1b2c3d', availabilityZone: `${region}a` }];
      expect(() => new ServiceEndpoints(testStack(), 'endpoints', { vpc: { ...vpc, subnets }, region, fips: true })).toThrow(/PLS_NO_KMS_FIPS/);
    }
  });

  it('GIVEN a China region THEN Secrets Manager and KMS are com.amazonaws.<region>.<service> (KMS and Secrets Manager China docs)', () => {
    const stack = testStack();
    const subnets = [{ subnetId: 'subnet-0a1b2c3d', availabilityZone: 'cn-north-1a' }];
    new ServiceEndpoints(stack, 'endpoints', { vpc: { ...vpc, subnets }, region: 'cn-north-1' });
    expect(
      resourcesOf(synthJson(stack), 'aws_vpc_endpoint')
        .map((e) => e.service_name)
        .sort(),
    ).toEqual(['com.amazonaws.cn-north-1.kms', 'com.amazonaws.cn-north-1.secretsmanager']);
  });

  it('GIVEN addInterfaceEndpoint WHEN another service is added THEN it joins the shared group with the defaults, timeouts kept', () => {
    const stack = testStack();
    const endpoints = new ServiceEndpoints(stack, 'endpoints', { vpc, region: 'us-west-2', endpointOptions: { timeouts: { create: '20m' } } });
    endpoints.addInterfaceEndpoint('ssm', { service: EndpointService.of('ssm') });
    const json = synthJson(stack);
    const ssm = resourcesOf(json, 'aws_vpc_endpoint').find((e) => e.service_name === 'com.amazonaws.us-west-2.ssm')!;
    expect(ssm.timeouts).toEqual({ create: '20m' });
    expect(resourcesOf(json, 'aws_security_group')).toHaveLength(1);
  });

  it('GIVEN outputs WHEN synthesized THEN endpoint ids, ARNs, URLs, DNS names, ENIs and the group id are exported', () => {
    const stack = testStack();
    const endpoints = new ServiceEndpoints(stack, 'endpoints', { vpc, region: 'us-west-2' });
    addEndpointOutputs(stack, endpoints, vpc.vpcId);
    const outputs = JSON.parse(Testing.synth(stack, true)).output;
    expect(outputs.secretsmanager_endpoint_id.value).toMatch(/^\$\{aws_vpc_endpoint\.[^.]+secretsmanager[^.]+\.id\}$/);
    expect(outputs.kms_endpoint_arn.value).toMatch(/\.arn\}$/);
    expect(outputs.secretsmanager_endpoint_url.value).toMatch(/^https:\/\/\$\{aws_vpc_endpoint\.[^}]+\.dns_entry\[0\]\.dns_name\}$/);
    expect(outputs.kms_dns_names.value).toMatch(/^\$\{\[for entry in aws_vpc_endpoint\.[^ ]+\.dns_entry : entry\.dns_name\]\}$/);
    expect(outputs.kms_network_interface_ids.value).toMatch(/^\$\{tolist\(aws_vpc_endpoint\.[^)]+\.network_interface_ids\)\}$/);
    expect(outputs.endpoint_security_group_id.value).toMatch(/^\$\{aws_security_group\.[^}]+\.id\}$/);
    expect(outputs.vpc_id.value).toBe('vpc-0a1b2c3d');
  });

  it('GIVEN an endpoint with its own sources THEN it gets its own group', () => {
    const stack = testStack();
    const endpoints = new ServiceEndpoints(stack, 'endpoints', { vpc, region: 'us-west-2' });
    endpoints.addInterfaceEndpoint('sts', { service: EndpointService.of('sts'), allowedCidrs: ['10.99.0.0/16'] });
    const json = synthJson(stack);
    expect(resourcesOf(json, 'aws_security_group')).toHaveLength(2);
    const sts = resourcesOf(json, 'aws_vpc_endpoint').find((e) => e.service_name === 'com.amazonaws.us-west-2.sts')!;
    const kms = resourcesOf(json, 'aws_vpc_endpoint').find((e) => e.service_name === 'com.amazonaws.us-west-2.kms')!;
    expect(sts.security_group_ids).not.toEqual(kms.security_group_ids);
    expect(
      resourcesOf(json, 'aws_vpc_security_group_ingress_rule')
        .map((r) => r.cidr_ipv4)
        .sort(),
    ).toEqual(['10.10.0.0/16', '10.99.0.0/16']);
  });
});
