import { Construct } from 'constructs';
import { Fn, IResolvable, Op, Token } from 'cdktf';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { assertResourceId } from '../core/aws-identifiers';
import { EndpointVpc, IpAddressType, PlanPrecondition, SubnetPlacement } from './endpoint-vpc';
import { invalidValue } from '../core/errors';
import { checkSubnets } from './interface-endpoint';
import { IP_ADDRESS_TYPES, ipAddressTypesOfSubnets, quotedList } from './ip-address-types';

/** Props of an {@link ExistingVpc}. */
export interface ExistingVpcProps {
  /** The VPC id (`vpc-…`). */
  readonly vpcId: string;
  /** Subnets for the endpoints, one per AZ, each with its AZ. */
  readonly subnets: readonly SubnetPlacement[];
  /** Region, to check the AZ names. */
  readonly region: string;
  /** CIDRs that may reach the endpoints (the VPC's ranges). @default - none; give them or source security groups */
  readonly cidrBlocks?: readonly string[];
  /**
   * What the endpoint subnets carry, if you know it: `ipv4` (IPv4-only subnets), `dualstack` (IPv4
   * and IPv6 ranges) or `ipv6` (IPv6-only subnets); endpoints of a type they cannot carry fail at
   * synth. @default - unknown at synth; checked at plan when verification is on
   */
  readonly subnetIpAddressType?: IpAddressType;
  /** The VPC's `enableDnsSupport` if you know it; `false` with private DNS fails at synth. @default - read at plan */
  readonly enableDnsSupport?: boolean;
  /** The VPC's `enableDnsHostnames` if you know it; `false` with private DNS fails at synth. @default - read at plan */
  readonly enableDnsHostnames?: boolean;
  /**
   * Read the VPC at plan (`data.aws_vpc`, and `data.aws_subnet` for dualstack / IPv6 endpoints) so
   * the plan fails when private DNS is on but a DNS attribute is off, or when the VPC or a subnet
   * cannot carry the endpoints' IP address type. Needs credentials at plan. @default true
   */
  readonly verifyDnsAttributesAtPlan?: boolean;
}

/** `try(length(value) >= 1, false)` (cdktf renders a literal 0 operand as "undefined"): true when a data source attribute holds a non-empty string (not "" nor null). */
function isSet(value: string): IResolvable {
  return Fn.try([Op.gte(Fn.lengthOf(value), 1), false]);
}

/**
 * A VPC managed elsewhere. Private DNS on its endpoints is guarded by a plan-time precondition that
 * reads the VPC's DNS attributes, since only AWS knows them; dualstack and IPv6 endpoints likewise
 * by preconditions on the VPC's IPv6 block and the subnets' ranges.
 */
export class ExistingVpc extends Construct implements EndpointVpc {
  public readonly vpcId: string;
  public readonly subnets: readonly SubnetPlacement[];
  public readonly cidrBlocks?: readonly string[];
  /** The endpoint IP address types the subnets carry, when `subnetIpAddressType` says. */
  public readonly ipAddressTypes?: readonly IpAddressType[];
  public readonly enableDnsSupport?: boolean;
  public readonly enableDnsHostnames?: boolean;
  public readonly dnsPrecondition?: IResolvable;
  /** The data source that reads the VPC at plan, when verification is on. */
  public readonly lookup?: DataAwsVpc;
  /** True when verification is on: the stack reads the VPC at plan. */
  public readonly readsAwsAtPlan: boolean;
  private readonly subnetLookups = new Map<string, DataAwsSubnet>();

  constructor(scope: Construct, id: string, props: ExistingVpcProps) {
    super(scope, id);
    assertResourceId('vpc', props.vpcId, 'vpcId');
    this.vpcId = props.vpcId;
    this.subnets = checkSubnets(props.subnets, props.region);
    this.cidrBlocks = props.cidrBlocks;
    if (props.subnetIpAddressType !== undefined) {
      if (!IP_ADDRESS_TYPES.includes(props.subnetIpAddressType)) {
        throw invalidValue('PLS_IP_ADDRESS_TYPE', 'subnetIpAddressType', props.subnetIpAddressType, quotedList(IP_ADDRESS_TYPES));
      }
      this.ipAddressTypes = ipAddressTypesOfSubnets(props.subnetIpAddressType);
    }
    this.enableDnsSupport = props.enableDnsSupport;
    this.enableDnsHostnames = props.enableDnsHostnames;
    this.readsAwsAtPlan = props.verifyDnsAttributesAtPlan ?? true;
    if (this.readsAwsAtPlan) {
      this.lookup = new DataAwsVpc(this, 'lookup', { id: props.vpcId });
      this.dnsPrecondition = Op.and(this.lookup.enableDnsSupport, this.lookup.enableDnsHostnames);
    }
  }

  /**
   * Plan-time checks for dualstack and IPv6 endpoints (none for IPv4, none without verification):
   * the VPC has an IPv6 block, and each subnet has IPv4 and IPv6 ranges (dualstack) or is IPv6-only
   * (ipv6), as AWS requires of the subnets of such endpoints.
   */
  public ipAddressTypePreconditions(ipAddressType: IpAddressType, subnets: readonly SubnetPlacement[]): PlanPrecondition[] {
    if (ipAddressType === 'ipv4' || !this.lookup) return [];
    const kind = ipAddressType === 'dualstack' ? 'Dualstack' : 'IPv6-only';
    const checks: PlanPrecondition[] = [
      {
        condition: isSet(this.lookup.ipv6CidrBlock),
        errorMessage: `${kind} endpoints need an IPv6 CIDR block on VPC ${this.vpcId}, and it has none: associate one (aws ec2 associate-vpc-cidr-block --amazon-provided-ipv6-cidr-block) and give the endpoint subnets IPv6 ranges, or set ipAddressType to ipv4.`,
      },
    ];
    for (const subnet of subnets) {
      const lookup = this.subnetLookup(subnet.subnetId);
      checks.push(
        ipAddressType === 'dualstack'
          ? {
              condition: Op.and(isSet(lookup.cidrBlock), isSet(lookup.ipv6CidrBlock)),
              errorMessage: `Dualstack endpoints need subnets with both IPv4 and IPv6 ranges; subnet ${subnet.subnetId} (${subnet.availabilityZone}) lacks one: associate an IPv6 /64 with it (aws ec2 associate-subnet-cidr-block), or set ipAddressType to ipv4.`,
            }
          : {
              condition: Op.eq(Fn.try([lookup.ipv6Native, false]), true),
              errorMessage: `IPv6-only endpoints need IPv6-only subnets; subnet ${subnet.subnetId} (${subnet.availabilityZone}) is not one (ipv6_native is false): give the endpoints IPv6-only subnets, or set ipAddressType to dualstack or ipv4.`,
            },
      );
    }
    return checks;
  }

  /** `data.aws_subnet` for one subnet, made once. */
  private subnetLookup(subnetId: string): DataAwsSubnet {
    let lookup = this.subnetLookups.get(subnetId);
    if (!lookup) {
      lookup = new DataAwsSubnet(this, `subnet-lookup-${Token.isUnresolved(subnetId) ? this.subnetLookups.size : subnetId}`, { id: subnetId });
      this.subnetLookups.set(subnetId, lookup);
    }
    return lookup;
  }
}
