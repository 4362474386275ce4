import { IResolvable } from 'cdktf';

/** A subnet an endpoint network interface goes into, with its Availability Zone. */
export interface SubnetPlacement {
  /** Subnet id (`subnet-…`) or a Terraform reference to one. */
  readonly subnetId: string;
  /** Availability Zone of the subnet, e.g. `us-west-2a`. */
  readonly availabilityZone: string;
}

/** What the endpoint modules need to know about a VPC, whether created or existing. */
export interface EndpointVpc {
  /** VPC id (`vpc-…`) or a Terraform reference to one. */
  readonly vpcId: string;
  /** The VPC's IPv4/IPv6 CIDRs, the default sources allowed to reach the endpoints. @default - none known */
  readonly cidrBlocks?: readonly string[];
  /** Subnets for endpoint network interfaces, one per AZ. */
  readonly subnets: readonly SubnetPlacement[];
  /** `enableDnsSupport` as known at synth. @default - unknown (checked at plan when `dnsPrecondition` is set) */
  readonly enableDnsSupport?: boolean;
  /** `enableDnsHostnames` as known at synth. @default - unknown (checked at plan when `dnsPrecondition` is set) */
  readonly enableDnsHostnames?: boolean;
  /**
   * A Terraform boolean expression that is true when both DNS attributes are on, for VPCs whose
   * attributes are only known at plan (existing VPCs). @default - none
   */
  readonly dnsPrecondition?: IResolvable;
}
