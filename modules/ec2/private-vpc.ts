import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { assertTags } from '../core/aws-limits';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { isAvailabilityZoneOf } from '../core/aws-identifiers';
import { isCidrProblem, parseCidr } from './cidr-ranges';
import { EndpointVpc, IpAddressType, SubnetPlacement } from './endpoint-vpc';
import { invalidValue } from '../core/errors';
import { IP_ADDRESS_TYPES, ipAddressTypesOfSubnets, quotedList } from './ip-address-types';
import { terraformLiteralMap } from '../core/terraform-literal';

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
  /**
   * What the endpoint subnets carry. `dualstack`: the VPC gets an Amazon-provided IPv6 /56 and each
   * subnet its IPv4 range plus an IPv6 /64 of it; `ipv6`: the same /56, and IPv6-only subnets (the
   * VPC keeps its IPv4 block: every VPC has one). @default 'ipv4'
   */
  readonly ipAddressType?: IpAddressType;
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

/** IPv6 /64 subnets carved from the VPC's /56: `cidrsubnet(ipv6_cidr_block, 8, i)`. */
const IPV6_SUBNET_NEWBITS = 8;

/**
 * A VPC created for endpoints: DNS support and hostnames on (private DNS needs both), one private
 * subnet per AZ with no route out, and the default security group emptied so nothing uses it. With
 * `ipAddressType` dualstack or ipv6 it also gets an Amazon-provided IPv6 block and IPv6 subnets.
 */
export class PrivateVpc extends Construct implements EndpointVpc {
  public readonly vpc: Vpc;
  /** The VPC id: one reference, made once (each read of `vpc.id` builds a new token). */
  public readonly vpcId: string;
  public readonly subnetResources: Subnet[];
  public readonly subnets: SubnetPlacement[];
  public readonly cidrBlocks: string[];
  /** The Amazon-provided IPv6 block (a reference to `aws_vpc.ipv6_cidr_block`), when the subnets carry IPv6. */
  public readonly ipv6CidrBlocks?: string[];
  /** What the subnets carry. */
  public readonly ipAddressType: IpAddressType;
  /** The endpoint IP address types the subnets carry: ipv4; ipv4 and dualstack (dual-stack subnets); ipv6. */
  public readonly ipAddressTypes: IpAddressType[];
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
    this.ipAddressType = props.ipAddressType ?? 'ipv4';
    if (!IP_ADDRESS_TYPES.includes(this.ipAddressType)) {
      throw invalidValue('PLS_IP_ADDRESS_TYPE', 'ipAddressType', this.ipAddressType, quotedList(IP_ADDRESS_TYPES));
    }
    this.ipAddressTypes = ipAddressTypesOfSubnets(this.ipAddressType);
    const ipv6 = this.ipAddressType !== 'ipv4';
    this.enableDnsSupport = props.enableDnsSupport ?? true;
    this.enableDnsHostnames = props.enableDnsHostnames ?? true;
    const name = props.name ?? 'private';
    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.cidrBlock,
      enableDnsSupport: this.enableDnsSupport,
      enableDnsHostnames: this.enableDnsHostnames,
      // An Amazon-provided /56 from Amazon's pool of IPv6 addresses (global unicast, not private address space).
      assignGeneratedIpv6CidrBlock: ipv6 || undefined,
      tags: terraformLiteralMap({ ...props.tags, Name: name }),
    });
    this.vpcId = this.vpc.id;
    const vpcIpv6 = ipv6 ? this.vpc.ipv6CidrBlock : undefined;
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
          mapPublicIpOnLaunch: false,
          ...this.subnetAddressing(cidrs[i], vpcIpv6 && Fn.cidrsubnet(vpcIpv6, IPV6_SUBNET_NEWBITS, i)),
          tags: terraformLiteralMap({ ...props.tags, Name: `${name}-${az}` }),
        }),
    );
    this.subnets = this.subnetResources.map((s, i) => ({ subnetId: s.id, availabilityZone: azs[i] }));
    // IPv6-only subnets hold no IPv4 address, so the IPv4 block reaches nothing there.
    this.cidrBlocks = this.ipAddressType === 'ipv6' ? [] : [props.cidrBlock];
    this.ipv6CidrBlocks = vpcIpv6 ? [vpcIpv6] : undefined;
  }

  /**
   * A subnet's ranges. AWS (AWS::EC2::Subnet): "For an IPv4 only subnet, specify an IPv4 CIDR block.
   * If the VPC has an IPv6 CIDR block, you can create an IPv6 only subnet or a dual stack subnet
   * instead. For an IPv6 only subnet, specify an IPv6 CIDR block. For a dual stack subnet, specify
   * both an IPv4 CIDR block and an IPv6 CIDR block."
   */
  private subnetAddressing(ipv4: string, ipv6: string | undefined) {
    if (this.ipAddressType === 'ipv4' || ipv6 === undefined) return { cidrBlock: ipv4 };
    // Network interfaces created here (the endpoints') get an IPv6 address of the subnet's /64.
    if (this.ipAddressType === 'dualstack') return { cidrBlock: ipv4, ipv6CidrBlock: ipv6, assignIpv6AddressOnCreation: true };
    return {
      ipv6Native: true,
      ipv6CidrBlock: ipv6,
      assignIpv6AddressOnCreation: true,
      // Instances in IPv6-only subnets are named by resource (instance id) and resolve to AAAA records: there is no IPv4 address to name.
      privateDnsHostnameTypeOnLaunch: 'resource-name',
      enableResourceNameDnsAaaaRecordOnLaunch: true,
      // No NAT64 route leaves these subnets, so synthesized DNS64 answers would lead nowhere; the endpoints answer AAAA themselves.
      enableDns64: false,
    };
  }
}
