import { Construct } from 'constructs';
import { assertTags } from '../core/aws-limits';
import { Annotations, Token } from 'cdktf';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { assertResourceId } from '../core/aws-identifiers';
import { CidrRange, everyAddressOf, familiesCoveredEntirely, isCidrProblem, isPrivateRange, parseCidr, privateSpaceExpectation } from './cidr-ranges';
import { GuardrailError, invalidValue } from '../core/errors';
import { GUARDRAIL_SUPPRESSION_METADATA } from '../guardrails/guardrail-suppressions';
import { ENDPOINT_SECURITY_GROUP_METADATA } from '../guardrails/endpoint-security-group-scope';
import { terraformLiteral, terraformLiteralMap } from '../core/terraform-literal';

/** An explicit opt-in to CIDR sources outside private address space, with the reason written down. */
export interface PublicSourcesOptIn {
  /** Why these endpoints admit public address space (e.g. "Amazon-provided IPv6 block of this VPC"); at least 10 characters. */
  readonly reason: string;
}

/** Least length of a {@link PublicSourcesOptIn} reason (as for a guardrail suppression). */
export const MIN_PUBLIC_SOURCES_REASON_LENGTH = 10;

/** Who may reach an endpoint: CIDRs, security groups and prefix lists. */
export interface EndpointIngressSources {
  /**
   * IPv4 and IPv6 CIDRs (primary and secondary VPC ranges, peered ranges) allowed on the endpoint
   * port: network addresses in canonical form, in private address space (RFC 1918, 100.64.0.0/10,
   * fc00::/7) unless {@link publicSources} opts in, never `/0` nor ranges that add up to every address.
   * @default - none
   */
  readonly allowedCidrs?: readonly string[];
  /**
   * Admit CIDRs outside private address space (an Amazon-provided IPv6 block, public ranges used
   * privately), with the reason why; recorded as a suppression of `PLS_PUBLIC_INGRESS`.
   * @default - only private address space
   */
  readonly publicSources?: PublicSourcesOptIn;
  /** Security groups whose members may connect, e.g. a rotation Lambda's. @default - none */
  readonly sourceSecurityGroupIds?: readonly string[];
  /** Managed prefix lists allowed to connect. @default - none */
  readonly prefixListIds?: readonly string[];
}

/** Props of an {@link EndpointSecurityGroup}. */
export interface EndpointSecurityGroupProps extends EndpointIngressSources {
  /** VPC the group belongs to. */
  readonly vpcId: string;
  /**
   * The VPC's own IPv6 blocks, such as the reference to its Amazon-provided block
   * (`aws_vpc.x.ipv6_cidr_block`): admitted on tcp/443 as `cidr_ipv6` in addition to
   * `allowedCidrs`. A reference needs no publicSources opt-in (Terraform reads it from the VPC, so
   * it is the VPC's own range); a literal is checked as allowedCidrs are, opt-in included. @default - none
   */
  readonly vpcIpv6CidrBlocks?: readonly string[];
  /** Group description (required by the guardrails; AWS shows it in the console). @default 'Interface VPC endpoints: tcp/443 from allowed sources' */
  readonly description?: string;
  /** Group name prefix. @default - Terraform generates a unique name */
  readonly namePrefix?: string;
  /** Port the endpoints listen on. Only 443 is accepted. @default 443 */
  readonly port?: number;
  /** Tags. @default - none */
  readonly tags?: Record<string, string>;
}

/** Parses a CIDR; throws with the field name when it is malformed, not in canonical form, or open to the world (`/0`). Unresolved tokens pass as their family. */
export function checkIngressCidr(cidr: string, field: string): 'ipv4' | 'ipv6' {
  return checkedRange(cidr, field)?.family ?? (cidr.includes(':') ? 'ipv6' : 'ipv4');
}

/** The range of a CIDR (undefined for an unresolved token); throws as {@link checkIngressCidr}. */
function checkedRange(cidr: string, field: string): CidrRange | undefined {
  if (Token.isUnresolved(cidr)) return undefined;
  const parsed = parseCidr(cidr);
  if (isCidrProblem(parsed)) throw invalidValue(parsed.code, field, cidr, parsed.expected);
  if (parsed.prefix === 0) {
    throw invalidValue(
      'PLS_OPEN_INGRESS',
      field,
      cidr,
      'a CIDR narrower than /0: endpoints must not be reachable from anywhere; list your VPC or on-premises ranges',
    );
  }
  return parsed;
}

/**
 * Checks a list of ingress CIDRs together: each as {@link checkIngressCidr}; sources outside
 * private address space only with a written `publicSources` reason; and no set of ranges that adds
 * up to a whole address space. Throws the first problem, naming `field[i]`.
 */
