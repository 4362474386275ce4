import { Construct } from 'constructs';
import { assertTags } from '../core/aws-limits';
import { Fn, Lazy, Op, TerraformStack, Token } from 'cdktf';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { DataAwsVpcEndpointService } from '@cdktf/provider-aws/lib/data-aws-vpc-endpoint-service';
import { assertKmsFipsRegion, assertRegion, assertResourceId, isAvailabilityZoneOf } from '../core/aws-identifiers';
import { EndpointIngressSources, EndpointSecurityGroup } from './endpoint-security-group';
import { EndpointService } from './endpoint-service';
import { EndpointVpc, IpAddressType, PlanPrecondition, SubnetPlacement } from './endpoint-vpc';
import { GuardrailError, invalidValue } from '../core/errors';
import {
  DNS_RECORD_IP_TYPE_NEEDS,
  DnsRecordIpType,
  dnsRecordIpTypeFor,
  IP_ADDRESS_TYPES,
  quotedList,
  SUBNETS_NEEDED,
  unreachableOverIpv6,
  UNREACHABLE_OVER_IPV6,
} from './ip-address-types';
import { assertPolicyKind, PolicyDocument } from '../iam/policy-document';
import { PolicyStatement } from '../iam/policy-statement';
import { validatePolicyDocument } from '../iam/policy-validation';
import { terraformLiteral, terraformLiteralMap } from '../core/terraform-literal';

/** IP address families an endpoint serves. */
export type EndpointIpAddressType = IpAddressType;
export type { DnsRecordIpType } from './ip-address-types';

/** Options shared by the {@link InterfaceEndpoint} constructor and `ServiceEndpoints.addInterfaceEndpoint`. */
export interface InterfaceEndpointOptions extends EndpointIngressSources {
  /** The service, e.g. `EndpointService.SECRETS_MANAGER`. */
  readonly service: EndpointService;
  /** Subnets for the endpoint's network interfaces. @default - the VPC's subnets */
  readonly subnets?: readonly SubnetPlacement[];
  /** Only use subnets in these AZs (for services not offered in every AZ). @default - every AZ given */
  readonly allowedAvailabilityZones?: readonly string[];
  /** Resolve the service's public hostname to the endpoint inside the VPC. @default - the service's default (true) */
  readonly privateDnsEnabled?: boolean;
  /** Private DNS only for the inbound Resolver endpoint. @default false */
  readonly privateDnsOnlyForInboundResolverEndpoint?: boolean;
  /**
   * Record types private DNS creates: ipv4 (A), ipv6 (AAAA), dualstack (A and AAAA), service-defined
   * (dualstack endpoints only). @default - ipv4 endpoints: AWS's default; dualstack and ipv6 endpoints: the same as ipAddressType
   */
  readonly dnsRecordIpType?: DnsRecordIpType;
  /**
   * IP address type of the endpoint: ipv4, dualstack (subnets with IPv4 and IPv6 ranges) or ipv6
   * (IPv6-only subnets); refused at synth where the VPC or the service cannot carry it. @default 'ipv4'
   */
  readonly ipAddressType?: EndpointIpAddressType;
  /** Bring your own security groups instead of creating one. @default - one group is created from the ingress sources */
  readonly securityGroupIds?: readonly string[];
  /** Endpoint policy; statements can also be added later with `addToPolicy`. @default - AWS default (full access) unless statements are added */
  readonly policy?: PolicyDocument<'endpoint'>;
  /** Tags on the endpoint and its security group. @default - none */
  readonly tags?: Record<string, string>;
  /** Create/update/delete timeouts, e.g. `{ create: '15m' }`. @default - provider defaults (10m) */
  readonly timeouts?: { readonly create?: string; readonly update?: string; readonly delete?: string };
}

/** Props of an {@link InterfaceEndpoint}. */
export interface InterfaceEndpointProps extends InterfaceEndpointOptions {
  /** The VPC the endpoint goes into. */
  readonly vpc: EndpointVpc;
  /** Region of the VPC; builds the service name and partition. */
  readonly region: string;
}

const privateDnsRegistry = new WeakMap<TerraformStack, Map<string, string>>();

