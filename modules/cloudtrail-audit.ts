import { gunzipSync } from 'zlib';
import { wildcardEquals } from './metric-filter-pattern';
import { KEY_MANAGEMENT_EVENT_NAMES, KEY_USAGE_EVENT_NAMES, SECRET_MANAGEMENT_EVENT_NAMES, SECRETS_MANAGER_INVOKED_BY } from './outside-endpoint-filter';

/**
 * Audit of endpoint use from CloudTrail log files, as both AWS guides end: a call through an
 * interface endpoint carries `vpcEndpointId`; a call an AWS service makes on a caller's behalf
 * carries `userIdentity.invokedBy`. Pure functions: parse a file's bytes, classify each Secrets
 * Manager / KMS call by the path it took and flag what the access model (DESIGN.md §5) denies,
 * summarise per secret and key. `npm run audit` (tools/audit.ts) reads the files and prints
 * {@link renderAuditReport}. The rules are those of the alarm's metric filters
 * (modules/outside-endpoint-filter.ts), and tests run records through both.
 */

/**
 * An endpoint id as the audit accepts it: `vpce-` and 8 to 17 lower-case hex digits. Looser than the
 * config guardrail (8 or 17), so that ids as printed in the AWS guides (`vpce-1234a5678b9012c`) work.
 */
export const AUDIT_ENDPOINT_ID = /^vpce-[0-9a-f]{8,17}$/;

/** The fields of a CloudTrail record the audit reads. */
export interface CloudTrailRecord {
  readonly eventVersion?: string;
  readonly eventTime?: string;
  readonly eventSource?: string;
  readonly eventName?: string;
  readonly eventType?: string;
  readonly eventID?: string;
  readonly awsRegion?: string;
  readonly sourceIPAddress?: string;
  readonly errorCode?: string;
  readonly userIdentity?: {
    readonly type?: string;
    readonly arn?: string;
    readonly invokedBy?: string;
    readonly sessionContext?: { readonly sessionIssuer?: { readonly arn?: string } };
  };
  readonly requestParameters?: Record<string, unknown> | null;
  readonly resources?: readonly { readonly ARN?: string; readonly type?: string }[];
  readonly vpcEndpointId?: string;
}

/** A file that cannot be read as CloudTrail records; the message names the file. */
export class AuditInputError extends Error {
  public readonly file: string;
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'AuditInputError';
    this.file = file;
  }
}

/** What a file held. */
export interface ParsedFile {
  readonly records: CloudTrailRecord[];
  /** Set when the file is a CloudTrail digest file (log file validation), which holds no records. */
  readonly digest?: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkRecords(file: string, records: unknown[], where: string): CloudTrailRecord[] {
  records.forEach((r, i) => {
    if (!isObject(r)) throw new AuditInputError(file, `${where}[${i}] is ${Array.isArray(r) ? 'an array' : typeof r}; expected a CloudTrail record object`);
  });
  return records as CloudTrailRecord[];
}

/**
 * Parses a CloudTrail file: gzip (detected by its magic bytes, whatever the name) or plain JSON,
 * holding `{"Records": [...]}` (as CloudTrail delivers to S3), a single record, or an array of
 * records. Throws an {@link AuditInputError} naming the file for anything else, including a
 * truncated gzip or JSON file.
 */
export function parseCloudTrailFile(file: string, data: Buffer): ParsedFile {
  let bytes = data;
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    try {
      bytes = gunzipSync(data);
    } catch (e) {
      throw new AuditInputError(file, `cannot gunzip (truncated or corrupt gzip file): ${(e as Error).message}`);
    }
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new AuditInputError(file, 'is empty; expected CloudTrail JSON ({"Records": [...]} or a record)');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AuditInputError(file, `not valid JSON (truncated or not a CloudTrail file?): ${(e as Error).message}`);
  }
  if (Array.isArray(json)) return { records: checkRecords(file, json, '(root)') };
  if (!isObject(json)) throw new AuditInputError(file, `holds ${JSON.stringify(json)}; expected {"Records": [...]} or a CloudTrail record`);
  if ('Records' in json) {
    if (!Array.isArray(json.Records)) throw new AuditInputError(file, '"Records" is not an array; expected {"Records": [...]}');
    return { records: checkRecords(file, json.Records, 'Records') };
  }
  if ('digestStartTime' in json && 'digestS3Object' in json) return { records: [], digest: true };
  if (typeof json.eventSource === 'string' || typeof json.eventName === 'string') return { records: [json as CloudTrailRecord] };
  throw new AuditInputError(
    file,
    `has neither "Records" nor "eventSource" (fields: ${Object.keys(json).slice(0, 8).join(', ') || 'none'}); expected CloudTrail JSON`,
  );
}

