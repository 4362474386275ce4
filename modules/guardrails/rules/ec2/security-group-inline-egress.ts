import { isUnknown, listOf, ResourceRule } from '../resource-rule';

const WHY = "interface endpoints only answer connections, and the provider removes AWS's default allow-all egress when no egress block is given";

/**
 * An endpoint security group has no egress rules: endpoints never initiate connections. That holds for
 * inline `egress` blocks and for egress rule resources on the group (`aws_vpc_security_group_egress_rule`,
 * `aws_security_group_rule` of type `egress`), which would otherwise add back what the inline rule refuses.
 * Runs on endpoint security groups only (as `PLS_INGRESS_PORT`): other groups of the stack may keep theirs.
 * Fix: remove the `egress` blocks and the egress rule resources of the group (endpoints never initiate connections).
 */
export const securityGroupInlineEgress: ResourceRule = {
  code: 'PLS_SG_INLINE_EGRESS',
  description: 'Endpoint security groups have no egress rules, inline or as rule resources',
  resourceTypes: ['aws_security_group', 'aws_vpc_security_group_egress_rule', 'aws_security_group_rule'],
  appliesTo: 'endpoint-security-groups',
  check: ({ type, config }) => {
    if (type === 'aws_vpc_security_group_egress_rule' || (type === 'aws_security_group_rule' && config.type === 'egress')) {
      return [`security_group_id: found an egress rule on an endpoint security group (${JSON.stringify(config.security_group_id)}); expected none: ${WHY}`];
    }
    if (type !== 'aws_security_group' || isUnknown(config.egress)) return [];
    const egress = listOf(config.egress);
    return egress.length ? [`egress: found ${egress.length} inline egress rule(s) ${JSON.stringify(egress)}; expected none: ${WHY}`] : [];
  },
};
