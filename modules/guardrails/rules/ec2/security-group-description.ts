import { ingressEntries, INGRESS_RESOURCE_TYPES } from './ingress-helpers';
import { found, isUnknown, ResourceRule } from '../resource-rule';

/** What the AWS provider puts in a security group's description when none is given. */
const PROVIDER_DEFAULT_DESCRIPTION = 'Managed by Terraform';

function blank(value: unknown): boolean {
  return !isUnknown(value) && (typeof value !== 'string' || value.trim() === '');
}

/**
 * Security groups and their ingress rules say what they are for (AWS shows the text in the console and in audits).
 * Fix: Describe what it admits.
 */
export const securityGroupDescription: ResourceRule = {
  code: 'PLS_SG_DESCRIPTION',
  description: 'Security groups and ingress rules have a description',
  resourceTypes: INGRESS_RESOURCE_TYPES,
  check: ({ type, config }) => {
    const out: string[] = [];
    if (type === 'aws_security_group' && (blank(config.description) || config.description === PROVIDER_DEFAULT_DESCRIPTION)) {
      out.push(
        `description: ${found(config.description)}${config.description == null ? ` (the provider writes "${PROVIDER_DEFAULT_DESCRIPTION}")` : ''}; expected a description of what the group admits, e.g. "Interface endpoints: tcp/443 from the app VPC"`,
      );
    }
    for (const entry of ingressEntries(type, config)) {
      if (blank(entry.description)) {
        out.push(`${entry.where}description: ${found(entry.description)}; expected a description of the source, e.g. "HTTPS to endpoints from 10.20.0.0/16"`);
      }
    }
    return out;
  },
};
