import { Construct, IConstruct } from 'constructs';
import { assertTags } from '../core/aws-limits';
import { Token } from 'cdktf';
import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { accountRoot } from '../iam/access-policies';
import { arn, assertArnInPartition, assertResourceId, partitionOf, EnvironmentScope } from '../core/aws-identifiers';
import { CustomerManagedKey } from '../kms/customer-managed-key';
import { invalidValue } from '../core/errors';
import { IKmsKeyReference } from '../kms/kms-key-reference';
import { LOG_RETENTION_DAYS } from './log-retention';

export { LOG_RETENTION_DAYS };
import { OutsideEndpointFilterProps, planOutsideEndpointFilters, PlannedFilter, WatchedKey } from './outside-endpoint-filter';
import { PolicyDocument } from '../iam/policy-document';
import { PolicyStatement } from '../iam/policy-statement';
import { validatePolicyDocument } from '../iam/policy-validation';
import { terraformLiteral, terraformLiteralMap } from '../core/terraform-literal';

/** Props of an {@link AuditTrail}. */
export interface AuditTrailProps extends EnvironmentScope {
  /** Base name of the trail, its bucket, log group, key alias, role, topic and alarm: 3–53 of a-z 0-9 "-", starting with a letter. @default 'privatelink-audit' */
  readonly name?: string;
  /** Use an existing trail's CloudWatch Logs group instead of creating a trail, bucket and log group. @default - a trail is created */
  readonly existingLogGroupName?: string;
  /** Name of the trail's S3 bucket (created trail only). @default - `<name>-<accountId>-<region>` */
  readonly bucketName?: string;
  /** Retention of the trail's log group, in days, one of {@link LOG_RETENTION_DAYS} (created trail only). @default 365 */
  readonly logRetentionInDays?: number;
  /** The environment's interface endpoint ids (admin and app): calls through these are expected. */
  readonly endpointIds: readonly string[];
  /**
   * The admin VPC's endpoint ids: key or secret management made by another service on a caller's
   * behalf (CloudFormation forward access sessions, …) is counted unless it came through one of these.
   * @default - none: every such management call is counted
   */
  readonly adminEndpointIds?: readonly string[];
  /** Names of the secrets to watch. @default - none */
  readonly secretNames?: readonly string[];
  /**
   * Keys to watch: the keys themselves (a {@link CustomerManagedKey}, or `CustomerManagedKey.fromKeyArn(…)`
   * for a key of another app), or their ARN, id and alias as a {@link WatchedKey}.
   * @default - none
   */
  readonly keys?: readonly (IKmsKeyReference | WatchedKey)[];
  /** Roles whose calls are not counted (for example the deploy role, when Terraform runs outside the VPCs). @default - none */
  readonly ignoredRoleArns?: readonly string[];
  /** Create a KMS-encrypted SNS topic for the alarm. @default - true unless `alarmActionArns` are given */
  readonly createTopic?: boolean;
  /** Further alarm actions, e.g. an existing SNS topic ARN. @default - none */
  readonly alarmActionArns?: readonly string[];
  /** Namespace of the metric the filters publish. @default - `PrivateLinkSecrets/<name>` */
  readonly metricNamespace?: string;
  /** Tags. @default - none (the provider's default tags still apply) */
  readonly tags?: Record<string, string>;
}

/** A watched key as the filters need it: its ARN, id and (when known) alias. */
function watchedKeyOf(key: IKmsKeyReference | WatchedKey): WatchedKey {
  if ('keyArn' in key) return { arn: key.keyArn, keyId: key.keyId, ...(key.alias !== undefined ? { alias: key.alias } : {}) };
  return key;
}

/** Name of the metric the filters publish (one count per matching call). */
export const OUTSIDE_ENDPOINT_METRIC = 'CallsOutsideEndpoints';

const NAME = /^[a-z][a-z0-9-]{2,52}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const LOG_GROUP = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const ROLE_ARN = /^arn:[a-z-]+:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]+$/;

