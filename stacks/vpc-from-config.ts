import { Construct } from 'constructs';
import { EndpointVpc } from '../modules/ec2/endpoint-vpc';
import { ExistingVpc } from '../modules/ec2/existing-vpc';
import { PrivateVpc } from '../modules/ec2/private-vpc';
import { VpcConfig } from './config';

/** The created or existing VPC a config entry describes, under construct id `vpc`. */
export function vpcFromConfig(scope: Construct, vpc: VpcConfig, region: string, name: string): EndpointVpc {
  if (vpc.create) {
    return new PrivateVpc(scope, 'vpc', {
      cidrBlock: vpc.create.cidrBlock,
      availabilityZones: vpc.create.availabilityZones,
      region,
      enableDnsSupport: vpc.enableDnsSupport,
      enableDnsHostnames: vpc.enableDnsHostnames,
      ipAddressType: vpc.ipAddressType,
      name,
    });
  }
  return new ExistingVpc(scope, 'vpc', {
    vpcId: vpc.vpcId!,
    subnets: vpc.subnets ?? [],
    region,
    cidrBlocks: vpc.allowedCidrs,
    subnetIpAddressType: vpc.subnetIpAddressType,
    enableDnsSupport: vpc.enableDnsSupport,
    enableDnsHostnames: vpc.enableDnsHostnames,
    verifyDnsAttributesAtPlan: vpc.verifyDnsAttributesAtPlan,
  });
}
