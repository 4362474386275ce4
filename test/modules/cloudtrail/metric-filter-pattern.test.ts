import {
  checkFilterPattern,
  filterAnd,
  filterEq,
  filterNe,
  filterNotExists,
  filterOr,
  matchesFilter,
  MAX_FILTER_PATTERN_LENGTH,
  parseFilterPattern,
  renderFilterPattern,
  selectValue,
} from '../../../modules/cloudtrail/metric-filter-pattern';
import { eventNamePatterns, KEY_USAGE_EVENT_NAMES, SECRETS_MANAGER_INVOKED_BY } from '../../../modules/cloudtrail/outside-endpoint-filter';
import { GUIDE_KMS, guideRecord } from '../../helpers/cloudtrail-records';

describe('CloudWatch Logs JSON filter patterns', () => {
  const kms = guideRecord(GUIDE_KMS);

  it('GIVEN nested and/or expressions WHEN rendered THEN every nested group is parenthesised and the text parses back to the same expression', () => {
    const expr = filterAnd(
      filterEq('$.eventType', 'AwsApiCall'),
      filterOr(filterNotExists('$.vpcEndpointId'), filterAnd(filterNe('$.vpcEndpointId', 'vpce-a'), filterNe('$.vpcEndpointId', 'vpce-b'))),
    );
    const text = renderFilterPattern(expr);
    expect(text).toBe('{ $.eventType = "AwsApiCall" && ($.vpcEndpointId NOT EXISTS || ($.vpcEndpointId != "vpce-a" && $.vpcEndpointId != "vpce-b")) }');
    expect(parseFilterPattern(text)).toEqual(expr);
    expect(renderFilterPattern(parseFilterPattern(text))).toBe(text);
  });

  it('GIVEN a value with quotes and backslashes WHEN rendered and parsed THEN the value round-trips', () => {
    const expr = filterEq('$.a', 'say "hi" \\ bye');
    expect(parseFilterPattern(renderFilterPattern(expr))).toEqual(expr);
  });

  it('GIVEN selectors with array indexes WHEN evaluated on the KMS guide record THEN they find the resource ARN and the endpoint', () => {
    expect(selectValue(kms, '$.resources[0].ARN')).toBe('arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(selectValue(kms, '$.resources[1].ARN')).toBeUndefined();
    expect(matchesFilter(parseFilterPattern('{ $.vpcEndpointId = "vpce-0295a3caf8414c94a" && $.eventName = "GenerateDataKey" }'), kms)).toBe(true);
  });

  it.each([
    ['*1234567890ab', true],
    ['arn:aws:kms:*', true],
    ['*key/1234abcd-12ab-34cd-56ef-1234567890ab', true],
    ['*abcdef', false],
    ['arn:aws:kms:us-west-2*', false],
    ['*', true],
  ])('GIVEN the wildcard value %s WHEN compared with the key ARN THEN it matches: %s', (value, expected) => {
    expect(matchesFilter(filterEq('$.resources[0].ARN', value), kms)).toBe(expected);
  });

  it('GIVEN an absent field WHEN compared with = or != THEN neither matches, and only NOT EXISTS does', () => {
    const noEndpoint = { ...kms, vpcEndpointId: undefined };
    expect(matchesFilter(filterEq('$.vpcEndpointId', 'vpce-x'), noEndpoint)).toBe(false);
    expect(matchesFilter(filterNe('$.vpcEndpointId', 'vpce-x'), noEndpoint)).toBe(false);
    expect(matchesFilter(filterNotExists('$.vpcEndpointId'), noEndpoint)).toBe(true);
    expect(matchesFilter(filterNotExists('$.vpcEndpointId'), kms)).toBe(false);
  });

  it.each([
    [undefined, false, false],
    ['secretsmanager.amazonaws.com', true, false],
    ['secretsmanager.us-west-2.amazonaws.com', true, false],
    ['s3.amazonaws.com', true, true],
    ['cloudformation.amazonaws.com', true, true],
  ])(
    'GIVEN invokedBy %s WHEN the service-filter terms run THEN "= \\"*\\"" (exists) gives %s and "!= secretsmanager.*" gives %s',
    (invokedBy, exists, notSecretsManager) => {
      const record = { ...kms, userIdentity: { ...kms.userIdentity, invokedBy } };
      expect(matchesFilter(parseFilterPattern('{ $.userIdentity.invokedBy = "*" }'), record)).toBe(exists);
      expect(matchesFilter(filterNe('$.userIdentity.invokedBy', SECRETS_MANAGER_INVOKED_BY), record)).toBe(notSecretsManager);
    },
  );

  it('GIVEN IAM actions WHEN turned into event name patterns THEN the service prefix goes, wildcards stay, duplicates go', () => {
    expect(eventNamePatterns(['kms:Put*', 'secretsmanager:Put*', 'kms:ScheduleKeyDeletion'])).toEqual(['Put*', 'ScheduleKeyDeletion']);
    expect(KEY_USAGE_EVENT_NAMES).toEqual(expect.arrayContaining(['Decrypt', 'Encrypt', 'GenerateDataKey*']));
  });

  it.each([
    ['{ $.a = "x" && $.b = "y" || $.c = "z" }', /parenthesise to mix && and \|\|/],
    ['{ $.a = "x*y" }', /wildcard "\*" only at the start or the end/],
    ['{ $.a = "x }', /unterminated string/],
    ['$.a = "x"', /expected "\{"/],
    ['{ $.a = "x" ', /expected "\}"/],
    ['{ $ = "x" }', /at least one \.name or \[index\] step/],
    ['{ $.a > "x" }', /found ">"/],
    ['{ $.a = "x" } extra', /found "extra"|expected nothing after/],
    ['{ $.a NOT THERE }', /expected "EXISTS"/],
  ])('GIVEN the malformed pattern %s WHEN parsed THEN it is rejected with the position and what was expected', (pattern, message) => {
    expect(() => parseFilterPattern(pattern)).toThrow(message);
    expect(() => parseFilterPattern(pattern)).toThrow(/PLS_FILTER_PATTERN/);
  });

  it('GIVEN a value with a wildcard in the middle WHEN rendered THEN it is refused before any pattern is written', () => {
    expect(() => renderFilterPattern(filterEq('$.a', 'arn:*:kms'))).toThrow(/PLS_FILTER_PATTERN.*wildcard only at the start or the end/);
  });

  it('GIVEN a pattern one character over the limit WHEN checked THEN it fails with its length, and at the limit it passes', () => {
    const frame = renderFilterPattern(filterEq('$.a', '')).length;
    const atLimit = renderFilterPattern(filterEq('$.a', 'x'.repeat(MAX_FILTER_PATTERN_LENGTH - frame)));
    expect(atLimit).toHaveLength(MAX_FILTER_PATTERN_LENGTH);
    expect(() => checkFilterPattern(atLimit)).not.toThrow();
    const over = renderFilterPattern(filterEq('$.a', 'x'.repeat(MAX_FILTER_PATTERN_LENGTH - frame + 1)));
    expect(() => checkFilterPattern(over)).toThrow(/PLS_FILTER_PATTERN_TOO_LONG.*1025 characters; expected at most 1024/);
  });

  it('GIVEN multi-byte characters WHEN the length is checked THEN UTF-8 bytes count, as the provider counts them', () => {
    const frame = renderFilterPattern(filterEq('$.a', '')).length;
    const pattern = renderFilterPattern(filterEq('$.a', 'é'.repeat((MAX_FILTER_PATTERN_LENGTH - frame) / 2 + 1)));
    expect(pattern.length).toBeLessThan(MAX_FILTER_PATTERN_LENGTH);
    expect(() => checkFilterPattern(pattern)).toThrow(/PLS_FILTER_PATTERN_TOO_LONG/);
  });
});