/** Checks the subnet list: non-empty, no duplicates, one per AZ, AZs in the allow-list. Returns the subnets kept. */
export function checkSubnets(subnets: readonly SubnetPlacement[], region: string, allowedAzs?: readonly string[], field = 'subnets'): SubnetPlacement[] {
  if (subnets.length === 0) {
    throw invalidValue('PLS_SUBNETS_EMPTY', field, subnets, 'at least one subnet; give one subnet per Availability Zone');
  }
  const ids = new Map<string, number>();
  const azs = new Map<string, number>();
  subnets.forEach((s, i) => {
    if (!Token.isUnresolved(s.subnetId)) assertResourceId('subnet', s.subnetId, `${field}[${i}].subnetId`);
    if (ids.has(s.subnetId)) {
      throw invalidValue('PLS_SUBNET_DUPLICATE', `${field}[${i}].subnetId`, s.subnetId, `each subnet once (it is also ${field}[${ids.get(s.subnetId)}])`);
    }
    ids.set(s.subnetId, i);
    if (!Token.isUnresolved(s.availabilityZone)) {
      if (!isAvailabilityZoneOf(s.availabilityZone, region)) {
        throw invalidValue('PLS_BAD_AZ', `${field}[${i}].availabilityZone`, s.availabilityZone, `an Availability Zone of ${region}, such as "${region}a"`);
      }
      if (azs.has(s.availabilityZone)) {
        throw invalidValue(
          'PLS_SUBNET_DUPLICATE_AZ',
          `${field}[${i}].availabilityZone`,
          s.availabilityZone,
          `one subnet per Availability Zone (${field}[${azs.get(s.availabilityZone)}] is already in ${s.availabilityZone})`,
        );
      }
      azs.set(s.availabilityZone, i);
    }
  });
  if (!allowedAzs) return [...subnets];
  const kept = subnets.filter((s) => allowedAzs.includes(s.availabilityZone));
  if (kept.length === 0) {
    throw invalidValue(
      'PLS_SUBNETS_NOT_IN_ALLOWED_AZS',
      'allowedAvailabilityZones',
      allowedAzs,
      `at least one AZ that holds a subnet (${subnets.map((s) => s.availabilityZone).join(', ')})`,
    );
  }
  return kept;
}

/** Throws when the VPC's subnets, as known at synth, cannot carry endpoints of `ipAddressType` (AWS refuses them at apply). */
export function checkVpcCarries(vpc: EndpointVpc, ipAddressType: IpAddressType): void {
  if (!vpc.ipAddressTypes || vpc.ipAddressTypes.includes(ipAddressType)) return;
  throw invalidValue(
    'PLS_IP_ADDRESS_TYPE',
    'ipAddressType',
    ipAddressType,
    `${quotedList(vpc.ipAddressTypes)}: ${ipAddressType} endpoints need ${SUBNETS_NEEDED[ipAddressType]}, and the subnets of ${Token.isUnresolved(vpc.vpcId) ? 'this VPC' : `VPC ${vpc.vpcId}`} carry only ${quotedList(vpc.ipAddressTypes)} endpoints; give it ${SUBNETS_NEEDED[ipAddressType]} (a PrivateVpc: ipAddressType "${ipAddressType}")`,
  );
}

/**
 * An interface VPC endpoint (PrivateLink) for one AWS service: network interfaces in one subnet per
 * AZ, a security group admitting tcp/443 from the given sources only, private DNS, and an endpoint
 * policy bound late so statements added after construction are kept.
 */
export class InterfaceEndpoint extends Construct {
  public readonly service: EndpointService;
  public readonly region: string;
  public readonly vpcEndpoint: VpcEndpoint;
  public readonly policy: PolicyDocument<'endpoint'>;
  public readonly securityGroup?: EndpointSecurityGroup;
  public readonly privateDnsEnabled: boolean;
  public readonly subnets: readonly SubnetPlacement[];
  /** IP address type of the endpoint. */
  public readonly ipAddressType: IpAddressType;