/** The services the audit looks at. */
export type AuditedService = 'secretsmanager' | 'kms';

/** How a call reached the service. */
export type CallPath =
  /** Through one of the expected endpoints. */
  | 'expected-endpoint'
  /** Through an endpoint, and no endpoints were given to compare with. */
  | 'endpoint'
  /** Through an endpoint that is not one of the expected ones. */
  | 'other-endpoint'
  /** No `vpcEndpointId`: the public endpoint. */
  | 'no-endpoint'
  /** Key or secret management by an AWS service (`userIdentity.invokedBy`), not through an admin endpoint. */
  | 'service-management'
  /** Key usage (Decrypt, Encrypt, GenerateDataKey*, ReEncrypt*) by an AWS service other than Secrets Manager. */
  | 'service-key-usage'
  /** Any other call by an AWS service on a caller's behalf (key usage by Secrets Manager, reads, …), or an AWS service event. */
  | 'aws-service';

/** One Secrets Manager or KMS call, classified. */
export interface AuditedCall {
  readonly record: CloudTrailRecord;
  readonly service: AuditedService;
  /** `secret <name or ARN>` / `key <ARN, id or alias>` labels of what the call names. */
  readonly subjects: readonly string[];
  readonly path: CallPath;
  /** The endpoint id, or what stands in its place (`no endpoint (public)`, `AWS service …`). */
  readonly via: string;
  readonly flagged: boolean;
}

const SERVICES: Record<string, AuditedService> = { 'secretsmanager.amazonaws.com': 'secretsmanager', 'kms.amazonaws.com': 'kms' };

/** A secret ARN's name (Secrets Manager appends `-` and six characters), or the value as given. */
export function secretNameOf(secretId: string): string {
  const match = /^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret:(.+)$/.exec(secretId);
  if (!match) return secretId;
  return match[1].replace(/-[A-Za-z0-9]{6}$/, '');
}

/** What a record names: secrets by name (ARNs reduced to names), keys by ARN when CloudTrail resolved it, else as requested. */
export function subjectsOf(record: CloudTrailRecord, service: AuditedService): string[] {
  const out = new Set<string>();
  const params = isObject(record.requestParameters) ? record.requestParameters : {};
  const resourceArns = (record.resources ?? []).map((r) => r.ARN).filter((a): a is string => typeof a === 'string');
  if (service === 'secretsmanager') {
    if (typeof params.secretId === 'string') out.add(`secret ${secretNameOf(params.secretId)}`);
    for (const a of resourceArns) if (a.includes(':secretsmanager:')) out.add(`secret ${secretNameOf(a)}`);
  } else {
    const keyArns = resourceArns.filter((a) => a.includes(':kms:'));
    for (const a of keyArns) out.add(`key ${a}`);
    if (keyArns.length === 0 && typeof params.keyId === 'string') out.add(`key ${params.keyId}`);
  }
  return [...out];
}

/** The keys and secrets of an environment, as the outputs of its stacks name them. */
export interface WatchedSubjects {
  /** Key ARNs (`arn:…:kms:…:key/<id>`). */
  readonly keyArns: ReadonlySet<string>;
  /** Secret names (ARNs reduced to names). */
  readonly secretNames: ReadonlySet<string>;
}

/** What {@link classifyRecord} knows beside the expected endpoints. */
export interface ClassifyOptions {
  /**
   * The admin VPC's endpoint ids: key or secret management by an AWS service on a caller's behalf is
   * expected only through these.
   * @default - none: every such management call is flagged
   */
  readonly adminEndpointIds?: ReadonlySet<string>;
  /**
   * The environment's keys and secrets: the rules on calls by AWS services apply to these only (other
   * keys, such as the audit trail's own key that CloudTrail and CloudWatch Logs use, follow no access model here).
   * @default - every key and secret
   */
  readonly watched?: WatchedSubjects;
}

function matchesAny(value: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => wildcardEquals(value, p));
}

