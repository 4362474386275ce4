import { Lazy } from 'cdktf';
import { GuardrailError, invalidValue } from '../core/errors';
import { PolicyStatement } from './policy-statement';
import { terraformLiteral } from '../core/terraform-literal';

/**
 * What a policy is attached to; decides its grammar and which checks apply. `identity`: a policy of
 * a role or user (no Principal, needs Resource); `resource`: a secret policy; `endpoint`: a VPC
 * endpoint policy; `key`: a KMS key policy (these three need Principal and Resource); `trust`: a
 * role's assume-role policy (needs Principal, has no Resource, only `sts:` assume actions).
 */
export type PolicyKind = 'identity' | 'resource' | 'endpoint' | 'key' | 'trust';

/** Size limits AWS enforces, in characters (endpoint, secret, identity, trust) or bytes (key). */
export const POLICY_SIZE_LIMITS: Record<PolicyKind, number> = {
  identity: 6144,
  resource: 20480,
  endpoint: 20480,
  key: 32768,
  trust: 2048,
};

/**
 * Throws `PLS_POLICY_KIND` naming `field` unless `document` is a policy document of kind `kind`: the
 * run-time twin of the `PolicyDocument<K>` prop types, for JavaScript callers and casts.
 */
export function assertPolicyKind<K extends PolicyKind>(document: unknown, kind: K, field: string): asserts document is PolicyDocument<K> {
  const found = typeof document === 'object' && document !== null && 'kind' in document ? (document as { kind: unknown }).kind : document;
  if (!(document instanceof PolicyDocument) || found !== kind) {
    const preset = kind === 'resource' ? ' or secretPolicy(model)' : kind === 'key' ? ' or keyPolicy(model)' : '';
    throw invalidValue('PLS_POLICY_KIND', `${field}.kind`, found, `"${kind}": build the document with new PolicyDocument({ kind: '${kind}' })${preset}`);
  }
}

/** Props of a {@link PolicyDocument}. */
export interface PolicyDocumentProps<K extends PolicyKind = PolicyKind> {
  /**
   * What the policy is attached to. Give it as a literal (`kind: 'key'`) so the document's type says
   * its kind (`PolicyDocument<'key'>`) and a prop that needs another kind refuses it at compile time.
   * @default 'resource' (typed `PolicyDocument<PolicyKind>`: write `kind: 'resource'` for a prop that needs a resource policy)
   */
  readonly kind?: K;
  /** Policy `Id`. @default - none */
  readonly id?: string;
  /** Initial statements. @default - none; add them with `addStatements` */
  readonly statements?: readonly PolicyStatement[];
  /**
   * Region the policy is written for, so the guardrails can check region-specific values (the
   * `kms:ViaService` of Secrets Manager in a key policy).
   * @default - unknown: such values are only checked for consistency with themselves
   */
  readonly region?: string;
}

/**
 * The constructor's arguments: `kind` may be left out only where the document may be of any kind or
 * is a resource policy (the default), so `const p: PolicyDocument<'key'> = new PolicyDocument()`
 * (whose kind would be `resource` at run time) does not compile.
 */
export type PolicyDocumentArgs<K extends PolicyKind> = PolicyKind extends K
  ? [props?: PolicyDocumentProps<K>]
  : K extends 'resource'
    ? [props?: PolicyDocumentProps<K>]
    : [props: PolicyDocumentProps<K> & { readonly kind: K }];

/**
 * An IAM policy document whose statements can still be added after it was handed to a resource.
 * Typed by its kind: a prop that takes a key policy is `PolicyDocument<'key'>`, so handing it a
 * secret policy is a compile error (constructs keep a run-time check for JavaScript callers, see
 * {@link assertPolicyKind}). `PolicyDocument` alone is a document of any kind.
 */
export class PolicyDocument<K extends PolicyKind = PolicyKind> {
  public readonly kind: K;
  public readonly id?: string;
  public readonly region?: string;
  private readonly statementList: PolicyStatement[] = [];

  constructor(...[props = {}]: PolicyDocumentArgs<K>) {
    this.kind = (props.kind ?? 'resource') as K;
    this.id = props.id;
    this.region = props.region;
    this.addStatements(...(props.statements ?? []));
  }

  /**
   * Appends statements. Throws for a statement IAM would refuse in this kind of document: one with
   * explicit resources in a trust policy, one with a principal in an identity policy.
   */
  public addStatements(...statements: PolicyStatement[]): this {
    for (const s of statements) {
      const where = `PolicyStatement${s.sid ? ` "${s.sid}"` : ''}`;
      if (this.kind === 'trust' && s.hasExplicitResources) {
        throw new GuardrailError(
          'PLS_POLICY_TRUST_RESOURCE',
          `${where}.resources`,
          `found ${JSON.stringify(s.resources)}; a trust policy names no Resource (IAM refuses it with MalformedPolicyDocument): leave resources out`,
        );
      }
      if (this.kind === 'identity' && s.principal !== undefined) {
        throw new GuardrailError(
          'PLS_POLICY_GRAMMAR',
          `${where}.principal`,
          `found ${JSON.stringify(s.principal)}; an identity policy names no Principal (it applies to the role or user it is attached to): leave principal out`,
        );
      }
    }
    this.statementList.push(...statements);
    return this;
  }

  /** The statements, in the order they were added. */
  public get statements(): readonly PolicyStatement[] {
    return [...this.statementList];
  }

  /** True when the document has no statements. */
  public get isEmpty(): boolean {
    return this.statementList.length === 0;
  }

  /** IAM JSON object: `Version`, optional `Id`, `Statement` in insertion order. */
  public toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { Version: '2012-10-17' };
    if (this.id !== undefined) out.Id = this.id;
    out.Statement = this.statementList.map((s) => s.toIamJson({ resource: this.kind !== 'trust' }));
    return out;
  }

  /** The rendered JSON string, compact and deterministic. */
  public render(): string {
    return JSON.stringify(this.toJSON());
  }

  /**
   * The rendered JSON as a Terraform string: `${` and `%{` of the text escaped (IAM policy
   * variables such as `${aws:username}` reach AWS as written), references kept.
   */
  public terraformJson(): string {
    return terraformLiteral(this.render());
  }

  /** A token that renders the document at synth time ({@link terraformJson}), so statements added later are included. */
  public lazyJson(): string {
    return Lazy.stringValue({ produce: () => this.terraformJson() });
  }
}
