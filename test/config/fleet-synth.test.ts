import { availableParallelism } from 'os';
import { existsSync, mkdtempSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { GuardrailError } from '../../modules/errors';
import { synthesizeToDirectory } from '../../stacks/build-app';
import { parseConfig, StacksConfig } from '../../stacks/config';
import { chunksOf, synthesizeFleet, synthThreads } from '../../stacks/fleet-synth';
import { runSynth } from '../../stacks/run-synth';
import { fleetConfig, writeFleetConfig } from '../../tools/bench/fleet-config';
import { fileHashes } from '../helpers/pipeline';

function fleet(count: number): StacksConfig {
  return parseConfig(fleetConfig(count), `fleet-${count}`);
}

/** A config whose `at`-th environment breaks at construction (an Availability Zone of another region). */
function breaksAtBuild(config: StacksConfig, at: number): StacksConfig {
  const env = config.environments[at];
  const create = env.appVpc.create!;
  return {
    ...config,
    environments: config.environments.map((e, i) =>
      i === at ? { ...env, appVpc: { ...env.appVpc, create: { ...create, availabilityZones: ['eu-central-1a', ...create.availabilityZones.slice(1)] } } } : e,
    ),
  };
}

/** A config whose `at`-th environment builds but fails validation at synth (an app endpoint policy over the size limit). */
function breaksAtSynth(config: StacksConfig, at: number): StacksConfig {
  const env = config.environments[at];
  const principalArns = Array.from({ length: 400 }, (_, i) => `arn:aws:iam::${env.accountId}:role/a-rather-long-role-name-${i}`);
  return { ...config, environments: config.environments.map((e, i) => (i === at ? { ...env, appVpc: { ...env.appVpc, principalArns } } : e)) };
}

function tempOut(): string {
  return join(mkdtempSync(join(tmpdir(), 'pls-fleet-synth-')), 'cdktf.out');
}

describe('synthesizeFleet', () => {
  const config = fleet(20);
  const serial = tempOut();
  synthesizeToDirectory(config, serial);
  const expected = fileHashes(serial);

  it.each([1, 2, 3])(
    'GIVEN 20 environments WHEN synthesized with %i thread(s) THEN the output is byte-identical to synthesizeToDirectory, manifest included',
    async (threads) => {
      const out = tempOut();
      await synthesizeFleet(config, out, {}, threads);
      expect(Object.keys(expected)).toHaveLength(41);
      expect(fileHashes(out)).toEqual(expected);
    },
  );

  it('GIVEN HCL output WHEN synthesized with 2 threads THEN it is byte-identical to synthesizeToDirectory with HCL', async () => {
    const small = fleet(6);
    const one = tempOut();
    synthesizeToDirectory(small, one, { hcl: true });
    const two = tempOut();
    await synthesizeFleet(small, two, { hcl: true }, 2);
    expect(Object.keys(fileHashes(one)).filter((f) => f.endsWith('cdk.tf'))).toHaveLength(12);
    expect(fileHashes(two)).toEqual(fileHashes(one));
  });

  it('GIVEN a construction error in the last chunk and a synth error in the first WHEN synthesized with 2 threads THEN it raises what one thread raises (the construction error), and writes nothing', async () => {
    const broken = breaksAtSynth(breaksAtBuild(config, 18), 1);
    const out = tempOut();
    await synthesizeFleet(config, out, {}, 1);
    const before = fileHashes(out);
    let serialError: unknown;
    try {
      synthesizeToDirectory(broken, tempOut());
    } catch (e) {
      serialError = e;
    }
    expect(serialError).toBeInstanceOf(GuardrailError);
    expect((serialError as Error).message).toMatch(/^\[PLS_BAD_AZ\] availabilityZones\[0\]: found "eu-central-1a"/);
    const parallel = synthesizeFleet(broken, out, {}, 2);
    await expect(parallel).rejects.toBeInstanceOf(GuardrailError);
    await expect(synthesizeFleet(broken, out, {}, 2)).rejects.toThrow((serialError as Error).message);
    expect(fileHashes(out)).toEqual(before);
    expect(readdirSync(join(out, '..'))).toEqual(['cdktf.out']);
  });

  it('GIVEN only a synth error in a worker chunk WHEN synthesized with 2 threads THEN it raises the same validation error as one thread and writes nothing', async () => {
    const broken = breaksAtSynth(config, 17);
    let serialMessage = '';
    try {
      synthesizeToDirectory(broken, tempOut());
    } catch (e) {
      serialMessage = (e as Error).message;
    }
    expect(serialMessage).toMatch(/Validation failed with the following errors:\n {2}\[env-017-app-vpc\/endpoints\/secretsmanager\] \[PLS_POLICY_SIZE\]/);
    const out = tempOut();
    await expect(synthesizeFleet(broken, out, {}, 2)).rejects.toThrow(serialMessage);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(join(out, '..'))).toEqual([]);
  });
});

