import { readFileSync } from 'fs';
import { join } from 'path';
import { CloudTrailRecord } from '../../modules/cloudtrail/cloudtrail-audit';

/** Directory of the CloudTrail records copied from the AWS guides. */
export const FIXTURES = join(__dirname, '..', 'fixtures', 'cloudtrail');
/** The Secrets Manager guide's record: GetSecretValue through vpce-1234a5678b9012c. */
export const GUIDE_SECRETS_MANAGER = join(FIXTURES, 'secretsmanager-getsecretvalue-guide.json');
/** The KMS guide's record: GenerateDataKey through vpce-0295a3caf8414c94a. */
export const GUIDE_KMS = join(FIXTURES, 'kms-generatedatakey-guide.json');

/** A fixture record, parsed (a fresh copy each call). */
export function guideRecord(file: string): Record<string, any> {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** What a generated record says. */
export interface RecordSpec {
  readonly service: 'secretsmanager' | 'kms';
  readonly eventName: string;
  readonly vpcEndpointId?: string;
  readonly secretId?: string;
  /** requestParameters.keyId as the caller gave it. */
  readonly keyId?: string;
  /** resources[0].ARN as CloudTrail resolved it. */
  readonly keyArn?: string;
  readonly invokedBy?: string;
  /**
   * `userIdentity.type`. `AWSService` gives the identity CloudTrail records when a service acts as
   * itself (EBS decrypting a volume's data key under a grant): `{type, invokedBy}`, no ARN or session.
   * @default 'AssumedRole'
   */
  readonly identityType?: 'AssumedRole' | 'AWSService';
  readonly roleArn?: string;
  readonly eventType?: string;
  readonly errorCode?: string;
}

let counter = 0;

/**
 * A CloudTrail record shaped like the guides' samples (an assumed-role caller), with the given fields.
 * With `invokedBy`, shaped as the KMS and Secrets Manager guides show a call a service makes for a
 * caller: the caller's identity with `invokedBy` the service principal, and `sourceIPAddress` the service.
 */
export function makeRecord(spec: RecordSpec): CloudTrailRecord {
  counter += 1;
  const role = spec.roleArn ?? 'arn:aws:iam::111122223333:role/app';
  const roleName = role.split('/').pop();
  const userIdentity =
    spec.identityType === 'AWSService'
      ? { type: 'AWSService', invokedBy: spec.invokedBy }
      : {
          type: 'AssumedRole',
          arn: `arn:aws:sts::111122223333:assumed-role/${roleName}/session-${counter}`,
          sessionContext: { sessionIssuer: { arn: role } },
          ...(spec.invokedBy ? { invokedBy: spec.invokedBy } : {}),
        };
  const requestParameters: Record<string, unknown> = {};
  if (spec.secretId !== undefined) requestParameters.secretId = spec.secretId;
  if (spec.keyId !== undefined) requestParameters.keyId = spec.keyId;
  return {
    eventVersion: '1.08',
    userIdentity,
    eventTime: `2024-05-01T10:00:${String(counter % 60).padStart(2, '0')}Z`,
    eventSource: `${spec.service}.amazonaws.com`,
    eventName: spec.eventName,
    awsRegion: 'us-west-2',
    sourceIPAddress: spec.invokedBy ?? '10.20.1.15',
    requestParameters,
    ...(spec.keyArn ? { resources: [{ ARN: spec.keyArn, accountId: '111122223333', type: 'AWS::KMS::Key' }] } : {}),
    eventID: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    eventType: spec.eventType ?? 'AwsApiCall',
    ...(spec.errorCode ? { errorCode: spec.errorCode } : {}),
    ...(spec.vpcEndpointId ? { vpcEndpointId: spec.vpcEndpointId } : {}),
  } as CloudTrailRecord;
}
