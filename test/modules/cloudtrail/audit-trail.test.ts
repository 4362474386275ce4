import { Testing, TerraformStack } from 'cdktf';
import { AuditTrail, AuditTrailProps } from '../../../modules/cloudtrail/audit-trail';
import { classifyRecord, CloudTrailRecord } from '../../../modules/cloudtrail/cloudtrail-audit';
import { matchesFilter, MAX_FILTER_PATTERN_LENGTH, parseFilterPattern } from '../../../modules/cloudtrail/metric-filter-pattern';
import { KEY_MANAGEMENT_EVENT_NAMES } from '../../../modules/cloudtrail/outside-endpoint-filter';
import { buildStacks } from '../../../stacks/build-app';
import { ConfigError, parseConfig } from '../../../stacks/config';
import { onlyResource, policyOf, resourcesOf, synthJson, testStack, TfJson } from '../../helpers/assertions';
import { defaultConfigJson, exampleConfigJson } from '../../helpers/configs';
import { GUIDE_KMS, GUIDE_SECRETS_MANAGER, guideRecord, makeRecord } from '../../helpers/cloudtrail-records';

const TRAIL_ARN = 'arn:aws:cloudtrail:us-west-2:111122223333:trail/privatelink-audit';
/** Ids the synthesized references stand for in the pattern tests: the app endpoints are the guides' own. */
const APP_SM = 'vpce-1234a5678b9012c';
const APP_KMS = 'vpce-0295a3caf8414c94a';
const ADMIN_SM = 'vpce-0aaaaaaaaaaaaaaaa';
const ADMIN_KMS = 'vpce-0bbbbbbbbbbbbbbbb';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:us-west-2:111122223333:key/${KEY_ID}`;
const SECRET_ARN = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:app/db-password-AbCdEf';

/** Synthesizes every stack of a raw config (cross-stack references prepared, as App.synth does). */
function synthConfig(raw: unknown): Record<string, TfJson> {
  const built = buildStacks(Testing.app(), parseConfig(raw, 'test config'));
  const all = built.flatMap((s) => [s.app, s.admin]);
  all.forEach((s) => s.prepareStack());
  return Object.fromEntries(all.map((s) => [s.node.id, JSON.parse(Testing.synth(s, true)) as TfJson]));
}

function auditConfig(audit: Record<string, unknown>, edit: (env: any) => void = () => undefined): any {
  const raw = defaultConfigJson();
  raw.environments[0].audit = audit;
  edit(raw.environments[0]);
  return raw;
}

/** Replaces the references in a synthesized pattern with the ids above, as if the stacks were applied. */
function resolvePattern(pattern: string): string {
  return pattern.replace(/\$\{([^}]*)\}/g, (_, expression: string) => {
    const remote = expression.includes('terraform_remote_state');
    if (expression.includes('secretsmanager_endpoint')) return remote ? APP_SM : ADMIN_SM;
    if (expression.includes('kms_endpoint')) return remote ? APP_KMS : ADMIN_KMS;
    if (/^aws_kms_key\.key-app-data_key_[A-Z0-9]+\.arn$/.test(expression)) return KEY_ARN;
    if (/^aws_kms_key\.key-app-data_key_[A-Z0-9]+\.key_id$/.test(expression)) return KEY_ID;
    throw new Error(`unexpected reference \${${expression}} in the pattern`);
  });
}

/** A stack holding only an AuditTrail, for option and guardrail tests. */
function auditStack(props: Partial<AuditTrailProps> = {}): { stack: TerraformStack; audit: AuditTrail } {
  const stack = testStack();
  const audit = new AuditTrail(stack, 'audit', {
    partition: 'aws',
    region: 'us-west-2',
    accountId: '111122223333',
    endpointIds: [ADMIN_SM, ADMIN_KMS],
    secretNames: ['app/db-password'],
    keys: [{ arn: KEY_ARN, keyId: KEY_ID, alias: 'alias/app-data' }],
    ...props,
  });
  return { stack, audit };
}

describe('AuditTrail in the admin stack of stacks/config/audit.json', () => {
  const admin = synthConfig(exampleConfigJson('audit.json'))['admin-vpc'];
  const auditKey = Object.entries<TfJson>(admin.resource.aws_kms_key).find(([name]) => name.startsWith('audit_'))!;
  const auditKeyArn = `\${aws_kms_key.${auditKey[0]}.arn}`;
  const bucketName = Object.keys(admin.resource.aws_s3_bucket)[0];
  const bucketRef = (attribute: string) => `\${aws_s3_bucket.${bucketName}.${attribute}}`;
  const logGroupName = Object.keys(admin.resource.aws_cloudwatch_log_group)[0];

  it('GIVEN "audit": {} THEN the trail bucket is private: all four public access blocks on, ACLs disabled', () => {
    expect(onlyResource(admin, 'aws_s3_bucket')).toEqual(expect.objectContaining({ bucket: 'privatelink-audit-111122223333-us-west-2', force_destroy: false }));
    expect(onlyResource(admin, 'aws_s3_bucket_public_access_block')).toEqual(
      expect.objectContaining({
        bucket: bucketRef('id'),
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      }),
    );
    expect(onlyResource(admin, 'aws_s3_bucket_ownership_controls')).toEqual(expect.objectContaining({ rule: { object_ownership: 'BucketOwnerEnforced' } }));
  });

  it('GIVEN "audit": {} THEN the trail bucket is versioned and encrypted with SSE-KMS under the audit key', () => {
    expect(onlyResource(admin, 'aws_s3_bucket_versioning')).toEqual(
      expect.objectContaining({ bucket: bucketRef('id'), versioning_configuration: { status: 'Enabled' } }),
    );
    expect(onlyResource(admin, 'aws_s3_bucket_server_side_encryption_configuration')).toEqual(
      expect.objectContaining({
        bucket: bucketRef('id'),
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: auditKeyArn }, bucket_key_enabled: true }],
      }),
    );
  });

  it('GIVEN "audit": {} THEN the bucket policy lets only this trail (aws:SourceArn) read the ACL and write under AWSLogs/<account>/, and denies requests without TLS', () => {
    const policy = policyOf(onlyResource(admin, 'aws_s3_bucket_policy'));
    const allows = policy.Statement.filter((s: TfJson) => s.Effect === 'Allow');
    expect(allows.map((s: TfJson) => s.Action)).toEqual(['s3:GetBucketAcl', 's3:PutObject']);
    for (const s of allows) {
      expect(s.Principal).toEqual({ Service: 'cloudtrail.amazonaws.com' });
      expect(s.Condition.StringEquals['aws:SourceArn']).toBe(TRAIL_ARN);
    }
    expect(allows[0].Resource).toBe(bucketRef('arn'));
    expect(allows[1].Resource).toBe(`${bucketRef('arn')}/AWSLogs/111122223333/*`);
    expect(allows[1].Condition.StringEquals['s3:x-amz-acl']).toBe('bucket-owner-full-control');
    const denies = policy.Statement.filter((s: TfJson) => s.Effect === 'Deny');
    expect(denies).toEqual([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [bucketRef('arn'), `${bucketRef('arn')}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
    expect(onlyResource(admin, 'aws_s3_bucket_policy').bucket).toBe(bucketRef('id'));
  });

  it('GIVEN "audit": {} THEN the trail is multi-region with log file validation, KMS-encrypted, and delivers to the bucket and log group after the bucket policy exists', () => {
    const trail = onlyResource(admin, 'aws_cloudtrail');
    expect(trail).toEqual(
      expect.objectContaining({
        name: 'privatelink-audit',
        is_multi_region_trail: true,
        include_global_service_events: true,
        enable_log_file_validation: true,
        enable_logging: true,
        kms_key_id: auditKeyArn,
        s3_bucket_name: bucketRef('id'),
        cloud_watch_logs_group_arn: `\${aws_cloudwatch_log_group.${logGroupName}.arn}:*`,
        event_selector: [{ include_management_events: true, read_write_type: 'All' }],
      }),
    );
    expect(trail.cloud_watch_logs_role_arn).toMatch(/^\$\{aws_iam_role\.audit_delivery-role_[A-Z0-9]+\.arn\}$/);
    expect(trail.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_s3_bucket_policy\.audit_bucket-policy_/)]));
  });

  it('GIVEN "audit": {} THEN the audit key rotates, waits 30 days, cannot be destroyed, and lets CloudTrail encrypt for this trail only', () => {
    const key = auditKey[1];
    expect(key).toEqual(expect.objectContaining({ enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } }));
    const statements = Object.fromEntries(policyOf(key).Statement.map((s: TfJson) => [s.Sid, s]));
    expect(statements.EnableIamPolicies.Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:root' });
    expect(statements.AllowCloudTrailToEncryptLogs).toEqual(
      expect.objectContaining({
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'kms:GenerateDataKey*',
        Condition: {
          StringEquals: { 'aws:SourceArn': TRAIL_ARN },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:111122223333:trail/*' },
        },
      }),
    );
    expect(statements.AllowCloudWatchLogsForTrailLogGroup).toEqual(
      expect.objectContaining({
        Principal: { Service: 'logs.us-west-2.amazonaws.com' },
        Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-west-2:111122223333:log-group:/aws/cloudtrail/privatelink-audit' } },
      }),
    );
    expect(statements.AllowCloudWatchAlarmsToPublishToTopic.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
  });

  it('GIVEN "audit": {} THEN the log group is KMS-encrypted with a retention, and CloudTrail delivers to it through a role only this trail can assume', () => {
    expect(onlyResource(admin, 'aws_cloudwatch_log_group')).toEqual(
      expect.objectContaining({ name: '/aws/cloudtrail/privatelink-audit', kms_key_id: auditKeyArn, retention_in_days: 365 }),
    );
    const role = onlyResource(admin, 'aws_iam_role');
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
      }),
    ]);
    const rolePolicy = onlyResource(admin, 'aws_iam_role_policy');
    expect(JSON.parse(rolePolicy.policy).Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `\${aws_cloudwatch_log_group.${logGroupName}.arn}:log-stream:*`,
      }),
    ]);
  });

  it('GIVEN "audit": {} THEN the metric filters read the trail log group and the alarm watches exactly the one metric they publish, notifying a KMS-encrypted topic', () => {
    const filters = resourcesOf(admin, 'aws_cloudwatch_log_metric_filter');
    const alarm = onlyResource(admin, 'aws_cloudwatch_metric_alarm');
    const topic = onlyResource(admin, 'aws_sns_topic');
    expect(filters.length).toBeGreaterThan(1);
    for (const filter of filters) {
      expect(filter.log_group_name).toBe(`\${aws_cloudwatch_log_group.${logGroupName}.name}`);
      expect(filter.metric_transformation).toEqual(expect.objectContaining({ value: '1', default_value: '0' }));
      expect(alarm).toEqual(
        expect.objectContaining({
          metric_name: filter.metric_transformation.name,
          namespace: filter.metric_transformation.namespace,
          statistic: 'Sum',
          threshold: 1,
          comparison_operator: 'GreaterThanOrEqualToThreshold',
          evaluation_periods: 1,
          treat_missing_data: 'notBreaching',
        }),
      );
    }
    const topicName = Object.keys(admin.resource.aws_sns_topic)[0];
    expect(alarm.alarm_actions).toEqual([`\${aws_sns_topic.${topicName}.arn}`]);
    expect(topic.kms_master_key_id).toBe(auditKeyArn);
    expect(Object.keys(admin.output)).toEqual(
      expect.arrayContaining(['audit_trail_arn', 'audit_bucket', 'audit_log_group_name', 'audit_alarm_name', 'audit_topic_arn']),
    );
  });

  it('GIVEN the synthesized patterns THEN each parses and is within 1,024 characters even with the longest ids; direct calls name every endpoint, management by a service only the admin ones', () => {
    const filters = Object.fromEntries(
      Object.entries<TfJson>(admin.resource.aws_cloudwatch_log_metric_filter).map(([, f]) => [f.name as string, resolvePattern(f.pattern)]),
    );
    expect(Object.keys(filters).sort()).toEqual([
      'privatelink-audit-outside-endpoints-1',
      'privatelink-audit-service-key-management-1',
      'privatelink-audit-service-key-usage-1',
      'privatelink-audit-service-secret-management-1',
    ]);
    for (const resolved of Object.values(filters)) {
      expect(() => parseFilterPattern(resolved)).not.toThrow();
      expect(Buffer.byteLength(resolved)).toBeLessThanOrEqual(MAX_FILTER_PATTERN_LENGTH);
    }
    for (const id of [APP_SM, APP_KMS, ADMIN_SM, ADMIN_KMS]) expect(filters['privatelink-audit-outside-endpoints-1']).toContain(`$.vpcEndpointId != "${id}"`);
    for (const kind of ['secret', 'key']) {
      const management = filters[`privatelink-audit-service-${kind}-management-1`];
      for (const id of [ADMIN_SM, ADMIN_KMS]) expect(management).toContain(`$.vpcEndpointId != "${id}"`);
      for (const id of [APP_SM, APP_KMS]) expect(management).not.toContain(id);
    }
    expect(filters['privatelink-audit-service-key-usage-1']).toContain('$.userIdentity.invokedBy != "secretsmanager.*"');
    const stacks = buildStacks(Testing.app(), parseConfig(exampleConfigJson('audit.json'), 'audit.json'));
    const planned = stacks[0].admin.audit!.plannedFilters;
    expect(planned.map((f) => [f.kind, f.watches])).toEqual([
      ['outside-endpoints', ['secret app/db-password', 'key alias/app-data']],
      ['service-secret-management', ['secret app/db-password']],
      ['service-key-management', ['key alias/app-data']],
      ['service-key-usage', ['key alias/app-data']],
    ]);
    for (const f of planned) {
      expect(f.maxLength).toBeGreaterThanOrEqual(Buffer.byteLength(filters[`privatelink-audit-${f.kind}-1`]));
      expect(f.maxLength).toBeLessThanOrEqual(MAX_FILTER_PATTERN_LENGTH);
    }
  });

  describe('the patterns, evaluated on CloudTrail records', () => {
    const patterns = resourcesOf(admin, 'aws_cloudwatch_log_metric_filter').map((f) => parseFilterPattern(resolvePattern(f.pattern)));
    /** Whether the alarm counts a record: one of the filters matches it. */
    const counted = (record: unknown) => patterns.some((p) => matchesFilter(p, record));
    const kmsOnOurKey = (changes: Record<string, unknown>) => {
      const r = guideRecord(GUIDE_KMS);
      r.resources[0].ARN = KEY_ARN;
      r.requestParameters.keyId = KEY_ID;
      return { ...r, ...changes };
    };
    const smOnOurSecret = (changes: Record<string, unknown>) => ({
      ...guideRecord(GUIDE_SECRETS_MANAGER),
      requestParameters: { secretId: 'app/db-password' },
      ...changes,
    });
    const CFN = 'cloudformation.amazonaws.com';
    const cases: [string, Record<string, any>, boolean][] = [
      ['the KMS guide record as published (a key of another account and region)', guideRecord(GUIDE_KMS), false],
      ['the KMS guide record on our key through the app KMS endpoint', kmsOnOurKey({}), false],
      ['the KMS guide record on our key without vpcEndpointId', kmsOnOurKey({ vpcEndpointId: undefined }), true],
      ['the KMS guide record on our key through a foreign endpoint', kmsOnOurKey({ vpcEndpointId: 'vpce-0123456789abcdef0' }), true],
      ['the KMS guide record on our key through the admin KMS endpoint', kmsOnOurKey({ vpcEndpointId: ADMIN_KMS }), false],
      ['the Secrets Manager guide record on our secret through the app endpoint', smOnOurSecret({}), false],
      ['the Secrets Manager guide record on our secret without vpcEndpointId', smOnOurSecret({ vpcEndpointId: undefined }), true],
      ['GetSecretValue by full ARN without vpcEndpointId', makeRecord({ service: 'secretsmanager', eventName: 'GetSecretValue', secretId: SECRET_ARN }), true],
      [
        'GetSecretValue of another secret without vpcEndpointId',
        makeRecord({ service: 'secretsmanager', eventName: 'GetSecretValue', secretId: 'other/secret' }),
        false,
      ],
      [
        'Decrypt by Secrets Manager on a caller’s behalf (invokedBy), no endpoint',
        makeRecord({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, invokedBy: 'secretsmanager.amazonaws.com' }),
        false,
      ],
      [
        'GenerateDataKey by Secrets Manager on a caller’s behalf, the key named by ARN',
        makeRecord({ service: 'kms', eventName: 'GenerateDataKey', keyId: KEY_ARN, keyArn: KEY_ARN, invokedBy: 'secretsmanager.amazonaws.com' }),
        false,
      ],
      [
        'an AWS service event on our key (rotation), no endpoint',
        makeRecord({ service: 'kms', eventName: 'RotateKey', keyArn: KEY_ARN, eventType: 'AwsServiceEvent' }),
        false,
      ],
      [
        'an AWS service event on our secret (RotationSucceeded, invokedBy Secrets Manager)',
        makeRecord({
          service: 'secretsmanager',
          eventName: 'RotationSucceeded',
          secretId: SECRET_ARN,
          invokedBy: 'secretsmanager.amazonaws.com',
          eventType: 'AwsServiceEvent',
        }),
        false,
      ],
      [
        'a denied Decrypt naming the key by alias, no resources, no endpoint',
        makeRecord({ service: 'kms', eventName: 'Decrypt', keyId: 'alias/app-data', errorCode: 'AccessDenied' }),
        true,
      ],
      ['GenerateDataKey naming the key by bare id, no endpoint', makeRecord({ service: 'kms', eventName: 'GenerateDataKey', keyId: KEY_ID }), true],
      [
        'GenerateDataKey naming the alias ARN through the app endpoint',
        makeRecord({ service: 'kms', eventName: 'GenerateDataKey', keyId: 'arn:aws:kms:us-west-2:111122223333:alias/app-data', vpcEndpointId: APP_KMS }),
        false,
      ],
      // Management by another service on the caller's behalf (CloudFormation forward access sessions).
      [
        'UpdateSecret by CloudFormation for the caller, no endpoint',
        makeRecord({ service: 'secretsmanager', eventName: 'UpdateSecret', secretId: SECRET_ARN, invokedBy: CFN }),
        true,
      ],
      [
        'PutResourcePolicy by CloudFormation on our secret by name',
        makeRecord({ service: 'secretsmanager', eventName: 'PutResourcePolicy', secretId: 'app/db-password', invokedBy: CFN }),
        true,
      ],
      [
        'DeleteSecret by CloudFormation through the admin Secrets Manager endpoint',
        makeRecord({ service: 'secretsmanager', eventName: 'DeleteSecret', secretId: SECRET_ARN, invokedBy: CFN, vpcEndpointId: ADMIN_SM }),
        false,
      ],
      [
        'UpdateSecret by CloudFormation through the app endpoint (not the admin VPC)',
        makeRecord({ service: 'secretsmanager', eventName: 'UpdateSecret', secretId: SECRET_ARN, invokedBy: CFN, vpcEndpointId: APP_SM }),
        true,
      ],
      [
        'DescribeSecret by CloudFormation (a read, not management)',
        makeRecord({ service: 'secretsmanager', eventName: 'DescribeSecret', secretId: SECRET_ARN, invokedBy: CFN }),
        false,
      ],
      [
        'UpdateSecret by CloudFormation on another secret',
        makeRecord({ service: 'secretsmanager', eventName: 'UpdateSecret', secretId: 'other/secret', invokedBy: CFN }),
        false,
      ],
      [
        'PutKeyPolicy by CloudFormation for the caller, no endpoint',
        makeRecord({ service: 'kms', eventName: 'PutKeyPolicy', keyId: KEY_ID, keyArn: KEY_ARN, invokedBy: CFN }),
        true,
      ],
      [
        'ScheduleKeyDeletion by CloudFormation, denied, the key named by alias',
        makeRecord({ service: 'kms', eventName: 'ScheduleKeyDeletion', keyId: 'alias/app-data', invokedBy: CFN, errorCode: 'AccessDenied' }),
        true,
      ],
      [
        'ScheduleKeyDeletion by CloudFormation through the admin KMS endpoint',
        makeRecord({ service: 'kms', eventName: 'ScheduleKeyDeletion', keyArn: KEY_ARN, invokedBy: CFN, vpcEndpointId: ADMIN_KMS }),
        false,
      ],
      [
        'CreateGrant by EC2 for the caller (an encrypted volume)',
        makeRecord({ service: 'kms', eventName: 'CreateGrant', keyArn: KEY_ARN, invokedBy: 'ec2.amazonaws.com' }),
        true,
      ],
      [
        'DescribeKey by CloudFormation (a read, not management)',
        makeRecord({ service: 'kms', eventName: 'DescribeKey', keyArn: KEY_ARN, invokedBy: CFN }),
        false,
      ],
      // Key usage through another service.
      ['Decrypt via S3 for the caller (SSE-KMS)', makeRecord({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, invokedBy: 's3.amazonaws.com' }), true],
      [
        'Decrypt via S3 for the caller through the app KMS endpoint',
        makeRecord({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, invokedBy: 's3.amazonaws.com', vpcEndpointId: APP_KMS }),
        true,
      ],
      [
        'Decrypt by EBS as itself (AWSService identity, under a grant)',
        makeRecord({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, invokedBy: 'ebs.amazonaws.com', identityType: 'AWSService' }),
        true,
      ],
      [
        'GenerateDataKeyWithoutPlaintext via EC2 naming the key by id',
        makeRecord({ service: 'kms', eventName: 'GenerateDataKeyWithoutPlaintext', keyId: KEY_ID, invokedBy: 'ec2.amazonaws.com' }),
        true,
      ],
      ['ReEncryptFrom via S3', makeRecord({ service: 'kms', eventName: 'ReEncryptFrom', keyArn: KEY_ARN, invokedBy: 's3.amazonaws.com' }), true],
      [
        'Decrypt via S3 on a key of another account',
        makeRecord({
          service: 'kms',
          eventName: 'Decrypt',
          keyArn: KEY_ARN.replace('111122223333', '444455556666').replace(KEY_ID, '0000abcd-12ab-34cd-56ef-1234567890ab'),
          invokedBy: 's3.amazonaws.com',
        }),
        false,
      ],
    ];
    it.each(cases.map(([label, record, expected]) => [label, expected, record] as const))(
      'GIVEN %s WHEN the filters run THEN the alarm counts the call: %s',
      (_, expected, record) => {
        expect(counted(record)).toBe(expected);
      },
    );

    it('GIVEN every case above WHEN the filters run THEN no call is counted by two filters (the kinds do not overlap)', () => {
      for (const [, record] of cases) expect(patterns.filter((p) => matchesFilter(p, record)).length).toBeLessThanOrEqual(1);
    });

    it('GIVEN every case above WHEN npm run audit classifies it with the four endpoints expected and the admin ones known THEN it flags exactly the calls on our secret and key that the alarm counts', () => {
      const expected = new Set([APP_SM, APP_KMS, ADMIN_SM, ADMIN_KMS]);
      const options = { adminEndpointIds: new Set([ADMIN_SM, ADMIN_KMS]) };
      const ours = cases.filter(
        ([, r]) => JSON.stringify(r).includes('app/db-password') || JSON.stringify(r).includes(KEY_ID) || JSON.stringify(r).includes('alias/app-data'),
      );
      expect(ours.length).toBeGreaterThan(25);
      for (const [label, record] of ours) {
        expect({ label, flagged: classifyRecord(record as CloudTrailRecord, expected, options)!.flagged }).toEqual({ label, flagged: counted(record) });
      }
    });
  });
});

