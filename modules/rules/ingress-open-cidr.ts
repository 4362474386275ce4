import { everyAddressOf, familiesCoveredEntirely, isCidrProblem, parseCidr } from '../cidr-ranges';
import { ingressEntries, INGRESS_RESOURCE_TYPES } from './ingress-helpers';
import { isUnknown, ResourceRule } from './resource-rule';

/**
 * No ingress from a `/0` range (`0.0.0.0/0`, `::/0`), nor from ranges of one resource that add up to
 * a whole address space (`0.0.0.0/1` + `128.0.0.0/1`): endpoints are reached from known networks only.
 */
export const ingressOpenCidr: ResourceRule = {
  code: 'PLS_OPEN_INGRESS',
  description: 'No ingress from 0.0.0.0/0, ::/0, any other /0 range, or ranges that together cover every address',
  resourceTypes: INGRESS_RESOURCE_TYPES,
  check: ({ type, config }) => {
    const known = ingressEntries(type, config).flatMap((entry) =>
      entry.cidrs.filter((c): c is { attribute: string; value: string } => typeof c.value === 'string' && !isUnknown(c.value)),
    );
    const open = known
      .filter(({ value }) => /\/0+$/.test(value.trim()))
      .map(
        ({ attribute, value }) =>
          `${attribute}: found ${JSON.stringify(value)}; expected a CIDR narrower than /0: list your VPC or on-premises ranges, or use a source security group or prefix list`,
      );
    if (open.length) return open;
    const ranges = known.map(({ value }) => parseCidr(value.trim())).flatMap((r) => (isCidrProblem(r) ? [] : [r]));
    return familiesCoveredEntirely(ranges).map(
      ({ family, cidrs }) =>
        `${known.map((c) => c.attribute).join(', ')}: found ${JSON.stringify(cidrs)}; expected ranges that leave out part of the address space: together they admit ${everyAddressOf(family)}`,
    );
  },
};
