import { IConstruct } from 'constructs';
import { Annotations, DefaultTokenResolver, IAspect, StringConcat, TerraformResource, TerraformStack, Tokenization } from 'cdktf';
import { AuditTrail } from '../cloudtrail/audit-trail';
import { CustomerManagedKey } from '../kms/customer-managed-key';
import { invalidValue } from '../core/errors';
import { InterfaceEndpoint } from '../ec2/interface-endpoint';
import { PolicyDocument, PolicyKind } from '../iam/policy-document';
import { validatePolicyJson } from '../iam/policy-validation';
import { ProtectedSecret } from '../secretsmanager/protected-secret';
import { GUARDRAIL_SUPPRESSION_METADATA, suppressionsOf } from './guardrail-suppressions';
import { GUARDRAIL_PACKS, GuardrailPack, GuardrailPackName, selectGuardrailPacks } from './guardrail-packs';
import { belongsToEndpointSecurityGroup, ENDPOINT_SECURITY_GROUP_METADATA, EndpointGroupStackView } from './endpoint-security-group-scope';
import { POLICY_RULES, PolicyRule, RESOURCE_RULES, ResourceRule, TfConfig } from './rules';

export * from './guardrail-suppressions';
export * from './guardrail-packs';
export { belongsToEndpointSecurityGroup, isMarkedEndpointSecurityGroup, ENDPOINT_SECURITY_GROUP_METADATA } from './endpoint-security-group-scope';
export type { EndpointGroupStackView } from './endpoint-security-group-scope';

/**
 * Resource attributes that hold an IAM policy, and the kind of policy each is: the policy rules of that
 * kind run on each (a policy that is one Terraform expression, such as a data source's `json`, is only
 * known at plan time and is skipped).
 */
export const POLICY_ATTRIBUTES: Readonly<Record<string, { readonly attribute: string; readonly kind: PolicyKind }>> = {
  aws_kms_key: { attribute: 'policy', kind: 'key' },
  aws_secretsmanager_secret_policy: { attribute: 'policy', kind: 'resource' },
  aws_vpc_endpoint: { attribute: 'policy', kind: 'endpoint' },
  aws_iam_role: { attribute: 'assume_role_policy', kind: 'trust' },
  aws_iam_role_policy: { attribute: 'policy', kind: 'identity' },
  aws_iam_policy: { attribute: 'policy', kind: 'identity' },
  aws_iam_user_policy: { attribute: 'policy', kind: 'identity' },
  aws_iam_group_policy: { attribute: 'policy', kind: 'identity' },
  aws_s3_bucket_policy: { attribute: 'policy', kind: 'resource' },
  aws_sns_topic_policy: { attribute: 'policy', kind: 'resource' },
};

/** Code of a policy that is not valid JSON (raised by `validatePolicyJson`). */
const POLICY_JSON_CODE = 'PLS_POLICY_JSON';
const MIN_REASON_LENGTH = 10;
const RESOLVER = new DefaultTokenResolver(new StringConcat());
const CODE_PREFIX = /^\[([A-Z0-9_]+)\]/;
/** The packs each resource is already validated for (once per pack, however many Aspects visit it). */
const guarded = new WeakMap<IConstruct, Set<GuardrailPackName>>();

/** Every code a guardrail can report, and so every code {@link Guardrails.suppress} accepts. */
export function guardrailCodes(): string[] {
  return [...new Set([POLICY_JSON_CODE, ...POLICY_RULES.map((r) => r.code), ...RESOURCE_RULES.map((r) => r.code)])].sort();
}

/** The rules of a selection of packs, in the order of `RESOURCE_RULES` / `POLICY_RULES`, and whether `PLS_POLICY_JSON` is on. */
interface RuleSelection {
  readonly resourceRules: readonly ResourceRule[];
  readonly policyRules: readonly PolicyRule[];
  readonly policyJson: boolean;
}

const selections = new WeakMap<readonly GuardrailPack[], RuleSelection>();

