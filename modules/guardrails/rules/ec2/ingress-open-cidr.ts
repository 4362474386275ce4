import { CidrRange, everyAddressOf, familiesCoveredEntirely, isCidrProblem, isPrivateRange, parseCidr } from '../../../ec2/cidr-ranges';
import { ingressEntries, INGRESS_RESOURCE_TYPES } from './ingress-helpers';
import { isUnknown, ResourceRule, ResourceRuleInput, TfConfig } from '../resource-rule';

type KnownCidr = { attribute: string; value: string; range?: CidrRange };

function knownCidrs(type: string, config: TfConfig): KnownCidr[] {
  return ingressEntries(type, config).flatMap((entry) =>
    entry.cidrs.flatMap(({ attribute, value }) => {
      if (typeof value !== 'string' || isUnknown(value)) return [];
      const range = parseCidr(value.trim());
      return [{ attribute, value, range: isCidrProblem(range) ? undefined : range }];
    }),
  );
}

/**
 * The ranges of the other ingress rules of the same security group (separate
 * `aws_vpc_security_group_ingress_rule` / `aws_security_group_rule` resources, and the group's inline
 * blocks), found by the group reference they share.
 */
function siblingRanges({ config, resourceAt, resourcesOfType }: ResourceRuleInput): CidrRange[] {
  const group = config.security_group_id;
  if (typeof group !== 'string' || !resourcesOfType) return [];
  const siblings: [string, TfConfig][] = [
    ...resourcesOfType('aws_vpc_security_group_ingress_rule').map((c): [string, TfConfig] => ['aws_vpc_security_group_ingress_rule', c]),
    ...resourcesOfType('aws_security_group_rule').map((c): [string, TfConfig] => ['aws_security_group_rule', c]),
  ].filter(([, c]) => c.security_group_id === group);
  const address = /^\$\{(aws_security_group\.[\w-]+)\.id\}$/.exec(group)?.[1];
  const owner = address ? resourceAt(address) : undefined;
  if (owner) siblings.push(['aws_security_group', owner]);
  return siblings.flatMap(([type, c]) => knownCidrs(type, c).flatMap((k) => (k.range ? [k.range] : [])));
}

/**
 * No ingress from a `/0` range (`0.0.0.0/0`, `::/0`), nor from ranges that add up to a whole address
 * space (`0.0.0.0/1` + `128.0.0.0/1`), within one resource or across the ingress rules of one
 * security group: endpoints are reached from known networks only.
 * Fix: Your ranges, a security group or a prefix list.
 */
export const ingressOpenCidr: ResourceRule = {
  code: 'PLS_OPEN_INGRESS',
  description: 'No ingress from 0.0.0.0/0, ::/0, any other /0 range, or ranges of one security group that together cover every address',
  resourceTypes: INGRESS_RESOURCE_TYPES,
  check: (input) => {
    const known = knownCidrs(input.type, input.config);
    const open = known
      .filter(({ value }) => /\/0+$/.test(value.trim()))
      .map(
        ({ attribute, value }) =>
          `${attribute}: found ${JSON.stringify(value)}; expected a CIDR narrower than /0: list your VPC or on-premises ranges, or use a source security group or prefix list`,
      );
    if (open.length) return open;
    const own = known.flatMap((k) => (k.range ? [k.range] : []));
    const where = known.map((c) => c.attribute).join(', ');
    const alone = familiesCoveredEntirely(own);
    if (alone.length) {
      return alone.map(
        ({ family, cidrs }) =>
          `${where}: found ${JSON.stringify(cidrs)}; expected ranges that leave out part of the address space: together they admit ${everyAddressOf(family)}`,
      );
    }
    // Only ranges outside private address space can help cover everything: look at the group's other rules then.
    if (input.type === 'aws_security_group' || own.every(isPrivateRange)) return [];
    const mine = new Set(own.map((r) => r.family));
    return familiesCoveredEntirely([...own, ...siblingRanges(input)])
      .filter(({ family }) => mine.has(family))
      .map(
        ({ family }) =>
          `${where}: found ${JSON.stringify(own.filter((r) => r.family === family).map((r) => r.text))}; expected ranges that leave out part of the address space: with the other ingress rules of security group ${String(input.config.security_group_id)} it admits ${everyAddressOf(family)}`,
      );
  },
};