describe('AuditTrail options', () => {
  it('GIVEN an existing trail log group and an existing topic WHEN synthesized THEN no trail, bucket, key or topic is created and the filter and alarm use what was given', () => {
    const { stack } = auditStack({ existingLogGroupName: 'org-trail/cloudtrail', alarmActionArns: ['arn:aws:sns:us-west-2:111122223333:security-alerts'] });
    const json = synthJson(stack);
    for (const type of ['aws_cloudtrail', 'aws_s3_bucket', 'aws_kms_key', 'aws_sns_topic', 'aws_cloudwatch_log_group', 'aws_iam_role']) {
      expect(resourcesOf(json, type)).toHaveLength(0);
    }
    const filters = resourcesOf(json, 'aws_cloudwatch_log_metric_filter');
    expect(filters).toHaveLength(4);
    for (const filter of filters) expect(filter.log_group_name).toBe('org-trail/cloudtrail');
    expect(onlyResource(json, 'aws_cloudwatch_metric_alarm').alarm_actions).toEqual(['arn:aws:sns:us-west-2:111122223333:security-alerts']);
  });

  it('GIVEN an existing log group and no alarm action WHEN synthesized THEN a KMS-encrypted topic and its key are created for the alarm', () => {
    const json = synthJson(auditStack({ existingLogGroupName: 'org-trail' }).stack);
    expect(resourcesOf(json, 'aws_cloudtrail')).toHaveLength(0);
    const key = onlyResource(json, 'aws_kms_key');
    expect(policyOf(key).Statement.map((s: TfJson) => s.Sid)).toEqual(['EnableIamPolicies', 'AllowCloudWatchAlarmsToPublishToTopic']);
    expect(onlyResource(json, 'aws_sns_topic').kms_master_key_id).toMatch(/^\$\{aws_kms_key\.audit_key_[A-Z0-9]+\.arn\}$/);
  });

  it('GIVEN twelve secrets and three keys WHEN planned THEN they are spread over several filters, each within 1,024 characters, all feeding one alarm', () => {
    const secretNames = Array.from({ length: 12 }, (_, i) => `team-${i}/service-database-credentials`);
    const keys = Array.from({ length: 3 }, (_, i) => ({ arn: `${KEY_ARN.slice(0, -1)}${i}`, keyId: `${KEY_ID.slice(0, -1)}${i}`, alias: `alias/team-${i}` }));
    const { stack, audit } = auditStack({ secretNames, keys, endpointIds: [ADMIN_SM, ADMIN_KMS, 'vpce-0cccccccccccccccc', 'vpce-0dddddddddddddddd'] });
    const outside = audit.plannedFilters.filter((f) => f.kind === 'outside-endpoints');
    expect(outside.length).toBeGreaterThan(1);
    expect(outside.flatMap((f) => f.watches)).toEqual([...secretNames.map((n) => `secret ${n}`), ...keys.map((k) => `key ${k.alias}`)]);
    const watchesOf = (kind: string) => audit.plannedFilters.filter((f) => f.kind === kind).flatMap((f) => f.watches);
    expect(watchesOf('service-secret-management')).toEqual(secretNames.map((n) => `secret ${n}`));
    expect(watchesOf('service-key-management')).toEqual(keys.map((k) => `key ${k.alias}`));
    expect(watchesOf('service-key-usage')).toEqual(keys.map((k) => `key ${k.alias}`));
    for (const f of audit.plannedFilters) {
      expect(f.maxLength).toBeLessThanOrEqual(MAX_FILTER_PATTERN_LENGTH);
      expect(Buffer.byteLength(f.pattern)).toBe(f.maxLength); // literal ids: no reference left to grow
    }
    const json = synthJson(stack);
    const filters = resourcesOf(json, 'aws_cloudwatch_log_metric_filter');
    expect(filters).toHaveLength(audit.plannedFilters.length);
    expect(new Set(filters.map((f) => `${f.metric_transformation.namespace}/${f.metric_transformation.name}`)).size).toBe(1);
    expect(resourcesOf(json, 'aws_cloudwatch_metric_alarm')).toHaveLength(1);
    const secret = makeRecord({ service: 'secretsmanager', eventName: 'GetSecretValue', secretId: secretNames[11] });
    expect(filters.filter((f) => matchesFilter(parseFilterPattern(f.pattern), secret))).toHaveLength(1);
  });

  it('GIVEN a deploy role to ignore WHEN its session calls without an endpoint THEN the filter does not count it, but another role is still counted', () => {
    const deploy = 'arn:aws:iam::111122223333:role/platform-deploy';
    const { audit } = auditStack({ ignoredRoleArns: [deploy] });
    const pattern = parseFilterPattern(audit.plannedFilters[0].pattern);
    expect(matchesFilter(pattern, makeRecord({ service: 'kms', eventName: 'DescribeKey', keyArn: KEY_ARN, roleArn: deploy }))).toBe(false);
    expect(matchesFilter(pattern, makeRecord({ service: 'kms', eventName: 'DescribeKey', keyArn: KEY_ARN }))).toBe(true);
  });

  it('GIVEN a deploy role to ignore WHEN CloudFormation manages a key or S3 uses it for that role THEN nothing is counted, but the same for another role is', () => {
    const deploy = 'arn:aws:iam::111122223333:role/platform-deploy';
    const { audit } = auditStack({ ignoredRoleArns: [deploy] });
    const patterns = audit.plannedFilters.map((f) => parseFilterPattern(f.pattern));
    const counted = (r: CloudTrailRecord) => patterns.some((p) => matchesFilter(p, r));
    for (const roleArn of [deploy, 'arn:aws:iam::111122223333:role/app']) {
      const management = makeRecord({ service: 'kms', eventName: 'PutKeyPolicy', keyArn: KEY_ARN, invokedBy: 'cloudformation.amazonaws.com', roleArn });
      const usage = makeRecord({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, invokedBy: 's3.amazonaws.com', roleArn });
      expect([counted(management), counted(usage)]).toEqual(roleArn === deploy ? [false, false] : [true, true]);
    }
  });

  it('GIVEN no admin endpoint ids WHEN a service manages a key through an endpoint THEN it is counted whatever the endpoint', () => {
    const { audit } = auditStack({ adminEndpointIds: undefined });
    const patterns = audit.plannedFilters.map((f) => parseFilterPattern(f.pattern));
    const record = makeRecord({
      service: 'kms',
      eventName: 'DisableKey',
      keyArn: KEY_ARN,
      invokedBy: 'cloudformation.amazonaws.com',
      vpcEndpointId: ADMIN_KMS,
    });
    expect(patterns.filter((p) => matchesFilter(p, record))).toHaveLength(1);
    const { audit: withAdmin } = auditStack({ adminEndpointIds: [ADMIN_SM, ADMIN_KMS] });
    expect(withAdmin.plannedFilters.some((f) => matchesFilter(parseFilterPattern(f.pattern), record))).toBe(false);
  });

  it('GIVEN secrets only WHEN planned THEN there is no key filter, and key usage via a service is not looked for', () => {
    const { audit } = auditStack({ keys: [] });
    expect(audit.plannedFilters.map((f) => f.kind)).toEqual(['outside-endpoints', 'service-secret-management']);
  });

  it('GIVEN ignored roles too many for one management pattern WHEN planned THEN the event names are split over filters that together cover every management action, each within 1,024 characters', () => {
    const ignoredRoleArns = Array.from({ length: 4 }, (_, i) => `arn:aws:iam::111122223333:role/platform-deployment-pipeline-${i}`);
    const { audit } = auditStack({ ignoredRoleArns, adminEndpointIds: [ADMIN_SM, ADMIN_KMS] });
    const keyManagement = audit.plannedFilters.filter((f) => f.kind === 'service-key-management');
    expect(keyManagement.length).toBeGreaterThan(1);
    for (const f of audit.plannedFilters) expect(f.maxLength).toBeLessThanOrEqual(MAX_FILTER_PATTERN_LENGTH);
    const patterns = keyManagement.map((f) => parseFilterPattern(f.pattern));
    for (const eventName of KEY_MANAGEMENT_EVENT_NAMES.map((n) => n.replace('*', 'Something'))) {
      const record = makeRecord({ service: 'kms', eventName, keyArn: KEY_ARN, invokedBy: 'cloudformation.amazonaws.com' });
      expect({ eventName, counted: patterns.filter((p) => matchesFilter(p, record)).length }).toEqual({ eventName, counted: 1 });
    }
  });

  it('GIVEN nothing to watch WHEN synthesized THEN the trail records but no filter or alarm is made', () => {
    const json = synthJson(auditStack({ secretNames: [], keys: [] }).stack);
    expect(resourcesOf(json, 'aws_cloudtrail')).toHaveLength(1);
    expect(resourcesOf(json, 'aws_cloudwatch_log_metric_filter')).toHaveLength(0);
    expect(resourcesOf(json, 'aws_cloudwatch_metric_alarm')).toHaveLength(0);
  });
});

