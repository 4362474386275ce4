import { TerraformOutput } from 'cdktf';
import { AuditTrail } from '../modules/cloudtrail/audit-trail';
import { CustomerManagedKey } from '../modules/kms/customer-managed-key';
import { EnvironmentConfig } from './config';
import { EnvironmentStack } from './engine/environment-stack';

/** What the audit of an environment watches. */
export interface AuditSubjects {
  /** Ids of the admin stack's endpoints and the app stack's endpoints (any of them is an expected path). */
  readonly endpointIds: readonly string[];
  /** Ids of the admin stack's endpoints (management by a service for a caller is expected only through these). */
  readonly adminEndpointIds: readonly string[];
  /** The environment's keys. */
  readonly keys: readonly CustomerManagedKey[];
  /** The environment's secret names. */
  readonly secretNames: readonly string[];
}

/**
 * The {@link AuditTrail} of an environment from its `audit` config (in the admin stack), with
 * outputs for the trail, bucket, log group, alarm and topic. Returns undefined without `audit`.
 */
export function auditFromConfig(stack: EnvironmentStack, env: EnvironmentConfig, subjects: AuditSubjects): AuditTrail | undefined {
  const cfg = env.audit;
  if (!cfg) return undefined;
  const audit = new AuditTrail(stack, 'audit', {
    partition: stack.partition,
    region: env.region,
    accountId: env.accountId,
    name: cfg.name ?? (env.name ? `${env.name}-privatelink-audit` : undefined),
    existingLogGroupName: cfg.existingLogGroupName,
    bucketName: cfg.bucketName,
    logRetentionInDays: cfg.logRetentionInDays,
    endpointIds: subjects.endpointIds,
    adminEndpointIds: subjects.adminEndpointIds,
    secretNames: subjects.secretNames,
    keys: subjects.keys,
    // Terraform runs as the deploy role from outside the VPCs on every plan; its reads would keep the alarm firing.
    ignoredRoleArns: cfg.ignoredRoleArns ?? (env.deployRoleArn ? [env.deployRoleArn] : undefined),
    createTopic: cfg.createTopic,
    alarmActionArns: cfg.alarmActionArns,
  });
  if (audit.trail) {
    new TerraformOutput(stack, 'audit_trail_arn', {
      value: audit.trail.arn,
      description: 'CloudTrail trail recording vpcEndpointId of Secrets Manager and KMS calls',
    });
    new TerraformOutput(stack, 'audit_bucket', { value: audit.bucket!.bucket, description: 'S3 bucket of the trail log files (npm run audit reads them)' });
  }
  new TerraformOutput(stack, 'audit_log_group_name', { value: audit.logGroupName, description: 'CloudWatch Logs group the audit metric filters read' });
  if (audit.alarm) new TerraformOutput(stack, 'audit_alarm_name', { value: audit.alarm.alarmName, description: 'Alarm on calls outside the endpoints' });
  if (audit.topic) new TerraformOutput(stack, 'audit_topic_arn', { value: audit.topic.arn, description: 'SNS topic of the alarm (subscribe to it)' });
  return audit;
}
