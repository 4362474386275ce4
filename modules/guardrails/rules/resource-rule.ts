/** A resource's synthesized Terraform config: snake_case attributes, references as `${…}` strings. */
export type TfConfig = Record<string, unknown>;

/** What a resource rule looks at. */
export interface ResourceRuleInput {
  /** Terraform resource type, e.g. `aws_kms_key`. */
  readonly type: string;
  /** The resource's config as it synthesizes (tokens resolved to Terraform expressions). */
  readonly config: TfConfig;
  /** Another resource of the same stack by address (`aws_vpc.main_1A2B3C`), for rules that relate resources. */
  readonly resourceAt: (address: string) => TfConfig | undefined;
  /** The configs of the stack's resources of a type, for rules that look at several together (the ingress rules of one group). @default - none */
  readonly resourcesOfType?: (type: string) => readonly TfConfig[];
}

/**
 * Which resources of its types a rule runs on: `all` of them, or only `endpoint-security-groups`
 * (security groups of interface endpoints, and the ingress rule resources of those groups; how a group
 * is recognized: `modules/guardrails/endpoint-security-group-scope.ts`).
 */
export type ResourceRuleScope = 'all' | 'endpoint-security-groups';

/**
 * A guardrail over one Terraform resource: a small pure function returning one message per problem
 * found (empty when compliant). Messages name the attribute, the value found and the fix; values not
 * known at synth (Terraform references, variables) are left to plan time.
 */
export interface ResourceRule {
  /** Stable code, e.g. `PLS_KMS_DELETION_WINDOW`. */
  readonly code: string;
  /** One line on what the rule enforces. */
  readonly description: string;
  /** The resource types the rule applies to. */
  readonly resourceTypes: readonly string[];
  /** Which resources of those types the rule runs on. @default 'all' */
  readonly appliesTo?: ResourceRuleScope;
  readonly check: (input: ResourceRuleInput) => string[];
}

/** True for a value only known at plan time: a string holding a Terraform expression (`${…}`). */
export function isUnknown(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

/**
 * A number, a numeric string as a number, `undefined` when unset (absent or `null`: blocks written
 * inline, such as `ingress`, synthesize their unset fields as `null`), or the raw value otherwise.
 */
export function asNumber(value: unknown): unknown {
  if (value === null) return undefined;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return value;
}

/** `true` / `false` for booleans and their string forms, `undefined` when unset (absent or `null`), the raw value otherwise. */
export function asBoolean(value: unknown): unknown {
  if (value === null) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

/** A list attribute (blocks such as `ingress`, or string lists) as an array; `[]` when unset. */
export function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** `found 3` / `found nothing` (absent or `null`) for messages. */
export function found(value: unknown): string {
  return value === undefined || value === null ? 'found nothing' : `found ${JSON.stringify(value)}`;
}

/** Checks a whole-days attribute against a range; unset and plan-time values pass. */
export function daysInRange(attribute: string, raw: unknown, min: number, max: number, expected: string): string[] {
  const value = asNumber(raw);
  if (value === undefined || isUnknown(value)) return [];
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return [];
  return [`${attribute}: ${found(raw)}; expected ${expected}`];
}