/**
 * Audit of endpoint use, as both AWS guides end: CloudTrail records `vpcEndpointId` for calls
 * through an interface endpoint. Either creates a trail (multi-region, log file validation,
 * encrypted with its own customer-managed key) that delivers to a private, versioned, SSE-KMS S3
 * bucket writable only by this trail, and to a KMS-encrypted CloudWatch Logs group; or uses the log
 * group of an existing trail. Then metric filters count Secrets Manager and KMS calls on the
 * watched secrets and keys that the access model denies (see {@link planOutsideEndpointFilters}:
 * direct calls not through the environment's endpoints, management by another service for a caller
 * outside the admin VPC, key usage via any service but Secrets Manager), and an alarm (optionally
 * with a KMS-encrypted SNS topic) fires on the first one.
 */
export class AuditTrail extends Construct {
  public readonly name: string;
  /** The audit key (trail, bucket, log group, topic); absent with an existing log group and no topic. */
  public readonly key?: CustomerManagedKey;
  public readonly trail?: Cloudtrail;
  public readonly bucket?: S3Bucket;
  public readonly bucketPolicy?: PolicyDocument;
  public readonly logGroup?: CloudwatchLogGroup;
  public readonly deliveryRole?: IamRole;
  public readonly topic?: SnsTopic;
  public readonly metricFilters: CloudwatchLogMetricFilter[] = [];
  public readonly alarm?: CloudwatchMetricAlarm;
  /** Name of the log group the filters read. */
  public readonly logGroupName: string;
  /** The filters as planned (pattern, longest length once references resolve, what each watches). */
  public readonly plannedFilters: readonly PlannedFilter[];
  /** ARN of the trail, known before apply (it is built from the name). */
  public readonly trailArn?: string;
  /** The bucket policy, delivery role and role policy, and the document of each, which this construct validates itself. */
  private readonly validatedPolicies = new Map<IConstruct, PolicyDocument>();

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    assertTags(props.tags);
    const name = props.name ?? 'privatelink-audit';
    if (!NAME.test(name)) throw invalidValue('PLS_AUDIT_NAME', 'audit.name', name, '3–53 of a-z 0-9 "-", starting with a letter');
    this.name = name;
    const createTrail = props.existingLogGroupName === undefined;
    if (!createTrail) {
      if (!LOG_GROUP.test(props.existingLogGroupName!)) {
        throw invalidValue('PLS_AUDIT_LOG_GROUP', 'audit.existingLogGroupName', props.existingLogGroupName, 'a log group name: 1–512 of A-Z a-z 0-9 . - _ / #');
      }
      for (const field of ['bucketName', 'logRetentionInDays'] as const) {
        if (props[field] !== undefined) {
          throw invalidValue(
            `PLS_AUDIT_OPTION_CONFLICT`,
            `audit.${field}`,
            props[field],
            'nothing with existingLogGroupName: the trail, bucket and log group are not created',
          );
        }
      }
    }
    const bucketName = props.bucketName ?? `${name}-${props.accountId}-${props.region}`;
    if (createTrail && (!BUCKET.test(bucketName) || bucketName.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucketName))) {
      throw invalidValue(
        'PLS_AUDIT_BUCKET_NAME',
        'audit.bucketName',
        bucketName,
        `an S3 bucket name: 3–63 of a-z 0-9 . -, starting and ending with a letter or digit${props.bucketName ? '' : ' (the default is too long: set bucketName)'}`,
      );
    }
    const retention = props.logRetentionInDays ?? 365;
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) {
      throw invalidValue('PLS_AUDIT_RETENTION', 'audit.logRetentionInDays', retention, `one of ${LOG_RETENTION_DAYS.join(', ')}`);
    }
    props.endpointIds.forEach((e, i) => {
      if (!Token.isUnresolved(e)) assertResourceId('vpce', e, `audit.endpointIds[${i}]`);
    });
    props.adminEndpointIds?.forEach((e, i) => {
      if (!Token.isUnresolved(e)) assertResourceId('vpce', e, `audit.adminEndpointIds[${i}]`);
    });
    props.ignoredRoleArns?.forEach((r, i) => {
      assertArnInPartition(r, props.partition, `audit.ignoredRoleArns[${i}]`);
      if (!ROLE_ARN.test(r))
        throw invalidValue('PLS_AUDIT_IGNORED_ROLE', `audit.ignoredRoleArns[${i}]`, r, 'an IAM role ARN "arn:<partition>:iam::<account>:role/<name>"');
    });
    props.alarmActionArns?.forEach((a, i) => {
      if (!Token.isUnresolved(a)) assertArnInPartition(a, props.partition, `audit.alarmActionArns[${i}]`);
    });
    const createTopic = props.createTopic ?? !props.alarmActionArns?.length;

    this.plannedFilters = planOutsideEndpointFilters({
      partition: props.partition,
      region: props.region,
      accountId: props.accountId,
      endpointIds: props.endpointIds,
      adminEndpointIds: props.adminEndpointIds,
      secretNames: props.secretNames ?? [],
      keys: (props.keys ?? []).map(watchedKeyOf),
      ignoredRoleArns: props.ignoredRoleArns,
    } satisfies OutsideEndpointFilterProps);

    this.logGroupName = props.existingLogGroupName ?? `/aws/cloudtrail/${name}`;
    const trailArn = arn({ partition: props.partition, service: 'cloudtrail', region: props.region, account: props.accountId, resource: `trail/${name}` });
    if (createTrail) this.trailArn = trailArn;

    if (createTrail || createTopic) {
      this.key = new CustomerManagedKey(this, 'key', {
        alias: `alias/${name}`,
        description: `Encrypts the ${name} audit trail, its log group and alarm topic`,
        policy: auditKeyPolicy({
          partition: props.partition,
          region: props.region,
          accountId: props.accountId,
          trailArn: createTrail ? trailArn : undefined,
          logGroupName: createTrail ? this.logGroupName : undefined,
          alarmTopic: createTopic,
        }),
        tags: terraformLiteralMap(props.tags),
      });
    }

    if (createTrail) {
      const key = this.key!;
      this.bucket = new S3Bucket(this, 'bucket', {
        bucket: bucketName,
        forceDestroy: false,
        tags: terraformLiteralMap(props.tags),
        lifecycle: { preventDestroy: true },
      });
      const publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
        bucket: this.bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      new S3BucketOwnershipControls(this, 'ownership', { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
      new S3BucketVersioningA(this, 'versioning', { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } });
      new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
        bucket: this.bucket.id,
        rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.keyArn }, bucketKeyEnabled: true }],
      });
      this.bucketPolicy = trailBucketPolicy({ bucketArn: this.bucket.arn, accountId: props.accountId, trailArn });
      const bucketPolicy = new S3BucketPolicy(this, 'bucket-policy', {
        bucket: this.bucket.id,
        policy: this.bucketPolicy.lazyJson(),
        dependsOn: [publicAccessBlock],
      });

      this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
        name: this.logGroupName,
        retentionInDays: retention,
        kmsKeyId: key.keyArn,
        tags: terraformLiteralMap(props.tags),
      });
      // A trust policy: IAM refuses a Resource in it (MalformedPolicyDocument at CreateRole).
      const trustPolicy = new PolicyDocument({
        kind: 'trust',
        statements: [
          new PolicyStatement({
            sid: 'CloudTrailOfThisTrail',
            principal: { Service: ['cloudtrail.amazonaws.com'] },
            actions: ['sts:AssumeRole'],
            conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
          }),
        ],
      });
      const deliveryPolicy = new PolicyDocument({
        kind: 'identity',
        statements: [
          new PolicyStatement({
            sid: 'DeliverToTrailLogGroup',
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            resources: [`${this.logGroup.arn}:log-stream:*`],
          }),
        ],
      });
      this.deliveryRole = new IamRole(this, 'delivery-role', {
        name: `${name}-trail-logs`,
        description: `CloudTrail trail ${name} delivers to log group ${this.logGroupName}`,
        assumeRolePolicy: trustPolicy.lazyJson(),
        tags: terraformLiteralMap(props.tags),
      });
      const rolePolicy = new IamRolePolicy(this, 'delivery-policy', {
        name: 'deliver-to-log-group',
        role: this.deliveryRole.id,
        policy: deliveryPolicy.lazyJson(),
      });
      this.trail = new Cloudtrail(this, 'trail', {
        name,
        s3BucketName: this.bucket.id,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        enableLogging: true,
        kmsKeyId: key.keyArn,
        cloudWatchLogsGroupArn: `${this.logGroup.arn}:*`,
        cloudWatchLogsRoleArn: this.deliveryRole.arn,
        // Management events, read and write: GetSecretValue, Decrypt and GenerateDataKey are read events.
        eventSelector: [{ readWriteType: 'All', includeManagementEvents: true }],
        tags: terraformLiteralMap(props.tags),
        dependsOn: [bucketPolicy, rolePolicy],
      });
      this.validatedPolicies.set(bucketPolicy, this.bucketPolicy).set(this.deliveryRole, trustPolicy).set(rolePolicy, deliveryPolicy);
      this.node.addValidation({
        validate: () => [
          ...validatePolicyDocument(this.bucketPolicy!, `${this.node.path}.bucketPolicy`),
          ...validatePolicyDocument(trustPolicy, `${this.node.path}.deliveryRole.assumeRolePolicy`),
          ...validatePolicyDocument(deliveryPolicy, `${this.node.path}.deliveryRole.policy`),
        ],
      });
    }

    if (createTopic) {
      this.topic = new SnsTopic(this, 'topic', { name: `${name}-alarms`, kmsMasterKeyId: this.key!.keyArn, tags: terraformLiteralMap(props.tags) });
    }

    const namespace = terraformLiteral(props.metricNamespace ?? `PrivateLinkSecrets/${name}`);
    const filtersOfKind = new Map<string, number>();
    this.plannedFilters.forEach((filter) => {
      const n = (filtersOfKind.get(filter.kind) ?? 0) + 1;
      filtersOfKind.set(filter.kind, n);
      this.metricFilters.push(
        new CloudwatchLogMetricFilter(this, `${filter.kind}-${n}`, {
          name: `${name}-${filter.kind}-${n}`,
          logGroupName: this.logGroup ? this.logGroup.name : terraformLiteral(this.logGroupName),
          pattern: terraformLiteral(filter.pattern),
          metricTransformation: { name: OUTSIDE_ENDPOINT_METRIC, namespace, value: '1', defaultValue: '0', unit: 'Count' },
        }),
      );
    });
    if (this.metricFilters.length) {
      const actions = [...(this.topic ? [this.topic.arn] : []), ...(props.alarmActionArns ?? []).map((a) => terraformLiteral(a))];
      this.alarm = new CloudwatchMetricAlarm(this, 'alarm', {
        alarmName: `${name}-calls-outside-endpoints`,
        alarmDescription:
          'Secrets Manager or KMS calls on the environment secrets and keys that the access model denies: direct calls not through its VPC endpoints (CloudTrail vpcEndpointId absent or another endpoint), key or secret management by another AWS service for a caller (userIdentity.invokedBy) outside the admin VPC, key usage via any service but Secrets Manager. Run `npm run audit` on the trail logs to see which.',
        namespace,
        metricName: OUTSIDE_ENDPOINT_METRIC,
        statistic: 'Sum',
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: actions.length ? actions : undefined,
        tags: terraformLiteralMap(props.tags),
      });
    }
  }

  /** The policy document of `resource` (the bucket policy, delivery role or role policy) that this trail validates at synth, if it is one of them. */
  public validatedPolicyOf(resource: IConstruct): PolicyDocument | undefined {
    return this.validatedPolicies.get(resource);
  }
}