/** Whether a call names one of the watched keys or secrets (every call does when none are watched). */
function namesWatched(subjects: readonly string[], watched: WatchedSubjects | undefined): boolean {
  if (!watched || (watched.keyArns.size === 0 && watched.secretNames.size === 0)) return true;
  const keyIds = [...watched.keyArns].map((a) => a.slice(a.lastIndexOf('/') + 1));
  return subjects.some((subject) => {
    if (subject.startsWith('secret ')) return watched.secretNames.has(subject.slice('secret '.length));
    const key = subject.slice('key '.length);
    // A key named as requested (a denied call without resources): by ARN or bare id; an alias cannot be told.
    return watched.keyArns.has(key) || keyIds.some((id) => key === id || key.endsWith(`/${id}`));
  });
}

/**
 * Classifies a record: undefined when it is not a Secrets Manager or KMS event. Flags what the access
 * model denies, as the alarm's metric filters count it:
 * - a direct call (no `userIdentity.invokedBy`): with expected endpoint ids, unless it came through
 *   one of them; without, when it has no `vpcEndpointId` at all;
 * - key or secret management made by an AWS service on a caller's behalf (`invokedBy`, e.g.
 *   CloudFormation forward access sessions) not through an admin endpoint;
 * - key usage by an AWS service other than Secrets Manager (S3, EBS, …).
 * Key usage by Secrets Manager on a caller's behalf, other calls by services, and AWS service events
 * are not flagged.
 */
export function classifyRecord(record: CloudTrailRecord, expectedEndpointIds: ReadonlySet<string>, options: ClassifyOptions = {}): AuditedCall | undefined {
  const service = SERVICES[record.eventSource ?? ''];
  if (!service) return undefined;
  const subjects = subjectsOf(record, service);
  const base = { record, service, subjects };
  const invokedBy = record.userIdentity?.invokedBy;
  const endpoint = record.vpcEndpointId;
  if (record.eventType === 'AwsServiceEvent')
    return { ...base, path: 'aws-service', via: invokedBy ? `AWS service ${invokedBy}` : 'AWS service event', flagged: false };
  if (invokedBy) {
    // The endpoint is part of the path: a cell of the report holds calls of one classification only.
    const via = `AWS service ${invokedBy}${endpoint ? ` through ${endpoint}` : ''}`;
    const eventName = record.eventName ?? '';
    if (namesWatched(subjects, options.watched)) {
      if (service === 'kms' && matchesAny(eventName, KEY_USAGE_EVENT_NAMES) && !wildcardEquals(invokedBy, SECRETS_MANAGER_INVOKED_BY)) {
        return { ...base, path: 'service-key-usage', via, flagged: true };
      }
      const management = service === 'kms' ? KEY_MANAGEMENT_EVENT_NAMES : SECRET_MANAGEMENT_EVENT_NAMES;
      if (matchesAny(eventName, management) && !(endpoint && options.adminEndpointIds?.has(endpoint))) {
        return { ...base, path: 'service-management', via, flagged: true };
      }
    }
    return { ...base, path: 'aws-service', via, flagged: false };
  }
  if (!endpoint) return { ...base, path: 'no-endpoint', via: 'no endpoint (public)', flagged: true };
  if (expectedEndpointIds.size === 0) return { ...base, path: 'endpoint', via: endpoint, flagged: false };
  return expectedEndpointIds.has(endpoint)
    ? { ...base, path: 'expected-endpoint', via: endpoint, flagged: false }
    : { ...base, path: 'other-endpoint', via: endpoint, flagged: true };
}

/** Counts per subject → call (event name) → path. */
export interface AuditSummary {
  readonly records: number;
  readonly calls: readonly AuditedCall[];
  /** Records that are not Secrets Manager or KMS events. */
  readonly otherEvents: number;
  /** subject → `eventName` → `via` → count, subjects sorted. */
  readonly bySubject: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, { count: number; flagged: boolean }>>>;
  readonly flagged: readonly AuditedCall[];
}

