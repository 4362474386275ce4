import { Construct } from 'constructs';
import { IResolvable, Op } from 'cdktf';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { assertResourceId } from './aws-identifiers';
import { EndpointVpc, SubnetPlacement } from './endpoint-vpc';
import { checkSubnets } from './interface-endpoint';

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
  /** The VPC's `enableDnsSupport` if you know it; `false` with private DNS fails at synth. @default - read at plan */
  readonly enableDnsSupport?: boolean;
  /** The VPC's `enableDnsHostnames` if you know it; `false` with private DNS fails at synth. @default - read at plan */
  readonly enableDnsHostnames?: boolean;
  /** Read the VPC at plan (`data.aws_vpc`) so private DNS endpoints fail the plan when a DNS attribute is off. Needs credentials at plan. @default true */
  readonly verifyDnsAttributesAtPlan?: boolean;
}

/**
 * A VPC managed elsewhere. Private DNS on its endpoints is guarded by a plan-time precondition that
 * reads the VPC's DNS attributes, since only AWS knows them.
 */
export class ExistingVpc extends Construct implements EndpointVpc {
  public readonly vpcId: string;
  public readonly subnets: readonly SubnetPlacement[];
  public readonly cidrBlocks?: readonly string[];
  public readonly enableDnsSupport?: boolean;
  public readonly enableDnsHostnames?: boolean;
  public readonly dnsPrecondition?: IResolvable;
  /** The data source that reads the VPC at plan, when verification is on. */
  public readonly lookup?: DataAwsVpc;

  constructor(scope: Construct, id: string, props: ExistingVpcProps) {
    super(scope, id);
    assertResourceId('vpc', props.vpcId, 'vpcId');
    this.vpcId = props.vpcId;
    this.subnets = checkSubnets(props.subnets, props.region);
    this.cidrBlocks = props.cidrBlocks;
    this.enableDnsSupport = props.enableDnsSupport;
    this.enableDnsHostnames = props.enableDnsHostnames;
    if (props.verifyDnsAttributesAtPlan ?? true) {
      this.lookup = new DataAwsVpc(this, 'lookup', { id: props.vpcId });
      this.dnsPrecondition = Op.and(this.lookup.enableDnsSupport, this.lookup.enableDnsHostnames);
    }
  }
}