describe('AuditTrail guardrails', () => {
  it.each<[string, Partial<AuditTrailProps>, RegExp]>([
    [
      'a retention CloudWatch does not offer',
      { logRetentionInDays: 10 },
      /\[PLS_AUDIT_RETENTION\] audit\.logRetentionInDays: found 10; expected one of 1, 3, 5/,
    ],
    ['an upper-case name', { name: 'Audit' }, /\[PLS_AUDIT_NAME\] audit\.name: found "Audit"/],
    [
      'a name whose default bucket is too long',
      { name: 'a-very-long-environment-name-for-the-audit-trail' },
      /\[PLS_AUDIT_BUCKET_NAME\].*the default is too long: set bucketName/,
    ],
    [
      'a bucket option with an existing log group',
      { existingLogGroupName: 'org-trail', bucketName: 'my-bucket' },
      /\[PLS_AUDIT_OPTION_CONFLICT\] audit\.bucketName/,
    ],
    ['a user ARN to ignore', { ignoredRoleArns: ['arn:aws:iam::111122223333:user/alice'] }, /\[PLS_AUDIT_IGNORED_ROLE\] audit\.ignoredRoleArns\[0\]/],
    ['a role ARN of another partition', { ignoredRoleArns: ['arn:aws-cn:iam::111122223333:role/deploy'] }, /\[PLS_ARN_PARTITION\] audit\.ignoredRoleArns\[0\]/],
    [
      'a vpc- id where an endpoint id belongs',
      { endpointIds: ['vpc-0123456789abcdef0'] },
      /\[PLS_BAD_RESOURCE_ID\] audit\.endpointIds\[0\].*this is a vpc- id/,
    ],
    [
      'a secret name too long for any filter',
      { secretNames: ['s'.repeat(512)] },
      /\[PLS_FILTER_PATTERN_TOO_LONG\] audit: found a metric filter pattern of \d+ characters for secret s+ alone/,
    ],
    [
      'a vpc- id where an admin endpoint id belongs',
      { adminEndpointIds: ['vpc-0123456789abcdef0'] },
      /\[PLS_BAD_RESOURCE_ID\] audit\.adminEndpointIds\[0\].*this is a vpc- id/,
    ],
    [
      'more secrets than one log group has metric filters for',
      { secretNames: Array.from({ length: 120 }, (_, i) => `team-${i}/${'x'.repeat(300)}`) },
      /\[PLS_TOO_MANY_METRIC_FILTERS\] audit: found \d+ metric filters for 120 secrets and 1 keys; expected at most 100/,
    ],
  ])('GIVEN %s WHEN constructed THEN it is rejected naming the field', (_, props, message) => {
    expect(() => auditStack(props)).toThrow(message);
  });

  it('GIVEN an unknown audit option in a config file WHEN loaded THEN the error names environments[0].audit and the field', () => {
    expect(() => parseConfig(auditConfig({ trail: true }), 'c.json')).toThrow(ConfigError);
    expect(() => parseConfig(auditConfig({ trail: true }), 'c.json')).toThrow(/environments\[0\]\.audit\S*: .*"trail"/);
  });

  it('GIVEN a config audit option the construct refuses WHEN loaded THEN the config check names its JSON path first', () => {
    expect(() => synthConfig(auditConfig({ logRetentionInDays: 10 }))).toThrow(
      /environments\[0\]\.audit\.logRetentionInDays: found 10; expected one of 1, 3, 5/,
    );
  });

  it('GIVEN a named environment WHEN synthesized THEN the trail and its resources carry the environment name', () => {
    const stacks = synthConfig(auditConfig({}, (env) => (env.name = 'prod')));
    expect(onlyResource(stacks['prod-admin-vpc'], 'aws_cloudtrail').name).toBe('prod-privatelink-audit');
    expect(onlyResource(stacks['prod-admin-vpc'], 'aws_s3_bucket').bucket).toBe('prod-privatelink-audit-111122223333-us-west-2');
  });

  it('GIVEN the default config (no audit) WHEN synthesized THEN no audit resource exists', () => {
    const admin = synthConfig(defaultConfigJson())['admin-vpc'];
    for (const type of ['aws_cloudtrail', 'aws_s3_bucket', 'aws_cloudwatch_log_metric_filter', 'aws_cloudwatch_metric_alarm'])
      expect(resourcesOf(admin, type)).toHaveLength(0);
  });
});

describe('audit with a deploy role', () => {
  const deploy = 'arn:aws:iam::111122223333:role/platform-deploy';
  const patterns = (stacks: Record<string, TfJson>) => resourcesOf(stacks['admin-vpc'], 'aws_cloudwatch_log_metric_filter').map((f) => f.pattern as string);

  it('GIVEN a deployRoleArn and no ignoredRoleArns THEN the filters leave the deploy role out (its plans read from outside the VPCs)', () => {
    const stacks = synthConfig(auditConfig({}, (env) => (env.deployRoleArn = deploy)));
    for (const pattern of patterns(stacks)) expect(pattern).toContain(deploy);
  });

  it('GIVEN ignoredRoleArns: [] THEN every role is counted, the deploy role too', () => {
    const stacks = synthConfig(auditConfig({ ignoredRoleArns: [] }, (env) => (env.deployRoleArn = deploy)));
    for (const pattern of patterns(stacks)) expect(pattern).not.toContain(deploy);
  });
});
