import { partitionOf, vpcEndpointServicePrefix } from '../core/aws-identifiers';
import type { IpAddressType } from './endpoint-vpc';

/** Props of an {@link EndpointService}. */
export interface EndpointServiceProps {
  /** Short name as in `com.amazonaws.<region>.<shortName>`, e.g. `secretsmanager`, `kms-fips`. */
  readonly shortName: string;
  /** The IAM service prefix of its actions. @default - the short name up to the first `-` */
  readonly iamPrefix?: string;
  /**
   * TCP port the service listens on, for information only: no construct reads it, and the endpoint
   * security group admits tcp/443 whatever it says (`PLS_INGRESS_PORT`). @default 443
   */
  readonly port?: number;
  /** Whether private DNS is on unless the caller says otherwise. @default true */
  readonly privateDnsDefault?: boolean;
  /**
   * The endpoint IP address types AWS offers for this service (what `aws ec2
   * describe-vpc-endpoint-services` lists as SupportedIpAddressTypes: ipv4 and ipv6 allow dualstack).
   * Endpoints of another type are refused at synth. @default - not known here; AWS checks at apply
   */
  readonly ipAddressTypes?: readonly IpAddressType[];
}

/**
 * AWS KMS: "AWS KMS is also privately accessible over IPv4 and IPv6 from your virtual private cloud
 * (VPC) using AWS PrivateLink." (AWS KMS Developer Guide, Dual-stack endpoint support). AWS Secrets
 * Manager documents IPv6 access to its APIs (Secrets Manager User Guide, "Control API access with IAM
 * policies": "you might need to update your policies to include IPv6 address ranges").
 */
const IPV4_AND_IPV6: readonly IpAddressType[] = ['ipv4', 'dualstack', 'ipv6'];

/**
 * An AWS service reachable through an interface VPC endpoint. Use the curated constants
 * (`EndpointService.SECRETS_MANAGER`, `.KMS`, `.KMS_FIPS`) or `EndpointService.of('ssm')`.
 */
export class EndpointService {
  /** AWS Secrets Manager. */
  public static readonly SECRETS_MANAGER = new EndpointService({ shortName: 'secretsmanager', ipAddressTypes: IPV4_AND_IPV6 });
  /** AWS KMS. */
  public static readonly KMS = new EndpointService({ shortName: 'kms', ipAddressTypes: IPV4_AND_IPV6 });
  /** AWS KMS with FIPS 140 validated endpoints. */
  public static readonly KMS_FIPS = new EndpointService({ shortName: 'kms-fips', iamPrefix: 'kms', ipAddressTypes: IPV4_AND_IPV6 });

  /** Any other AWS service by its short name. */
  public static of(shortName: string, options: Omit<EndpointServiceProps, 'shortName'> = {}): EndpointService {
    return new EndpointService({ shortName, ...options });
  }

  public readonly shortName: string;
  public readonly iamPrefix: string;
  /** The `port` prop, for information only: ingress is always tcp/443. */
  public readonly port: number;
  public readonly privateDnsDefault: boolean;
  /** The endpoint IP address types AWS offers for it; undefined when not known here. */
  public readonly ipAddressTypes?: readonly IpAddressType[];

  constructor(props: EndpointServiceProps) {
    this.shortName = props.shortName;
    this.iamPrefix = props.iamPrefix ?? props.shortName.split('-')[0];
    this.port = props.port ?? 443;
    this.privateDnsDefault = props.privateDnsDefault ?? true;
    this.ipAddressTypes = props.ipAddressTypes;
  }

  /**
   * Full endpoint service name, e.g. `com.amazonaws.us-west-2.kms`. The prefix comes from AWS's
   * data per region and service: `com.amazonaws` for most, `cn.com.amazonaws` for some services
   * (not Secrets Manager or KMS) in the China regions.
   */
  public serviceName(region: string): string {
    return `${vpcEndpointServicePrefix(region, this.shortName)}.${region}.${this.shortName}`;
  }

  /** The public regional hostname private DNS answers for, e.g. `kms.us-west-2.amazonaws.com`. */
  public publicHostname(region: string): string {
    return `${this.shortName}.${region}.${partitionOf(region).dnsSuffix}`;
  }
}
