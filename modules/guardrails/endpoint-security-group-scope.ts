import { IConstruct } from 'constructs';
import { TerraformResource } from 'cdktf';
import { listOf, TfConfig } from './rules/resource-rule';

/**
 * Metadata type under which `Guardrails.markEndpointSecurityGroup` (and every `EndpointSecurityGroup`)
 * marks a construct: the security groups and ingress rules at and below it are endpoint security groups.
 */
export const ENDPOINT_SECURITY_GROUP_METADATA = 'cdktf-privatelink-secrets:endpoint-security-group';

/** Resource types whose rules (ingress or egress) belong to the group their `security_group_id` names. */
const RULE_TYPES = new Set(['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule', 'aws_security_group_rule']);

/** What the scope needs to know of the stack. */
export interface EndpointGroupStackView {
  /** The synthesized configs of the stack's resources of a type. */
  readonly resourcesOfType: (type: string) => readonly TfConfig[];
  /** Every resource construct of the stack. */
  readonly resources: () => readonly TerraformResource[];
}

/** True when the construct, or a scope above it, carries the endpoint security group mark. */
export function isMarkedEndpointSecurityGroup(construct: IConstruct): boolean {
  return construct.node.scopes.some((scope) => scope.node.metadata.some((entry) => entry.type === ENDPOINT_SECURITY_GROUP_METADATA));
}

/** What a value naming security groups (an id, a reference, a list expression) refers to. */
interface GroupReferences {
  /** `aws_security_group.<name>` addresses it mentions. */
  readonly addresses: Set<string>;
  /** Literal ids (`sg-…`), and quoted strings inside expressions. */
  readonly literals: Set<string>;
  /** The expression strings themselves, compared verbatim with a rule's `security_group_id`. */
  readonly expressions: Set<string>;
  /** True when it refers to something the guardrails cannot follow to a group (a variable, a local, a data source, another resource, a module output, a template). */
  undecided: boolean;
}

function emptyReferences(): GroupReferences {
  return { addresses: new Set(), literals: new Set(), expressions: new Set(), undecided: false };
}

/** The `${…}` interpolations of a string, and whether any text stands outside them. */
function interpolations(text: string): { segments: string[]; outside: boolean } {
  const segments: string[] = [];
  let outside = false;
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    if (start < 0) {
      outside ||= text.slice(i).length > 0;
      break;
    }
    outside ||= start > i;
    let depth = 1;
    let j = start + 2;
    let quoted = false;
    for (; j < text.length && depth > 0; j++) {
      const c = text[j];
      if (quoted) {
        if (c === '\\') j++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    segments.push(text.slice(start + 2, j - 1));
    i = j;
  }
  return { segments, outside };
}

const QUOTED = /"((?:[^"\\]|\\.)*)"/g;
const IDENTIFIER = /[A-Za-z_][\w-]*/g;
const CONSTANTS = new Set(['true', 'false', 'null']);

/**
 * Reads one string of a value naming security groups into `into`. A literal is an id; an expression
 * is followed through every traversal it holds: `aws_security_group.<name>…` names that group, a
 * quoted string inside is a literal id, and any other traversal (`var.`, `local.`, `data.`, `module.`,
 * another resource, a `for` variable) or text around the interpolation makes it undecided.
 */
function readReference(text: string, into: GroupReferences): void {
  if (!text.includes('${')) {
    into.literals.add(text);
    return;
  }
  into.expressions.add(text);
  const { segments, outside } = interpolations(text);
  if (outside) into.undecided = true;
  for (const segment of segments) {
    for (const m of segment.matchAll(QUOTED)) into.literals.add(m[1]);
    const code = segment.replace(QUOTED, '""');
    for (const m of code.matchAll(IDENTIFIER)) {
      const at = m.index ?? 0;
      const before = code.slice(0, at).trimEnd();
      const after = code.slice(at + m[0].length).trimStart();
      if (before.endsWith('.') || after.startsWith('(') || CONSTANTS.has(m[0])) continue; // an attribute, a function call, a constant
      const name = m[0] === 'aws_security_group' ? /^\.\s*([A-Za-z_][\w-]*)/.exec(after)?.[1] : undefined;
      if (name) into.addresses.add(`aws_security_group.${name}`);
      else into.undecided = true;
    }
  }
}

/** The groups the stack's interface endpoints use: `aws_vpc_endpoint.security_group_ids` and `aws_vpc_endpoint_security_group_association.security_group_id`. */
function endpointGroupReferences(view: EndpointGroupStackView): GroupReferences {
  const refs = emptyReferences();
  const values = [
    ...view.resourcesOfType('aws_vpc_endpoint').map((c) => c.security_group_ids),
    ...view.resourcesOfType('aws_vpc_endpoint_security_group_association').map((c) => c.security_group_id),
  ];
  for (const value of values) {
    for (const entry of listOf(value)) {
      if (typeof entry === 'string') readReference(entry, refs);
      else if (entry !== undefined && entry !== null) refs.undecided = true;
    }
  }
  return refs;
}

function addressOf(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}

/**
 * True when `resource` is an endpoint security group, or an ingress rule resource of one, so that the
 * rules scoped to `endpoint-security-groups` run on it. A group is one when
 * - an `aws_vpc_endpoint.security_group_ids` (or an `aws_vpc_endpoint_security_group_association`)
 *   of the stack names it, by reference (`${aws_security_group.x.id}`, also inside `concat(…)`, a
 *   list, a splat) or, for a group outside the stack, by the same literal id or expression;
 * - an `EndpointSecurityGroup` made it, or it (or a scope above it) was marked with
 *   `Guardrails.markEndpointSecurityGroup`;
 * - or the stack has an endpoint whose groups cannot be read at synth (a variable, a local, a data
 *   source, another resource's attribute, a template): then every group of the stack is one.
 * A rule resource (ingress or egress) follows its `security_group_id`; one whose group cannot be followed (a
 * variable, a local, a data source) counts as an endpoint rule when the stack has any endpoint group.
 */
export function belongsToEndpointSecurityGroup(resource: TerraformResource, config: TfConfig, view: EndpointGroupStackView): boolean {
  if (isMarkedEndpointSecurityGroup(resource)) return true;
  const type = resource.terraformResourceType;
  if (type !== 'aws_security_group' && !RULE_TYPES.has(type)) return false;
  const endpoints = endpointGroupReferences(view);
  if (endpoints.undecided) return true;
  const markedGroups = () =>
    new Set(
      view
        .resources()
        .filter((r) => r.terraformResourceType === 'aws_security_group' && isMarkedEndpointSecurityGroup(r))
        .map(addressOf),
    );
  if (type === 'aws_security_group') return endpoints.addresses.has(addressOf(resource));
  const group = config.security_group_id;
  if (typeof group !== 'string') return group !== undefined && group !== null; // not a string: cannot be read, so an endpoint rule
  const own = emptyReferences();
  readReference(group, own);
  if (own.expressions.size === 0) return endpoints.literals.has(group);
  if (endpoints.expressions.has(group)) return true;
  const marked = markedGroups();
  if ([...own.addresses].some((a) => endpoints.addresses.has(a) || marked.has(a))) return true;
  if (!own.undecided) return false;
  // A group the guardrails cannot follow (`var.`, `local.`, `data.`): it may be any endpoint group of the stack.
  return endpoints.addresses.size + endpoints.literals.size + endpoints.expressions.size + marked.size > 0;
}
