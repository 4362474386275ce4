import fc from 'fast-check';
import { Testing } from 'cdktf';
import { hasKmsFips, partitionOf } from '../../../modules/core/aws-identifiers';
import { buildStacks } from '../../../stacks/build-app';
import { ConfigError, parseConfig } from '../../../stacks/config';
import { resourcesOf, TfJson } from '../../helpers/assertions';

/**
 * Property-based tests of the config: random valid configs synthesize (with validations) into
 * stacks that keep the product's structural promises; random corruptions of a valid config always
 * give a ConfigError whose every problem starts with a JSON path, never another exception.
 */

const REGIONS = ['us-west-2', 'us-east-1', 'eu-central-1', 'ap-southeast-2', 'cn-north-1', 'us-gov-west-1'];
const WORDS = ['db', 'api', 'cache', 'queue', 'ledger', 'search', 'billing', 'auth'];
const hex = (length: number) => fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: length, maxLength: length }).map((a) => a.join(''));

/** An id of the given kind, made unique by a fixed prefix (random parts alone would often repeat: fast-check favours small values). */
const resourceId = (kind: string, unique: string) => hex(17 - unique.length).map((h) => `${kind}-${unique}${h}`);

interface EnvSeed {
  readonly index: number;
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
}

function vpcArbitrary(seed: EnvSeed, side: 0 | 1) {
  const partition = partitionOf(seed.region).name;
  const principals = fc
    .uniqueArray(fc.constantFrom(...WORDS), { maxLength: 2 })
    .map((names) => names.map((n) => `arn:${partition}:iam::${seed.accountId}:role/${n}`));
  const azLetters = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { minLength: 1, maxLength: 4 });
  const created = fc.record(
    {
      create: fc.record({
        cidrBlock: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 16, max: 24 })).map(([octet, prefix]) => `10.${octet}.0.0/${prefix}`),
        availabilityZones: azLetters.map((letters) => letters.map((l) => `${seed.region}${l}`)),
      }),
      principalArns: principals,
      privateDns: fc.boolean(),
    },
    { requiredKeys: ['create'] },
  );
  const existing = fc
    .record(
      {
        vpcId: resourceId('vpc', `${seed.index}${side}`),
        letters: azLetters,
        subnetHex: hex(14),
        allowedCidrs: fc.uniqueArray(fc.constantFrom('10.0.0.0/16', '10.1.0.0/16', '172.16.0.0/12', 'fd00:ec2::/56'), { minLength: 1, maxLength: 3 }),
        sourceSecurityGroupIds: fc.option(
          resourceId('sg', `${seed.index}${side}`).map((id) => [id]),
          { nil: undefined },
        ),
        prefixListIds: fc.option(
          resourceId('pl', `${seed.index}${side}`).map((id) => [id]),
          { nil: undefined },
        ),
        verifyDnsAttributesAtPlan: fc.option(fc.boolean(), { nil: undefined }),
        principalArns: principals,
      },
      { requiredKeys: ['vpcId', 'letters', 'subnetHex', 'allowedCidrs', 'principalArns'] },
    )
    .map(({ letters, subnetHex, ...rest }) => ({
      ...rest,
      subnets: letters.map((l, i) => ({ subnetId: `subnet-${seed.index}${side}${i}${subnetHex}`, availabilityZone: `${seed.region}${l}` })),
    }));
  return fc.oneof(created, existing);
}

