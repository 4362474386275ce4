import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { gzipSync } from 'zlib';

/** The endpoints every generated call comes through (pass them with --endpoint: the audit then exits 0). */
export const BENCH_ENDPOINTS = ['vpce-0aaaaaaaaaaaaaaaa', 'vpce-0bbbbbbbbbbbbbbbb'] as const;

/** What {@link writeBenchTrail} wrote. */
export interface BenchTrail {
  /** The directory to audit. */
  readonly dir: string;
  /** Gzip files written. */
  readonly files: number;
  /** Records in them, each with its own eventID. */
  readonly records: number;
  /** Bytes of the gzip files, and of their JSON. */
  readonly gzipBytes: number;
  readonly jsonBytes: number;
}

/**
 * One CloudTrail record shaped as CloudTrail writes it (about 1 KiB, all the fields of a real record):
 * Secrets Manager reads and KMS decrypts through the endpoints, KMS used by Secrets Manager for the
 * caller, and one in five an event of another service. `i` gives a unique eventID.
 */
export function benchRecord(i: number): string {
  const id = `${(i >>> 0).toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  const time = `2024-05-01T${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`;
  const identity = `{"type":"AssumedRole","principalId":"AROAEXAMPLE:s-${i % 97}","arn":"arn:aws:sts::111122223333:assumed-role/app/s-${i % 97}","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/app","accountId":"111122223333","userName":"app"},"attributes":{"creationDate":"2024-05-01T00:00:00Z","mfaAuthenticated":"false"}}`;
  const common = `"eventVersion":"1.09","eventTime":"${time}","awsRegion":"us-west-2","userAgent":"aws-sdk-java/2.25.0 Linux/6.1 OpenJDK_64-Bit_Server_VM/17","requestID":"${id}","eventID":"${id}","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"`;
  const key = `"resources":[{"accountId":"111122223333","type":"AWS::KMS::Key","ARN":"arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-${(i % 4).toString().padStart(12, '0')}"}]`;
  switch (i % 5) {
    case 0:
    case 1:
      return `{${common},"userIdentity":${identity}},"eventSource":"secretsmanager.amazonaws.com","eventName":"GetSecretValue","sourceIPAddress":"10.20.1.15","requestParameters":{"secretId":"app/db-password-${i % 8}"},"responseElements":null,"vpcEndpointId":"${BENCH_ENDPOINTS[0]}","vpcEndpointAccountId":"111122223333"}`;
    case 2:
      return `{${common},"userIdentity":${identity}},"eventSource":"kms.amazonaws.com","eventName":"Decrypt","sourceIPAddress":"10.20.1.15","requestParameters":{"encryptionAlgorithm":"SYMMETRIC_DEFAULT"},"responseElements":null,${key},"vpcEndpointId":"${BENCH_ENDPOINTS[1]}","vpcEndpointAccountId":"111122223333"}`;
    case 3:
      return `{${common},"userIdentity":${identity},"invokedBy":"secretsmanager.amazonaws.com"},"eventSource":"kms.amazonaws.com","eventName":"Decrypt","sourceIPAddress":"secretsmanager.amazonaws.com","requestParameters":{"encryptionContext":{"SecretARN":"arn:aws:secretsmanager:us-west-2:111122223333:secret:app/db-password-AbCdEf"},"encryptionAlgorithm":"SYMMETRIC_DEFAULT"},"responseElements":null,${key}}`;
    default:
      return `{${common},"userIdentity":${identity}},"eventSource":"sts.amazonaws.com","eventName":"GetCallerIdentity","sourceIPAddress":"203.0.113.7","requestParameters":null,"responseElements":null}`;
  }
}

/**
 * Writes a trail of `records` records as CloudTrail delivers it: gzip files of `perFile` records
 * (`{"Records": [...]}`), under `dir/AWSLogs/…`. Deterministic.
 */
export function writeBenchTrail(dir: string, records: number, perFile = 10000): BenchTrail {
  if (!Number.isInteger(records) || records < 1) throw new Error(`audit records: found ${records}; expected a whole number ≥ 1`);
  const logs = join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'us-west-2', '2024', '05', '01');
  mkdirSync(logs, { recursive: true });
  let files = 0;
  let gzipBytes = 0;
  let jsonBytes = 0;
  for (let start = 0; start < records; start += perFile) {
    const parts: string[] = [];
    for (let i = start; i < Math.min(records, start + perFile); i++) parts.push(benchRecord(i));
    const json = `{"Records":[${parts.join(',')}]}`;
    // Level 1: generating is quicker, and reading costs about the same as CloudTrail's own gzip.
    const gz = gzipSync(json, { level: 1 });
    writeFileSync(join(logs, `111122223333_CloudTrail_us-west-2_20240501T${String(files).padStart(6, '0')}Z_bench.json.gz`), gz);
    files += 1;
    gzipBytes += gz.length;
    jsonBytes += Buffer.byteLength(json);
  }
  return { dir, files, records, gzipBytes, jsonBytes };
}