/** Classifies every record and counts them per secret / key, call and path. */
export function summarizeRecords(records: readonly CloudTrailRecord[], expectedEndpointIds: ReadonlySet<string>, options: ClassifyOptions = {}): AuditSummary {
  const calls = records.map((r) => classifyRecord(r, expectedEndpointIds, options)).filter((c): c is AuditedCall => c !== undefined);
  const bySubject = new Map<string, Map<string, Map<string, { count: number; flagged: boolean }>>>();
  for (const call of calls) {
    const subjects = call.subjects.length ? call.subjects : [`(${call.service} call naming no secret or key)`];
    for (const subject of subjects) {
      const byCall = bySubject.get(subject) ?? new Map<string, Map<string, { count: number; flagged: boolean }>>();
      bySubject.set(subject, byCall);
      const name = call.record.eventName ?? '(no eventName)';
      const byVia = byCall.get(name) ?? new Map<string, { count: number; flagged: boolean }>();
      byCall.set(name, byVia);
      const cell = byVia.get(call.via) ?? { count: 0, flagged: call.flagged };
      cell.count += 1;
      byVia.set(call.via, cell);
    }
  }
  const sorted = new Map([...bySubject.entries()].sort(([a], [b]) => a.localeCompare(b)));
  return { records: records.length, calls, otherEvents: records.length - calls.length, bySubject: sorted, flagged: calls.filter((c) => c.flagged) };
}

/** Why a flagged path is flagged, as the report names it. */
export const FLAG_REASONS: Readonly<Partial<Record<CallPath, string>>> = {
  'no-endpoint': 'not through an expected endpoint',
  'other-endpoint': 'not through an expected endpoint',
  'service-management': 'key or secret management by another AWS service for the caller, outside the admin VPC',
  'service-key-usage': 'key usage via an AWS service other than Secrets Manager',
};

/** The reason a flagged call is flagged, with its particulars (the service, the endpoint). */
export function describePath(call: AuditedCall): string {
  const invokedBy = call.record.userIdentity?.invokedBy;
  const forCaller = call.record.userIdentity?.type === 'AWSService' ? '' : ' for the caller';
  switch (call.path) {
    case 'no-endpoint':
      return 'no vpcEndpointId (public endpoint)';
    case 'other-endpoint':
      return `through ${call.via}, not an expected endpoint`;
    case 'service-management':
      return `management by ${invokedBy}${forCaller}, outside the admin VPC${call.record.vpcEndpointId ? ` (through ${call.record.vpcEndpointId})` : ''}`;
    case 'service-key-usage':
      return `key usage via ${invokedBy}${forCaller} (only Secrets Manager may use the keys on a caller's behalf)`;
    default:
      return call.via;
  }
}

/** Options of {@link renderAuditReport}. */
export interface AuditReportContext {
  /** Files read, with their record counts. */
  readonly files: readonly { readonly file: string; readonly records: number; readonly digest?: boolean }[];
  /** Where the expected endpoint ids came from, e.g. `--endpoint`, `outputs.json`. */
  readonly expectationSources?: readonly string[];
  readonly expectedEndpointIds: ReadonlySet<string>;
  /** The admin endpoints and the watched keys and secrets the calls were classified with. @default - none */
  readonly options?: ClassifyOptions;
}

