import { Token } from 'cdktf';
import { GuardrailError, describeValue } from './errors';

/**
 * Limits AWS enforces at apply that the config and the modules check before: tags, Secrets Manager
 * rotation schedules and the rotation Lambda's place.
 */

/** Tags per resource (Secrets Manager TagResource, KMS TagResource, EC2 CreateTags: 50 user tags each). */
export const MAX_TAGS_PER_RESOURCE = 50;
/** Longest tag key, in Unicode characters (code points). */
export const MAX_TAG_KEY_LENGTH = 128;
/** Longest tag value, in Unicode characters (code points). */
export const MAX_TAG_VALUE_LENGTH = 256;

/**
 * Characters every service we tag accepts in tag keys and values: Unicode letters, numbers and
 * separators (spaces), and `_ . : / = + - @`. This is the pattern of the Secrets Manager API's
 * `Tag` / `TagResource` and of KMS's `TagResource` (`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`), and the set
 * the AWS "Tagging AWS resources" guide ("Tag naming limits and requirements") names as allowed
 * across services. EC2 alone would accept any Unicode character, but the provider's default tags go
 * on the secrets and keys too, so the strictest rule of the resources we tag is the one we apply.
 */
export const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const TAG_CHARACTERS_TEXT = 'Unicode letters, digits, spaces and _ . : / = + - @';

/** Length in Unicode characters (code points), as AWS counts tag lengths (not UTF-16 units). */
export function codePointLength(text: string): number {
  return Array.from(text).length;
}

/** What is wrong with a tag key, or undefined. */
export function tagKeyProblem(key: string): string | undefined {
  const length = codePointLength(key);
  if (length < 1 || length > MAX_TAG_KEY_LENGTH) return `expected a tag key of 1–${MAX_TAG_KEY_LENGTH} Unicode characters (this one has ${length})`;
  if (/^aws:/i.test(key)) return 'expected a tag key not starting with "aws:" (AWS reserves that prefix for its own tags, in any letter case)';
  if (!TAG_CHARACTERS.test(key)) return `expected a tag key of ${TAG_CHARACTERS_TEXT} only (what Secrets Manager and KMS accept in tags)`;
  return undefined;
}

/** What is wrong with a tag value, or undefined. */
export function tagValueProblem(value: string): string | undefined {
  const length = codePointLength(value);
  if (length > MAX_TAG_VALUE_LENGTH) return `expected a tag value of at most ${MAX_TAG_VALUE_LENGTH} Unicode characters (this one has ${length})`;
  if (!TAG_CHARACTERS.test(value)) return `expected a tag value of ${TAG_CHARACTERS_TEXT} only (what Secrets Manager and KMS accept in tags)`;
  return undefined;
}

/** Problem of a tag count (`count` tags on one resource, `others` of them added by the stack), or undefined. */
export function tagCountProblem(count: number, others = 0): string | undefined {
  if (count <= MAX_TAGS_PER_RESOURCE) return undefined;
  return `expected at most ${MAX_TAGS_PER_RESOURCE} tags per resource${others ? `, counting the ${others} the stack adds` : ''} (this gives ${count})`;
}

/**
 * Throws a {@link GuardrailError} naming `field` when a module's `tags` prop breaks AWS's tag
 * limits. `added` are the tag keys the module adds itself (such as Name).
 */
export function assertTags(tags: Record<string, string> | undefined, field = 'tags', added: readonly string[] = []): void {
  if (!tags) return;
  for (const [key, value] of Object.entries(tags)) {
    if (Token.isUnresolved(key)) continue; // a reference: Terraform checks it
    const keyProblem = tagKeyProblem(key);
    if (keyProblem) throw new GuardrailError('PLS_TAG', `${field}[${JSON.stringify(key)}]`, `found the key ${describeValue(key)}; ${keyProblem}`);
    if (typeof value !== 'string' || Token.isUnresolved(value)) continue; // a reference: Terraform checks it
    const valueProblem = tagValueProblem(value);
    if (valueProblem) throw new GuardrailError('PLS_TAG', `${field}[${JSON.stringify(key)}]`, `found ${describeValue(value)}; ${valueProblem}`);
  }
  const count = new Set([...Object.keys(tags), ...added]).size;
  const countProblem = tagCountProblem(count, added.length);
  if (countProblem) throw new GuardrailError('PLS_TAG_COUNT', field, `found ${Object.keys(tags).length} tags; ${countProblem}`);
}

/** A valid schedule, shown in messages. */
export const SCHEDULE_EXPRESSION_EXAMPLES = '"rate(10 days)", "rate(12 hours)" or "cron(0 4 ? * MON *)"';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** `?` allowed. */
  readonly question?: boolean;
  /** `L` allowed (alone, or after a value in day-of-week). */
  readonly last?: boolean;
  /** `#` allowed (day-of-week). */
  readonly nth?: boolean;
}

