import { gunzipSync } from 'zlib';
import { CloudTrailStreamReader, TrailSyntaxError } from './cloudtrail-stream';
import { wildcardEquals } from './metric-filter-pattern';
import { KEY_MANAGEMENT_EVENT_NAMES, KEY_USAGE_EVENT_NAMES, SECRET_MANAGEMENT_EVENT_NAMES, SECRETS_MANAGER_INVOKED_BY } from './outside-endpoint-filter';

/**
 * Audit of endpoint use from CloudTrail log files, as both AWS guides end: a call through an
 * interface endpoint carries `vpcEndpointId`; a call an AWS service makes on a caller's behalf
 * carries `userIdentity.invokedBy`. Pure functions: check each record's fields ({@link checkRecord}),
 * classify each Secrets Manager / KMS call by the path it took and flag what the access model
 * (docs/design.md, access model) denies, count per secret and key one record at a time ({@link AuditAccumulator}).
 * `npm run audit` (tools/audit.ts) streams the files through modules/cloudtrail/cloudtrail-stream.ts and prints
 * {@link renderAuditReport}. The rules are those of the alarm's metric filters
 * (modules/cloudtrail/outside-endpoint-filter.ts), and tests run records through both.
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
  readonly recipientAccountId?: string;
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

/** A record the audit cannot use: its index in the file (0-based, as in `Records[i]`) and what is wrong. */
export interface RecordProblem {
  readonly index: number;
  /** `<field path>: found <value>; expected <what>`. */
  readonly message: string;
}

/** The line `npm run audit` prints for a malformed record: `<file>: record <index>: <field path>: found …; expected …`. */
export function formatRecordProblem(file: string, problem: RecordProblem): string {
  return printable(`${file}: record ${problem.index}: ${problem.message}`);
}

