import { Token } from 'cdktf';
import { KEY_MANAGEMENT_ACTIONS, KEY_USAGE_ACTIONS, SECRET_MANAGEMENT_ACTIONS } from '../iam/access-policies';
import { arn, EnvironmentScope } from '../core/aws-identifiers';
import { GuardrailError } from '../core/errors';
import {
  checkFilterPattern,
  filterAnd,
  filterEq,
  FilterExpression,
  filterNe,
  filterNotExists,
  filterOr,
  filterPatternLength,
  MAX_FILTER_PATTERN_LENGTH,
  renderFilterPattern,
} from './metric-filter-pattern';

/** A KMS key the audit alarm watches. Values may be Terraform references. */
export interface WatchedKey {
  /** Key ARN (CloudTrail `resources[0].ARN`). */
  readonly arn: string;
  /** Key id, the UUID (`requestParameters.keyId` when the caller names the key by id or ARN). */
  readonly keyId: string;
  /** Alias, `alias/<name>` (`requestParameters.keyId` when the caller names the key by alias). @default - not matched by alias */
  readonly alias?: string;
}

/** What the "calls outside the access model" metric filters look for. Values may be Terraform references. */
export interface OutsideEndpointFilterProps extends EnvironmentScope {
  /** The environment's interface endpoint ids (`vpce-…`), admin and app: direct calls through these are expected. */
  readonly endpointIds: readonly string[];
  /**
   * The admin VPC's endpoint ids: key or secret management that another service makes on a caller's
   * behalf is counted unless it carries one of these.
   * @default - none: every such management call is counted
   */
  readonly adminEndpointIds?: readonly string[];
  /** Secret names (static): matched as `requestParameters.secretId`, by name or by ARN. */
  readonly secretNames: readonly string[];
  /** Keys: matched by ARN in `resources[0]`, or by id, ARN or alias in `requestParameters.keyId`. */
  readonly keys: readonly WatchedKey[];
  /** Calls by sessions of these roles are not counted (e.g. a deploy role that runs Terraform outside the VPCs). @default - none */
  readonly ignoredRoleArns?: readonly string[];
}

/**
 * What a filter counts (each kind gets its own filters, so that each pattern stays within CloudWatch's length limit):
 * - `outside-endpoints`: direct calls (no `userIdentity.invokedBy`) on a watched secret or key, not through one of the endpoints;
 * - `service-secret-management` / `service-key-management`: management of a watched secret / key made by another service on
 *   a caller's behalf (`invokedBy`, e.g. CloudFormation forward access sessions), not through an admin endpoint;
 * - `service-key-usage`: key usage (Decrypt, Encrypt, GenerateDataKey*, ReEncrypt*) of a watched key through any service but
 *   Secrets Manager.
 */
export type FilterKind = 'outside-endpoints' | 'service-secret-management' | 'service-key-management' | 'service-key-usage';

/** The filter kinds, in the order they are planned. */
export const FILTER_KINDS: readonly FilterKind[] = ['outside-endpoints', 'service-secret-management', 'service-key-management', 'service-key-usage'];

/** Most metric filters CloudWatch Logs accepts on one log group (PutMetricFilter). */
export const MAX_METRIC_FILTERS_PER_LOG_GROUP = 100;

/** One planned metric filter. */
export interface PlannedFilter {
  /** What it counts. */
  readonly kind: FilterKind;
  /** The pattern to deploy (may hold Terraform references). */
  readonly pattern: string;
  /** Its longest possible length once the references resolve (ids and ARNs at their maximum length). */
  readonly maxLength: number;
  /** Labels of the secrets and keys it watches, e.g. `secret app/db-password`. */
  readonly watches: readonly string[];
}

const SECRET_ID = '$.requestParameters.secretId';
const INVOKED_BY = '$.userIdentity.invokedBy';
const EVENT_NAME = '$.eventName';
const ENDPOINT = '$.vpcEndpointId';
const KEY_ID = '$.requestParameters.keyId';
const SESSION_ISSUER = '$.userIdentity.sessionContext.sessionIssuer.arn';
/** `vpce-` and 17 hex digits: the longest endpoint id. */
const LONGEST_ENDPOINT_ID = `vpce-${'f'.repeat(17)}`;
/** Key ids are UUIDs or `mrk-` and 32 hex digits: 36 characters either way. */
const LONGEST_KEY_ID = 'f'.repeat(36);

function secretExpression(props: OutsideEndpointFilterProps, name: string): FilterExpression {
  const arnPrefix = arn({ partition: props.partition, service: 'secretsmanager', region: props.region, account: props.accountId, resource: `secret:${name}` });
  // By name, or by full ARN (name, "-", six random characters); one trailing wildcard only, as CloudWatch allows.
  return filterOr(filterEq(SECRET_ID, name), filterEq(SECRET_ID, `${arnPrefix}-*`));
}