/** The text `npm run audit` prints: per secret / key, which calls came through which endpoint; then the flagged calls. */
export function renderAuditReport(summary: AuditSummary, context: AuditReportContext): string {
  const lines: string[] = [];
  const digests = context.files.filter((f) => f.digest).length;
  lines.push(
    `Read ${context.files.length} file${context.files.length === 1 ? '' : 's'}${digests ? ` (${digests} digest file${digests === 1 ? '' : 's'} skipped)` : ''}: ` +
      `${summary.records} record${summary.records === 1 ? '' : 's'}, ${summary.calls.length} Secrets Manager / KMS call${summary.calls.length === 1 ? '' : 's'}, ${summary.otherEvents} other event${summary.otherEvents === 1 ? '' : 's'}.`,
  );
  if (context.expectedEndpointIds.size) {
    lines.push(
      `Expected endpoints: ${[...context.expectedEndpointIds].sort().join(', ')}${context.expectationSources?.length ? ` (from ${context.expectationSources.join(', ')})` : ''}.`,
    );
  } else {
    lines.push('Expected endpoints: none given (--endpoint, --outputs, --synth): every call without a vpcEndpointId is flagged.');
  }
  const admin = context.options?.adminEndpointIds;
  lines.push(
    admin?.size
      ? `Admin endpoints: ${[...admin].sort().join(', ')}: management by an AWS service for a caller is expected only through these.`
      : 'Admin endpoints: none given (--admin-endpoint, --admin-outputs, --synth): management by an AWS service for a caller is flagged wherever it came from.',
  );
  const watched = context.options?.watched;
  const watchedCount = (watched?.keyArns.size ?? 0) + (watched?.secretNames.size ?? 0);
  lines.push(
    watchedCount
      ? `Watched keys and secrets: ${watched!.keyArns.size} key${watched!.keyArns.size === 1 ? '' : 's'}, ${watched!.secretNames.size} secret${watched!.secretNames.size === 1 ? '' : 's'}: calls by AWS services are checked on these only.`
      : 'Watched keys and secrets: none given (--outputs, --synth): calls by AWS services are checked on every key and secret.',
  );
  for (const [subject, byCall] of summary.bySubject) {
    lines.push('', subject);
    const rows: string[][] = [];
    for (const [name, byVia] of [...byCall.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      for (const [via, cell] of [...byVia.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        const label = context.expectedEndpointIds.has(via) ? `${via} (expected)` : via;
        rows.push([name, label, String(cell.count), cell.flagged ? 'FLAGGED' : '']);
      }
    }
    const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
    for (const r of rows) lines.push(`  ${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padStart(widths[2])}${r[3] ? `  ${r[3]}` : ''}`.trimEnd());
  }
  lines.push('');
  if (summary.flagged.length === 0) {
    lines.push(
      "No flagged calls: every direct Secrets Manager / KMS call came through an expected endpoint, and no AWS service made key or secret management outside the admin VPC or used a key on a caller's behalf other than Secrets Manager.",
    );
  } else {
    const reasons = new Map<string, number>();
    for (const call of summary.flagged) {
      const reason = FLAG_REASONS[call.path] ?? call.path;
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    lines.push(
      `FLAGGED ${summary.flagged.length} call${summary.flagged.length === 1 ? '' : 's'} (${[...reasons].map(([reason, count]) => `${count} ${reason}`).join('; ')}):`,
    );
    for (const call of summary.flagged) {
      const r = call.record;
      const who = r.userIdentity?.arn ?? r.userIdentity?.type ?? 'unknown principal';
      lines.push(
        `  ${r.eventTime ?? '(no time)'}  ${call.service} ${r.eventName ?? '(no eventName)'}  ${call.subjects.join(', ') || '(no secret or key named)'}  by ${who}` +
          `${r.sourceIPAddress ? ` from ${r.sourceIPAddress}` : ''}  ${describePath(call)}${r.errorCode ? `  error ${r.errorCode}` : ''}${r.eventID ? `  event ${r.eventID}` : ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Endpoint ids in `terraform output -json` of a stack: every output value (string or list of
 * strings) that is a `vpce-` id, such as `secretsmanager_endpoint_id` and `kms_endpoint_id`.
 */
export function endpointIdsFromTerraformOutputs(outputs: unknown): string[] {
  if (!isObject(outputs)) return [];
  const ids = new Set<string>();
  for (const output of Object.values(outputs)) {
    const value = isObject(output) && 'value' in output ? output.value : undefined;
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string' && AUDIT_ENDPOINT_ID.test(v)) ids.add(v);
    }
  }
  return [...ids].sort();
}

const KEY_ARN = /^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const SECRET_ARN = /^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

/**
 * The keys and secrets in `terraform output -json` of a stack: every output value (string or list
 * of strings) that is a KMS key ARN or a secret ARN, such as the admin stack's `key_arn_*` and `secret_arn_*`.
 */
export function watchedFromTerraformOutputs(outputs: unknown): { keyArns: string[]; secretNames: string[] } {
  const keyArns = new Set<string>();
  const secretNames = new Set<string>();
  if (isObject(outputs)) {
    for (const output of Object.values(outputs)) {
      const value = isObject(output) && 'value' in output ? output.value : undefined;
      for (const v of Array.isArray(value) ? value : [value]) {
        if (typeof v === 'string' && KEY_ARN.test(v)) keyArns.add(v);
        if (typeof v === 'string' && SECRET_ARN.test(v)) secretNames.add(secretNameOf(v));
      }
    }
  }
  return { keyArns: [...keyArns].sort(), secretNames: [...secretNames].sort() };
}

/** Endpoint ids in a Terraform state file (its root outputs, as `terraform output -json` shows them). */
export function endpointIdsFromTerraformState(state: unknown): string[] {
  return isObject(state) ? endpointIdsFromTerraformOutputs(state.outputs) : [];
}
