import { Construct } from 'constructs';
import { assertTags, scheduleExpressionProblem } from '../core/aws-limits';
import { Token } from 'cdktf';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretPolicy } from '@cdktf/provider-aws/lib/secretsmanager-secret-policy';
import { SecretsmanagerSecretRotation } from '@cdktf/provider-aws/lib/secretsmanager-secret-rotation';
import { SECRET_MANAGEMENT_ACTIONS, SECRET_READ_ACTIONS, SECRET_VALUE_ACTIONS } from '../iam/access-policies';
import { assertRegion } from '../core/aws-identifiers';
import { describeValue, GuardrailError, invalidValue } from '../core/errors';
import { IKmsKeyReference } from '../kms/kms-key-reference';
import { assertPolicyKind, PolicyDocument } from '../iam/policy-document';
import { secretsManagerViaService } from '../iam/policy-conditions';
import { PolicyStatement } from '../iam/policy-statement';
import { validatePolicyDocument } from '../iam/policy-validation';
import { terraformLiteral, terraformLiteralMap } from '../core/terraform-literal';

/** An IAM role ARN without wildcards: `arn:<partition>:iam::<account>:role/<path/name>`. */
export const IAM_ROLE_ARN_PATTERN = /^arn:[a-z-]+:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]+$/;

/**
 * Automatic rotation of a secret by a rotation Lambda. The Lambda's own calls (GetSecretValue,
 * PutSecretValue, UpdateSecretVersionStage) are not "via AWS service", so the secret policy must let
 * its execution role make them: with the admin/app model, run the Lambda in the admin VPC and build
 * the policy with `secretPolicy(model, { rotationRoleArns: [roleArn] })`. Secrets Manager also needs
 * `lambda:InvokeFunction` on the function (its resource policy; not managed here).
 */
export interface SecretRotationOptions {
  /** ARN of the rotation function. */
  readonly lambdaArn: string;
  /**
   * Execution role of the rotation function (an IAM role ARN, no wildcards), the principal the
   * secret policy has to admit (see `secretPolicy`'s `rotationRoleArns`). Recorded as
   * {@link ProtectedSecret.rotationRoleArn}; the policy itself is whatever `policy` says.
   * @default - none: the policy you give must already let the function read and write the value
   */
  readonly roleArn?: string;
  /** Rotate every N days (1–1000). @default 30 (unless scheduleExpression is given) */
  readonly automaticallyAfterDays?: number;
  /** `rate()` or `cron()` schedule instead of a day count, in Secrets Manager's grammar (`rate(12 hours)`, `cron(0 4 ? * MON *)`). @default - none */
  readonly scheduleExpression?: string;
}

/** Props of a {@link ProtectedSecret}. */
export interface ProtectedSecretProps {
  /** Secret name, e.g. `app/db-password`. */
  readonly name: string;
  /** Description. @default - none */
  readonly description?: string;
  /**
   * The customer-managed KMS key that encrypts the secret: a {@link CustomerManagedKey}, or a key
   * created elsewhere, `CustomerManagedKey.fromKeyArn(scope, id, keyArn)`. Required: the AWS managed
   * key cannot be restricted by a key policy.
   */
  readonly kmsKey: IKmsKeyReference;
  /**
   * Region the secret is created in (the provider's), for the `kms:ViaService` condition of
   * {@link ProtectedSecret.grantRead} and {@link ProtectedSecret.grantManage}.
   * @default - the region of `kmsKey` when it was imported from a literal ARN; otherwise the grants ask for it
   */
  readonly region?: string;
  /** Resource policy, a `PolicyDocument<'resource'>` such as `secretPolicy(model)`; statements can be added later with `addToPolicy`. */
  readonly policy: PolicyDocument<'resource'>;
  /** Days a deleted secret can be restored, 7–30. @default 30 */
  readonly recoveryWindowInDays?: number;
  /** Rotation by a Lambda. @default - no rotation until you give a rotation Lambda */
  readonly rotation?: SecretRotationOptions;
  /** Tags. @default - none */
  readonly tags?: Record<string, string>;
}

/** Characters and length Secrets Manager accepts in a secret name. */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/**
 * A Secrets Manager secret encrypted with a customer-managed key, with a resource policy that
 * blocks public access, a 30-day recovery window and `prevent_destroy`.
 */