function keyExpression(key: WatchedKey): FilterExpression {
  // "*<id>" matches both the bare key id and the key ARN; "*<alias>" both the alias and its ARN.
  const parts = [filterEq('$.resources[0].ARN', key.arn), filterEq(KEY_ID, `*${key.keyId}`)];
  if (key.alias) parts.push(filterEq(KEY_ID, `*${key.alias}`));
  return filterOr(...parts);
}

/** CloudTrail `eventName` patterns of IAM actions (`secretsmanager:Put*` → `Put*`), each once, in order. */
export function eventNamePatterns(actions: readonly string[]): string[] {
  return [...new Set(actions.map((a) => a.slice(a.indexOf(':') + 1)))];
}

/** Event names of secret management (the actions the secret policy's management Deny covers). */
export const SECRET_MANAGEMENT_EVENT_NAMES: readonly string[] = eventNamePatterns(SECRET_MANAGEMENT_ACTIONS);
/** Event names of key management (the actions the key policy's administration Deny covers). */
export const KEY_MANAGEMENT_EVENT_NAMES: readonly string[] = eventNamePatterns(KEY_MANAGEMENT_ACTIONS);
/** Event names of key usage (the actions the key usage Deny covers). */
export const KEY_USAGE_EVENT_NAMES: readonly string[] = eventNamePatterns(KEY_USAGE_ACTIONS);
/**
 * `userIdentity.invokedBy` of Secrets Manager acting for a caller: `secretsmanager.amazonaws.com` as CloudTrail records it (a
 * prefix, so a regional or another partition's form matches too; only Secrets Manager's principals start so).
 */
export const SECRETS_MANAGER_INVOKED_BY = 'secretsmanager.*';

/** "Not through one of these endpoints": `!=` never matches an absent field, so "no vpcEndpointId" needs its own NOT EXISTS. */
function notThrough(endpointIds: readonly string[]): FilterExpression {
  return endpointIds.length ? filterOr(filterNotExists(ENDPOINT), filterAnd(...endpointIds.map((id) => filterNe(ENDPOINT, id)))) : filterNotExists(ENDPOINT);
}

/** The conditions every filter shares: an API call (not an AWS service event), by no ignored role. */
function commonConditions(props: OutsideEndpointFilterProps): FilterExpression[] {
  const conditions = [filterEq('$.eventType', 'AwsApiCall')];
  if (props.ignoredRoleArns?.length) {
    conditions.push(filterOr(filterNotExists(SESSION_ISSUER), filterAnd(...props.ignoredRoleArns.map((r) => filterNe(SESSION_ISSUER, r)))));
  }
  return conditions;
}

/** The event names a kind matches (none for `outside-endpoints`, which matches every call on the subject). */
function eventNamesOf(kind: FilterKind): readonly string[] {
  switch (kind) {
    case 'outside-endpoints':
      return [];
    case 'service-secret-management':
      return SECRET_MANAGEMENT_EVENT_NAMES;
    case 'service-key-management':
      return KEY_MANAGEMENT_EVENT_NAMES;
    case 'service-key-usage':
      return KEY_USAGE_EVENT_NAMES;
  }
}

/** What a kind adds to the common conditions, for (a part of) its event names. */
function kindConditions(kind: FilterKind, props: OutsideEndpointFilterProps, names: readonly string[]): FilterExpression[] {
  const named = () => filterOr(...names.map((n) => filterEq(EVENT_NAME, n)));
  switch (kind) {
    case 'outside-endpoints':
      return [filterNotExists(INVOKED_BY), notThrough(props.endpointIds)];
    case 'service-secret-management':
    case 'service-key-management':
      // `= "*"` matches any value of a field that exists (as aws-cdk's FilterPattern.exists renders it).
      // Without admin endpoint ids, every such call counts, through an endpoint or not.
      return [filterEq(INVOKED_BY, '*'), named(), ...(props.adminEndpointIds?.length ? [notThrough(props.adminEndpointIds)] : [])];
    case 'service-key-usage':
      // `!=` does not match an absent field: this is "made by a service, and not by Secrets Manager".
      return [named(), filterNe(INVOKED_BY, SECRETS_MANAGER_INVOKED_BY)];
  }
}

function standIn(value: string, longest: string): string {
  return Token.isUnresolved(value) ? longest : value;
}

/** The props with every Terraform reference replaced by the longest value it can resolve to. */
function longestProps(props: OutsideEndpointFilterProps): OutsideEndpointFilterProps {
  const keyArnPrefix = arn({ partition: props.partition, service: 'kms', region: props.region, account: props.accountId, resource: 'key/' });
  return {
    ...props,
    endpointIds: props.endpointIds.map((id) => standIn(id, LONGEST_ENDPOINT_ID)),
    adminEndpointIds: props.adminEndpointIds?.map((id) => standIn(id, LONGEST_ENDPOINT_ID)),
    keys: props.keys.map((k) => ({ arn: standIn(k.arn, `${keyArnPrefix}${LONGEST_KEY_ID}`), keyId: standIn(k.keyId, LONGEST_KEY_ID), alias: k.alias })),
  };
}

