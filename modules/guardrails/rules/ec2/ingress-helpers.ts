import { isUnknown, listOf, TfConfig } from '../resource-rule';

/** The resource types that carry ingress rules. */
export const INGRESS_RESOURCE_TYPES: readonly string[] = ['aws_security_group', 'aws_vpc_security_group_ingress_rule', 'aws_security_group_rule'];

/** One ingress rule, wherever it is written: an inline `ingress` block, or a rule resource. */
export interface IngressEntry {
  /** Attribute prefix for messages: `ingress[0].` for inline blocks, '' for rule resources. */
  readonly where: string;
  readonly protocol: unknown;
  readonly fromPort: unknown;
  readonly toPort: unknown;
  /** Source CIDRs with the attribute each came from. */
  readonly cidrs: readonly { readonly attribute: string; readonly value: unknown }[];
  readonly description: unknown;
}

/**
 * The ingress rules of a resource: the inline `ingress` blocks of an `aws_security_group`, an
 * `aws_vpc_security_group_ingress_rule`, or an `aws_security_group_rule` of type `ingress`. A block
 * list only known at plan time (a dynamic block) yields nothing.
 */
export function ingressEntries(type: string, config: TfConfig): IngressEntry[] {
  if (type === 'aws_security_group') {
    if (isUnknown(config.ingress)) return [];
    return listOf(config.ingress).map((raw, i) => {
      const block = (raw ?? {}) as TfConfig;
      return {
        where: `ingress[${i}].`,
        protocol: block.protocol,
        fromPort: block.from_port,
        toPort: block.to_port,
        cidrs: [
          ...listOf(block.cidr_blocks).map((value, j) => ({ attribute: `ingress[${i}].cidr_blocks[${j}]`, value })),
          ...listOf(block.ipv6_cidr_blocks).map((value, j) => ({ attribute: `ingress[${i}].ipv6_cidr_blocks[${j}]`, value })),
        ],
        description: block.description,
      };
    });
  }
  if (type === 'aws_vpc_security_group_ingress_rule') {
    return [
      {
        where: '',
        protocol: config.ip_protocol,
        fromPort: config.from_port,
        toPort: config.to_port,
        cidrs: (['cidr_ipv4', 'cidr_ipv6'] as const).filter((a) => config[a] !== undefined).map((attribute) => ({ attribute, value: config[attribute] })),
        description: config.description,
      },
    ];
  }
  if (type === 'aws_security_group_rule' && config.type === 'ingress') {
    return [
      {
        where: '',
        protocol: config.protocol,
        fromPort: config.from_port,
        toPort: config.to_port,
        cidrs: [
          ...listOf(config.cidr_blocks).map((value, j) => ({ attribute: `cidr_blocks[${j}]`, value })),
          ...listOf(config.ipv6_cidr_blocks).map((value, j) => ({ attribute: `ipv6_cidr_blocks[${j}]`, value })),
        ],
        description: config.description,
      },
    ];
  }
  return [];
}
