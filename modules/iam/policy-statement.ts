import { GuardrailError } from '../core/errors';

/** `Allow` or `Deny`. */
export type Effect = 'Allow' | 'Deny';

/** Condition block: operator → key → value(s), e.g. `{ StringEquals: { 'aws:SourceVpce': ['vpce-…'] } }`. */
export type Conditions = Record<string, Record<string, string | readonly string[]>>;

/** Who a resource or endpoint policy statement applies to. */
export type Principal = '*' | { readonly AWS?: readonly string[]; readonly Service?: readonly string[] };

/** Props of a {@link PolicyStatement}. */
export interface PolicyStatementProps {
  /** Statement id; unique within its document. @default - none; resource, key and endpoint policies need one */
  readonly sid?: string;
  /** @default 'Allow' */
  readonly effect?: Effect;
  /** Actions (`service:Action`, wildcards allowed). Exactly one of `actions` / `notActions`. */
  readonly actions?: readonly string[];
  /** Every action but these. @default - none */
  readonly notActions?: readonly string[];
  /**
   * Resource ARNs or `*`. A statement of a trust policy takes none (IAM refuses `Resource` there).
   * @default ['*'] (rendered only in documents whose kind has a Resource: not in a trust policy)
   */
  readonly resources?: readonly string[];
  /** Principal of a resource or endpoint policy. @default - none (identity policies have no principal) */
  readonly principal?: Principal;
  /** Conditions. @default - none */
  readonly conditions?: Conditions;
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function oneOrMany(values: readonly string[]): string | string[] {
  const sorted = sortedUnique(values);
  return sorted.length === 1 ? sorted[0] : sorted;
}

/** One IAM policy statement. Immutable after construction except through `addCondition`. */
export class PolicyStatement {
  public readonly sid?: string;
  public readonly effect: Effect;
  public readonly actions: readonly string[];
  public readonly notActions: readonly string[];
  public readonly resources: readonly string[];
  /** True when `resources` was given, false when it is the default `['*']`. */
  public readonly hasExplicitResources: boolean;
  public readonly principal?: Principal;
  private readonly conditionMap: Record<string, Record<string, string[]>> = {};

  constructor(props: PolicyStatementProps) {
    const where = `PolicyStatement${props.sid ? ` "${props.sid}"` : ''}`;
    this.sid = props.sid;
    this.effect = props.effect ?? 'Allow';
    if (this.effect !== 'Allow' && this.effect !== 'Deny') {
      throw new GuardrailError('PLS_POLICY_EFFECT', `${where}.effect`, `found ${JSON.stringify(props.effect)}; expected "Allow" or "Deny"`);
    }
    this.actions = sortedUnique(props.actions ?? []);
    this.notActions = sortedUnique(props.notActions ?? []);
    if (this.actions.length > 0 && this.notActions.length > 0) {
      throw new GuardrailError(
        'PLS_POLICY_ACTION_AND_NOTACTION',
        `${where}.actions`,
        'a statement takes either actions or notActions, not both; split it into two statements',
      );
    }
    if (this.actions.length === 0 && this.notActions.length === 0) {
      throw new GuardrailError(
        'PLS_POLICY_NO_ACTION',
        `${where}.actions`,
        'found no actions; give at least one action such as "secretsmanager:GetSecretValue"',
      );
    }
    this.resources = sortedUnique(props.resources ?? ['*']);
    this.hasExplicitResources = props.resources !== undefined;
    this.principal = props.principal;
    for (const [operator, keys] of Object.entries(props.conditions ?? {})) {
      for (const [key, value] of Object.entries(keys)) this.addCondition(operator, key, value);
    }
  }

  /** Adds (or extends) a condition; values for the same operator and key are merged. */
  public addCondition(operator: string, key: string, value: string | readonly string[]): this {
    const values = typeof value === 'string' ? [value] : [...value];
    const keys = (this.conditionMap[operator] ??= {});
    keys[key] = sortedUnique([...(keys[key] ?? []), ...values]);
    return this;
  }

  /** The conditions, as a fresh object (operator → key → values). */
  public get conditions(): Record<string, Record<string, string[]>> {
    return JSON.parse(JSON.stringify(this.conditionMap)) as Record<string, Record<string, string[]>>;
  }

  /** IAM JSON with a fixed key order and sorted values, so renders are byte-identical. */
  public toJSON(): Record<string, unknown> {
    return this.toIamJson();
  }

  /**
   * {@link toJSON} for a document of a given grammar: with `resource` false (the statements of a
   * trust policy) no `Resource` is written.
   */
  public toIamJson(options: { readonly resource?: boolean } = {}): Record<string, unknown> {
    const withResource = options.resource ?? true;
    const out: Record<string, unknown> = {};
    if (this.sid !== undefined) out.Sid = this.sid;
    out.Effect = this.effect;
    if (this.principal !== undefined) {
      if (this.principal === '*') {
        out.Principal = '*';
      } else {
        const p: Record<string, string | string[]> = {};
        if (this.principal.AWS?.length) p.AWS = oneOrMany(this.principal.AWS);
        if (this.principal.Service?.length) p.Service = oneOrMany(this.principal.Service);
        out.Principal = p;
      }
    }
    if (this.actions.length) out.Action = oneOrMany(this.actions);
    if (this.notActions.length) out.NotAction = oneOrMany(this.notActions);
    if (withResource) out.Resource = oneOrMany(this.resources);
    const operators = Object.keys(this.conditionMap).sort();
    if (operators.length) {
      const condition: Record<string, Record<string, string | string[]>> = {};
      for (const operator of operators) {
        condition[operator] = {};
        for (const key of Object.keys(this.conditionMap[operator]).sort()) {
          condition[operator][key] = oneOrMany(this.conditionMap[operator][key]);
        }
      }
      out.Condition = condition;
    }
    return out;
  }
}
