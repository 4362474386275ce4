import { Construct } from 'constructs';
import { assertTags } from '../core/aws-limits';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { invalidValue } from '../core/errors';
import { ImportedKmsKey } from './imported-kms-key';
import { IKmsKeyReference } from './kms-key-reference';
import { KmsKeyBase } from './kms-key-base';
import { assertPolicyKind, PolicyDocument } from '../iam/policy-document';
import { PolicyStatement } from '../iam/policy-statement';
import { validatePolicyDocument } from '../iam/policy-validation';
import { terraformLiteral, terraformLiteralMap } from '../core/terraform-literal';

/** Props of a {@link CustomerManagedKey}. */
export interface CustomerManagedKeyProps {
  /** Alias, `alias/<name>` (not `alias/aws/…`, which AWS reserves). */
  readonly alias: string;
  /** Key description. @default - the alias */
  readonly description?: string;
  /** Key policy, a `PolicyDocument<'key'>` such as `keyPolicy(model)`; more statements can be added with `addToPolicy`. */
  readonly policy: PolicyDocument<'key'>;
  /** Waiting period before deletion, 7–30 days. @default 30 */
  readonly deletionWindowInDays?: number;
  /** Yearly automatic rotation of key material; turning it off is rejected. @default true */
  readonly enableKeyRotation?: boolean;
  /** Days between automatic rotations, 90–2560. @default - AWS default (365) */
  readonly rotationPeriodInDays?: number;
  /** Tags. @default - none */
  readonly tags?: Record<string, string>;
}

/** A customer alias: `alias/<name>`, not under `alias/aws/` (reserved for AWS managed keys). */
export const KMS_ALIAS_PATTERN = /^alias\/(?!aws\/)[a-zA-Z0-9/_-]{1,250}$/;

/**
 * A symmetric customer-managed KMS key with an alias: rotation on, a 30-day deletion window,
 * `prevent_destroy`, and a key policy rendered at synth and never applied with the lockout safety
 * check bypassed.
 */
export class CustomerManagedKey extends KmsKeyBase {
  /**
   * A key created elsewhere, by its ARN, for props that take a key (`ProtectedSecret`'s `kmsKey`)
   * and for its grants. A literal ARN is checked at synth (`PLS_KMS_KEY_ARN` names `keyArn`: an
   * `arn:<partition>:kms:<region>:<account>:key/<key id>` ARN, partition of its region, no alias
   * ARN); a Terraform reference is accepted as it is. Creates no resource.
   */
  public static fromKeyArn(scope: Construct, id: string, keyArn: string): IKmsKeyReference {
    return new ImportedKmsKey(scope, id, keyArn);
  }

  public readonly key: KmsKey;
  public readonly aliasResource: KmsAlias;
  public readonly policy: PolicyDocument<'key'>;
  public readonly alias: string;

  constructor(scope: Construct, id: string, props: CustomerManagedKeyProps) {
    super(scope, id);
    assertTags(props.tags);
    if (!KMS_ALIAS_PATTERN.test(props.alias)) {
      throw invalidValue('PLS_KMS_ALIAS', 'alias', props.alias, 'an alias "alias/<name>" of letters, digits, "/", "_" and "-", not under "alias/aws/"');
    }
    const deletionWindowInDays = props.deletionWindowInDays ?? 30;
    if (!Number.isInteger(deletionWindowInDays) || deletionWindowInDays < 7 || deletionWindowInDays > 30) {
      throw invalidValue('PLS_KMS_DELETION_WINDOW', 'deletionWindowInDays', deletionWindowInDays, 'a whole number of days from 7 to 30 (30 recommended)');
    }
    if (props.enableKeyRotation === false) {
      throw invalidValue('PLS_KMS_ROTATION_OFF', 'enableKeyRotation', false, 'true: keys that protect secrets rotate their key material');
    }
    if (props.rotationPeriodInDays !== undefined && (props.rotationPeriodInDays < 90 || props.rotationPeriodInDays > 2560)) {
      throw invalidValue('PLS_KMS_ROTATION_PERIOD', 'rotationPeriodInDays', props.rotationPeriodInDays, 'a number of days from 90 to 2560');
    }
    assertPolicyKind(props.policy, 'key', 'policy');
    this.alias = props.alias;
    this.policy = props.policy;
    this.key = new KmsKey(this, 'key', {
      description: terraformLiteral(props.description ?? props.alias),
      keyUsage: 'ENCRYPT_DECRYPT',
      customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      enableKeyRotation: true,
      rotationPeriodInDays: props.rotationPeriodInDays,
      deletionWindowInDays,
      bypassPolicyLockoutSafetyCheck: false,
      policy: this.policy.lazyJson(),
      tags: terraformLiteralMap(props.tags),
      lifecycle: { preventDestroy: true },
    });
    this.aliasResource = new KmsAlias(this, 'alias', { name: terraformLiteral(props.alias), targetKeyId: this.key.keyId });
    this.node.addValidation({
      validate: () =>
        this.policy.isEmpty
          ? [`[PLS_POLICY_EMPTY] ${this.node.path}: key policy has no statements; a key needs at least the account delegation statement`]
          : validatePolicyDocument(this.policy, `${this.node.path}.policy`, this),
    });
  }

  /** Adds a statement to the key policy (rendered at synth). */
  public addToPolicy(statement: PolicyStatement): void {
    this.policy.addStatements(statement);
  }

  /** The key ARN. */
  public get keyArn(): string {
    return this.key.arn;
  }

  /** The key id (a Terraform reference). */
  public get keyId(): string {
    return this.key.keyId;
  }

  /** Unknown at synth: the key is created in the provider's region. */
  public get keyRegion(): string | undefined {
    return undefined;
  }
}
