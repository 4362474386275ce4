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

/**
 * The default config with every free-text field filled from `texts` (cycled): secret and key
 * descriptions, tag keys and values, a rotation schedule, alarm action ARNs and the local state
 * path. Field limits of the schema are kept (tag keys ≤ 128, values ≤ 256 characters).
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
    const key = `t${i}${text()}`.slice(0, 128);
    if (!RESERVED_TAGS.has(key)) tags[key] = text().slice(0, 256);
  }
  const scheduleExpression = `rate(${text().slice(0, 200)})`;
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
