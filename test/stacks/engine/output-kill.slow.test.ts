import { ChildProcess, execFile, spawn } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';
import { writeFleetConfig } from '../../../tools/bench/fleet-config';
import { readerView, temporaryLeftovers } from '../../helpers/output-faults';
import { callsOfWholeRun, expectFinishedByNextRun, NEW, prepare, SCRATCH, stateOfD, wholeOutput } from '../../helpers/output-scenario';

afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

/*
 * Real SIGKILLs of the writer (no Terraform needed; here because they spawn many processes): a child
 * writer killed before every one of its file-system calls, and the real synth entry of a
 * 300-environment fleet killed at random points while it writes.
 */
const root = resolve(__dirname, '..', '..', '..');

describe('the output writer killed with SIGKILL', () => {
  it('GIVEN a child writer (flushing to disk) that SIGKILLs itself before each changing call, for every one of them THEN the output reads all old or all new and the next run finishes without leftovers', async () => {
    const total = callsOfWholeRun('linked', true);
    const script = join(root, 'dist', 'test', 'helpers', 'kill-writer.js');
    const stacksFile = join(mkdtempSync(join(SCRATCH, 'pls-kill-')), 'stacks.json');
    writeFileSync(stacksFile, JSON.stringify(NEW));
    const run = (outdir: string, at: number): Promise<{ signal: string | null; stdout: string }> =>
      new Promise((done) => {
        execFile(process.execPath, [script, outdir, String(at), stacksFile], { encoding: 'utf8' }, (error, stdout) =>
          done({ signal: (error as { signal?: string } | null)?.signal ?? null, stdout }),
        );
      });
    const outcomes = { old: 0, new: 0 };
    const points = [...Array(total + 1).keys()];
    // Two children at a time (the machine has two cores).
    for (let i = 0; i < points.length; i += 2) {
      const batch = points.slice(i, i + 2).map((at) => ({ at, outdir: prepare('linked') }));
      const results = await Promise.all(batch.map(({ at, outdir }) => run(outdir, at)));
      batch.forEach(({ at, outdir }, j) => {
        expect(results[j].signal).toBe(at < total ? 'SIGKILL' : null);
        if (at === total) expect(Number(results[j].stdout)).toBe(total);
        outcomes[wholeOutput(outdir)] += 1;
        expect(stateOfD(outdir)).toHaveLength(2);
        expectFinishedByNextRun(outdir);
        rmSync(resolve(outdir, '..'), { recursive: true, force: true });
      });
    }
    expect(outcomes.old).toBeGreaterThan(0);
    expect(outcomes.new).toBeGreaterThan(0);
  });

  it('GIVEN the synth entry of a 300-environment fleet killed at random points of its write THEN every time the output reads all old or all new, and the next synth leaves no temporary files', async () => {
    const dir = mkdtempSync(join(SCRATCH, 'pls-fleet-kill-'));
    const oldConfig = writeFleetConfig(join(dir, 'old.json'), 300);
    // The new fleet: five environments fewer, and the HCL format (every stack changes).
    const newConfig = join(dir, 'new.json');
    const fleet = JSON.parse(readFileSync(oldConfig, 'utf8')) as { environments: unknown[] };
    fleet.environments = fleet.environments.slice(5);
    writeFileSync(newConfig, JSON.stringify(fleet));
    const outdir = join(dir, 'cdktf.out');
    const entry = join(root, 'dist', 'app', 'launch.js');
    const synth = (config: string, hcl: boolean): ChildProcess =>
      spawn(process.execPath, [entry], {
        cwd: dir,
        env: { ...process.env, STACKS_CONFIG: config, CDKTF_OUTDIR: outdir, SYNTH_HCL_OUTPUT: String(hcl) },
        stdio: 'ignore',
      });
    const exit = (child: ChildProcess): Promise<number | string> =>
      new Promise((done) => child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')));
    const digest = (): string =>
      createHash('sha256')
        .update(JSON.stringify(readerView(outdir)))
        .digest('hex');

    expect(await exit(synth(oldConfig, false))).toBe(0);
    const oldDigest = digest();
    // Kill while writing: once the staging generation appears, after a random number of its files.
    const seen: string[] = [];
    for (let kill = 0; kill < 2; kill += 1) {
      const child = synth(newConfig, true);
      const exited = exit(child);
      const limit = Math.floor(Math.random() * 1200);
      const synthFolder = join(outdir, '.synth');
      let signalled = false;
      await new Promise<void>((done) => {
        const poll = setInterval(() => {
          const staging = existsSync(synthFolder) ? readdirSync(synthFolder).find((n) => n.startsWith('staging-')) : undefined;
          const files = staging ? countFiles(join(synthFolder, staging)) : 0;
          if (staging && files >= limit) {
            child.kill('SIGKILL');
            signalled = true;
          }
          if (signalled || child.exitCode !== null) {
            clearInterval(poll);
            done();
          }
        }, 2);
      });
      await exited;
      seen.push(digest());
    }
    expect(await exit(synth(newConfig, true))).toBe(0);
    const newDigest = digest();
    expect(newDigest).not.toBe(oldDigest);
    for (const d of seen) expect([oldDigest, newDigest]).toContain(d);
    expect(temporaryLeftovers(outdir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});

/** Files under `dir` (a staging generation being written), 0 when it is gone. */
function countFiles(dir: string): number {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
  } catch {
    return 0;
  }
}
