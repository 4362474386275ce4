import { Construct } from 'constructs';
import { assertTags } from './aws-limits';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { isAvailabilityZoneOf } from './aws-identifiers';
import { isCidrProblem, parseCidr } from './cidr-ranges';
import { EndpointVpc, SubnetPlacement } from './endpoint-vpc';
import { invalidValue } from './errors';
import { terraformLiteralMap } from './terraform-literal';

/** Props of a {@link PrivateVpc}. */
export interface PrivateVpcProps {
  /** IPv4 CIDR of the VPC, /16 to /24. */
  readonly cidrBlock: string;
  /** AZs to create one private subnet in each (1 to 16). */
  readonly availabilityZones: readonly string[];
  /** Region, to check the AZ names. */
  readonly region: string;
  /** `enableDnsSupport`; private DNS needs it. @default true */
  readonly enableDnsSupport?: boolean;
  /** `enableDnsHostnames`; private DNS needs it. @default true */
  readonly enableDnsHostnames?: boolean;
  /** Name tag prefix. @default 'private' */
  readonly name?: string;
  /** Tags on the VPC and subnets. @default - none */
  readonly tags?: Record<string, string>;
}

/**
 * What is wrong with `cidr` as the block of a created VPC (an IPv4 network address from /16 to /24
 * in canonical form), as the `expected …` of a message; undefined when it is fine.
 */
export function vpcCidrProblem(cidr: string): string | undefined {
  const generic = 'an IPv4 CIDR from /16 to /24, such as "10.20.0.0/16"';
  const parsed = parseCidr(cidr);
  if (isCidrProblem(parsed)) return parsed.suggestion && vpcCidrProblem(parsed.suggestion) === undefined ? parsed.expected : generic;
  return parsed.family === 'ipv4' && parsed.prefix >= 16 && parsed.prefix <= 24 ? undefined : generic;
}

/** True when `cidr` is an IPv4 network address from /16 to /24 in canonical form (the sizes a created VPC may have here). */
export function isVpcCidr(cidr: string): boolean {
  return vpcCidrProblem(cidr) === undefined;
}

/** Splits an IPv4 CIDR into `count` equal subnets (the smallest power of two ≥ count, at least 16 ways). */
export function splitCidr(cidr: string, count: number): string[] {
  const [address, prefixText] = cidr.split('/');
  const prefix = Number(prefixText);
  const base = address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const newPrefix = prefix + Math.max(4, Math.ceil(Math.log2(Math.max(count, 1))));
  if (newPrefix > 28)
    throw invalidValue('PLS_VPC_CIDR_TOO_SMALL', 'cidrBlock', cidr, `a block large enough for ${count} subnets of at least /28 (use /24 or larger)`);
  const size = 2 ** (32 - newPrefix);
  return Array.from({ length: count }, (_, i) => {
    const n = base + i * size;
    return `${[24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.')}/${newPrefix}`;
  });
}

/**
 * A VPC created for endpoints: DNS support and hostnames on (private DNS needs both), one private
 * subnet per AZ with no route out, and the default security group emptied so nothing uses it.
 */
export class PrivateVpc extends Construct implements EndpointVpc {
  public readonly vpc: Vpc;
  /** The VPC id: one reference, made once (each read of `vpc.id` builds a new token). */
  public readonly vpcId: string;
  public readonly subnetResources: Subnet[];
  public readonly subnets: SubnetPlacement[];
  public readonly cidrBlocks: string[];
  public readonly enableDnsSupport: boolean;
  public readonly enableDnsHostnames: boolean;

  constructor(scope: Construct, id: string, props: PrivateVpcProps) {
    super(scope, id);
    assertTags(props.tags, 'tags', ['Name']);
    const cidrProblem = vpcCidrProblem(props.cidrBlock);
    if (cidrProblem) throw invalidValue('PLS_VPC_CIDR', 'cidrBlock', props.cidrBlock, cidrProblem);
    const azs = props.availabilityZones;
    if (azs.length === 0) throw invalidValue('PLS_SUBNETS_EMPTY', 'availabilityZones', azs, 'at least one Availability Zone');
    azs.forEach((az, i) => {
      if (!isAvailabilityZoneOf(az, props.region)) {
        throw invalidValue('PLS_BAD_AZ', `availabilityZones[${i}]`, az, `an Availability Zone of ${props.region}, such as "${props.region}a"`);
      }
      if (azs.indexOf(az) !== i) throw invalidValue('PLS_SUBNET_DUPLICATE_AZ', `availabilityZones[${i}]`, az, 'each Availability Zone once');
    });
    this.enableDnsSupport = props.enableDnsSupport ?? true;
    this.enableDnsHostnames = props.enableDnsHostnames ?? true;
    const name = props.name ?? 'private';
    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.cidrBlock,
      enableDnsSupport: this.enableDnsSupport,
      enableDnsHostnames: this.enableDnsHostnames,
      tags: terraformLiteralMap({ ...props.tags, Name: name }),
    });
    this.vpcId = this.vpc.id;
    new DefaultSecurityGroup(this, 'default-security-group', {
      vpcId: this.vpcId,
      tags: terraformLiteralMap({ ...props.tags, Name: `${name}-default-unused` }),
    });
    const cidrs = splitCidr(props.cidrBlock, azs.length);
    this.subnetResources = azs.map(
      (az, i) =>
        new Subnet(this, `subnet-${az}`, {
          vpcId: this.vpcId,
          availabilityZone: az,
          cidrBlock: cidrs[i],
          mapPublicIpOnLaunch: false,
          tags: terraformLiteralMap({ ...props.tags, Name: `${name}-${az}` }),
        }),
    );
    this.subnets = this.subnetResources.map((s, i) => ({ subnetId: s.id, availabilityZone: azs[i] }));
    this.cidrBlocks = [props.cidrBlock];
  }
}
