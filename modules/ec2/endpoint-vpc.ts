import { IResolvable } from 'cdktf';

/** IP address families an endpoint's network interfaces get: `ipv4`, `dualstack` (both) or `ipv6` (IPv6 only). */
export type IpAddressType = 'ipv4' | 'dualstack' | 'ipv6';

/** A subnet an endpoint network interface goes into, with its Availability Zone. */
export interface SubnetPlacement {
  /** Subnet id (`subnet-…`) or a Terraform reference to one. */
  readonly subnetId: string;
  /** Availability Zone of the subnet, e.g. `us-west-2a`. */
  readonly availabilityZone: string;
}

/** A Terraform precondition for an endpoint: a boolean expression and the message Terraform prints when it is false. */
export interface PlanPrecondition {
  /** True when the endpoint can be created. */
  readonly condition: IResolvable;
  /** What is wrong and how to fix it (plain text; it reaches Terraform as a literal). */
  readonly errorMessage: string;
}

/** What the endpoint modules need to know about a VPC, whether created or existing. */
export interface EndpointVpc {
  /** VPC id (`vpc-…`) or a Terraform reference to one. */
  readonly vpcId: string;
  /** The VPC's IPv4/IPv6 CIDRs, the default sources allowed to reach the endpoints. @default - none known */
  readonly cidrBlocks?: readonly string[];
  /**
   * The VPC's own IPv6 blocks, such as the reference to an Amazon-provided block
   * (`aws_vpc.x.ipv6_cidr_block`): always admitted on tcp/443 as `cidr_ipv6`, with no publicSources
   * opt-in, since they are the VPC's own range. @default - none
   */
  readonly ipv6CidrBlocks?: readonly string[];
  /** Subnets for endpoint network interfaces, one per AZ. */
  readonly subnets: readonly SubnetPlacement[];
  /**
   * The endpoint IP address types the subnets can carry, as known at synth (a created VPC knows
   * its subnets). @default - unknown at synth; see `ipAddressTypePreconditions`
   */
  readonly ipAddressTypes?: readonly IpAddressType[];
  /** `enableDnsSupport` as known at synth. @default - unknown (checked at plan when `dnsPrecondition` is set) */
  readonly enableDnsSupport?: boolean;
  /** `enableDnsHostnames` as known at synth. @default - unknown (checked at plan when `dnsPrecondition` is set) */
  readonly enableDnsHostnames?: boolean;
  /**
   * A Terraform boolean expression that is true when both DNS attributes are on, for VPCs whose
   * attributes are only known at plan (existing VPCs). @default - none
   */
  readonly dnsPrecondition?: IResolvable;
  /**
   * True when the stack reads AWS at plan for this VPC (data sources that need credentials), so its
   * endpoints may read AWS at plan too: dualstack and ipv6 endpoints then check that AWS offers the
   * service over that IP address type in the region. @default false
   */
  readonly readsAwsAtPlan?: boolean;
  /**
   * Plan-time checks that the VPC and `subnets` can carry endpoints of `ipAddressType`, for VPCs
   * whose IPv6 set-up is only known at plan (existing VPCs). @default - none
   */
  ipAddressTypePreconditions?(ipAddressType: IpAddressType, subnets: readonly SubnetPlacement[]): PlanPrecondition[];
}