  constructor(scope: Construct, id: string, props: InterfaceEndpointProps) {
    super(scope, id);
    assertTags(props.tags);
    assertRegion(props.region, 'region');
    if (props.service.shortName === 'kms-fips') assertKmsFipsRegion(props.region, 'service');
    if (!Token.isUnresolved(props.vpc.vpcId)) assertResourceId('vpc', props.vpc.vpcId, 'vpc.vpcId');
    this.service = props.service;
    this.region = props.region;
    this.subnets = checkSubnets(props.subnets ?? props.vpc.subnets, props.region, props.allowedAvailabilityZones);
    this.privateDnsEnabled = props.privateDnsEnabled ?? props.service.privateDnsDefault;
    if (this.privateDnsEnabled) this.checkPrivateDns(props.vpc);
    if (props.privateDnsOnlyForInboundResolverEndpoint && !this.privateDnsEnabled) {
      throw invalidValue('PLS_DNS_OPTIONS', 'privateDnsOnlyForInboundResolverEndpoint', true, 'privateDnsEnabled true, or drop this option');
    }
    this.ipAddressType = props.ipAddressType ?? 'ipv4';
    this.checkIpAddressType(props.vpc);
    const dnsRecordIpType = props.dnsRecordIpType ?? (this.ipAddressType === 'ipv4' ? undefined : dnsRecordIpTypeFor(this.ipAddressType));
    if (dnsRecordIpType !== undefined) {
      const allowed = DNS_RECORD_IP_TYPE_NEEDS[dnsRecordIpType];
      if (!allowed) throw invalidValue('PLS_DNS_OPTIONS', 'dnsRecordIpType', dnsRecordIpType, quotedList(Object.keys(DNS_RECORD_IP_TYPE_NEEDS)));
      if (!allowed.includes(this.ipAddressType)) {
        throw invalidValue(
          'PLS_DNS_OPTIONS',
          'dnsRecordIpType',
          dnsRecordIpType,
          `a DNS record IP type an ${this.ipAddressType} endpoint can have: ${quotedList(Object.entries(DNS_RECORD_IP_TYPE_NEEDS).flatMap(([t, needs]) => (needs.includes(this.ipAddressType) ? [t] : [])))} (AWS: "${dnsRecordIpType}" needs ipAddressType ${quotedList(allowed)})`,
        );
      }
    }

    let securityGroupIds: string[];
    if (props.securityGroupIds?.length) {
      if (props.allowedCidrs?.length || props.sourceSecurityGroupIds?.length || props.prefixListIds?.length) {
        throw new GuardrailError(
          'PLS_SG_BYO_AND_SOURCES',
          'securityGroupIds',
          'found both securityGroupIds and ingress sources; either bring your own groups or let the endpoint create one from allowedCidrs / sourceSecurityGroupIds / prefixListIds',
        );
      }
      props.securityGroupIds.forEach((g, i) => {
        if (!Token.isUnresolved(g)) assertResourceId('sg', g, `securityGroupIds[${i}]`);
      });
      securityGroupIds = [...props.securityGroupIds];
    } else {
      const sources = {
        allowedCidrs: props.allowedCidrs ?? props.vpc.cidrBlocks,
        vpcIpv6CidrBlocks: props.vpc.ipv6CidrBlocks,
        sourceSecurityGroupIds: props.sourceSecurityGroupIds,
        prefixListIds: props.prefixListIds,
      };
      if (unreachableOverIpv6(this.ipAddressType, sources))
        throw invalidValue('PLS_IP_ADDRESS_TYPE', 'ipAddressType', this.ipAddressType, UNREACHABLE_OVER_IPV6);
      this.securityGroup = new EndpointSecurityGroup(this, 'security-group', {
        vpcId: props.vpc.vpcId,
        description: `Interface endpoint for ${props.service.shortName}: tcp/443 from allowed sources`,
        ...sources,
        publicSources: props.publicSources,
        tags: props.tags,
      });
      securityGroupIds = [this.securityGroup.securityGroupId];
    }

    if (props.policy !== undefined) assertPolicyKind(props.policy, 'endpoint', 'policy');
    this.policy = props.policy ?? new PolicyDocument({ kind: 'endpoint' });
    const dnsOptions =
      dnsRecordIpType || props.privateDnsOnlyForInboundResolverEndpoint !== undefined
        ? { dnsRecordIpType, privateDnsOnlyForInboundResolverEndpoint: props.privateDnsOnlyForInboundResolverEndpoint }
        : undefined;
    const preconditions: PlanPrecondition[] = [
      ...(this.privateDnsEnabled && props.vpc.dnsPrecondition
        ? [
            {
              condition: props.vpc.dnsPrecondition,
              errorMessage: `Private DNS for ${props.service.shortName} needs enable_dns_support and enable_dns_hostnames on VPC ${props.vpc.vpcId}; turn both on (aws ec2 modify-vpc-attribute) or set privateDnsEnabled to false.`,
            },
          ]
        : []),
      ...(props.vpc.ipAddressTypePreconditions?.(this.ipAddressType, this.subnets) ?? []),
      ...this.serviceOfferPreconditions(props),
    ];
    this.vpcEndpoint = new VpcEndpoint(this, 'endpoint', {
      vpcId: props.vpc.vpcId,
      serviceName: props.service.serviceName(props.region),
      vpcEndpointType: 'Interface',
      subnetIds: this.subnets.map((s) => s.subnetId),
      securityGroupIds,
      privateDnsEnabled: this.privateDnsEnabled,
      ipAddressType: this.ipAddressType,
      dnsOptions,
      policy: Lazy.stringValue({ produce: () => (this.policy.isEmpty ? undefined : this.policy.terraformJson()) }),
      tags: terraformLiteralMap(props.tags),
      timeouts: props.timeouts,
      lifecycle: preconditions.length
        ? { precondition: preconditions.map((p) => ({ condition: p.condition, errorMessage: terraformLiteral(p.errorMessage) })) }
        : undefined,
    });
    this.node.addValidation({ validate: () => validatePolicyDocument(this.policy, `${this.node.path}.policy`, this) });
  }

