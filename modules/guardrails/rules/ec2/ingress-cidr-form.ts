import { isCidrProblem, parseCidr } from '../../../ec2/cidr-ranges';
import { ingressEntries, INGRESS_RESOURCE_TYPES } from './ingress-helpers';
import { isUnknown, ResourceRule } from '../resource-rule';

/**
 * Ingress CIDRs are network addresses in the form the AWS provider accepts: no host bits, no leading zeros, IPv6 in RFC 5952 form.
 * Fix: The network address the message suggests.
 */
export const ingressCidrForm: ResourceRule = {
  code: 'PLS_BAD_CIDR',
  description: 'Ingress CIDRs are network addresses in canonical form (no host bits, no leading zeros)',
  resourceTypes: INGRESS_RESOURCE_TYPES,
  check: ({ type, config }) =>
    ingressEntries(type, config).flatMap((entry) =>
      entry.cidrs.flatMap(({ attribute, value }) => {
        if (typeof value !== 'string' || isUnknown(value)) return [];
        const parsed = parseCidr(value);
        return isCidrProblem(parsed) ? [`${attribute}: found ${JSON.stringify(value)}; expected ${parsed.expected}`] : [];
      }),
    ),
};
