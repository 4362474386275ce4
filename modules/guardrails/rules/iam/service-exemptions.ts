import { isKnownRegion, partitionOf } from '../../../core/aws-identifiers';
import { actionAccessLevels, expandActionPattern, serviceActions } from '../../../iam/iam-catalogue';
import { ConditionEntry, conditionEntries, isUnresolved, parseOperator, sameKey } from './condition-helpers';
import { asList, StatementJson } from '../policy-rule';

/**
 * What the two service-exemption rules share: which actions a statement covers (key usage, key or
 * secret management), and which of its conditions let a request made by an AWS service on the
 * caller's behalf out of a Deny.
 */

/** KMS cryptographic operations: "key usage" (lower case). */
export const KMS_USAGE_ACTIONS: ReadonlySet<string> = new Set(
  [
    'Decrypt',
    'Encrypt',
    'GenerateDataKey',
    'GenerateDataKeyPair',
    'GenerateDataKeyPairWithoutPlaintext',
    'GenerateDataKeyWithoutPlaintext',
    'ReEncryptFrom',
    'ReEncryptTo',
    'GenerateMac',
    'VerifyMac',
    'Sign',
    'Verify',
    'DeriveSharedSecret',
  ].map((a) => `kms:${a}`.toLowerCase()),
);

const MANAGED_SERVICES = ['kms', 'secretsmanager'];
const MANAGEMENT_LEVELS: ReadonlySet<string> = new Set(['Write', 'Permissions management', 'Tagging']);

/** Condition keys through which a policy can single out requests an AWS service makes for the caller. */
export const SERVICE_KEYS = [
  'aws:ViaAWSService',
  'aws:PrincipalIsAWSService',
  'aws:CalledVia',
  'aws:CalledViaFirst',
  'aws:CalledViaLast',
  'aws:PrincipalServiceName',
  'aws:PrincipalServiceNamesList',
  'kms:ViaService',
] as const;

/** The concrete `kms:` and `secretsmanager:` actions a statement covers (Action patterns expanded; NotAction: all others), lower case. */
export function coveredActions(statement: StatementJson): Set<string> {
  const all = () => MANAGED_SERVICES.flatMap((service) => [...serviceActions(service).values()]);
  const expand = (patterns: unknown[]): string[] =>
    patterns.flatMap((p) => {
      if (typeof p !== 'string' || isUnresolved(p)) return [];
      if (p === '*') return all();
      return [...expandActionPattern(p)];
    });
  const lower = (actions: string[]) => new Set(actions.map((a) => a.toLowerCase()).filter((a) => MANAGED_SERVICES.includes(a.split(':')[0])));
  if (statement.NotAction !== undefined) {
    const excluded = lower(expand(asList<unknown>(statement.NotAction)));
    return new Set([...lower(all())].filter((a) => !excluded.has(a)));
  }
  return lower(expand(asList<unknown>(statement.Action)));
}

/** Of `actions`, the KMS key-usage ones (cryptographic operations). */
export function usageActions(actions: Iterable<string>): string[] {
  return [...actions].filter((a) => KMS_USAGE_ACTIONS.has(a.toLowerCase()));
}

/** Of `actions`, the key and secret management ones: catalogue access level Write, Permissions management or Tagging, not key usage. */
export function managementActions(actions: Iterable<string>): string[] {
  return [...actions].filter((a) => !KMS_USAGE_ACTIONS.has(a.toLowerCase()) && actionAccessLevels(a).some((level) => MANAGEMENT_LEVELS.has(level)));
}

/**
 * True for a condition that keeps (some) requests made by AWS services for the caller out of a
 * Deny: `Bool` false on `aws:ViaAWSService` / `aws:PrincipalIsAWSService`; `Null` true on any
 * {@link SERVICE_KEYS} key; a negated operator on `kms:ViaService`, `aws:CalledVia*` or
 * `aws:PrincipalServiceName*`.
 */
export function isServiceExemption(entry: ConditionEntry): boolean {
  const key = SERVICE_KEYS.find((k) => sameKey(k, entry.key));
  const op = parseOperator(entry.operator);
  if (!key || !op.known) return false;
  if (op.base === 'Null') return entry.values.some((v) => v.toLowerCase() === 'true');
  if (key === 'aws:ViaAWSService' || key === 'aws:PrincipalIsAWSService') {
    return op.base === 'Bool' && entry.values.some((v) => v.toLowerCase() === 'false');
  }
  return op.negated;
}

/** `secretsmanager.<region>.<DNS suffix>` for a known region, or a reason the value is not one. */
function secretsManagerValueProblem(value: string, region: string | undefined): string | undefined {
  if (isUnresolved(value)) return /^secretsmanager\./.test(value) ? undefined : 'not a Secrets Manager service name';
  const match = /^secretsmanager\.([a-z0-9-]+)\.(.+)$/.exec(value);
  if (!match || !isKnownRegion(match[1])) return 'not secretsmanager.<region>.<DNS suffix>';
  if (match[2] !== partitionOf(match[1]).dnsSuffix) return `the DNS suffix of ${match[1]} is ${partitionOf(match[1]).dnsSuffix}`;
  if (region && !isUnresolved(region) && match[1] !== region) return `the policy is for region ${region}`;
  return undefined;
}

/**
 * The one exemption a key-usage Deny may carry: `StringNotEquals` (or `…IfExists`) on
 * `kms:ViaService` with exactly one value, Secrets Manager of the region. Returns why `entry` is
 * not it, or undefined when it is.
 */
export function exactSecretsManagerExemptionProblem(entry: ConditionEntry, region: string | undefined): string | undefined {
  const op = parseOperator(entry.operator);
  if (!sameKey(entry.key, 'kms:ViaService') || !op.known || op.base !== 'StringNotEquals' || op.setOperator) {
    return 'it is not StringNotEquals on kms:ViaService';
  }
  if (entry.values.length !== 1) return `it names ${entry.values.length} services; expected Secrets Manager alone`;
  return secretsManagerValueProblem(entry.values[0], region);
}

/** The service exemptions of a statement. */
export function serviceExemptions(statement: StatementJson): ConditionEntry[] {
  return conditionEntries(statement).filter(isServiceExemption);
}

/** `Operator key = ["v"]` for messages. */
export function describeEntry(entry: ConditionEntry): string {
  return `${entry.operator} ${entry.key} = ${JSON.stringify(entry.values)}`;
}

/** The `kms:ViaService` value of Secrets Manager for messages: exact when the region is known. */
export function secretsManagerViaServiceHint(region: string | undefined): string {
  return region && isKnownRegion(region) ? `secretsmanager.${region}.${partitionOf(region).dnsSuffix}` : 'secretsmanager.<region>.<DNS suffix>';
}
