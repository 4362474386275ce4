import { asBoolean, found, ResourceRule } from '../resource-rule';

/** `${aws_vpc.<name>.id}`: the address of a VPC of the same stack. */
const SAME_STACK_VPC = /^\$\{aws_vpc\.([^.}]+)\.id\}$/;

/**
 * An interface endpoint with private DNS sits in a VPC with `enable_dns_support` and
 * `enable_dns_hostnames` on. Checked when the VPC is an `aws_vpc` of the same stack; for existing VPCs
 * the endpoint construct adds a plan-time precondition instead. `enable_dns_hostnames` unset is off
 * (AWS default for a new VPC); `enable_dns_support` unset is on.
 * Fix: Turn both on, or `privateDnsEnabled: false`.
 */
export const endpointPrivateDnsVpc: ResourceRule = {
  code: 'PLS_PRIVATE_DNS_NEEDS_VPC_DNS',
  description: 'Private DNS endpoints only in VPCs with DNS support and DNS hostnames on',
  resourceTypes: ['aws_vpc_endpoint'],
  check: ({ config, resourceAt }) => {
    if (asBoolean(config.private_dns_enabled) !== true) return [];
    const match = typeof config.vpc_id === 'string' ? SAME_STACK_VPC.exec(config.vpc_id) : null;
    const vpc = match ? resourceAt(`aws_vpc.${match[1]}`) : undefined;
    if (!match || !vpc) return [];
    const out: string[] = [];
    if (asBoolean(vpc.enable_dns_support) === false) {
      out.push(
        `private_dns_enabled is true but aws_vpc.${match[1]}.enable_dns_support: ${found(vpc.enable_dns_support)}; expected true (or set private_dns_enabled to false)`,
      );
    }
    const hostnames = asBoolean(vpc.enable_dns_hostnames);
    if (hostnames !== true && !(typeof hostnames === 'string' && hostnames.includes('${'))) {
      out.push(
        `private_dns_enabled is true but aws_vpc.${match[1]}.enable_dns_hostnames: ${found(vpc.enable_dns_hostnames)}${hostnames === undefined ? ' (AWS default: off)' : ''}; expected true (or set private_dns_enabled to false)`,
      );
    }
    return out;
  },
};