interface Watched {
  readonly label: string;
  readonly expression: (p: OutsideEndpointFilterProps) => FilterExpression;
}

/** What one filter counts: a kind, restricted to some of its event names when all do not fit one pattern. */
interface FilterPart {
  readonly kind: FilterKind;
  readonly names: readonly string[];
}

function render(part: FilterPart, props: OutsideEndpointFilterProps, group: readonly Watched[]): string {
  return renderFilterPattern(
    filterAnd(...commonConditions(props), ...kindConditions(part.kind, props, part.names), filterOr(...group.map((w) => w.expression(props)))),
  );
}

/**
 * Spreads the watched secrets and keys over as few filters of one part as fit the length limit.
 * When one subject alone does not fit, the part's event names are split in two, each half planned
 * on its own (so long ARNs or many ignored roles cost filters, not coverage).
 */
function planPart(part: FilterPart, props: OutsideEndpointFilterProps, longest: OutsideEndpointFilterProps, watched: readonly Watched[]): PlannedFilter[] {
  if (watched.length === 0) return [];
  const groups: Watched[][] = [];
  let current: Watched[] = [];
  for (const w of watched) {
    const candidate = [...current, w];
    const length = filterPatternLength(render(part, longest, candidate));
    if (length <= MAX_FILTER_PATTERN_LENGTH) {
      current = candidate;
      continue;
    }
    if (current.length === 0) {
      if (part.names.length > 1) {
        const half = Math.ceil(part.names.length / 2);
        return [part.names.slice(0, half), part.names.slice(half)].flatMap((names) => planPart({ kind: part.kind, names }, props, longest, watched));
      }
      throw new GuardrailError(
        'PLS_FILTER_PATTERN_TOO_LONG',
        'audit',
        `found a metric filter pattern of ${length} characters for ${w.label} alone (${part.kind}); expected at most ${MAX_FILTER_PATTERN_LENGTH}: shorten the name, or list fewer endpoints or ignored roles`,
      );
    }
    groups.push(current);
    current = [w];
  }
  groups.push(current);
  // Parse what was rendered: a syntax slip fails the synth, not the apply.
  groups.forEach((group, i) => checkFilterPattern(render(part, longest, group), `audit.metricFilters.${part.kind}[${i}].pattern`));
  return groups.map((group) => ({
    kind: part.kind,
    pattern: render(part, props, group),
    maxLength: filterPatternLength(render(part, longest, group)),
    watches: group.map((w) => w.label),
  }));
}

/**
 * Plans the metric filters that count Secrets Manager and KMS API calls on the given secrets and
 * keys that the access model denies (docs/design.md, access model), one {@link FilterKind} at a time:
 * direct calls that did not come through one of the given endpoints (`vpcEndpointId` absent or
 * another endpoint); key or secret management made by another service on a caller's behalf
 * (`userIdentity.invokedBy`) not through an admin endpoint; key usage through any service but
 * Secrets Manager. Key usage by Secrets Manager for a caller and AWS service events are not counted.
 *
 * CloudWatch caps a pattern at 1,024 characters, so the secrets and keys are spread over as few
 * filters of each kind as fit, each checked at the longest its Terraform references can resolve to.
 * Throws a {@link GuardrailError} when one secret or key alone cannot fit.
 */
export function planOutsideEndpointFilters(props: OutsideEndpointFilterProps): PlannedFilter[] {
  const secrets: Watched[] = props.secretNames.map((name) => ({
    label: `secret ${name}`,
    expression: (p: OutsideEndpointFilterProps) => secretExpression(p, name),
  }));
  const keys: Watched[] = props.keys.map((_, i) => ({
    label: `key ${props.keys[i].alias ?? `#${i}`}`,
    expression: (p: OutsideEndpointFilterProps) => keyExpression(p.keys[i]),
  }));
  const longest = longestProps(props);
  const subjects: Record<FilterKind, Watched[]> = {
    'outside-endpoints': [...secrets, ...keys],
    'service-secret-management': secrets,
    'service-key-management': keys,
    'service-key-usage': keys,
  };
  const planned = FILTER_KINDS.flatMap((kind) => planPart({ kind, names: eventNamesOf(kind) }, props, longest, subjects[kind]));
  if (planned.length > MAX_METRIC_FILTERS_PER_LOG_GROUP) {
    throw new GuardrailError(
      'PLS_TOO_MANY_METRIC_FILTERS',
      'audit',
      `found ${planned.length} metric filters for ${secrets.length} secrets and ${keys.length} keys; expected at most ${MAX_METRIC_FILTERS_PER_LOG_GROUP} on one log group (CloudWatch Logs quota): watch fewer secrets and keys per environment, or shorten their names`,
    );
  }
  return planned;
}
