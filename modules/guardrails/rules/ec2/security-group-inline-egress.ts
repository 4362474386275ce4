import { isUnknown, listOf, ResourceRule } from '../resource-rule';

/**
 * An endpoint security group has no inline egress: endpoints never initiate connections. Runs on
 * endpoint security groups only (as `PLS_INGRESS_PORT`): other groups of the stack may keep theirs.
 * Fix: remove the `egress` blocks (endpoints never initiate connections).
 */
export const securityGroupInlineEgress: ResourceRule = {
  code: 'PLS_SG_INLINE_EGRESS',
  description: 'Endpoint security groups have no inline egress rules',
  resourceTypes: ['aws_security_group'],
  appliesTo: 'endpoint-security-groups',
  check: ({ config }) => {
    if (isUnknown(config.egress)) return [];
    const egress = listOf(config.egress);
    return egress.length
      ? [
          `egress: found ${egress.length} inline egress rule(s) ${JSON.stringify(egress)}; expected none: interface endpoints only answer connections, and the provider removes AWS's default allow-all egress when no egress block is given`,
        ]
      : [];
  },
};
