import fc from 'fast-check';
import { defaultConfigJson } from './configs';
import { hostileText } from './terraform-template';

/** Where each generated text went in a config, so a test can find it again in the output. */
export interface HostileConfig {
  /** The raw config (validate with parseConfig). */
  readonly raw: any;
  /** Secret name → its description. */
  readonly secretDescriptions: Record<string, string>;
  /** Key alias → its description. */
  readonly keyDescriptions: Record<string, string>;
  /** The environment's tags (provider default_tags). */
  readonly tags: Record<string, string>;
  /** The rotation schedule of `app/rotated`. */
  readonly scheduleExpression: string;
  /** The extra alarm action ARNs of the audit. */
  readonly alarmActionArns: string[];
  /** The local state path pattern (literal, "{stack}" replaced per stack). */
  readonly statePath: string;
}

const RESERVED_TAGS = new Set(['ManagedBy', 'Stack', 'Environment']);

/** Rotation schedules Secrets Manager accepts, with every cron feature its grammar has. */
const SCHEDULES = [
  'rate(4 hours)',
  'rate(999 days)',
  'cron(0 4/12 * * ? *)',
  'cron(0 23 ? JAN-MAR,DEC MON-FRI *)',
  'cron(0 0 ? * 6L *)',
  'cron(0 1 ? * 2#3 *)',
  'cron(0 2 L * ? *)',
];

/**
 * `text` with only the characters AWS accepts in tags (Unicode letters, digits and separators, and
 * _ . : / = + - @; see modules/core/aws-limits.ts): still non-ASCII letters, astral-plane letters, line
 * and paragraph separators and ':' '/' '=' '@', which JSON, HCL and shell quoting must carry.
 */
function tagText(text: string): string {
  return text.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '');
}

/** The first `max` code points of `text` (AWS counts tag lengths in characters, and a cut must not split a surrogate pair). */
function codePoints(text: string, max: number): string {
  return [...text].slice(0, max).join('');
}

/**
 * The default config with every free-text field filled from `texts` (cycled): secret and key
 * descriptions, tag keys and values, alarm action ARNs and the local state path. Tags keep AWS's
 * rules (only the characters AWS accepts in tags, keys ≤ 128 and values ≤ 256 code points) and the
 * rotation schedule is one Secrets Manager parses; descriptions stay fully hostile.
 */
export function hostileConfig(texts: readonly string[], count = 8): HostileConfig {
  let next = 0;
  const text = () => texts[next++ % texts.length];
  const raw = defaultConfigJson();
  const env = raw.environments[0];
  const secretDescriptions: Record<string, string> = {};
  const keyDescriptions: Record<string, string> = {};
  const tags: Record<string, string> = {};
  env.keys = [];
  env.secrets = [];
  for (let i = 0; i < count; i += 1) {
    const alias = `alias/k${i}`;
    keyDescriptions[alias] = `k${i} ${text()}`;
    env.keys.push({ alias, description: keyDescriptions[alias] });
    const name = `app/s${i}`;
    secretDescriptions[name] = `s${i} ${text()}`;
    env.secrets.push({ name, description: secretDescriptions[name], kmsKeyAlias: alias });
    const key = codePoints(`t${i}${tagText(text())}`, 128);
    // Never empty: AWS provider 5.100 plans tags_all as unknown when a default tag's value is "" (nothing to compare at plan).
    if (!RESERVED_TAGS.has(key)) tags[key] = codePoints(tagText(text()), 256) || 'v';
  }
  // Secrets Manager parses the schedule (the config refuses what it would not): one of its grammar's shapes, not free text.
  const scheduleExpression = SCHEDULES[next % SCHEDULES.length];
  env.secrets.push({
    name: 'app/rotated',
    kmsKeyAlias: 'alias/k0',
    rotation: {
      lambdaArn: 'arn:aws:lambda:us-west-2:111122223333:function:rotate',
      roleArn: 'arn:aws:iam::111122223333:role/rotation',
      scheduleExpression,
    },
  });
  env.tags = tags;
  // An ARN is one line (the config and the module refuse line breaks in it).
  const alarmActionArns = [`arn:aws:sns:us-west-2:111122223333:${text().replace(/[\n\r\u2028]/g, '_')}`];
  env.audit = { alarmActionArns };
  const statePath = `../../../state ${text().replace(/[\n\r\0/\\]/g, '_')} {stack}.tfstate`;
  env.backend = { local: { path: statePath } };
  return { raw, secretDescriptions, keyDescriptions, tags, scheduleExpression, alarmActionArns, statePath };
}

/** Batches of hostile texts for {@link hostileConfig}. */
export function hostileTexts(size: number): fc.Arbitrary<string[]> {
  return fc.array(hostileText(10), { minLength: size, maxLength: size });
}