export function checkIngressCidrs(cidrs: readonly string[], field: string, publicSources?: PublicSourcesOptIn): CidrRange[] {
  if (publicSources !== undefined && (typeof publicSources.reason !== 'string' || publicSources.reason.trim().length < MIN_PUBLIC_SOURCES_REASON_LENGTH)) {
    throw invalidValue(
      'PLS_PUBLIC_INGRESS',
      'publicSources.reason',
      publicSources.reason,
      `a written reason of at least ${MIN_PUBLIC_SOURCES_REASON_LENGTH} characters saying why these endpoints admit public address space`,
    );
  }
  const ranges: CidrRange[] = [];
  cidrs.forEach((cidr, i) => {
    const range = checkedRange(cidr, `${field}[${i}]`);
    if (!range) return;
    if (!publicSources && !isPrivateRange(range))
      throw invalidValue('PLS_PUBLIC_INGRESS', `${field}[${i}]`, cidr, `${privateSpaceExpectation(range)}; to admit it anyway, give publicSources: { reason }`);
    ranges.push(range);
  });
  const covered = familiesCoveredEntirely(ranges)[0];
  if (covered) {
    throw invalidValue(
      'PLS_OPEN_INGRESS',
      field,
      covered.cidrs,
      `ranges that leave out part of the address space: together these admit ${everyAddressOf(covered.family)}`,
    );
  }
  return ranges;
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
    // Read by the guardrails Aspect: the endpoint rules (PLS_INGRESS_PORT, PLS_SG_INLINE_EGRESS) run on this group and its rules.
    this.node.addMetadata(ENDPOINT_SECURITY_GROUP_METADATA, { marked: true });
    assertTags(props.tags);
    const port = props.port ?? 443;
    if (port !== 443) {
      throw invalidValue('PLS_INGRESS_PORT', 'port', port, '443: Secrets Manager and KMS endpoints only listen on HTTPS');
    }
    const description = props.description ?? 'Interface VPC endpoints: tcp/443 from allowed sources';
    if (!description.trim()) throw invalidValue('PLS_SG_DESCRIPTION', 'description', description, 'a non-empty description');
    const cidrs = props.allowedCidrs ?? [];
    const ownIpv6 = props.vpcIpv6CidrBlocks ?? [];
    const groups = props.sourceSecurityGroupIds ?? [];
    const prefixLists = props.prefixListIds ?? [];
    if (cidrs.length + ownIpv6.length + groups.length + prefixLists.length === 0) {
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

    checkIngressCidrs(cidrs, 'allowedCidrs', props.publicSources);
    checkIngressCidrs(ownIpv6, 'vpcIpv6CidrBlocks', props.publicSources);
    ownIpv6.forEach((cidr, i) => {
      if (checkIngressCidr(cidr, `vpcIpv6CidrBlocks[${i}]`) === 'ipv4' && !Token.isUnresolved(cidr)) {
        throw invalidValue('PLS_BAD_CIDR', `vpcIpv6CidrBlocks[${i}]`, cidr, 'an IPv6 CIDR (the VPC\'s IPv6 block), such as "2600:1f14:abc:de00::/56"');
      }
    });
    if (props.publicSources) {
      // Read by the guardrails Aspect: the PLS_PUBLIC_INGRESS rule stays quiet for this group's rules, with the reason on record.
      this.node.addMetadata(GUARDRAIL_SUPPRESSION_METADATA, { code: 'PLS_PUBLIC_INGRESS', reason: props.publicSources.reason.trim() });
      Annotations.of(this).addInfo(`Guardrail PLS_PUBLIC_INGRESS suppressed: ${props.publicSources.reason.trim()}`);
    }
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
    ownIpv6.forEach((cidr, i) => {
      unique(cidr, `vpcIpv6CidrBlocks[${i}]`);
      rule(`ingress-vpc-ipv6-${i}`, `HTTPS to endpoints from ${Token.isUnresolved(cidr) ? "the VPC's IPv6 block" : cidr}`, { cidrIpv6: cidr });
    });
    groups.forEach((g, i) => rule(`ingress-sg-${i}`, 'HTTPS to endpoints from source security group', { referencedSecurityGroupId: g }));
    prefixLists.forEach((p, i) => rule(`ingress-pl-${i}`, 'HTTPS to endpoints from prefix list', { prefixListId: p }));
  }
}

function cidrDescription(cidr: string): string {
  return Token.isUnresolved(cidr) ? 'VPC CIDR' : cidr;
}
