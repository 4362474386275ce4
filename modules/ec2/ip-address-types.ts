import type { IpAddressType } from './endpoint-vpc';

/**
 * AWS's rules for endpoint IP address types, in one place so the modules and the config loader
 * refuse the same combinations with the same words.
 *
 * Endpoint IP address type and subnets (AWS, VpcEndpointIpAddressType):
 * - IPv4: "This option is supported only if all selected subnets have IPv4 address ranges and the
 *   endpoint service accepts IPv4 requests."
 * - IPv6: "This option is supported only if all selected subnets are IPv6 only subnets and the
 *   endpoint service accepts IPv6 requests."
 * - Dualstack: "This option is supported only if all selected subnets have both IPv4 and IPv6
 *   address ranges and the endpoint service accepts both IPv4 and IPv6 requests."
 *
 * DNS record IP type (AWS, VpcEndpointDnsRecordIpType): ipv4 "The IP address type must be IPv4 or
 * Dualstack."; ipv6 "The IP address type must be IPv6 or Dualstack."; dualstack "The IP address
 * type must be Dualstack."; service-defined "The IP address type must be Dualstack."
 */

/** Every endpoint IP address type. */
export const IP_ADDRESS_TYPES: readonly IpAddressType[] = ['ipv4', 'dualstack', 'ipv6'];

/** The subnets an endpoint of each IP address type needs, for messages. */
export const SUBNETS_NEEDED: Record<IpAddressType, string> = {
  ipv4: 'subnets with IPv4 ranges',
  dualstack: 'subnets with both IPv4 and IPv6 ranges',
  ipv6: 'IPv6-only subnets',
};

/** Subnets of each kind, for messages. */
export const SUBNET_KINDS: Record<IpAddressType, string> = {
  ipv4: 'IPv4-only',
  dualstack: 'dual-stack (IPv4 and IPv6 ranges)',
  ipv6: 'IPv6-only',
};

/** The endpoint IP address types subnets of one kind carry: IPv4-only, dual-stack, or IPv6-only subnets. */
export function ipAddressTypesOfSubnets(subnets: IpAddressType): IpAddressType[] {
  // Dual-stack subnets have IPv4 ranges too, so they carry IPv4 endpoints as well; IPv6-only subnets carry only IPv6 ones.
  return subnets === 'dualstack' ? ['ipv4', 'dualstack'] : [subnets];
}

/** DNS record types private DNS creates. */
export type DnsRecordIpType = 'ipv4' | 'dualstack' | 'ipv6' | 'service-defined';

/** The endpoint IP address types each DNS record IP type allows. */
export const DNS_RECORD_IP_TYPE_NEEDS: Record<DnsRecordIpType, readonly IpAddressType[]> = {
  ipv4: ['ipv4', 'dualstack'],
  ipv6: ['ipv6', 'dualstack'],
  dualstack: ['dualstack'],
  'service-defined': ['dualstack'],
};

/** The DNS record IP type that matches an endpoint IP address type (A records, A and AAAA, AAAA). */
export function dnsRecordIpTypeFor(ipAddressType: IpAddressType): DnsRecordIpType {
  return ipAddressType;
}

/** `"ipv4" or "dualstack"`, for messages. */
export function quotedList(values: readonly string[]): string {
  const quoted = values.map((v) => JSON.stringify(v));
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/** The sources an endpoint security group admits, as far as the reach of an IPv6-only endpoint goes. */
export interface IngressSourcesForReach {
  readonly allowedCidrs?: readonly string[];
  readonly vpcIpv6CidrBlocks?: readonly string[];
  readonly sourceSecurityGroupIds?: readonly string[];
  readonly prefixListIds?: readonly string[];
}

/**
 * True when an endpoint of `ipAddressType` could not be reached by any admitted source: an IPv6-only
 * endpoint has only IPv6 addresses, so IPv4 CIDRs alone admit no one. Security groups, prefix lists
 * and Terraform references may hold IPv6 sources, so they count.
 */
export function unreachableOverIpv6(ipAddressType: IpAddressType, sources: IngressSourcesForReach): boolean {
  if (ipAddressType !== 'ipv6') return false;
  if (sources.vpcIpv6CidrBlocks?.length || sources.sourceSecurityGroupIds?.length || sources.prefixListIds?.length) return false;
  // A literal IPv4 CIDR has no ':'; a Terraform reference ("${…}") might be IPv6.
  return (sources.allowedCidrs ?? []).every((c) => !c.includes(':') && !c.includes('${'));
}

/** The `expected …` of an IPv6-only endpoint no source can reach. */
export const UNREACHABLE_OVER_IPV6 =
  '"dualstack" or "ipv4", or an IPv6 source: an ipv6 endpoint has only IPv6 addresses, and the only sources given are IPv4 CIDRs; add the IPv6 ranges of the clients to allowedCidrs, or source security groups / prefix lists';
