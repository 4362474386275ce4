import { ExistingVpc } from '../../../modules/ec2/existing-vpc';
import { isAvailabilityZoneOf } from '../../../modules/core/aws-identifiers';
import { isVpcCidr, PrivateVpc, PrivateVpcProps, splitCidr } from '../../../modules/ec2/private-vpc';
import { onlyResource, resourcesOf, synthJson, testStack } from '../../helpers/assertions';

describe('PrivateVpc', () => {
  const create = (props: Partial<PrivateVpcProps> = {}) => {
    const stack = testStack();
    const vpc = new PrivateVpc(stack, 'vpc', {
      cidrBlock: '10.20.0.0/16',
      availabilityZones: ['us-west-2a', 'us-west-2b', 'us-west-2c'],
      region: 'us-west-2',
      ...props,
    });
    return { stack, vpc };
  };

  it('GIVEN three AZs WHEN synthesized THEN DNS attributes on, one private subnet per AZ and the default group emptied', () => {
    const { stack, vpc } = create();
    const json = synthJson(stack);
    expect(onlyResource(json, 'aws_vpc')).toEqual(
      expect.objectContaining({ cidr_block: '10.20.0.0/16', enable_dns_support: true, enable_dns_hostnames: true }),
    );
    expect(resourcesOf(json, 'aws_subnet').map((s) => [s.availability_zone, s.cidr_block, s.map_public_ip_on_launch])).toEqual([
      ['us-west-2a', '10.20.0.0/20', false],
      ['us-west-2b', '10.20.16.0/20', false],
      ['us-west-2c', '10.20.32.0/20', false],
    ]);
    const defaultGroup = onlyResource(json, 'aws_default_security_group');
    expect(defaultGroup.ingress).toBeUndefined();
    expect(defaultGroup.egress).toBeUndefined();
    expect(vpc.subnets.map((s) => s.availabilityZone)).toEqual(['us-west-2a', 'us-west-2b', 'us-west-2c']);
    expect(vpc.cidrBlocks).toEqual(['10.20.0.0/16']);
  });

  it('splits a /24 into /28s', () => {
    expect(splitCidr('10.0.1.0/24', 2)).toEqual(['10.0.1.0/28', '10.0.1.16/28']);
  });

  it.each<[string, Partial<PrivateVpcProps>, RegExp]>([
    ['a CIDR larger than /16', { cidrBlock: '10.0.0.0/8' }, /PLS_VPC_CIDR\] cidrBlock: found "10.0.0.0\/8"/],
    ['a CIDR smaller than /24', { cidrBlock: '10.0.0.0/26' }, /PLS_VPC_CIDR/],
    ['no AZ', { availabilityZones: [] }, /PLS_SUBNETS_EMPTY/],
    ['a duplicate AZ', { availabilityZones: ['us-west-2a', 'us-west-2a'] }, /PLS_SUBNET_DUPLICATE_AZ\] availabilityZones\[1\]/],
    ['an AZ of another region', { availabilityZones: ['eu-west-1a'] }, /PLS_BAD_AZ\] availabilityZones\[0\]: found "eu-west-1a"/],
  ])('rejects %s', (_label, props, message) => {
    expect(() => create(props)).toThrow(message);
  });
});

describe('ExistingVpc', () => {
  const subnets = [{ subnetId: 'subnet-0a1b2c3d', availabilityZone: 'us-west-2a' }];

  it('GIVEN defaults WHEN synthesized THEN it reads the VPC at plan and offers a DNS precondition', () => {
    const stack = testStack();
    const vpc = new ExistingVpc(stack, 'vpc', { vpcId: 'vpc-0a1b2c3d', subnets, region: 'us-west-2' });
    const json = synthJson(stack);
    expect(Object.values<any>(json.data.aws_vpc)).toEqual([expect.objectContaining({ id: 'vpc-0a1b2c3d' })]);
    expect(vpc.dnsPrecondition).toBeDefined();
  });

  it('GIVEN verification off THEN no data source and no precondition', () => {
    const stack = testStack();
    const vpc = new ExistingVpc(stack, 'vpc', { vpcId: 'vpc-0a1b2c3d', subnets, region: 'us-west-2', verifyDnsAttributesAtPlan: false });
    expect(synthJson(stack).data).toBeUndefined();
    expect(vpc.dnsPrecondition).toBeUndefined();
  });

  it.each([
    ['a subnet id as vpc id', { vpcId: 'subnet-0a1b2c3d' }, /PLS_BAD_RESOURCE_ID\] vpcId:.*this is a subnet- id/],
    ['a 9-hex vpc id', { vpcId: 'vpc-0a1b2c3d4' }, /PLS_BAD_RESOURCE_ID\] vpcId: found "vpc-0a1b2c3d4"/],
    ['upper-case hex', { vpcId: 'vpc-0A1B2C3D' }, /PLS_BAD_RESOURCE_ID/],
    ['no subnets', { subnets: [] }, /PLS_SUBNETS_EMPTY/],
  ])('rejects %s', (_label, props, message) => {
    expect(() => new ExistingVpc(testStack(), 'vpc', { vpcId: 'vpc-0a1b2c3d', subnets, region: 'us-west-2', ...props })).toThrow(message);
  });
});

describe('shared checks', () => {
  it.each([
    ['us-west-2a', 'us-west-2', true],
    ['us-gov-west-1b', 'us-gov-west-1', true],
    ['us-east-1a', 'us-west-2', false],
    ['us-west-2', 'us-west-2', false],
    ['us-west-22', 'us-west-2', false],
    ['us-west-2ab', 'us-west-2', false],
  ])('isAvailabilityZoneOf(%s, %s) is %s', (az, region, expected) => {
    expect(isAvailabilityZoneOf(az, region)).toBe(expected);
  });

  it.each([
    ['10.20.0.0/16', true],
    ['10.20.1.0/24', true],
    ['10.0.0.0/8', false],
    ['10.0.0.0/25', false],
    ['10.300.0.0/16', false],
    ['2600:1f14::/56', false],
    ['10.20.5.0/16', false],
    ['010.20.0.0/16', false],
    ['10.20.0.0/016', false],
  ])('isVpcCidr(%s) is %s', (cidr, expected) => {
    expect(isVpcCidr(cidr)).toBe(expected);
  });

  it.each([
    ['10.20.5.0/16', /PLS_VPC_CIDR\] cidrBlock: found "10\.20\.5\.0\/16"; expected .*host bits.*did you mean "10\.20\.0\.0\/16"\?/],
    ['010.20.0.0/16', /PLS_VPC_CIDR\] cidrBlock: found "010\.20\.0\.0\/16"; expected .*leading zeros.*did you mean "10\.20\.0\.0\/16"\?/],
    ['10.20.5.0/8', /PLS_VPC_CIDR\] cidrBlock: found "10\.20\.5\.0\/8"; expected an IPv4 CIDR from \/16 to \/24/],
  ])('GIVEN a PrivateVpc with cidrBlock %s THEN it is refused with the corrected form when there is one', (cidrBlock, message) => {
    expect(() => new PrivateVpc(testStack(), 'vpc', { cidrBlock, availabilityZones: ['us-west-2a'], region: 'us-west-2' })).toThrow(message);
  });
});
