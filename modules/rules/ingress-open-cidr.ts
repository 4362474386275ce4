import { ingressEntries, INGRESS_RESOURCE_TYPES } from './ingress-helpers';
import { isUnknown, ResourceRule } from './resource-rule';

/** No ingress from a `/0` range (`0.0.0.0/0`, `::/0`): endpoints are reached from known networks only. */
export const ingressOpenCidr: ResourceRule = {
  code: 'PLS_OPEN_INGRESS',
  description: 'No ingress from 0.0.0.0/0, ::/0 or any other /0 range',
  resourceTypes: INGRESS_RESOURCE_TYPES,
  check: ({ type, config }) =>
    ingressEntries(type, config).flatMap((entry) =>
      entry.cidrs
        .filter(({ value }) => typeof value === 'string' && !isUnknown(value) && /\/0$/.test(value.trim()))
        .map(
          ({ attribute, value }) =>
            `${attribute}: found ${JSON.stringify(value)}; expected a CIDR narrower than /0: list your VPC or on-premises ranges, or use a source security group or prefix list`,
        ),
    ),
};