describe('synthThreads', () => {
  it('GIVEN no SYNTH_THREADS THEN one thread per core, as long as each gets 100 environments', () => {
    expect(synthThreads(1, undefined, 2)).toBe(1);
    expect(synthThreads(199, undefined, 2)).toBe(1);
    expect(synthThreads(200, undefined, 2)).toBe(2);
    expect(synthThreads(1000, undefined, 2)).toBe(2);
    expect(synthThreads(650, undefined, 8)).toBe(6);
    expect(synthThreads(650, '', 8)).toBe(6);
  });

  it('GIVEN SYNTH_THREADS THEN it wins, capped at one thread per environment', () => {
    expect(synthThreads(100, '1', 8)).toBe(1);
    expect(synthThreads(3, '4', 8)).toBe(3);
    expect(synthThreads(0, '4', 8)).toBe(1);
  });

  it.each(['0', '-1', '1.5', 'two', '3', '64', '1e1', ' 2', '0x2'])(
    'GIVEN SYNTH_THREADS=%s on 2 cores THEN PLS_SYNTH_THREADS says what is expected',
    (value) => {
      expect(() => synthThreads(10, value, 2)).toThrow(
        `[PLS_SYNTH_THREADS] SYNTH_THREADS: found ${JSON.stringify(value)}; expected a whole number of threads from 1 to 2 (one per available core)`,
      );
    },
  );
});

describe('chunksOf', () => {
  it.each([
    [100, 2, 12],
    [100, 3, 12],
    [20, 2, 12],
    [5, 4, 0],
    [1, 2, 12],
  ])(
    'GIVEN %i items, %i threads and a head start of %i THEN the chunks are contiguous, in order, cover every item once, and the first is the largest',
    (count, threads, head) => {
      const items = Array.from({ length: count }, (_, i) => i);
      const chunks = chunksOf(items, threads, head);
      expect(chunks.flat()).toEqual(items);
      expect(chunks.length).toBeLessThanOrEqual(threads);
      for (const c of chunks) expect(c.length).toBeGreaterThan(0);
      expect(Math.max(...chunks.map((c) => c.length))).toBe(chunks[0].length);
    },
  );

  it('GIVEN 100 environments on 2 threads THEN this thread takes 56 (a 12-environment head start) and the worker 44', () => {
    expect(
      chunksOf(
        Array.from({ length: 100 }, (_, i) => i),
        2,
        12,
      ).map((c) => c.length),
    ).toEqual([56, 44]);
  });
});

describe('the app entry with SYNTH_THREADS', () => {
  it('GIVEN SYNTH_THREADS=2 and 4 environments THEN it writes what one thread writes and names every stack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pls-entry-threads-'));
    const file = writeFleetConfig(join(dir, 'fleet.json'), 4);
    const run = async (threads: string, outdir: string): Promise<string> => {
      let stdout = '';
      const code = await runSynth(
        { STACKS_CONFIG: file, CDKTF_OUTDIR: outdir, SYNTH_THREADS: threads },
        { stdout: (t) => (stdout += t), stderr: () => undefined },
        dir,
      );
      expect(code).toBe(0);
      return stdout;
    };
    const stdout = await run('2', 'two');
    await run('1', 'one');
    expect(stdout).toMatch(/^Synthesized 8 stacks from .*fleet\.json into two\/stacks: env-000-app-vpc, env-000-admin-vpc, .*env-003-admin-vpc\n$/);
    expect(fileHashes(join(dir, 'two'))).toEqual(fileHashes(join(dir, 'one')));
  });

  it('GIVEN SYNTH_THREADS=zero THEN it exits 1 with the message and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pls-entry-threads-'));
    const file = writeFleetConfig(join(dir, 'fleet.json'), 2);
    let stderr = '';
    const code = await runSynth(
      { STACKS_CONFIG: file, SYNTH_THREADS: 'zero', CDKTF_OUTDIR: 'out' },
      { stdout: () => undefined, stderr: (t) => (stderr += t) },
      dir,
    );
    expect(code).toBe(1);
    expect(stderr).toBe(
      `[PLS_SYNTH_THREADS] SYNTH_THREADS: found "zero"; expected a whole number of threads from 1 to ${availableParallelism()} (one per available core)\nNothing was written.\n`,
    );
    expect(readdirSync(dir)).toEqual(['fleet.json']);
  });
});
