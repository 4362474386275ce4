import { AWS_PARTITIONS, DEFAULT_VPC_ENDPOINT_SERVICE_PREFIX, VPC_ENDPOINT_SERVICE_PREFIX_EXCEPTIONS } from './aws-partitions.generated';
import { invalidValue } from './errors';

/** AWS partitions this module set knows (from AWS's endpoint data), with their DNS suffix and regions. */
export interface PartitionInfo {
  /** Partition name used in ARNs, e.g. `aws`, `aws-cn`, `aws-us-gov`. */
  readonly name: string;
  /** DNS suffix of public endpoints, e.g. `amazonaws.com`. */
  readonly dnsSuffix: string;
  /** The partition's regions. */
  readonly regions: readonly string[];
  /** Regions where AWS offers the `kms-fips` endpoint. */
  readonly kmsFipsRegions: readonly string[];
}

const PARTITIONS: readonly PartitionInfo[] = AWS_PARTITIONS;
const REGION_PARTITION = new Map<string, PartitionInfo>(PARTITIONS.flatMap((p) => p.regions.map((r) => [r, p] as const)));

/** Every region of the supported partitions (aws, aws-cn, aws-us-gov), from AWS's endpoint data. */
export const KNOWN_REGIONS: readonly string[] = [...REGION_PARTITION.keys()];

/** True when `region` is a region AWS publishes in a supported partition (not merely region-shaped). */
export function isKnownRegion(region: string): boolean {
  return REGION_PARTITION.has(region);
}

/** True when AWS offers the `kms-fips` endpoint (and endpoint service) in `region`. */
export function hasKmsFips(region: string): boolean {
  return REGION_PARTITION.get(region)?.kmsFipsRegions.includes(region) ?? false;
}

/** The regions that offer `kms-fips`, for messages. */
export function kmsFipsRegions(): string[] {
  return PARTITIONS.flatMap((p) => p.kmsFipsRegions);
}

/**
 * Reverse-DNS prefix of the VPC endpoint service name of `service` in `region`: `com.amazonaws`,
 * except for the services AWS names otherwise there (in the China regions, e.g. `cn.com.amazonaws`
 * for `ec2`, `sts`, `lambda`; but `com.amazonaws` for `secretsmanager` and `kms`).
 */
export function vpcEndpointServicePrefix(region: string, service: string): string {
  const exception = VPC_ENDPOINT_SERVICE_PREFIX_EXCEPTIONS[region];
  return exception?.services.includes(service) ? exception.prefix : DEFAULT_VPC_ENDPOINT_SERVICE_PREFIX;
}

/** A 12-digit AWS account id. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

const RESOURCE_ID_PATTERNS = {
  vpc: /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/,
  subnet: /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/,
  sg: /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/,
  vpce: /^vpce-([0-9a-f]{8}|[0-9a-f]{17})$/,
  pl: /^pl-([0-9a-f]{8}|[0-9a-f]{17})$/,
} as const;

/** Kinds of EC2 resource ids the guardrails check. */
export type ResourceIdKind = keyof typeof RESOURCE_ID_PATTERNS;

/** True when `value` is a well-formed id of the given kind (`vpc-` + 8 or 17 lower-case hex). */
export function isResourceId(kind: ResourceIdKind, value: string): boolean {
  return RESOURCE_ID_PATTERNS[kind].test(value);
}

/** Throws unless `value` is a well-formed `kind` id; says so when it is an id of another kind. */
export function assertResourceId(kind: ResourceIdKind, value: string, field: string): void {
  if (isResourceId(kind, value)) return;
  const other = (Object.keys(RESOURCE_ID_PATTERNS) as ResourceIdKind[]).find((k) => isResourceId(k, value));
  const hint = other ? ` (this is a ${other}- id, not a ${kind}- id)` : '';
  throw invalidValue('PLS_BAD_RESOURCE_ID', field, value, `a ${kind}- id: "${kind}-" followed by 8 or 17 lower-case hex digits${hint}`);
}

/** Throws unless `region` is a region AWS publishes (aws, aws-cn, aws-us-gov partitions). */
export function assertRegion(region: string, field = 'region'): void {
  if (!isKnownRegion(region)) {
    throw invalidValue(
      'PLS_BAD_REGION',
      field,
      region,
      `an AWS region that exists, such as "us-west-2" (${KNOWN_REGIONS.length} known, from AWS's endpoint data)`,
    );
  }
}

/** Throws unless AWS offers the `kms-fips` endpoint in `region`. */
export function assertKmsFipsRegion(region: string, field = 'fips'): void {
  if (!hasKmsFips(region)) {
    throw invalidValue('PLS_NO_KMS_FIPS', field, region, `a region with a kms-fips endpoint: ${kmsFipsRegions().join(', ')}`);
  }
}

/** Throws unless `accountId` is 12 digits. */
export function assertAccountId(accountId: string, field = 'accountId'): void {
  if (!ACCOUNT_ID_PATTERN.test(accountId)) {
    throw invalidValue('PLS_BAD_ACCOUNT_ID', field, accountId, 'a 12-digit AWS account id');
  }
}

/** True when `az` is an Availability Zone name of `region` (`us-west-2a` for `us-west-2`). */
export function isAvailabilityZoneOf(az: string, region: string): boolean {
  return az.length === region.length + 1 && az.startsWith(region) && /[a-z]$/.test(az);
}

/** Where a module's ARNs and names point: the partition, region and account of an environment. */
export interface EnvironmentScope {
  /** ARN partition of the region (`aws`, `aws-cn`, `aws-us-gov`). */
  readonly partition: string;
  /** Region of the environment, e.g. `us-west-2`. */
  readonly region: string;
  /** The environment's 12-digit AWS account id. */
  readonly accountId: string;
}

/** The partition a region belongs to. */
export function partitionOf(region: string): PartitionInfo {
  const known = REGION_PARTITION.get(region);
  if (known) return known;
  // Not a known region: guess by its shape, so that messages about other fields stay meaningful.
  const byName = (name: string) => PARTITIONS.find((p) => p.name === name)!;
  if (region.startsWith('cn-')) return byName('aws-cn');
  if (region.startsWith('us-gov-')) return byName('aws-us-gov');
  return byName('aws');
}

/** Builds an ARN in the partition of `region`. `region` may be empty for global services (IAM). */
export function arn(parts: { partition: string; service: string; region: string; account: string; resource: string }): string {
  return `arn:${parts.partition}:${parts.service}:${parts.region}:${parts.account}:${parts.resource}`;
}

/** An ARN: partition, service, region (may be empty), account (12 digits, `aws` or empty), resource on one line. */
export const ARN_PATTERN = /^arn:([a-z-]+):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws)?:(.+)$/;

/** Throws unless `value` is an ARN whose partition is `partition` (and, for IAM, whose account is 12 digits). */
export function assertArnInPartition(value: string, partition: string, field: string): void {
  const match = ARN_PATTERN.exec(value);
  if (!match) {
    throw invalidValue('PLS_BAD_ARN', field, value, `an ARN such as "arn:${partition}:iam::111122223333:role/name"`);
  }
  if (match[1] !== partition) {
    throw invalidValue('PLS_ARN_PARTITION', field, value, `an ARN in partition "${partition}" (the partition of the region); write "arn:${partition}:..."`);
  }
}
