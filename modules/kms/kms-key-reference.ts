import { IConstruct } from 'constructs';
import { Token } from 'cdktf';
import { isKnownRegion, partitionOf } from '../core/aws-identifiers';
import { invalidValue } from '../core/errors';
import { PolicyStatement } from '../iam/policy-statement';

/**
 * A KMS key that constructs can use: a {@link CustomerManagedKey} of this app, or a key created
 * elsewhere and imported with `CustomerManagedKey.fromKeyArn(scope, id, keyArn)`. Props that need a
 * key take this instead of an ARN string, and the key hands out the identity-policy statements a
 * principal needs to use it (`grantDecrypt`, `grantEncrypt`, `grantEncryptDecrypt`).
 */
export interface IKmsKeyReference extends IConstruct {
  /** ARN of the key (`arn:<partition>:kms:<region>:<account>:key/<key id>`); may be a Terraform reference. */
  readonly keyArn: string;
  /** Key id (the UUID or `mrk-…`); may be a Terraform reference. */
  readonly keyId: string;
  /** Alias of the key, when this app knows it (`alias/<name>`). @default - unknown */
  readonly alias?: string;
  /** Region of the key, when known at synth (a key imported from a literal ARN). @default - unknown */
  readonly keyRegion?: string;
  /** Identity-policy statements that let a principal decrypt with this key (`kms:Decrypt` on the key ARN). */
  grantDecrypt(): PolicyStatement[];
  /** Identity-policy statements that let a principal encrypt with this key (`kms:Encrypt`, `kms:GenerateDataKey*`, `kms:ReEncrypt*` on the key ARN). */
  grantEncrypt(): PolicyStatement[];
  /** {@link grantDecrypt} and {@link grantEncrypt} in one statement. */
  grantEncryptDecrypt(): PolicyStatement[];
}

/** Actions of {@link IKmsKeyReference.grantDecrypt}. */
export const KEY_DECRYPT_ACTIONS: readonly string[] = ['kms:Decrypt'];
/** Actions of {@link IKmsKeyReference.grantEncrypt}. */
export const KEY_ENCRYPT_ACTIONS: readonly string[] = ['kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'];

/**
 * Identity-policy statements for cryptographic use of the key `keyArn`: one Allow of `actions` on
 * that key only (never `*`). The key policy still decides where from (the access model: only through
 * the app VPC's KMS endpoint, or by Secrets Manager for the caller).
 */
export function keyUsageStatements(keyArn: string, actions: readonly string[]): PolicyStatement[] {
  return [new PolicyStatement({ actions, resources: [keyArn] })];
}

/** A key id: a UUID, or `mrk-` and 32 hex digits (a multi-Region key). */
export const KMS_KEY_ID_PATTERN = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const KEY_ARN = /^arn:([a-z-]+):kms:([a-z0-9-]+):(\d{12}):key\/(.+)$/;

/** True when `value` is only known at plan or apply: a cdktf token or a Terraform reference (`${…}`). */
export function isUnresolvedValue(value: string): boolean {
  return Token.isUnresolved(value) || value.includes('${');
}

/** What a literal KMS key ARN says: partition, region, account and key id. */
export interface ParsedKeyArn {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly keyId: string;
}

/**
 * Parses a literal key ARN, `arn:<partition>:kms:<region>:<account>:key/<key id>`, and throws
 * `PLS_KMS_KEY_ARN` naming `field` (found value, expected form) when it is none: an alias ARN, a
 * region AWS does not publish, a partition that is not the region's, a malformed key id.
 */
export function parseKeyArn(value: unknown, field: string): ParsedKeyArn {
  const example = '"arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"';
  if (typeof value !== 'string') throw invalidValue('PLS_KMS_KEY_ARN', field, value, `a KMS key ARN such as ${example}`);
  if (/^arn:[a-z-]+:kms:[^:]*:[^:]*:alias\//.test(value)) {
    throw invalidValue(
      'PLS_KMS_KEY_ARN',
      field,
      value,
      `the ARN of the key itself ("…:key/<key id>"), not of an alias: IAM and key policies match the key ARN, so grants on an alias ARN would allow nothing (such as ${example})`,
    );
  }
  const match = KEY_ARN.exec(value);
  if (!match)
    throw invalidValue('PLS_KMS_KEY_ARN', field, value, `a KMS key ARN "arn:<partition>:kms:<region>:<12-digit account>:key/<key id>", such as ${example}`);
  const [, partition, region, accountId, keyId] = match;
  if (!isKnownRegion(region)) throw invalidValue('PLS_KMS_KEY_ARN', field, value, `an ARN whose region exists (found region "${region}"), such as ${example}`);
  const expectedPartition = partitionOf(region).name;
  if (partition !== expectedPartition) {
    throw invalidValue(
      'PLS_KMS_KEY_ARN',
      field,
      value,
      `partition "${expectedPartition}" for region ${region}: write "arn:${expectedPartition}:kms:${region}:…"`,
    );
  }
  if (!KMS_KEY_ID_PATTERN.test(keyId)) {
    throw invalidValue('PLS_KMS_KEY_ARN', field, value, `a key id after "key/": a lower-case UUID or "mrk-" and 32 hex digits (found "${keyId}")`);
  }
  return { partition, region, accountId, keyId };
}
