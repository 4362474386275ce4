import { isCidrProblem, isPrivateRange, parseCidr, privateSpaceExpectation } from '../../../ec2/cidr-ranges';
import { ingressEntries, INGRESS_RESOURCE_TYPES } from './ingress-helpers';
import { isUnknown, ResourceRule } from '../resource-rule';

/**
 * Ingress only from private address space (RFC 1918, 100.64.0.0/10, fc00::/7). A public source
 * needs an explicit opt-in with a reason: `publicSources` on the endpoint security group, or a
 * suppression of this code.
 * Fix: Private ranges, or `publicSources: { reason }`.
 */
export const ingressPublicCidr: ResourceRule = {
  code: 'PLS_PUBLIC_INGRESS',
  description: 'Ingress only from private address space (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) unless opted in with a reason',
  resourceTypes: INGRESS_RESOURCE_TYPES,
  check: ({ type, config }) =>
    ingressEntries(type, config).flatMap((entry) =>
      entry.cidrs.flatMap(({ attribute, value }) => {
        if (typeof value !== 'string' || isUnknown(value)) return [];
        const range = parseCidr(value.trim());
        if (isCidrProblem(range) || range.prefix === 0 || isPrivateRange(range)) return [];
        return [
          `${attribute}: found ${JSON.stringify(value)}; expected ${privateSpaceExpectation(range)}; to admit it anyway, give the EndpointSecurityGroup publicSources: { reason }, or Guardrails.suppress(scope, "PLS_PUBLIC_INGRESS", reason)`,
        ];
      }),
    ),
};