function selectionOf(packs: readonly GuardrailPack[]): RuleSelection {
  let found = selections.get(packs);
  if (!found) {
    const rules = new Set(packs.flatMap((p) => p.rules));
    found = {
      resourceRules: RESOURCE_RULES.filter((r) => rules.has(r)),
      policyRules: POLICY_RULES.filter((r) => rules.has(r)),
      policyJson: packs.some((p) => (p.extraCodes ?? []).includes(POLICY_JSON_CODE)),
    };
    selections.set(packs, found);
  }
  return found;
}

function rulesFor(type: string, selection: RuleSelection): ResourceRule[] {
  return selection.resourceRules.filter((r) => r.resourceTypes.includes(type));
}

/**
 * A resource's config as it will synthesize: `toTerraform()` (attributes, meta-arguments such as
 * `lifecycle`, escape-hatch overrides) with tokens resolved to Terraform expressions (`${aws_vpc.x.id}`).
 * Undefined for a resource that was moved away.
 */
export function synthesizedConfig(resource: TerraformResource): TfConfig | undefined {
  const tf = Tokenization.resolve(resource.toTerraform(), { scope: resource, resolver: RESOLVER, preparing: false }) as {
    resource?: Record<string, Record<string, TfConfig>>;
  };
  return tf.resource?.[resource.terraformResourceType]?.[resource.friendlyUniqueId];
}

/**
 * The policy document the construct that owns the resource validates itself at synth
 * (CustomerManagedKey, ProtectedSecret, InterfaceEndpoint, AuditTrail), if any.
 */
function policyValidatedByOwner(resource: TerraformResource): PolicyDocument | undefined {
  const owner = resource.node.scope;
  if (owner instanceof CustomerManagedKey && owner.key === resource) return owner.policy;
  if (owner instanceof ProtectedSecret && owner.secretPolicy === resource) return owner.policy;
  if (owner instanceof InterfaceEndpoint && owner.vpcEndpoint === resource) return owner.policy;
  if (owner instanceof AuditTrail) return owner.validatedPolicyOf(resource);
  return undefined;
}

/**
 * True when the policy text the resource synthesizes is exactly the document its owner validates, so
 * each policy problem is reported once; a policy replaced by an escape-hatch override is checked here.
 */
function policyCheckedByOwner(resource: TerraformResource, text: string): boolean {
  const document = policyValidatedByOwner(resource);
  return document !== undefined && Tokenization.resolve(document.lazyJson(), { scope: resource, resolver: RESOLVER, preparing: false }) === text;
}

