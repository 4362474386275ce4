import { Token } from 'cdktf';
import { arn, EnvironmentScope } from './aws-identifiers';
import { GuardrailError } from './errors';
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

/** What the "calls outside our endpoints" metric filters look for. Values may be Terraform references. */
export interface OutsideEndpointFilterProps extends EnvironmentScope {
  /** The environment's interface endpoint ids (`vpce-…`): calls through these are expected. */
  readonly endpointIds: readonly string[];
  /** Secret names (static): matched as `requestParameters.secretId`, by name or by ARN. */
  readonly secretNames: readonly string[];
  /** Keys: matched by ARN in `resources[0]`, or by id, ARN or alias in `requestParameters.keyId`. */
  readonly keys: readonly WatchedKey[];
  /** Calls by sessions of these roles are not counted (e.g. a deploy role that runs Terraform outside the VPCs). @default - none */
  readonly ignoredRoleArns?: readonly string[];
}

/** One planned metric filter. */
export interface PlannedFilter {
  /** The pattern to deploy (may hold Terraform references). */
  readonly pattern: string;
  /** Its longest possible length once the references resolve (ids and ARNs at their maximum length). */
  readonly maxLength: number;
  /** Labels of the secrets and keys it watches, e.g. `secret app/db-password`. */
  readonly watches: readonly string[];
}

const SECRET_ID = '$.requestParameters.secretId';
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

/** The conditions every filter shares: an API call by a principal, not through one of our endpoints, by no ignored role. */
function commonConditions(props: OutsideEndpointFilterProps): FilterExpression[] {
  const conditions = [filterEq('$.eventType', 'AwsApiCall'), filterNotExists('$.userIdentity.invokedBy')];
  if (props.ignoredRoleArns?.length) {
    conditions.push(filterOr(filterNotExists(SESSION_ISSUER), filterAnd(...props.ignoredRoleArns.map((r) => filterNe(SESSION_ISSUER, r)))));
  }
  // `!=` never matches an absent field, so "no vpcEndpointId" needs its own NOT EXISTS.
  conditions.push(
    props.endpointIds.length
      ? filterOr(filterNotExists('$.vpcEndpointId'), filterAnd(...props.endpointIds.map((id) => filterNe('$.vpcEndpointId', id))))
      : filterNotExists('$.vpcEndpointId'),
  );
  return conditions;
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
    keys: props.keys.map((k) => ({ arn: standIn(k.arn, `${keyArnPrefix}${LONGEST_KEY_ID}`), keyId: standIn(k.keyId, LONGEST_KEY_ID), alias: k.alias })),
  };
}

interface Watched {
  readonly label: string;
  readonly expression: (p: OutsideEndpointFilterProps) => FilterExpression;
}

function render(props: OutsideEndpointFilterProps, group: readonly Watched[]): string {
  return renderFilterPattern(filterAnd(...commonConditions(props), filterOr(...group.map((w) => w.expression(props)))));
}

/**
 * Plans the metric filters that count Secrets Manager and KMS API calls on the given secrets and
 * keys that did not come through one of the given endpoints (`vpcEndpointId` absent or another
 * endpoint), excluding calls AWS services make on a caller's behalf (`userIdentity.invokedBy`).
 *
 * CloudWatch caps a pattern at 1,024 characters, so the secrets and keys are spread over as few
 * filters as fit, each checked at the longest its Terraform references can resolve to. Throws a
 * {@link GuardrailError} when one secret or key alone cannot fit.
 */
export function planOutsideEndpointFilters(props: OutsideEndpointFilterProps): PlannedFilter[] {
  const watched: Watched[] = [
    ...props.secretNames.map((name) => ({ label: `secret ${name}`, expression: (p: OutsideEndpointFilterProps) => secretExpression(p, name) })),
    ...props.keys.map((_, i) => ({
      label: `key ${props.keys[i].alias ?? `#${i}`}`,
      expression: (p: OutsideEndpointFilterProps) => keyExpression(p.keys[i]),
    })),
  ];
  if (watched.length === 0) return [];
  const longest = longestProps(props);
  const groups: Watched[][] = [];
  let current: Watched[] = [];
  for (const w of watched) {
    const candidate = [...current, w];
    if (filterPatternLength(render(longest, candidate)) <= MAX_FILTER_PATTERN_LENGTH) {
      current = candidate;
      continue;
    }
    if (current.length === 0) {
      throw new GuardrailError(
        'PLS_FILTER_PATTERN_TOO_LONG',
        'audit',
        `found a metric filter pattern of ${filterPatternLength(render(longest, candidate))} characters for ${w.label} alone; expected at most ${MAX_FILTER_PATTERN_LENGTH}: shorten the name, or list fewer endpoints or ignored roles`,
      );
    }
    groups.push(current);
    current = [w];
  }
  groups.push(current);
  // Parse what was rendered: a syntax slip fails the synth, not the apply.
  groups.forEach((group, i) => checkFilterPattern(render(longest, group), `audit.metricFilters[${i}].pattern`));
  return groups.map((group) => ({
    pattern: render(props, group),
    maxLength: filterPatternLength(render(longest, group)),
    watches: group.map((w) => w.label),
  }));
}
