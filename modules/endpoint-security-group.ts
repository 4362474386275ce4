import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { assertResourceId } from './aws-identifiers';
import { GuardrailError, invalidValue } from './errors';
import { terraformLiteral, terraformLiteralMap } from './terraform-literal';

/** Who may reach an endpoint: CIDRs, security groups and prefix lists. */
export interface EndpointIngressSources {
  /** IPv4 and IPv6 CIDRs (primary and secondary VPC ranges, peered ranges) allowed on the endpoint port. Never `/0`. @default - none */
  readonly allowedCidrs?: readonly string[];
  /** Security groups whose members may connect, e.g. a rotation Lambda's. @default - none */
  readonly sourceSecurityGroupIds?: readonly string[];
  /** Managed prefix lists allowed to connect. @default - none */
  readonly prefixListIds?: readonly string[];
}

/** Props of an {@link EndpointSecurityGroup}. */
export interface EndpointSecurityGroupProps extends EndpointIngressSources {
  /** VPC the group belongs to. */
  readonly vpcId: string;
  /** Group description (required by the guardrails; AWS shows it in the console). @default 'Interface VPC endpoints: tcp/443 from allowed sources' */
  readonly description?: string;
  /** Group name prefix. @default - Terraform generates a unique name */
  readonly namePrefix?: string;
  /** Port the endpoints listen on. Only 443 is accepted. @default 443 */
  readonly port?: number;
  /** Tags. @default - none */
  readonly tags?: Record<string, string>;
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IPV6_CIDR = /^[0-9a-fA-F:]+\/(\d{1,3})$/;

/** Classifies a CIDR; throws with the field name when it is malformed or open to the world. */
export function checkIngressCidr(cidr: string, field: string): 'ipv4' | 'ipv6' {
  if (Token.isUnresolved(cidr)) return cidr.includes(':') ? 'ipv6' : 'ipv4';
  const v4 = IPV4_CIDR.exec(cidr);
  const v6 = v4 ? null : IPV6_CIDR.exec(cidr);
  if (!v4 && !v6) throw invalidValue('PLS_BAD_CIDR', field, cidr, 'an IPv4 or IPv6 CIDR such as "10.0.0.0/16"');
  if (v4 && (v4.slice(1, 5).some((o) => Number(o) > 255) || Number(v4[5]) > 32)) {
    throw invalidValue('PLS_BAD_CIDR', field, cidr, 'an IPv4 CIDR with octets ≤ 255 and a prefix ≤ 32');
  }
  const prefix = Number((v4 ?? v6)![v4 ? 5 : 1]);
  if (prefix === 0) {
    throw invalidValue(
      'PLS_OPEN_INGRESS',
      field,
      cidr,
      'a CIDR narrower than /0: endpoints must not be reachable from anywhere; list your VPC or on-premises ranges',
    );
  }
  if (v6 && prefix > 128) throw invalidValue('PLS_BAD_CIDR', field, cidr, 'an IPv6 CIDR with a prefix ≤ 128');
  return v4 ? 'ipv4' : 'ipv6';
}

/**
 * A security group for interface endpoints: one `aws_vpc_security_group_ingress_rule` per source on
 * tcp/443, a description on the group and every rule, and no egress rule (endpoints never initiate).
 */
export class EndpointSecurityGroup extends Construct {
  public readonly securityGroup: SecurityGroup;
  /** The security group id: one reference, made once (each read of `securityGroup.id` builds a new token). */
  public readonly securityGroupId: string;
  public readonly ingressRules: VpcSecurityGroupIngressRule[] = [];

  constructor(scope: Construct, id: string, props: EndpointSecurityGroupProps) {
    super(scope, id);
    const port = props.port ?? 443;
    if (port !== 443) {
      throw invalidValue('PLS_INGRESS_PORT', 'port', port, '443: Secrets Manager and KMS endpoints only listen on HTTPS');
    }
    const description = props.description ?? 'Interface VPC endpoints: tcp/443 from allowed sources';
    if (!description.trim()) throw invalidValue('PLS_SG_DESCRIPTION', 'description', description, 'a non-empty description');
    const cidrs = props.allowedCidrs ?? [];
    const groups = props.sourceSecurityGroupIds ?? [];
    const prefixLists = props.prefixListIds ?? [];
    if (cidrs.length + groups.length + prefixLists.length === 0) {
      throw new GuardrailError(
        'PLS_NO_INGRESS_SOURCE',
        'allowedCidrs',
        'found no ingress source; give allowedCidrs, sourceSecurityGroupIds or prefixListIds, or bring your own securityGroupIds',
      );
    }
    const seen = new Set<string>();
    const unique = (value: string, field: string) => {
      if (seen.has(value)) throw invalidValue('PLS_INGRESS_DUPLICATE', field, value, 'each ingress source once');
      seen.add(value);
    };
    groups.forEach((g, i) => {
      if (!Token.isUnresolved(g)) assertResourceId('sg', g, `sourceSecurityGroupIds[${i}]`);
      unique(g, `sourceSecurityGroupIds[${i}]`);
    });
    prefixLists.forEach((p, i) => {
      if (!Token.isUnresolved(p)) assertResourceId('pl', p, `prefixListIds[${i}]`);
      unique(p, `prefixListIds[${i}]`);
    });

    this.securityGroup = new SecurityGroup(this, 'group', {
      vpcId: props.vpcId,
      namePrefix: terraformLiteral(props.namePrefix),
      description: terraformLiteral(description),
      tags: terraformLiteralMap(props.tags),
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = this.securityGroup.id;
    const rule = (
      ruleId: string,
      ruleDescription: string,
      source: Partial<Record<'cidrIpv4' | 'cidrIpv6' | 'referencedSecurityGroupId' | 'prefixListId', string>>,
    ) =>
      this.ingressRules.push(
        new VpcSecurityGroupIngressRule(this, ruleId, {
          securityGroupId: this.securityGroupId,
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          description: terraformLiteral(ruleDescription),
          tags: terraformLiteralMap(props.tags),
          ...source,
        }),
      );
    cidrs.forEach((cidr, i) => {
      const family = checkIngressCidr(cidr, `allowedCidrs[${i}]`);
      unique(cidr, `allowedCidrs[${i}]`);
      rule(`ingress-cidr-${i}`, `HTTPS to endpoints from ${cidrDescription(cidr)}`, family === 'ipv4' ? { cidrIpv4: cidr } : { cidrIpv6: cidr });
    });
    groups.forEach((g, i) => rule(`ingress-sg-${i}`, 'HTTPS to endpoints from source security group', { referencedSecurityGroupId: g }));
    prefixLists.forEach((p, i) => rule(`ingress-pl-${i}`, 'HTTPS to endpoints from prefix list', { prefixListId: p }));
  }
}

function cidrDescription(cidr: string): string {
  return Token.isUnresolved(cidr) ? 'VPC CIDR' : cidr;
}