/** The policy rules' findings on the resource's policy attribute, unless its owner validates that very document. */
function policyViolations(resource: TerraformResource, config: TfConfig, selection: RuleSelection): string[] {
  const type = resource.terraformResourceType;
  const target = POLICY_ATTRIBUTES[type];
  if (!selection.policyJson && selection.policyRules.length === 0) return [];
  const text = target ? config[target.attribute] : undefined;
  if (typeof text !== 'string' || text.trim() === '' || policyCheckedByOwner(resource, text)) return [];
  try {
    JSON.parse(text);
  } catch {
    // A policy that is one Terraform expression (a data source's JSON, jsonencode(...)) is only known at plan time.
    if (/^\s*\$\{/.test(text)) return [];
  }
  const messages = validatePolicyJson(text, target.kind, `${type}.${target.attribute}`, undefined, selection.policyRules);
  return selection.policyJson ? messages : messages.filter((m) => !m.startsWith(`[${POLICY_JSON_CODE}]`));
}

/** True when some guardrail of the selection covers resources of `type`. */
function isGuardedType(type: string, selection: RuleSelection): boolean {
  return (POLICY_ATTRIBUTES[type] !== undefined && (selection.policyJson || selection.policyRules.length > 0)) || rulesFor(type, selection).length > 0;
}

/** How the rules see the rest of the stack. */
interface StackLookup extends EndpointGroupStackView {
  readonly resourceAt: (address: string) => TfConfig | undefined;
}

/** The guardrail messages for one resource, given its synthesized config and a lookup of the others, less suppressed codes. */
function violationsOf(resource: TerraformResource, config: TfConfig, stack: StackLookup, selection: RuleSelection): string[] {
  const type = resource.terraformResourceType;
  const { resourceAt, resourcesOfType } = stack;
  let endpointGroup: boolean | undefined;
  const inScope = (rule: ResourceRule): boolean => {
    if ((rule.appliesTo ?? 'all') === 'all') return true;
    endpointGroup ??= belongsToEndpointSecurityGroup(resource, config, stack);
    return endpointGroup;
  };
  const messages = [
    ...rulesFor(type, selection)
      .filter(inScope)
      .flatMap((rule) => rule.check({ type, config, resourceAt, resourcesOfType }).map((m) => `[${rule.code}] ${type}.${m}`)),
    ...policyViolations(resource, config, selection),
  ];
  if (messages.length === 0) return [];
  const suppressed = new Set(suppressionsOf(resource).map((s) => s.code));
  return messages.filter((m) => !suppressed.has(CODE_PREFIX.exec(m)?.[1] ?? ''));
}

/**
 * Runs every guardrail of `packs` (default: every pack) that applies to a resource (the resource
 * rules of its type, in their scope, and, for resources that hold a policy, the policy rules) and
 * returns one `[CODE] type.attribute: …` message per problem, leaving out suppressed codes.
 */
export function guardrailViolations(resource: TerraformResource, packs: readonly GuardrailPack[] = GUARDRAIL_PACKS): string[] {
  const config = synthesizedConfig(resource);
  if (!config) return [];
  const stack = TerraformStack.of(resource);
  let all: TerraformResource[] | undefined;
  const resources = (): TerraformResource[] => (all ??= stack.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c)));
  const others = new Map<string, TfConfig | undefined>();
  const resourceAt = (address: string): TfConfig | undefined => {
    if (!others.has(address)) {
      const found = stack.node
        .findAll()
        .find((c): c is TerraformResource => TerraformResource.isTerraformResource(c) && `${c.terraformResourceType}.${c.friendlyUniqueId}` === address);
      others.set(address, found ? synthesizedConfig(found) : undefined);
    }
    return others.get(address);
  };
  const resourcesOfType = (wanted: string): TfConfig[] =>
    resources()
      .filter((c) => c.terraformResourceType === wanted)
      .map((c) => synthesizedConfig(c))
      .filter((c): c is TfConfig => c !== undefined);
  return violationsOf(resource, config, { resourceAt, resourcesOfType, resources }, selectionOf(packs));
}

/**
 * The same checks as the {@link Guardrails} Aspect, on a stack's synthesized Terraform JSON
 * (`stack.toTerraform()`) instead of on each resource resolved once more: one
 * `[construct path] [CODE] type.attribute: …` line per problem, in construct order.
 */
export function stackGuardrailViolations(
  stack: TerraformStack,
  tf: { resource?: Record<string, Record<string, TfConfig>> },
  packs: readonly GuardrailPack[] = GUARDRAIL_PACKS,
): string[] {
  const selection = selectionOf(packs);
  let all: TerraformResource[] | undefined;
  const resources = (): TerraformResource[] => (all ??= stack.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c)));
  const resourceAt = (address: string): TfConfig | undefined => {
    const dot = address.indexOf('.');
    return tf.resource?.[address.slice(0, dot)]?.[address.slice(dot + 1)];
  };
  const resourcesOfType = (type: string): TfConfig[] => Object.values(tf.resource?.[type] ?? {});
  const lines: string[] = [];
  for (const node of stack.node.findAll()) {
    if (!TerraformResource.isTerraformResource(node) || !isGuardedType(node.terraformResourceType, selection)) continue;
    const config = tf.resource?.[node.terraformResourceType]?.[node.friendlyUniqueId];
    if (config) lines.push(...violationsOf(node, config, { resourceAt, resourcesOfType, resources }, selection).map((m) => `[${node.node.path}] ${m}`));
  }
  return lines;
}

/** Props of a {@link Guardrails} Aspect. */
export interface GuardrailsProps {
  /**
   * The rule packs to run (`ec2`, `kms`, `secretsmanager`, `iam`, `terraform`; see
   * {@link GUARDRAIL_PACKS}); an unknown name or an empty list throws `PLS_GUARDRAIL_PACK`.
   * @default - every pack
   */
  readonly packs?: readonly GuardrailPackName[];
}