function environmentArbitrary(seed: EnvSeed, named: boolean) {
  const partition = partitionOf(seed.region).name;
  const keys = fc.uniqueArray(fc.constantFrom(...WORDS), { maxLength: 3 }).chain((words) =>
    fc.tuple(
      ...words.map((w) =>
        fc.record(
          {
            alias: fc.constant(`alias/${seed.name}-${w}`),
            description: fc.constant(`Key for ${w}`),
            deletionWindowInDays: fc.integer({ min: 7, max: 30 }),
            enableKeyRotation: fc.constant(true),
            rotationPeriodInDays: fc.integer({ min: 90, max: 2560 }),
          },
          { requiredKeys: ['alias'] },
        ),
      ),
    ),
  );
  return keys.chain((keyList) =>
    fc.record(
      {
        name: fc.constant(seed.name),
        accountId: fc.constant(seed.accountId),
        region: fc.constant(seed.region),
        deployRoleArn: fc.option(fc.constant(`arn:${partition}:iam::${seed.accountId}:role/deploy`), { nil: undefined }),
        breakGlassPrincipalArns: fc
          .uniqueArray(fc.constantFrom('break-glass', 'emergency'), { minLength: 1, maxLength: 2 })
          .map((names) => names.map((n) => `arn:${partition}:iam::${seed.accountId}:role/${n}`)),
        // kms-fips only where AWS offers it (not in the China regions).
        fips: hasKmsFips(seed.region) ? fc.boolean() : fc.constant(false),
        tags: fc.dictionary(fc.constantFrom('Team', 'CostCenter', 'Owner'), fc.constantFrom('platform', '42', 'ops')),
        backend: fc.oneof(
          fc.constant({ local: {} }),
          fc.record({
            s3: fc.record(
              { bucket: fc.constant('state-bucket'), keyPrefix: fc.constantFrom('platform', 'a/b'), useLockfile: fc.boolean() },
              { requiredKeys: ['bucket'] },
            ),
          }),
        ),
        adminVpc: vpcArbitrary(seed, 0),
        appVpc: vpcArbitrary(seed, 1),
        keys: fc.constant(keyList),
        secrets: keyList.length
          ? fc.uniqueArray(fc.constantFrom(...WORDS), { maxLength: 3 }).chain((words) =>
              fc.tuple(
                ...words.map((w) =>
                  fc.record(
                    {
                      name: fc.constant(`${seed.name}/${w}-password`),
                      kmsKeyAlias: fc.constantFrom(...keyList.map((k) => k.alias)),
                      recoveryWindowInDays: fc.integer({ min: 7, max: 30 }),
                    },
                    { requiredKeys: ['name'] },
                  ),
                ),
              ),
            )
          : fc.constant([]),
      },
      // With several environments each needs a name; a single one may have one.
      { requiredKeys: [...(named ? (['name'] as const) : []), 'accountId', 'region', 'breakGlassPrincipalArns', 'adminVpc', 'appVpc', 'keys', 'secrets'] },
    ),
  );
}

/** A random valid config: 1–3 environments in 1–2 accounts, created or existing VPCs, 1–4 AZs, 0–3 keys and secrets. */
const validConfig = fc
  .tuple(
    fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/), { minLength: 1, maxLength: 3 }),
    fc.array(fc.constantFrom(...REGIONS), { minLength: 3, maxLength: 3 }),
    fc.array(fc.constantFrom('111122223333', '444455556666'), { minLength: 3, maxLength: 3 }),
  )
  .chain(([names, regions, accounts]) =>
    fc
      .tuple(...names.map((name, index) => environmentArbitrary({ index, name, accountId: accounts[index], region: regions[index] }, names.length > 1)))
      .map((environments) => ({ environments })),
  );

function synthAll(raw: unknown): Record<string, TfJson> {
  const app = Testing.app();
  const stacks = buildStacks(app, parseConfig(raw));
  return Object.fromEntries(stacks.flatMap((s) => [s.app, s.admin]).map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack, true)) as TfJson]));
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

/** The AZ of each endpoint subnet: created subnets through their resource, existing ones through the config. */
function endpointAzs(json: TfJson, endpoint: TfJson, vpcConfig: any): string[] {
  return (endpoint.subnet_ids as string[]).map((id) => {
    const ref = /^\$\{aws_subnet\.([^.]+)\.id\}$/.exec(id);
    if (ref) return json.resource.aws_subnet[ref[1]].availability_zone as string;
    return (vpcConfig.subnets as { subnetId: string; availabilityZone: string }[]).find((s) => s.subnetId === id)!.availabilityZone;
  });
}

