import { Construct } from 'constructs';
import { assertTags } from '../core/aws-limits';
import { EndpointIngressSources, EndpointSecurityGroup } from './endpoint-security-group';
import { EndpointService } from './endpoint-service';
import { EndpointVpc } from './endpoint-vpc';
import { checkVpcCarries, InterfaceEndpoint, InterfaceEndpointOptions } from './interface-endpoint';
import { invalidValue } from '../core/errors';
import { unreachableOverIpv6, UNREACHABLE_OVER_IPV6 } from './ip-address-types';
import { PolicyDocument } from '../iam/policy-document';

/** Props of {@link ServiceEndpoints}. */
export interface ServiceEndpointsProps extends EndpointIngressSources {
  /** The VPC. */
  readonly vpc: EndpointVpc;
  /** Region of the VPC. */
  readonly region: string;
  /** Use the FIPS KMS endpoint service (`kms-fips`). @default false */
  readonly fips?: boolean;
  /** Secrets Manager endpoint policy. @default - AWS default, unless statements are added later */
  readonly secretsManagerPolicy?: PolicyDocument<'endpoint'>;
  /** KMS endpoint policy. @default - AWS default, unless statements are added later */
  readonly kmsPolicy?: PolicyDocument<'endpoint'>;
  /** Options for both endpoints (DNS, IP address type, timeouts). @default - InterfaceEndpoint defaults */
  readonly endpointOptions?: Omit<InterfaceEndpointOptions, 'service' | 'policy' | keyof EndpointIngressSources | 'securityGroupIds'>;
  /** Tags on every resource. @default - none */
  readonly tags?: Record<string, string>;
}

/**
 * Secrets Manager and KMS interface endpoints for one VPC, sharing one security group (tcp/443
 * from the given sources, default: the VPC's CIDRs). More services: `addInterfaceEndpoint`.
 */
export class ServiceEndpoints extends Construct {
  public readonly securityGroup: EndpointSecurityGroup;
  public readonly secretsManager: InterfaceEndpoint;
  public readonly kms: InterfaceEndpoint;
  private readonly vpc: EndpointVpc;
  private readonly region: string;
  private readonly defaults: ServiceEndpointsProps['endpointOptions'];
  private readonly tags?: Record<string, string>;

  constructor(scope: Construct, id: string, props: ServiceEndpointsProps) {
    super(scope, id);
    assertTags(props.tags);
    this.vpc = props.vpc;
    this.region = props.region;
    this.defaults = props.endpointOptions;
    this.tags = props.tags;
    const sources = {
      allowedCidrs: props.allowedCidrs ?? props.vpc.cidrBlocks,
      vpcIpv6CidrBlocks: props.vpc.ipv6CidrBlocks,
      sourceSecurityGroupIds: props.sourceSecurityGroupIds,
      prefixListIds: props.prefixListIds,
    };
    const ipAddressType = props.endpointOptions?.ipAddressType ?? 'ipv4';
    checkVpcCarries(props.vpc, ipAddressType);
    if (unreachableOverIpv6(ipAddressType, sources)) throw invalidValue('PLS_IP_ADDRESS_TYPE', 'ipAddressType', ipAddressType, UNREACHABLE_OVER_IPV6);
    this.securityGroup = new EndpointSecurityGroup(this, 'security-group', {
      vpcId: props.vpc.vpcId,
      description: 'Secrets Manager and KMS interface endpoints: tcp/443 from allowed sources',
      ...sources,
      publicSources: props.publicSources,
      tags: props.tags,
    });
    this.secretsManager = this.addInterfaceEndpoint('secretsmanager', { service: EndpointService.SECRETS_MANAGER, policy: props.secretsManagerPolicy });
    this.kms = this.addInterfaceEndpoint('kms', { service: props.fips ? EndpointService.KMS_FIPS : EndpointService.KMS, policy: props.kmsPolicy });
  }

  /** Adds an interface endpoint for another service in the same VPC, behind the shared security group unless the options bring their own. */
  public addInterfaceEndpoint(id: string, options: InterfaceEndpointOptions): InterfaceEndpoint {
    const ownSources = options.allowedCidrs?.length || options.sourceSecurityGroupIds?.length || options.prefixListIds?.length;
    return new InterfaceEndpoint(this, id, {
      ...this.defaults,
      tags: this.tags,
      ...options,
      vpc: this.vpc,
      region: this.region,
      securityGroupIds: options.securityGroupIds ?? (ownSources ? undefined : [this.securityGroup.securityGroupId]),
    });
  }

  /** Both endpoints. */
  public get endpoints(): InterfaceEndpoint[] {
    return [this.secretsManager, this.kms];
  }
}
