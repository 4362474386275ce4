import type { IpAddressType } from '../../../ec2/endpoint-vpc';
import { DNS_RECORD_IP_TYPE_NEEDS, DnsRecordIpType, IP_ADDRESS_TYPES, quotedList, SUBNETS_NEEDED } from '../../../ec2/ip-address-types';
import { asBoolean, isUnknown, listOf, ResourceRule, TfConfig } from '../resource-rule';

/** `${aws_subnet.<name>.id}`: the address of a subnet of the same stack. */
const SAME_STACK_SUBNET = /^\$\{aws_subnet\.([^.}]+)\.id\}$/;

/** What a subnet of the stack carries, from its config: IPv6-only, dual-stack or IPv4-only. */
function subnetKind(subnet: TfConfig): IpAddressType {
  if (asBoolean(subnet.ipv6_native) === true) return 'ipv6';
  const set = (v: unknown) => v !== undefined && v !== null && v !== '';
  return set(subnet.ipv6_cidr_block) ? 'dualstack' : 'ipv4';
}

/** Subnets of each kind carry these endpoint types (dual-stack subnets have IPv4 ranges too). */
const CARRIES: Record<IpAddressType, readonly IpAddressType[]> = { ipv4: ['ipv4'], dualstack: ['ipv4', 'dualstack'], ipv6: ['ipv6'] };

/**
 * An interface endpoint's IP address type fits its subnets and its DNS record type, as AWS requires
 * (VpcEndpointIpAddressType: dualstack "only if all selected subnets have both IPv4 and IPv6 address
 * ranges", ipv6 "only if all selected subnets are IPv6 only subnets"; VpcEndpointDnsRecordIpType:
 * ipv4 records need an IPv4 or Dualstack endpoint, ipv6 records IPv6 or Dualstack, dualstack and
 * service-defined records a Dualstack one). Subnets are checked when they are `aws_subnet`s of the
 * same stack; for existing subnets the endpoint construct adds plan-time preconditions instead.
 * Fix: Fitting subnets (`PrivateVpc` `ipAddressType`) or another type.
 */
export const endpointIpAddressType: ResourceRule = {
  code: 'PLS_ENDPOINT_IP_ADDRESS_TYPE',
  description:
    'Endpoint ip_address_type only in subnets that carry it (dualstack: IPv4 and IPv6 ranges; ipv6: IPv6-only), with a DNS record type AWS pairs with it',
  resourceTypes: ['aws_vpc_endpoint'],
  check: ({ config, resourceAt }) => {
    const raw = config.ip_address_type;
    if (raw === undefined || raw === null || isUnknown(raw)) return [];
    const type = raw as IpAddressType;
    if (!IP_ADDRESS_TYPES.includes(type)) return [`ip_address_type: found ${JSON.stringify(raw)}; expected ${quotedList(IP_ADDRESS_TYPES)}`];
    const out: string[] = [];
    listOf(config.subnet_ids).forEach((id) => {
      const match = typeof id === 'string' ? SAME_STACK_SUBNET.exec(id) : null;
      const subnet = match ? resourceAt(`aws_subnet.${match[1]}`) : undefined;
      if (!match || !subnet) return;
      const kind = subnetKind(subnet);
      if (!CARRIES[kind].includes(type)) {
        out.push(
          `ip_address_type is ${JSON.stringify(type)} but aws_subnet.${match[1]} is ${kind === 'ipv6' ? 'IPv6-only' : kind === 'dualstack' ? 'dual-stack' : 'IPv4-only'}; expected ${SUBNETS_NEEDED[type]} (AWS refuses the endpoint at apply), or ip_address_type ${quotedList(CARRIES[kind])}`,
        );
      }
    });
    const dns = listOf(config.dns_options)[0] as TfConfig | undefined;
    const record = dns?.dns_record_ip_type;
    if (typeof record === 'string' && !isUnknown(record)) {
      const needs = DNS_RECORD_IP_TYPE_NEEDS[record as DnsRecordIpType];
      if (needs && !needs.includes(type)) {
        out.push(
          `dns_options.dns_record_ip_type: found ${JSON.stringify(record)}; expected a record type of an ${type} endpoint (AWS: "${record}" needs ip_address_type ${quotedList(needs)})`,
        );
      }
    }
    return out;
  },
};