const CRON_FIELDS: CronField[] = [
  { name: 'Hours', min: 0, max: 23 },
  { name: 'Day-of-month', min: 1, max: 31, question: true, last: true },
  { name: 'Month', min: 1, max: 12, names: MONTHS },
  { name: 'Day-of-week', min: 1, max: 7, names: DAYS, question: true, last: true, nth: true },
];

function cronValue(text: string, field: CronField): boolean {
  if (/^\d{1,2}$/.test(text)) return Number(text) >= field.min && Number(text) <= field.max;
  return !!field.names?.includes(text.toUpperCase());
}

/** True when one comma-separated item of a cron field is valid. */
function cronItem(item: string, field: CronField): boolean {
  if (item === '*') return true;
  if (item === 'L') return !!field.last;
  if (field.nth && /^[^#]+#[1-5]$/.test(item)) return cronValue(item.split('#')[0], field);
  if (field.nth && field.last && /^.+L$/.test(item)) return cronValue(item.slice(0, -1), field);
  const step = /^([^/]+)\/(\d{1,4})$/.exec(item);
  if (step) {
    if (Number(step[2]) < 1) return false;
    return step[1] === '*' || cronValue(step[1], field) || cronItem(step[1], { ...field, last: false, nth: false });
  }
  const range = /^([^-]+)-([^-]+)$/.exec(item);
  if (range) return cronValue(range[1], field) && cronValue(range[2], field);
  return cronValue(item, field);
}

/**
 * What is wrong with a Secrets Manager rotation `ScheduleExpression`, or undefined. The grammar of
 * "Schedule expressions in Secrets Manager rotation" (Secrets Manager User Guide,
 * rotate-secrets_schedule.html): `rate(Value Unit)`, Value a positive integer, Unit hour(s) or day(s),
 * no more often than every four hours and at most 999 days apart; `cron(Minutes Hours Day-of-month
 * Month Day-of-week Year)` with Minutes 0 (windows open on the hour), Hours 0–23, Day-of-month 1–31
 * (`, - * ? / L`), Month 1–12 or JAN–DEC (`, - * /`), Day-of-week 1–7 or SUN–SAT (`# , - * ? / L`),
 * Year `*`; as in every AWS cron, one of Day-of-month and Day-of-week is `?`.
 */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const expected = (what: string) => `expected ${what}, such as ${SCHEDULE_EXPRESSION_EXAMPLES} (Secrets Manager's rotation schedule grammar)`;
  const rate = /^rate\((\d+) (hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    if (rate[2].startsWith('hour') && (value < 4 || value > 23))
      return expected('a rate in hours from 4 to 23 (Secrets Manager rotates at most every four hours; use days for a day or more)');
    if (rate[2].startsWith('day') && (value < 1 || value > 999)) return expected('a rate in days from 1 to 999');
    return undefined;
  }
  if (/^rate\(/.test(expression)) return expected('"rate(<whole number> hours|days)"');
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) return expected('a rate() or cron() expression');
  const fields = cron[1].split(' ');
  if (fields.length !== 6 || fields.some((f) => f === ''))
    return expected('six cron fields separated by single spaces: Minutes Hours Day-of-month Month Day-of-week Year');
  const [minutes, ...middle] = fields;
  const year = middle.pop()!;
  if (minutes !== '0') return expected('0 in the cron Minutes field (rotation windows open on the hour)');
  if (year !== '*') return expected('* in the cron Year field');
  for (let i = 0; i < CRON_FIELDS.length; i += 1) {
    const field = CRON_FIELDS[i];
    const text = middle[i];
    if (text === '?') {
      if (!field.question) return expected(`no ? in the cron ${field.name} field`);
      continue;
    }
    if (!text.split(',').every((item) => item !== '' && cronItem(item, field))) {
      return expected(
        `a cron ${field.name} field of ${field.min}–${field.max}${field.names ? ` or ${field.names[0]}–${field.names[field.names.length - 1]}` : ''} values`,
      );
    }
  }
  if ((middle[1] === '?') === (middle[3] === '?')) return expected('? in exactly one of the cron Day-of-month and Day-of-week fields');
  return undefined;
}

/** A Lambda function ARN, optionally with a version or alias. */
export const LAMBDA_FUNCTION_ARN_PATTERN = /^arn:([a-z-]+):lambda:([a-z0-9-]+):(\d{12}):function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;

/** What is wrong with the place of a rotation Lambda (another partition, region or account than the secret's), or undefined. */
export function lambdaPlaceProblem(lambdaArn: string, scope: { partition: string; region: string; accountId: string }): string | undefined {
  const match = LAMBDA_FUNCTION_ARN_PATTERN.exec(lambdaArn);
  if (!match) return undefined;
  const [, partition, region, account] = match;
  if (partition === scope.partition && region === scope.region && account === scope.accountId) return undefined;
  return `expected a function in partition ${scope.partition}, region ${scope.region} and account ${scope.accountId}, the secret's (Secrets Manager invokes only a rotation function there), such as "arn:${scope.partition}:lambda:${scope.region}:${scope.accountId}:function:rotate"`;
}
