import { Lazy } from 'cdktf';
import { PolicyStatement } from './policy-statement';
import { terraformLiteral } from './terraform-literal';

/** What a policy is attached to; decides which checks apply (principal required, size limit). */
export type PolicyKind = 'identity' | 'resource' | 'endpoint' | 'key';

/** Size limits AWS enforces, in characters (endpoint, secret) or bytes (key). */
export const POLICY_SIZE_LIMITS: Record<PolicyKind, number> = {
  identity: 6144,
  resource: 20480,
  endpoint: 20480,
  key: 32768,
};

/** Props of a {@link PolicyDocument}. */
export interface PolicyDocumentProps {
  /** What the policy is attached to. @default 'resource' */
  readonly kind?: PolicyKind;
  /** Policy `Id`. @default - none */
  readonly id?: string;
  /** Initial statements. @default - none; add them with `addStatements` */
  readonly statements?: readonly PolicyStatement[];
}

/** An IAM policy document whose statements can still be added after it was handed to a resource. */
export class PolicyDocument {
  public readonly kind: PolicyKind;
  public readonly id?: string;
  private readonly statementList: PolicyStatement[] = [];

  constructor(props: PolicyDocumentProps = {}) {
    this.kind = props.kind ?? 'resource';
    this.id = props.id;
    this.addStatements(...(props.statements ?? []));
  }

  /** Appends statements. */
  public addStatements(...statements: PolicyStatement[]): this {
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
    out.Statement = this.statementList.map((s) => s.toJSON());
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
