import { IConstruct } from 'constructs';
import { Annotations, DefaultTokenResolver, IAspect, StringConcat, TerraformResource, TerraformStack, Tokenization } from 'cdktf';
import { CustomerManagedKey } from './customer-managed-key';
import { invalidValue } from './errors';
import { InterfaceEndpoint } from './interface-endpoint';
import { PolicyKind } from './policy-document';
import { validatePolicyJson } from './policy-validation';
import { ProtectedSecret } from './protected-secret';
import { GUARDRAIL_SUPPRESSION_METADATA, suppressionsOf } from './guardrail-suppressions';
import { POLICY_RULES, RESOURCE_RULES, ResourceRule, TfConfig } from './rules';

export * from './guardrail-suppressions';

/** Resource attributes that hold an IAM policy, and the kind of policy each is. */
export const POLICY_ATTRIBUTES: Readonly<Record<string, { readonly attribute: string; readonly kind: PolicyKind }>> = {
  aws_kms_key: { attribute: 'policy', kind: 'key' },
  aws_secretsmanager_secret_policy: { attribute: 'policy', kind: 'resource' },
  aws_vpc_endpoint: { attribute: 'policy', kind: 'endpoint' },
};

/** Code of a policy that is not valid JSON (raised by `validatePolicyJson`). */
const POLICY_JSON_CODE = 'PLS_POLICY_JSON';
const MIN_REASON_LENGTH = 10;
const RESOLVER = new DefaultTokenResolver(new StringConcat());
const CODE_PREFIX = /^\[([A-Z0-9_]+)\]/;
/** Resources that already carry the guardrail validation (one per resource, however many Aspects visit it). */
const guarded = new WeakSet<IConstruct>();

/** Every code a guardrail can report, and so every code {@link Guardrails.suppress} accepts. */
export function guardrailCodes(): string[] {
  return [...new Set([POLICY_JSON_CODE, ...POLICY_RULES.map((r) => r.code), ...RESOURCE_RULES.map((r) => r.code)])].sort();
}

function rulesFor(type: string): ResourceRule[] {
  return RESOURCE_RULES.filter((r) => r.resourceTypes.includes(type));
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
 * True when the construct that owns the resource already runs the policy rules on the same
 * document (CustomerManagedKey, ProtectedSecret, InterfaceEndpoint validate their policy at synth),
 * so each policy problem is reported once.
 */
function policyCheckedByOwner(resource: TerraformResource): boolean {
  const owner = resource.node.scope;
  return (
    (owner instanceof CustomerManagedKey && owner.key === resource) ||
    (owner instanceof ProtectedSecret && owner.secretPolicy === resource) ||
    (owner instanceof InterfaceEndpoint && owner.vpcEndpoint === resource)
  );
}

function policyViolations(type: string, config: TfConfig): string[] {
  const target = POLICY_ATTRIBUTES[type];
  const text = target ? config[target.attribute] : undefined;
  if (typeof text !== 'string' || text.trim() === '') return [];
  try {
    JSON.parse(text);
  } catch {
    // A policy that is one Terraform expression (a data source's JSON, jsonencode(...)) is only known at plan time.
    if (/^\s*\$\{/.test(text)) return [];
  }
  return validatePolicyJson(text, target.kind, `${type}.${target.attribute}`);
}

/** True when some guardrail covers resources of `type`. */
function isGuardedType(type: string): boolean {
  return POLICY_ATTRIBUTES[type] !== undefined || rulesFor(type).length > 0;
}

/** The guardrail messages for one resource, given its synthesized config and a lookup of the others, less suppressed codes. */
function violationsOf(
  resource: TerraformResource,
  config: TfConfig,
  resourceAt: (address: string) => TfConfig | undefined,
  resourcesOfType: (type: string) => readonly TfConfig[],
): string[] {
  const type = resource.terraformResourceType;
  const messages = [
    ...rulesFor(type).flatMap((rule) => rule.check({ type, config, resourceAt, resourcesOfType }).map((m) => `[${rule.code}] ${type}.${m}`)),
    ...(policyCheckedByOwner(resource) ? [] : policyViolations(type, config)),
  ];
  if (messages.length === 0) return [];
  const suppressed = new Set(suppressionsOf(resource).map((s) => s.code));
  return messages.filter((m) => !suppressed.has(CODE_PREFIX.exec(m)?.[1] ?? ''));
}

/**
 * Runs every guardrail that applies to a resource (the resource rules of its type and, for resources
 * that hold a policy, every policy rule) and returns one `[CODE] type.attribute: …` message per
 * problem, leaving out suppressed codes.
 */
export function guardrailViolations(resource: TerraformResource): string[] {
  const config = synthesizedConfig(resource);
  if (!config) return [];
  const stack = TerraformStack.of(resource);
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
    stack.node
      .findAll()
      .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c) && c.terraformResourceType === wanted)
      .map((c) => synthesizedConfig(c))
      .filter((c): c is TfConfig => c !== undefined);
  return violationsOf(resource, config, resourceAt, resourcesOfType);
}

/**
 * The same checks as the {@link Guardrails} Aspect, on a stack's synthesized Terraform JSON
 * (`stack.toTerraform()`) instead of on each resource resolved once more: one
 * `[construct path] [CODE] type.attribute: …` line per problem, in construct order.
 */
export function stackGuardrailViolations(stack: TerraformStack, tf: { resource?: Record<string, Record<string, TfConfig>> }): string[] {
  const resourceAt = (address: string): TfConfig | undefined => {
    const dot = address.indexOf('.');
    return tf.resource?.[address.slice(0, dot)]?.[address.slice(dot + 1)];
  };
  const resourcesOfType = (type: string): TfConfig[] => Object.values(tf.resource?.[type] ?? {});
  const lines: string[] = [];
  for (const node of stack.node.findAll()) {
    if (!TerraformResource.isTerraformResource(node) || !isGuardedType(node.terraformResourceType)) continue;
    const config = tf.resource?.[node.terraformResourceType]?.[node.friendlyUniqueId];
    if (config) lines.push(...violationsOf(node, config, resourceAt, resourcesOfType).map((m) => `[${node.node.path}] ${m}`));
  }
  return lines;
}

/**
 * The guardrails (docs/guardrails.md) as an Aspect: add it to a stack with
 * `Aspects.of(stack).add(new Guardrails())` and every KMS key, secret, secret policy, VPC endpoint,
 * security group and ingress rule in the stack, whoever created it, is checked at synth (policies
 * with every policy rule, for their kind). Each violation fails synthesis (and
 * `Testing.synth(stack, true)`) with its stable `PLS_…` code, the attribute, the value found and the fix.
 * Aspects added to the App are not applied by cdktf: add this one to each stack.
 */
export class Guardrails implements IAspect {
  /**
   * Switches off one guardrail code for `scope` and every construct below it. A written reason is
   * required and recorded as an info annotation, so the exception shows up in the synth output.
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

  /** Adds the guardrail validation to each resource of a type some guardrail covers (once per resource). */
  public visit(node: IConstruct): void {
    if (!TerraformResource.isTerraformResource(node) || guarded.has(node) || !isGuardedType(node.terraformResourceType)) return;
    guarded.add(node);
    node.node.addValidation({ validate: () => guardrailViolations(node) });
  }
}