/** Inputs of {@link auditKeyPolicy}. */
export interface AuditKeyPolicyProps extends EnvironmentScope {
  /** The trail that encrypts log files with the key. @default - no CloudTrail statements */
  readonly trailArn?: string;
  /** The log group encrypted with the key. @default - no CloudWatch Logs statement */
  readonly logGroupName?: string;
  /** Whether CloudWatch alarms publish to a topic encrypted with the key. @default false */
  readonly alarmTopic?: boolean;
}

/**
 * Key policy of the audit key: the account delegates to IAM; CloudTrail may encrypt log files for
 * this trail only (`aws:SourceArn`); CloudWatch Logs may use it for this log group only (encryption
 * context); CloudWatch alarms may publish to the encrypted topic.
 */
export function auditKeyPolicy(props: AuditKeyPolicyProps): PolicyDocument<'key'> {
  const doc = new PolicyDocument({
    kind: 'key',
    statements: [new PolicyStatement({ sid: 'EnableIamPolicies', principal: { AWS: [accountRoot(props.partition, props.accountId)] }, actions: ['kms:*'] })],
  });
  if (props.trailArn) {
    const anyTrailOfAccount = arn({ partition: props.partition, service: 'cloudtrail', region: '*', account: props.accountId, resource: 'trail/*' });
    doc.addStatements(
      new PolicyStatement({
        sid: 'AllowCloudTrailToEncryptLogs',
        principal: { Service: ['cloudtrail.amazonaws.com'] },
        actions: ['kms:GenerateDataKey*'],
        conditions: {
          StringEquals: { 'aws:SourceArn': props.trailArn },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': anyTrailOfAccount },
        },
      }),
      new PolicyStatement({
        sid: 'AllowCloudTrailToDescribeKey',
        principal: { Service: ['cloudtrail.amazonaws.com'] },
        actions: ['kms:DescribeKey'],
        conditions: { StringEquals: { 'aws:SourceArn': props.trailArn } },
      }),
    );
  }
  if (props.logGroupName) {
    const logGroupArn = arn({
      partition: props.partition,
      service: 'logs',
      region: props.region,
      account: props.accountId,
      resource: `log-group:${props.logGroupName}`,
    });
    doc.addStatements(
      new PolicyStatement({
        sid: 'AllowCloudWatchLogsForTrailLogGroup',
        principal: { Service: [`logs.${props.region}.${partitionOf(props.region).dnsSuffix}`] },
        actions: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn } },
      }),
    );
  }
  if (props.alarmTopic) {
    doc.addStatements(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishToTopic',
        principal: { Service: ['cloudwatch.amazonaws.com'] },
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
  }
  return doc;
}