  /** Adds a statement to the endpoint policy; it is rendered at synth, so late additions are kept. */
  public addToPolicy(statement: PolicyStatement): void {
    this.policy.addStatements(statement);
  }

  /** The endpoint id (`vpce-…`). */
  public get endpointId(): string {
    return this.vpcEndpoint.id;
  }

  /** The endpoint ARN. */
  public get endpointArn(): string {
    return this.vpcEndpoint.arn;
  }

  /** The regional endpoint-specific DNS name, as an `https://` URL for `--endpoint-url`. */
  public get endpointUrl(): string {
    return `https://${this.vpcEndpoint.dnsEntry.get(0).dnsName}`;
  }

  /**
   * Where the stack reads AWS at plan anyway (an existing VPC, verified), a dualstack or ipv6
   * endpoint also checks what AWS lists for the service in the region: `aws ec2
   * describe-vpc-endpoint-services` SupportedIpAddressTypes (dualstack needs ipv4 and ipv6).
   */
  private serviceOfferPreconditions(props: InterfaceEndpointProps): PlanPrecondition[] {
    if (this.ipAddressType === 'ipv4' || !props.vpc.readsAwsAtPlan) return [];
    const serviceName = props.service.serviceName(props.region);
    const offered = new DataAwsVpcEndpointService(this, 'service-lookup', { serviceName }).supportedIpAddressTypes;
    const needed = this.ipAddressType === 'dualstack' ? ['ipv4', 'ipv6'] : ['ipv6'];
    return [
      {
        condition: needed.map((t) => Op.eq(Fn.contains(offered, t), true)).reduce((a, b) => Op.and(a, b)),
        errorMessage: `AWS does not offer ${serviceName} endpoints as ${this.ipAddressType} in ${props.region} (that needs ${needed.join(' and ')} among its SupportedIpAddressTypes); set ipAddressType to one it offers (aws ec2 describe-vpc-endpoint-services --service-names ${serviceName}).`,
      },
    ];
  }

  /** The IP address type is one AWS offers for the service and the VPC's subnets (as known at synth) can carry. */
  private checkIpAddressType(vpc: EndpointVpc): void {
    const type = this.ipAddressType;
    if (!IP_ADDRESS_TYPES.includes(type)) throw invalidValue('PLS_IP_ADDRESS_TYPE', 'ipAddressType', type, quotedList(IP_ADDRESS_TYPES));
    const offered = this.service.ipAddressTypes;
    if (offered && !offered.includes(type)) {
      throw invalidValue(
        'PLS_IP_ADDRESS_TYPE',
        'ipAddressType',
        type,
        `${quotedList(offered)}: AWS offers ${this.service.shortName} endpoints only as ${offered.join(', ')}`,
      );
    }
    checkVpcCarries(vpc, type);
  }

  private checkPrivateDns(vpc: EndpointVpc): void {
    for (const [attribute, value] of [
      ['enableDnsSupport', vpc.enableDnsSupport],
      ['enableDnsHostnames', vpc.enableDnsHostnames],
    ] as const) {
      if (value === false) {
        throw invalidValue(
          'PLS_PRIVATE_DNS_NEEDS_VPC_DNS',
          `vpc.${attribute}`,
          false,
          `true when private DNS is on (${this.service.shortName}); turn ${attribute} on or set privateDnsEnabled to false`,
        );
      }
    }
    const stack = TerraformStack.of(this);
    const registry = privateDnsRegistry.get(stack) ?? new Map<string, string>();
    privateDnsRegistry.set(stack, registry);
    const key = `${vpc.vpcId}|${this.service.publicHostname(this.region)}`;
    const other = registry.get(key);
    if (other) {
      throw new GuardrailError(
        'PLS_PRIVATE_DNS_CONFLICT',
        'privateDnsEnabled',
        `a second private-DNS endpoint for ${this.service.shortName} in VPC ${vpc.vpcId} (${other} already has one); AWS fails the apply with ConflictingDomainExists. Reuse ${other} or set privateDnsEnabled to false`,
      );
    }
    registry.set(key, this.node.path);
  }
}