describe('random valid configs', () => {
  it('GIVEN a random valid config WHEN synthesized with validations THEN endpoints sit in one subnet per AZ, ingress is tcp/443 only, every secret has a CMK of its stack, names are unique and no path is absolute', () => {
    fc.assert(
      fc.property(validConfig, (raw) => {
        const stacks = synthAll(raw);
        const names = Object.keys(stacks);
        expect(names).toHaveLength(2 * raw.environments.length);
        const seen = new Set<string>();
        raw.environments.forEach((env: any) => {
          for (const [side, vpcConfig] of [
            ['admin', env.adminVpc],
            ['app', env.appVpc],
          ] as const) {
            const json = stacks[env.name ? `${env.name}-${side}-vpc` : `${side}-vpc`];
            const expectedAzs = (vpcConfig.create?.availabilityZones ?? vpcConfig.subnets.map((s: any) => s.availabilityZone)).slice().sort();
            const endpoints = resourcesOf(json, 'aws_vpc_endpoint');
            expect(endpoints).toHaveLength(2);
            for (const endpoint of endpoints) expect(endpointAzs(json, endpoint, vpcConfig).sort()).toEqual(expectedAzs);
            for (const rule of resourcesOf(json, 'aws_vpc_security_group_ingress_rule')) {
              expect(rule).toEqual(expect.objectContaining({ from_port: 443, to_port: 443, ip_protocol: 'tcp' }));
              expect(String(rule.cidr_ipv4 ?? rule.cidr_ipv6 ?? '')).not.toMatch(/\/0$/);
            }
            for (const group of resourcesOf(json, 'aws_security_group')) expect(group.ingress ?? []).toEqual([]);
            expect(resourcesOf(json, 'aws_vpc_security_group_egress_rule')).toHaveLength(0);
            const keyRefs = Object.keys(json.resource?.aws_kms_key ?? {}).map((k) => `\${aws_kms_key.${k}.arn}`);
            for (const secret of resourcesOf(json, 'aws_secretsmanager_secret')) {
              expect(keyRefs).toContain(secret.kms_key_id);
              expect(secret.recovery_window_in_days).toBeGreaterThanOrEqual(7);
              const id = `${env.accountId}|${env.region}|secret|${secret.name}`;
              expect(seen.has(id)).toBe(false);
              seen.add(id);
            }
            for (const key of resourcesOf(json, 'aws_kms_key'))
              expect(key).toEqual(expect.objectContaining({ enable_key_rotation: true, lifecycle: { prevent_destroy: true } }));
            for (const alias of resourcesOf(json, 'aws_kms_alias')) {
              const id = `${env.accountId}|${env.region}|alias|${alias.name}`;
              expect(seen.has(id)).toBe(false);
              seen.add(id);
            }
            expect(stringsOf(json).filter((s) => s.startsWith('/'))).toEqual([]);
          }
          // Secrets and keys live in the admin stack only.
          const app = stacks[env.name ? `${env.name}-app-vpc` : 'app-vpc'];
          expect(resourcesOf(app, 'aws_secretsmanager_secret')).toHaveLength(0);
          expect(resourcesOf(app, 'aws_kms_key')).toHaveLength(0);
        });
      }),
      { numRuns: 30 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

type Path = (string | number)[];

/** Every location in a JSON document except the root, with its value. */
function locations(value: unknown, path: Path = []): { path: Path; value: unknown }[] {
  const here = path.length ? [{ path, value }] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => locations(v, [...path, i]))];
  if (value && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => locations(v, [...path, k]))];
  return here;
}

function setAt(root: any, path: Path, value: unknown): void {
  const parent = path.slice(0, -1).reduce((node, part) => node[part], root);
  parent[path[path.length - 1]] = value;
}

function deleteAt(root: any, path: Path): void {
  const parent = path.slice(0, -1).reduce((node, part) => node[part], root);
  delete parent[path[path.length - 1]];
}

/** A value of another JSON type than `value`. */
function otherType(value: unknown, pick: number): unknown {
  const candidates: unknown[] = [42, true, 'text', null, { unexpected: 1 }, ['x']];
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  const others = candidates.filter((c) => kind(c) !== kind(value));
  return others[pick % others.length];
}

const REQUIRED = ['accountId', 'region', 'breakGlassPrincipalArns', 'adminVpc', 'appVpc'];
const BAD_IDS: Record<string, string[]> = {
  vpcId: ['vpc-123', 'vpc-0A1B2C3D', 'subnet-0a1b2c3d', 'vpc-0a1b2c3d4e5f6071'],
  subnetId: ['subnet-xyz', 'vpc-0a1b2c3d', 'subnet-0a1b2c3d4'],
  accountId: ['12345678901', 'abcdefghijkl', '1111222233334'],
  region: ['us-west', 'US-WEST-2', 'moon-east-1'],
};

/** A corruption of a valid config that the schema must reject. */
const corruption = fc.record({
  kind: fc.constantFrom('wrong type', 'bad id', 'removed required field', 'extra field'),
  pick: fc.nat(),
  choice: fc.nat(),
});

function corrupt(raw: any, c: { kind: string; pick: number; choice: number }): string {
  const all = locations(raw);
  if (c.kind === 'wrong type') {
    const target = all[c.pick % all.length];
    setAt(raw, target.path, otherType(target.value, c.choice));
    return `${target.path.join('.')} := another type`;
  }
  if (c.kind === 'bad id') {
    const targets = all.filter((l) => typeof l.value === 'string' && BAD_IDS[String(l.path[l.path.length - 1])]);
    const target = targets[c.pick % targets.length];
    const options = BAD_IDS[String(target.path[target.path.length - 1])];
    setAt(raw, target.path, options[c.choice % options.length]);
    return `${target.path.join('.')} := bad id`;
  }
  if (c.kind === 'removed required field') {
    const env = c.pick % raw.environments.length;
    const field = REQUIRED[c.choice % REQUIRED.length];
    deleteAt(raw, ['environments', env, field]);
    return `environments.${env}.${field} removed`;
  }
  const objects = [{ path: [] as Path, value: raw }, ...all].filter((l) => l.value && typeof l.value === 'object' && !Array.isArray(l.value));
  // Tags are a free-form map: an extra key there is valid, so pick another object.
  const strict = objects.filter((l) => l.path[l.path.length - 1] !== 'tags');
  const target = strict[c.pick % strict.length];
  (target.value as Record<string, unknown>)[`unexpected${c.choice % 3}`] = c.choice;
  return `${target.path.join('.')} + extra field`;
}

/** `environments[0].adminVpc.subnets[1].availabilityZone`, `(root)`, `(file)` or `tags["a b"]`, then `: found …; expected …`. */
const PROBLEM = /^(\(root\)|(?:[A-Za-z_$][\w$]*|\["[^"]*"\])(?:\.[A-Za-z_$][\w$]*|\[\d+\]|\["[^"]*"\])*): found .+; expected .+/s;

describe('random corruptions of a valid config', () => {
  it('GIVEN a valid config with a wrong type, a bad id, a removed required field or an extra field WHEN parsed THEN a ConfigError lists problems that each start with a JSON path, never another exception', () => {
    fc.assert(
      fc.property(validConfig, corruption, (generated, c) => {
        // As a config file holds it: an optional key the generator left undefined is absent, not a
        // location whose "other type" could be a valid value (a boolean for an absent boolean flag).
        const raw = JSON.parse(JSON.stringify(generated));
        const what = corrupt(raw, c);
        let error: unknown;
        try {
          parseConfig(raw);
        } catch (e) {
          error = e;
        }
        if (!(error instanceof ConfigError)) throw new Error(`${what}: expected a ConfigError, got ${error instanceof Error ? error.stack : String(error)}`);
        expect(error.problems.length).toBeGreaterThan(0);
        for (const problem of error.problems) {
          if (!PROBLEM.test(problem)) throw new Error(`${what}: problem without a leading JSON path / found / expected: ${problem}`);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('GIVEN a valid config WHEN parsed THEN it is accepted as is (the generator itself only makes valid configs)', () => {
    fc.assert(
      fc.property(validConfig, (raw) => {
        expect(() => parseConfig(raw)).not.toThrow();
      }),
      { numRuns: 100 },
    );
  });
});