/**
 * Bucket policy of the trail bucket: CloudTrail may read the bucket ACL and write log files under
 * `AWSLogs/<account>/`, for this trail only (`aws:SourceArn`); every request without TLS is denied.
 */
export function trailBucketPolicy(props: { bucketArn: string; accountId: string; trailArn: string }): PolicyDocument {
  const fromTrail = { StringEquals: { 'aws:SourceArn': props.trailArn } };
  return new PolicyDocument({
    kind: 'resource',
    statements: [
      new PolicyStatement({
        sid: 'AllowCloudTrailAclCheck',
        principal: { Service: ['cloudtrail.amazonaws.com'] },
        actions: ['s3:GetBucketAcl'],
        resources: [props.bucketArn],
        conditions: fromTrail,
      }),
      new PolicyStatement({
        sid: 'AllowCloudTrailWrite',
        principal: { Service: ['cloudtrail.amazonaws.com'] },
        actions: ['s3:PutObject'],
        resources: [`${props.bucketArn}/AWSLogs/${props.accountId}/*`],
        conditions: { StringEquals: { 'aws:SourceArn': props.trailArn, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
      new PolicyStatement({
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principal: '*',
        actions: ['s3:*'],
        resources: [props.bucketArn, `${props.bucketArn}/*`],
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    ],
  });
}