/** Text with control characters (newlines, terminal escapes) written as `\uXXXX`: a record's text prints as one harmless line. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What a file held. */
export interface ParsedFile {
  /** The well-formed records, checked by {@link checkRecord}. */
  readonly records: CloudTrailRecord[];
  /** Set when the file is a CloudTrail digest file (log file validation), which holds no records. */
  readonly digest?: boolean;
  /** Records left out as malformed. @default - none */
  readonly problems?: readonly RecordProblem[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Largest size a file may decompress to (or a plain file may have), per file: 1 GiB. */
export const MAX_DECOMPRESSED_BYTES = 1024 * 1024 * 1024;

/** Whether bytes start with the gzip magic number. */
export function isGzip(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

/**
 * Parses a CloudTrail file held in memory (for small files and tests; `npm run audit` streams files
 * through {@link CloudTrailStreamReader} instead): gzip (detected by its magic bytes, whatever the name)
 * or plain JSON, holding `{"Records": [...]}` (as CloudTrail delivers to S3), a single record, or an
 * array of records. Malformed records are left out and listed in `problems`; throws an
 * {@link AuditInputError} naming the file when the file as a whole is not CloudTrail JSON (truncated,
 * empty, not JSON) or decompresses to more than `maxDecompressedBytes` (@default MAX_DECOMPRESSED_BYTES).
 */
export function parseCloudTrailFile(file: string, data: Buffer, maxDecompressedBytes = MAX_DECOMPRESSED_BYTES): ParsedFile {
  let bytes = data;
  if (isGzip(data)) {
    try {
      bytes = gunzipSync(data, { maxOutputLength: maxDecompressedBytes });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        throw new AuditInputError(file, `decompresses to more than ${maxDecompressedBytes} bytes; expected a CloudTrail log file of at most that size`);
      throw new AuditInputError(file, `cannot gunzip (truncated or corrupt gzip file): ${(e as Error).message}`);
    }
  }
  const records: CloudTrailRecord[] = [];
  const problems: RecordProblem[] = [];
  const reader = new CloudTrailStreamReader((element) => {
    const checked = 'problem' in element ? { problems: [element.problem] } : checkRecord(element.value);
    if ('record' in checked) records.push(checked.record);
    else for (const message of checked.problems) problems.push({ index: element.index, message });
  });
  try {
    reader.write(bytes);
    const end = reader.end();
    return end.digest ? { records: [], digest: true } : { records, problems };
  } catch (e) {
    if (e instanceof TrailSyntaxError) throw new AuditInputError(file, e.problem);
    throw e;
  }
}

/** Longest string the audit takes for an ARN, secret id or key id (IAM's ARN limit). */
const MAX_ARN = 2048;
/** Longest string the audit takes for a name, type, time, region or id. */
const MAX_NAME = 256;

/** A value for a message: JSON of a primitive (cut at 60 characters), else what it is. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…" (${String(value).length} characters)` : text;
}

/**
 * Checks a record's JSON value: every field the audit reads must have its type (strings of bounded
 * length, objects, arrays), and `eventSource` and `eventName` must be there. The fields of a
 * Secrets Manager or KMS call are all checked; of other events only `eventSource`, `eventName` and
 * `eventID` (they are counted, not classified). Returns the record (only the fields the audit reads)
 * or every problem as `<field path>: found <value>; expected <what>`.
 */
export function checkRecord(value: unknown): { record: CloudTrailRecord } | { problems: string[] } {
  if (!isObject(value)) return { problems: [`(record): found ${describeFound(value)}; expected a CloudTrail record (a JSON object)`] };
  const problems: string[] = [];
  const eventSource = checkString(value, 'eventSource', 'eventSource', MAX_NAME, problems, true);
  const eventName = checkString(value, 'eventName', 'eventName', MAX_NAME, problems, true);
  const eventID = checkString(value, 'eventID', 'eventID', MAX_NAME, problems);
  const service = SERVICES.get(eventSource ?? '');
  if (!service) return problems.length ? { problems } : { record: { eventSource, eventName, eventID } };
  const identity = checkObject(value, 'userIdentity', 'userIdentity', problems);
  let userIdentity: CloudTrailRecord['userIdentity'];
  if (identity) {
    const sessionContext = checkObject(identity, 'sessionContext', 'userIdentity.sessionContext', problems);
    const issuer = sessionContext && checkObject(sessionContext, 'sessionIssuer', 'userIdentity.sessionContext.sessionIssuer', problems);
    const issuerArn = issuer && checkString(issuer, 'arn', 'userIdentity.sessionContext.sessionIssuer.arn', MAX_ARN, problems);
    userIdentity = {
      type: checkString(identity, 'type', 'userIdentity.type', MAX_NAME, problems),
      arn: checkString(identity, 'arn', 'userIdentity.arn', MAX_ARN, problems),
      invokedBy: checkString(identity, 'invokedBy', 'userIdentity.invokedBy', MAX_NAME, problems),
      sessionContext: issuerArn ? { sessionIssuer: { arn: issuerArn } } : undefined,
    };
  }
  const params = checkObject(value, 'requestParameters', 'requestParameters', problems, true);
  let requestParameters: Record<string, unknown> | undefined;
  if (params) {
    const key = service === 'secretsmanager' ? 'secretId' : 'keyId';
    const id = checkString(params, key, `requestParameters.${key}`, MAX_ARN, problems);
    requestParameters = id === undefined ? {} : { [key]: id };
  }
  let resources: { ARN?: string; type?: string }[] | undefined;
  const given = value.resources;
  if (given !== undefined) {
    if (!Array.isArray(given) || given.length > 1000) problem(problems, 'resources', given, 'an array of at most 1000 resources');
    else {
      resources = given.map((r, i) => {
        if (!isObject(r)) {
          problem(problems, `resources[${i}]`, r, 'an object with ARN and type');
          return {};
        }
        return {
          ARN: checkString(r, 'ARN', `resources[${i}].ARN`, MAX_ARN, problems),
          type: checkString(r, 'type', `resources[${i}].type`, MAX_NAME, problems),
        };
      });
    }
  }
  let vpcEndpointId: string | undefined;
  const endpoint = value.vpcEndpointId;
  if (endpoint !== undefined) {
    if (typeof endpoint !== 'string' || !AUDIT_ENDPOINT_ID.test(endpoint))
      problem(problems, 'vpcEndpointId', endpoint, 'a vpce- id ("vpce-" and 8 to 17 lower-case hex digits)');
    else vpcEndpointId = endpoint;
  }
  // Every record gets the same fields in the same order (absent ones undefined): one shape, fast to read.
  const record: CloudTrailRecord = {
    eventSource,
    eventName,
    eventID,
    eventVersion: checkString(value, 'eventVersion', 'eventVersion', MAX_NAME, problems),
    eventTime: checkString(value, 'eventTime', 'eventTime', MAX_NAME, problems),
    eventType: checkString(value, 'eventType', 'eventType', MAX_NAME, problems),
    awsRegion: checkString(value, 'awsRegion', 'awsRegion', MAX_NAME, problems),
    recipientAccountId: checkString(value, 'recipientAccountId', 'recipientAccountId', MAX_NAME, problems),
    sourceIPAddress: checkString(value, 'sourceIPAddress', 'sourceIPAddress', MAX_NAME, problems),
    errorCode: checkString(value, 'errorCode', 'errorCode', MAX_NAME, problems),
    userIdentity,
    requestParameters,
    resources,
    vpcEndpointId,
  };
  return problems.length ? { problems } : { record };
}

function problem(problems: string[], path: string, found: unknown, expected: string): void {
  problems.push(`${path}: found ${describeFound(found)}; expected ${expected}`);
}

/** `from[key]` if it is a string of 1 to `max` characters (or absent and not `required`); else a problem. */
function checkString(from: Record<string, unknown>, key: string, path: string, max: number, problems: string[], required = false): string | undefined {
  const v = from[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > max) {
    problem(problems, path, v, `a string of 1 to ${max} characters`);
    return undefined;
  }
  return v;
}

/** `from[key]` if it is an object (or absent, or null when `nullable`); else a problem. */
function checkObject(from: Record<string, unknown>, key: string, path: string, problems: string[], nullable = false): Record<string, unknown> | undefined {
  const v = from[key];
  if (v === undefined || (nullable && v === null)) return undefined;
  if (!isObject(v)) {
    problem(problems, path, v, nullable ? 'an object or null' : 'an object');
    return undefined;
  }
  return v;
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

const SERVICES: ReadonlyMap<string, AuditedService> = new Map([
  ['secretsmanager.amazonaws.com', 'secretsmanager'],
  ['kms.amazonaws.com', 'kms'],
]);

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

/** Answers of {@link matchesAny} per pattern list and value (a trail has few distinct event names and services; bounded all the same). */
const MATCH_MEMO = new WeakMap<readonly string[], Map<string, boolean>>();

function matchesAny(value: string, patterns: readonly string[]): boolean {
  let memo = MATCH_MEMO.get(patterns);
  if (!memo) MATCH_MEMO.set(patterns, (memo = new Map()));
  let answer = memo.get(value);
  if (answer === undefined) {
    answer = patterns.some((p) => wildcardEquals(value, p));
    if (memo.size < 4096) memo.set(value, answer);
  }
  return answer;
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
  const service = SERVICES.get(record.eventSource ?? '');
  if (!service) return undefined;
  const subjects = subjectsOf(record, service);
  const call = (path: CallPath, via: string, flagged: boolean): AuditedCall => ({ record, service, subjects, path, via, flagged });
  const invokedBy = record.userIdentity?.invokedBy;
  const endpoint = record.vpcEndpointId;
  if (record.eventType === 'AwsServiceEvent') return call('aws-service', invokedBy ? `AWS service ${invokedBy}` : 'AWS service event', false);
  if (invokedBy) {
    // The endpoint is part of the path: a cell of the report holds calls of one classification only.
    const via = `AWS service ${invokedBy}${endpoint ? ` through ${endpoint}` : ''}`;
    const eventName = record.eventName ?? '';
    if (namesWatched(subjects, options.watched)) {
      if (service === 'kms' && matchesAny(eventName, KEY_USAGE_EVENT_NAMES) && !wildcardEquals(invokedBy, SECRETS_MANAGER_INVOKED_BY)) {
        return call('service-key-usage', via, true);
      }
      const management = service === 'kms' ? KEY_MANAGEMENT_EVENT_NAMES : SECRET_MANAGEMENT_EVENT_NAMES;
      if (matchesAny(eventName, management) && !(endpoint && options.adminEndpointIds?.has(endpoint))) {
        return call('service-management', via, true);
      }
    }
    return call('aws-service', via, false);
  }
  if (!endpoint) return call('no-endpoint', 'no endpoint (public)', true);
  if (expectedEndpointIds.size === 0) return call('endpoint', endpoint, false);
  return expectedEndpointIds.has(endpoint) ? call('expected-endpoint', endpoint, false) : call('other-endpoint', endpoint, true);
}

/** One cell of the report: calls of one subject, event name and path. */
export interface AuditCell {
  /** Calls counted in the cell. */
  count: number;
  /** Whether the access model denies the cell's calls. */
  readonly flagged: boolean;
}

/** Counts per subject → call (event name) → path. */
export interface AuditSummary {
  /** Records counted: each `eventID` once; records without `eventID` each. */
  readonly records: number;
  /** Records left out because a record with their `eventID` was counted before (in any file). */
  readonly duplicates: number;
  /** Records counted that have no `eventID` (they cannot be deduplicated). */
  readonly withoutEventId: number;
  /** Secrets Manager and KMS calls. */
  readonly calls: number;
  /** Records that are not Secrets Manager or KMS events. */
  readonly otherEvents: number;
  /** subject → `eventName` → `via` → count, subjects sorted. */
  readonly bySubject: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, AuditCell>>>;
  /** Calls counted but not tabulated because the table already had its most cells. */
  readonly untabulated: number;
  /** The flagged calls, in the order read: the first `maxListedFlagged` of them. */
  readonly flagged: readonly AuditedCall[];
  /** Every flagged call. */
  readonly flaggedCount: number;
  /** Flagged calls per reason ({@link FLAG_REASONS}). */
  readonly flaggedByReason: ReadonlyMap<string, number>;
}

/** Bounds of an {@link AuditAccumulator}: what it keeps does not grow with the number of records (but for the eventIDs seen). */
export interface AuditLimits {
  /** Flagged calls kept for listing (all are counted). @default 1000 */
  readonly maxListedFlagged?: number;
  /** Subject / call / path cells of the table (calls beyond are counted as untabulated). @default 10000 */
  readonly maxCells?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function hexValue(code: number): number {
  return code <= 0x39 ? code - 0x30 : code - 0x57;
}

/**
 * A set of lower-case UUIDs (CloudTrail's eventIDs) held as their 128 bits in one typed array (open
 * addressing, at most half full): 32 bytes an id at most, and nothing for the garbage collector to walk.
 */
class UuidSet {
  private slots = new Uint32Array(4 * 1024);
  private size = 0;
  private hasZero = false;
  private readonly words = new Uint32Array(4);

  /** Adds the UUID (lower-case, checked by the caller); false when it was there already. */
  add(id: string): boolean {
    const w = this.words;
    w.fill(0);
    for (let i = 0, digit = 0; i < 36; i++) {
      const c = id.charCodeAt(i);
      if (c === 0x2d) continue;
      w[digit >> 3] = (w[digit >> 3] << 4) | hexValue(c);
      digit++;
    }
    if ((w[0] | w[1] | w[2] | w[3]) === 0) {
      // All zero marks an empty slot: the zero UUID is kept apart.
      const added = !this.hasZero;
      this.hasZero = true;
      return added;
    }
    if (this.insert(this.slots, w[0], w[1], w[2], w[3])) {
      this.size++;
      if (this.size * 2 > this.slots.length / 4) this.grow();
      return true;
    }
    return false;
  }

  private insert(slots: Uint32Array, a: number, b: number, c: number, d: number): boolean {
    const mask = slots.length / 4 - 1;
    let i = (Math.imul(a ^ Math.imul(b, 0x9e3779b1) ^ Math.imul(c, 0x85ebca6b) ^ Math.imul(d, 0xc2b2ae35), 0x27d4eb2f) >>> 7) & mask;
    for (;;) {
      const at = i * 4;
      if ((slots[at] | slots[at + 1] | slots[at + 2] | slots[at + 3]) === 0) {
        slots[at] = a;
        slots[at + 1] = b;
        slots[at + 2] = c;
        slots[at + 3] = d;
        return true;
      }
      if (slots[at] === a && slots[at + 1] === b && slots[at + 2] === c && slots[at + 3] === d) return false;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    for (let at = 0; at < old.length; at += 4) {
      if ((old[at] | old[at + 1] | old[at + 2] | old[at + 3]) !== 0) this.insert(this.slots, old[at], old[at + 1], old[at + 2], old[at + 3]);
    }
  }
}

/**
 * Classifies and counts records one at a time (per secret / key, call and path), so a trail of any
 * length is summarised without holding its records: memory grows only with the distinct eventIDs
 * (at most 32 bytes each for CloudTrail's UUIDs) and is otherwise bounded by {@link AuditLimits}. A record whose `eventID`
 * was counted before is left out; a record without `eventID` is always counted (and counted apart).
 */
export class AuditAccumulator {
  /** eventIDs counted: lower-case UUIDs (CloudTrail's form) as 128 bits, others as they are. */
  private readonly seenUuids = new UuidSet();
  private readonly seenOthers = new Set<string>();
  private readonly bySubject = new Map<string, Map<string, Map<string, AuditCell>>>();
  private readonly listed: AuditedCall[] = [];
  private readonly reasons = new Map<string, number>();
  private readonly maxListed: number;
  private readonly maxCells: number;
  private records = 0;
  private duplicates = 0;
  private withoutEventId = 0;
  private calls = 0;
  private flaggedCount = 0;
  private cells = 0;
  private untabulated = 0;

  constructor(
    private readonly expectedEndpointIds: ReadonlySet<string>,
    private readonly options: ClassifyOptions = {},
    limits: AuditLimits = {},
  ) {
    this.maxListed = limits.maxListedFlagged ?? 1000;
    this.maxCells = limits.maxCells ?? 10000;
  }

  /** Counts one record: returns its classification, undefined for another service's event, or 'duplicate'. */
  add(record: CloudTrailRecord): AuditedCall | 'duplicate' | undefined {
    const id = record.eventID;
    if (typeof id === 'string') {
      let added: boolean;
      if (id.length === 36 && UUID.test(id)) added = this.seenUuids.add(id);
      else {
        added = !this.seenOthers.has(id);
        this.seenOthers.add(id);
      }
      if (!added) {
        this.duplicates += 1;
        return 'duplicate';
      }
    } else this.withoutEventId += 1;
    this.records += 1;
    const call = classifyRecord(record, this.expectedEndpointIds, this.options);
    if (!call) return undefined;
    this.calls += 1;
    const name = typeof record.eventName === 'string' ? record.eventName : '(no eventName)';
    for (const subject of call.subjects.length ? call.subjects : [`(${call.service} call naming no secret or key)`]) {
      const cell = this.bySubject.get(subject)?.get(name)?.get(call.via);
      if (cell) cell.count += 1;
      else if (this.cells >= this.maxCells) this.untabulated += 1;
      else {
        const byCall = this.bySubject.get(subject) ?? new Map<string, Map<string, AuditCell>>();
        this.bySubject.set(subject, byCall);
        const byVia = byCall.get(name) ?? new Map<string, AuditCell>();
        byCall.set(name, byVia);
        byVia.set(call.via, { count: 1, flagged: call.flagged });
        this.cells += 1;
      }
    }
    if (call.flagged) {
      this.flaggedCount += 1;
      const reason = FLAG_REASONS[call.path] ?? call.path;
      this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
      if (this.listed.length < this.maxListed) this.listed.push(call);
    }
    return call;
  }

  /** The counts so far. */
  summary(): AuditSummary {
    return {
      records: this.records,
      duplicates: this.duplicates,
      withoutEventId: this.withoutEventId,
      calls: this.calls,
      otherEvents: this.records - this.calls,
      bySubject: new Map([...this.bySubject.entries()].sort(([a], [b]) => a.localeCompare(b))),
      untabulated: this.untabulated,
      flagged: [...this.listed],
      flaggedCount: this.flaggedCount,
      flaggedByReason: new Map(this.reasons),
    };
  }
}

/** Classifies every record and counts them per secret / key, call and path ({@link AuditAccumulator} over an array). */
export function summarizeRecords(
  records: Iterable<CloudTrailRecord>,
  expectedEndpointIds: ReadonlySet<string>,
  options: ClassifyOptions = {},
  limits: AuditLimits = {},
): AuditSummary {
  const accumulator = new AuditAccumulator(expectedEndpointIds, options, limits);
  for (const record of records) accumulator.add(record);
  return accumulator.summary();
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
  /** Records left out as malformed (reported apart). @default 0 */
  readonly malformedRecords?: number;
  /** Files not in `files` that broke off after some records (those records are counted). @default 0 */
  readonly cutShortFiles?: number;
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
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const notes: string[] = [];
  if (summary.duplicates) notes.push(`${plural(summary.duplicates, 'duplicate record')} (an eventID counted before) left out`);
  if (summary.withoutEventId) notes.push(`${plural(summary.withoutEventId, 'record')} without eventID counted each`);
  if (context.cutShortFiles) notes.push(`the records of ${plural(context.cutShortFiles, 'file')} cut short counted up to the break (see the errors)`);
  if (context.malformedRecords) notes.push(`${plural(context.malformedRecords, 'malformed record')} left out (see the errors)`);
  lines.push(
    `Read ${context.files.length} file${context.files.length === 1 ? '' : 's'}${digests ? ` (${digests} digest file${digests === 1 ? '' : 's'} skipped)` : ''}: ` +
      `${summary.records} record${summary.records === 1 ? '' : 's'}, ${summary.calls} Secrets Manager / KMS call${summary.calls === 1 ? '' : 's'}, ${summary.otherEvents} other event${summary.otherEvents === 1 ? '' : 's'}.` +
      (notes.length ? ` ${notes.join('; ')}.` : ''),
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
  if (summary.untabulated) lines.push('', `${plural(summary.untabulated, 'more call')} not tabulated: the table holds at most its first cells.`);
  lines.push('');
  if (summary.flaggedCount === 0) {
    lines.push(
      "No flagged calls: every direct Secrets Manager / KMS call came through an expected endpoint, and no AWS service made key or secret management outside the admin VPC or used a key on a caller's behalf other than Secrets Manager.",
    );
  } else {
    lines.push(
      `FLAGGED ${plural(summary.flaggedCount, 'call')} (${[...summary.flaggedByReason].map(([reason, count]) => `${count} ${reason}`).join('; ')})` +
        `${summary.flagged.length < summary.flaggedCount ? `; the first ${summary.flagged.length} listed` : ''}:`,
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
  // Record text (names, ARNs, ids) may hold anything: each line is printed as one line.
  return `${lines.map(printable).join('\n')}\n`;
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