export class ProtectedSecret extends Construct {
  public readonly secret: SecretsmanagerSecret;
  public readonly secretPolicy: SecretsmanagerSecretPolicy;
  public readonly rotation?: SecretsmanagerSecretRotation;
  public readonly policy: PolicyDocument<'resource'>;
  public readonly name: string;
  /** The key that encrypts the secret. */
  public readonly kmsKey: IKmsKeyReference;
  /** Region of the secret, when known at synth (`region`, or the region of an imported key). */
  public readonly region?: string;
  /** The rotation function's execution role, when `rotation.roleArn` was given. */
  public readonly rotationRoleArn?: string;

  constructor(scope: Construct, id: string, props: ProtectedSecretProps) {
    super(scope, id);
    assertTags(props.tags);
    if (!SECRET_NAME_PATTERN.test(props.name) || /-[A-Za-z0-9]{6}$/.test(props.name)) {
      throw invalidValue(
        'PLS_SECRET_NAME',
        'name',
        props.name,
        '1–512 of A-Z a-z 0-9 / _ + = . @ -, not ending in a hyphen and six characters (that looks like an ARN suffix)',
      );
    }
    const legacyArn = (props as { kmsKeyArn?: unknown }).kmsKeyArn;
    if (legacyArn !== undefined) {
      throw invalidValue(
        'PLS_SECRET_NO_CMK',
        'kmsKeyArn',
        legacyArn,
        'nothing: kmsKeyArn was replaced by kmsKey, which takes the key: a CustomerManagedKey, or CustomerManagedKey.fromKeyArn(scope, id, keyArn) for a key created elsewhere',
      );
    }
    const kmsKey: unknown = props.kmsKey;
    if (typeof kmsKey !== 'object' || kmsKey === null || typeof (kmsKey as { keyArn?: unknown }).keyArn !== 'string') {
      throw invalidValue(
        'PLS_SECRET_NO_CMK',
        'kmsKey',
        typeof kmsKey === 'object' && kmsKey !== null ? `an object without keyArn` : kmsKey,
        'a customer-managed KMS key (a CustomerManagedKey, or CustomerManagedKey.fromKeyArn(scope, id, keyArn)): the AWS managed key cannot be locked to your endpoints',
      );
    }
    if (props.region !== undefined) assertRegion(props.region, 'region');
    if (props.region !== undefined && props.kmsKey.keyRegion !== undefined && props.region !== props.kmsKey.keyRegion) {
      throw invalidValue(
        'PLS_SECRET_KEY_REGION',
        'region',
        props.region,
        `the region of kmsKey (${props.kmsKey.keyRegion}): Secrets Manager encrypts only with a key of the secret's own region`,
      );
    }
    const recoveryWindowInDays = props.recoveryWindowInDays ?? 30;
    if (!Number.isInteger(recoveryWindowInDays) || recoveryWindowInDays < 7 || recoveryWindowInDays > 30) {
      throw invalidValue(
        'PLS_SECRET_RECOVERY_WINDOW',
        'recoveryWindowInDays',
        recoveryWindowInDays,
        'a whole number of days from 7 to 30 (0, immediate deletion, is not allowed)',
      );
    }
    assertPolicyKind(props.policy, 'resource', 'policy');
    this.name = props.name;
    this.kmsKey = props.kmsKey;
    this.region = props.region ?? props.kmsKey.keyRegion;
    this.policy = props.policy;
    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: terraformLiteral(props.name),
      description: terraformLiteral(props.description),
      kmsKeyId: props.kmsKey.keyArn,
      recoveryWindowInDays,
      tags: terraformLiteralMap(props.tags),
      lifecycle: { preventDestroy: true },
    });
    this.secretPolicy = new SecretsmanagerSecretPolicy(this, 'policy', {
      secretArn: this.secret.arn,
      policy: this.policy.lazyJson(),
      blockPublicPolicy: true,
    });
    if (props.rotation) {
      const r = props.rotation;
      if (r.automaticallyAfterDays !== undefined && r.scheduleExpression !== undefined) {
        throw new GuardrailError('PLS_SECRET_ROTATION', 'rotation', 'found both automaticallyAfterDays and scheduleExpression; give one');
      }
      if (r.roleArn !== undefined && !Token.isUnresolved(r.roleArn) && !IAM_ROLE_ARN_PATTERN.test(r.roleArn)) {
        throw invalidValue(
          'PLS_SECRET_ROTATION_ROLE',
          'rotation.roleArn',
          r.roleArn,
          'the IAM role ARN of the rotation function, such as "arn:aws:iam::111122223333:role/db-rotation" (no wildcards: the secret policy exempts it by ARN)',
        );
      }
      const scheduleProblem =
        r.scheduleExpression !== undefined && !Token.isUnresolved(r.scheduleExpression) ? scheduleExpressionProblem(r.scheduleExpression) : undefined;
      if (scheduleProblem)
        throw new GuardrailError(
          'PLS_SECRET_ROTATION_SCHEDULE',
          'rotation.scheduleExpression',
          `found ${describeValue(r.scheduleExpression)}; ${scheduleProblem}`,
        );
      this.rotationRoleArn = r.roleArn;
      this.rotation = new SecretsmanagerSecretRotation(this, 'rotation', {
        secretId: this.secret.id,
        rotationLambdaArn: terraformLiteral(r.lambdaArn),
        rotationRules: r.scheduleExpression
          ? { scheduleExpression: terraformLiteral(r.scheduleExpression) }
          : { automaticallyAfterDays: r.automaticallyAfterDays ?? 30 },
      });
    }
    this.node.addValidation({
      validate: () =>
        this.policy.isEmpty
          ? [`[PLS_POLICY_EMPTY] ${this.node.path}: secret policy has no statements`]
          : validatePolicyDocument(this.policy, `${this.node.path}.policy`, this),
    });
  }

  /** Adds a statement to the secret's resource policy (rendered at synth). */
  public addToPolicy(statement: PolicyStatement): void {
    this.policy.addStatements(statement);
  }

  /** The secret ARN. */
  public get secretArn(): string {
    return this.secret.arn;
  }

  /**
   * Reader grant: the identity-policy statements a principal needs to read the secret's value
   * (attach them to its role with a `PolicyDocument` of kind `identity`). `GetSecretValue` and
   * `DescribeSecret` on this secret only, and `kms:Decrypt` on its key only when Secrets Manager of
   * the secret's region asks for this secret (`kms:ViaService` and the encryption context
   * `kms:EncryptionContext:SecretARN`, as AWS documents). The secret policy still decides where
   * from: with `secretPolicy(model)`, only through the app VPC's Secrets Manager endpoint.
   */
  public grantRead(): PolicyStatement[] {
    return [
      new PolicyStatement({ actions: [...SECRET_VALUE_ACTIONS, 'secretsmanager:DescribeSecret'], resources: [this.secretArn] }),
      this.keyViaSecretsManager(['kms:Decrypt'], 'grantRead'),
    ];
  }

  /**
   * Administrator grant: the identity-policy statements for the management actions of the access
   * model (`SECRET_MANAGEMENT_ACTIONS`: Put*, Update*, Delete*, Restore*, rotation, tags,
   * replication) and the metadata reads (`SECRET_READ_ACTIONS`) on this secret only, plus
   * `kms:GenerateDataKey` and `kms:Decrypt` on its key when Secrets Manager asks for this secret (a
   * new value is encrypted under a fresh data key). No `GetSecretValue`: administrators write values,
   * they do not read them. The secret policy still decides where from: with `secretPolicy(model)`,
   * only from the admin VPC (or as an exempt principal).
   */
  public grantManage(): PolicyStatement[] {
    return [
      new PolicyStatement({ actions: [...SECRET_MANAGEMENT_ACTIONS, ...SECRET_READ_ACTIONS], resources: [this.secretArn] }),
      this.keyViaSecretsManager(['kms:Decrypt', 'kms:GenerateDataKey'], 'grantManage'),
    ];
  }

  private keyViaSecretsManager(actions: readonly string[], grant: string): PolicyStatement {
    if (this.region === undefined) {
      throw invalidValue(
        'PLS_GRANT_REGION',
        `${this.node.path}.region`,
        undefined,
        `the secret's region for ${grant}() (its kms:ViaService is secretsmanager.<region>.<DNS suffix>): set region on the ProtectedSecret`,
      );
    }
    return new PolicyStatement({
      actions,
      resources: [this.kmsKey.keyArn],
      conditions: {
        StringEquals: { 'kms:ViaService': secretsManagerViaService(this.region), 'kms:EncryptionContext:SecretARN': this.secretArn },
      },
    });
  }
}