/**
 * The guardrails (docs/guardrails.md) as an Aspect: add it to a stack with
 * `Aspects.of(stack).add(new Guardrails())` and every KMS key, secret, secret policy, VPC endpoint,
 * IAM role and inline or managed policy, S3 bucket and SNS topic policy,
 * security group and ingress rule in the stack, whoever created it, is checked at synth (policies
 * with every policy rule, for their kind) by the rules of the selected packs (default: all). The
 * endpoint rules (`PLS_INGRESS_PORT`, `PLS_SG_INLINE_EGRESS`) run on endpoint security groups only
 * (see {@link Guardrails.markEndpointSecurityGroup}). Each violation fails synthesis (and
 * `Testing.synth(stack, true)`) with its stable `PLS_…` code, the attribute, the value found and the fix.
 * Aspects added to the App are not applied by cdktf: add this one to each stack.
 */
export class Guardrails implements IAspect {
  /**
   * Switches off one guardrail code for `scope` and every construct below it. A written reason is
   * required and recorded as an info annotation, so the exception shows up in the synth output.
   * Any code of any pack is accepted (a suppression does not know which packs the stack's Aspects
   * run; for a pack that is not selected it has nothing to switch off); an unknown code throws.
   */
  public static suppress(scope: IConstruct, code: string, reason: string): void {
    const codes = guardrailCodes();
    if (!codes.includes(code)) {
      throw invalidValue('PLS_SUPPRESSION_CODE', 'code', code, `a guardrail code: ${codes.join(', ')}`);
    }
    if (typeof reason !== 'string' || reason.trim().length < MIN_REASON_LENGTH) {
      throw invalidValue(
        'PLS_SUPPRESSION_REASON',
        'reason',
        reason,
        `a written reason of at least ${MIN_REASON_LENGTH} characters saying why ${code} does not apply to ${scope.node.path || 'the app'}`,
      );
    }
    scope.node.addMetadata(GUARDRAIL_SUPPRESSION_METADATA, { code, reason: reason.trim() });
    Annotations.of(scope).addInfo(`Guardrail ${code} suppressed: ${reason.trim()}`);
  }

  /**
   * Marks `scope` (a `SecurityGroup`, or a construct holding security groups and ingress rules) as an
   * interface endpoint security group: the endpoint rules (`PLS_INGRESS_PORT`, `PLS_SG_INLINE_EGRESS`)
   * run on every `aws_security_group` and ingress rule resource at and below it, as they do on the
   * groups an `aws_vpc_endpoint` of the stack names and on every `EndpointSecurityGroup`. Use it for a
   * group that endpoints in another stack or outside Terraform use. A mark cannot be taken back.
   */
  public static markEndpointSecurityGroup(scope: IConstruct): void {
    if (typeof scope !== 'object' || scope === null || typeof (scope as IConstruct).node?.addMetadata !== 'function') {
      throw invalidValue(
        'PLS_ENDPOINT_GROUP_MARK',
        'scope',
        typeof scope === 'object' ? Object.prototype.toString.call(scope) : scope,
        'a construct (a SecurityGroup, or a scope holding security groups)',
      );
    }
    scope.node.addMetadata(ENDPOINT_SECURITY_GROUP_METADATA, { marked: true });
  }

  /** The packs this Aspect runs. */
  public readonly packs: readonly GuardrailPack[];

  constructor(props: GuardrailsProps = {}) {
    this.packs = selectGuardrailPacks(props?.packs, 'packs');
  }

  /** Adds the guardrail validation to each resource of a type some selected rule covers (once per resource and pack). */
  public visit(node: IConstruct): void {
    if (!TerraformResource.isTerraformResource(node)) return;
    const done = guarded.get(node) ?? new Set<GuardrailPackName>();
    const fresh = this.packs.filter((p) => !done.has(p.name));
    const packs = fresh.length === this.packs.length ? this.packs : fresh;
    if (packs.length === 0 || !isGuardedType(node.terraformResourceType, selectionOf(packs))) return;
    packs.forEach((p) => done.add(p.name));
    guarded.set(node, done);
    node.node.addValidation({ validate: () => guardrailViolations(node, packs) });
  }
}
