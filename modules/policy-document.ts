import { Lazy } from 'cdktf';
import { GuardrailError } from './errors';
import { PolicyStatement } from './policy-statement';
import { terraformLiteral } from './terraform-literal';

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

/** Props of a {@link PolicyDocument}. */
export interface PolicyDocumentProps {
  /** What the policy is attached to. @default 'resource' */
  readonly kind?: PolicyKind;
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

/** An IAM policy document whose statements can still be added after it was handed to a resource. */
export class PolicyDocument {
  public readonly kind: PolicyKind;
  public readonly id?: string;
  public readonly region?: string;
  private readonly statementList: PolicyStatement[] = [];

  constructor(props: PolicyDocumentProps = {}) {
    this.kind = props.kind ?? 'resource';
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
