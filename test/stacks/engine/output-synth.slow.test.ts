import { execFile } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'fs';
import { hostname, tmpdir } from 'os';
import { join } from 'path';
import { nodeFs } from '../../../stacks/engine/output-fs';
import { processStart } from '../../../stacks/engine/output-lock';
import { fleetConfig, writeFleetConfig } from '../../../tools/bench/fleet-config';
import { main as prune } from '../../../tools/prune';
import { faultyFs, temporaryLeftovers, treeSnapshot } from '../../helpers/output-faults';
import { fileHashes } from '../../helpers/pipeline';
import { ProcessRun, synthInProcess, synthProcess } from '../../helpers/processes';

const STATE = JSON.stringify({ version: 4, terraform_version: '1.9.8', serial: 7, lineage: 'env-002-lineage', outputs: {}, resources: [] });

function synth(cwd: string, env: NodeJS.ProcessEnv, write = {}): Promise<ProcessRun> {
  return synthInProcess(env, cwd, write);
}

/** A project folder with fleet configs of `counts` environments (fleet-<n>.json). */
function project(...counts: number[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'pls-out-synth-'));
  for (const n of counts) writeFleetConfig(join(dir, `fleet-${n}.json`), n);
  return dir;
}

describe('the output directory the synth writes', () => {
  it.each<[string, (cwd: string) => string, string]>([
    ['empty', () => '', 'CDKTF_OUTDIR is empty; expected a directory for the synthesized output such as cdktf.out'],
    ['"."', () => '.', 'is the working directory'],
    ['the working directory by its absolute path', (cwd) => cwd, 'is the working directory'],
    ['"/"', () => '/', 'is the root directory'],
    ['".."', () => '..', 'is an ancestor of the working directory'],
    ['a non-empty directory that is no cdktf output', () => 'stacks-src', 'is not empty (main.ts) and is no cdktf output (no manifest.json, no .synth/)'],
  ])('GIVEN CDKTF_OUTDIR %s THEN it is refused, with what to use instead, and nothing is written', async (_, outdir, expected) => {
    const cwd = project(1);
    mkdirSync(join(cwd, 'stacks-src'));
    writeFileSync(join(cwd, 'stacks-src', 'main.ts'), '// sources');
    const before = treeSnapshot(cwd);
    const result = await synth(cwd, { STACKS_CONFIG: 'fleet-1.json', CDKTF_OUTDIR: outdir(cwd) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(expected);
    expect(result.stderr).toMatch(/expected .*\nNothing was written\.\n$/);
    expect(treeSnapshot(cwd)).toEqual(before);
  });

  it('GIVEN an earlier cdktf output or an empty directory THEN it is written', async () => {
    const cwd = project(1);
    mkdirSync(join(cwd, 'empty'));
    expect((await synth(cwd, { STACKS_CONFIG: 'fleet-1.json', CDKTF_OUTDIR: 'empty' })).code).toBe(0);
    expect((await synth(cwd, { STACKS_CONFIG: 'fleet-1.json', CDKTF_OUTDIR: 'empty' })).code).toBe(0);
    expect(readdirSync(join(cwd, 'empty')).sort()).toEqual(['.synth', 'manifest.json', 'stacks']);
  });

  it.each<[string, string | undefined, string, (cwd: string) => void]>([
    ['a path back into cdktf.out', undefined, '../../../cdktf.out/s/{stack}.tfstate', () => undefined],
    ['a path back into a deeper CDKTF_OUTDIR', 'build/out', '../../../out/{stack}.tfstate', () => undefined],
    [
      'a path that leaves the output directory by its link name and enters it again by its real name',
      'cdktf.out',
      '../../../out/{stack}.tfstate',
      (cwd) => {
        mkdirSync(join(cwd, 'real', 'out'), { recursive: true });
        symlinkSync(join(cwd, 'real', 'out'), join(cwd, 'cdktf.out'));
        // Terraform runs in real/out/stacks/<stack>: ../../../ is real/, so the state lands in real/out (read lexically, in out/).
      },
    ],
  ])('GIVEN a local state path of %s THEN the synth refuses it, naming the JSON path, and writes nothing', async (_, outdir, path, setup) => {
    const cwd = project();
    setup(cwd);
    const config = fleetConfig(1);
    config.environments[0].backend = { local: { path } };
    writeFileSync(join(cwd, 'config.json'), JSON.stringify(config));
    const before = treeSnapshot(cwd);
    const result = await synth(cwd, { STACKS_CONFIG: 'config.json', ...(outdir ? { CDKTF_OUTDIR: outdir } : {}) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`environments[0].backend.local.path: found ${JSON.stringify(path)}, which puts the state of stack env-000-app-vpc at `);
    expect(result.stderr).toContain('inside the output directory');
    expect(result.stderr).toContain('expected a path outside the output directory');
    expect(result.stderr).toMatch(/\nNothing was written\.\n$/);
    expect(treeSnapshot(cwd)).toEqual(before);
  });

  it('GIVEN a local state path outside the output directory THEN it is accepted', async () => {
    const cwd = project();
    const config = fleetConfig(1);
    config.environments[0].backend = { local: { path: '../../../state/{stack}.tfstate' } };
    writeFileSync(join(cwd, 'config.json'), JSON.stringify(config));
    expect((await synth(cwd, { STACKS_CONFIG: 'config.json', CDKTF_OUTDIR: 'build/out' })).code).toBe(0);
  });
});

describe('the folders of removed environments', () => {
  it('GIVEN a removed environment whose app folder holds workspace state and a plan, and whose admin folder only synthesized and .terraform files THEN the first is kept under retired/ with its last synthesized file, the second removed, and the synth says so; prune refuses the state; the environment coming back gets its folder back', async () => {
    const cwd = project(3, 2);
    const env = { STACKS_CONFIG: 'fleet-3.json' };
    expect((await synth(cwd, env)).code).toBe(0);
    const out = join(cwd, 'cdktf.out');
    const app = join(out, 'stacks', 'env-002-app-vpc');
    const admin = join(out, 'stacks', 'env-002-admin-vpc');
    const lastSynthesized = readFileSync(join(app, 'cdk.tf.json'), 'utf8');
    for (const dir of [app, admin]) {
      mkdirSync(join(dir, '.terraform', 'providers'), { recursive: true });
      writeFileSync(join(dir, '.terraform.lock.hcl'), '# lock');
    }
    mkdirSync(join(app, 'terraform.tfstate.d', 'default'), { recursive: true });
    writeFileSync(join(app, 'terraform.tfstate.d', 'default', 'terraform.tfstate'), STATE);
    writeFileSync(join(app, 'tfplan'), 'PK\u0003\u0004 plan');

    const removed = await synth(cwd, { STACKS_CONFIG: 'fleet-2.json' });
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(
      'Removed the folders of stacks no longer in the config (only synthesized and Terraform working files): env-002-admin-vpc\n',
    );
    expect(removed.stdout).toContain(
      'Stack env-002-app-vpc is no longer in the config; its folder holds terraform.tfstate.d, tfplan, so it was kept, moved to cdktf.out/retired/env-002-app-vpc. ' +
        'To destroy its resources run terraform destroy there; to delete the folder on purpose run: npm run prune -- --synth cdktf.out env-002-app-vpc',
    );
    expect(existsSync(app)).toBe(false);
    expect(existsSync(admin)).toBe(false);
    const retired = join(out, 'retired', 'env-002-app-vpc');
    expect(readFileSync(join(retired, 'terraform.tfstate.d', 'default', 'terraform.tfstate'), 'utf8')).toBe(STATE);
    expect(readFileSync(join(retired, 'tfplan'), 'utf8')).toContain('plan');
    expect(readFileSync(join(retired, 'cdk.tf.json'), 'utf8')).toBe(lastSynthesized);
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual(['env-000-admin-vpc', 'env-000-app-vpc', 'env-001-admin-vpc', 'env-001-app-vpc']);
    expect(temporaryLeftovers(out)).toEqual([]);

    // Prune refuses while state is there, naming the file and what to do.
    let stdout = '';
    let stderr = '';
    const io = { out: (t: string) => (stdout += t), err: (t: string) => (stderr += t) };
    expect(prune([], io, cwd)).toBe(1);
    expect(stderr).toContain(
      'prune: refused cdktf.out/retired/env-002-app-vpc: it holds Terraform state (terraform.tfstate.d/default/terraform.tfstate). If its resources should go, run "terraform destroy" in cdktf.out/retired/env-002-app-vpc',
    );
    expect(existsSync(retired)).toBe(true);

    // Back in the config: the kept folder (and its state) comes back.
    const back = await synth(cwd, env);
    expect(back.code).toBe(0);
    expect(back.stdout).toContain(
      'Stack env-002-app-vpc is in the config again: moved its kept folder back from retired/env-002-app-vpc to cdktf.out/stacks/env-002-app-vpc.',
    );
    expect(readFileSync(join(app, 'terraform.tfstate.d', 'default', 'terraform.tfstate'), 'utf8')).toBe(STATE);
    expect(readFileSync(join(app, 'cdk.tf.json'), 'utf8')).toBe(lastSynthesized);
    expect(existsSync(retired)).toBe(false);
    expect(temporaryLeftovers(out)).toEqual([]);

    // Removed again, and the state deleted on purpose: prune deletes the folder.
    expect((await synth(cwd, { STACKS_CONFIG: 'fleet-2.json' })).code).toBe(0);
    nodeFs.rmSync(join(retired, 'terraform.tfstate.d'), { recursive: true });
    stdout = '';
    stderr = '';
    expect(prune(['env-002-app-vpc'], io, cwd)).toBe(0);
    expect(stdout).toBe('Deleted cdktf.out/retired/env-002-app-vpc.\n');
    expect(existsSync(retired)).toBe(false);
  });

  it('GIVEN a folder holding state under another name (JSON with a lineage) THEN prune refuses it too', () => {
    const cwd = project();
    const retired = join(cwd, 'cdktf.out', 'retired', 'old-app-vpc');
    mkdirSync(retired, { recursive: true });
    writeFileSync(join(retired, 'backup-2026.json'), STATE);
    let stderr = '';
    expect(prune([], { out: () => undefined, err: (t) => (stderr += t) }, cwd)).toBe(1);
    expect(stderr).toContain('it holds Terraform state (backup-2026.json)');
    expect(existsSync(retired)).toBe(true);
  });

  it('GIVEN the synth run by the cdktf CLI (CDKTF_CONTEXT_JSON with cdktfRelativeModules) THEN the folder of a removed stack stays as an empty folder, for the CLI to remove', async () => {
    const cwd = project(2, 1);
    expect((await synth(cwd, { STACKS_CONFIG: 'fleet-2.json' })).code).toBe(0);
    const app = join(cwd, 'cdktf.out', 'stacks', 'env-001-app-vpc');
    writeFileSync(join(app, 'terraform.tfstate'), STATE);
    const cli = { STACKS_CONFIG: 'fleet-1.json', CDKTF_CONTEXT_JSON: JSON.stringify({ cdktfRelativeModules: [] }) };
    expect((await synth(cwd, cli)).code).toBe(0);
    expect(readdirSync(app)).toEqual([]);
    expect(readdirSync(join(cwd, 'cdktf.out', 'stacks', 'env-001-admin-vpc'))).toEqual([]);
    expect(readFileSync(join(cwd, 'cdktf.out', 'retired', 'env-001-app-vpc', 'terraform.tfstate'), 'utf8')).toBe(STATE);

    // Run without the CLI, prune deletes the empty folders the manifest does not list, and still refuses the state.
    let stdout = '';
    let stderr = '';
    expect(prune([], { out: (t) => (stdout += t), err: (t) => (stderr += t) }, cwd)).toBe(1);
    expect(stdout).toBe('Deleted cdktf.out/stacks/env-001-admin-vpc.\nDeleted cdktf.out/stacks/env-001-app-vpc.\n');
    expect(stderr).toContain('prune: refused cdktf.out/retired/env-001-app-vpc: it holds Terraform state (terraform.tfstate).');
    expect(readdirSync(join(cwd, 'cdktf.out', 'stacks')).sort()).toEqual(['env-000-admin-vpc', 'env-000-app-vpc']);
  });
});

describe('I/O errors and other writers, through the synth entry', () => {
  it('GIVEN an I/O error before the switch THEN "Nothing was written." and the tree is as before; when the rollback fails too THEN exactly what is left; after the switch THEN that the new output is in place', async () => {
    const cwd = project(1, 2);
    expect((await synth(cwd, { STACKS_CONFIG: 'fleet-1.json' })).code).toBe(0);
    const before = treeSnapshot(cwd);
    const early = await synth(cwd, { STACKS_CONFIG: 'fleet-2.json' }, { fs: faultyFs(nodeFs, 12, { kind: 'once', code: 'ENOSPC' }).fs });
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/^Writing .*cdktf\.out failed: ENOSPC: injected at call 12 .*\nNothing was written\.\n$/);
    expect(treeSnapshot(cwd)).toEqual(before);

    const stuck = await synth(cwd, { STACKS_CONFIG: 'fleet-2.json' }, { fs: faultyFs(nodeFs, 20, { kind: 'sticky', code: 'EROFS' }).fs });
    expect(stuck.code).toBe(1);
    expect(stuck.stderr).toContain('The earlier output is still whole and in place, but these could not be removed (the next synth removes them):\n  - ');
    expect(stuck.stderr).not.toContain('Nothing was written');

    // The calls of the same change in a twin project; its last two remove the old generation and the lock, after the switch.
    const twin = project(1, 2);
    expect((await synth(twin, { STACKS_CONFIG: 'fleet-1.json' })).code).toBe(0);
    const counter = faultyFs(nodeFs, Number.MAX_SAFE_INTEGER, { kind: 'kill' });
    expect((await synth(twin, { STACKS_CONFIG: 'fleet-2.json' }, { fs: counter.fs })).code).toBe(0);
    expect((await synth(cwd, { STACKS_CONFIG: 'fleet-1.json' })).code).toBe(0);
    const late = await synth(cwd, { STACKS_CONFIG: 'fleet-2.json' }, { fs: faultyFs(nodeFs, counter.count() - 2, { kind: 'sticky', code: 'EIO' }).fs });
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/^The new output of 4 stacks is whole and in place in .*cdktf\.out, but cleaning up after it failed: EIO/);
    expect(late.stderr).not.toContain('Nothing was written');
    expect((await synth(cwd, { STACKS_CONFIG: 'fleet-2.json' })).code).toBe(0);
    expect(temporaryLeftovers(join(cwd, 'cdktf.out'))).toEqual([]);
  });

  it('GIVEN the lock held by a live process THEN the synth is refused, saying who since when and what to do; held by a dead one THEN it is taken over', async () => {
    const cwd = project(1);
    expect((await synth(cwd, { STACKS_CONFIG: 'fleet-1.json' })).code).toBe(0);
    const lock = join(cwd, 'cdktf.out', '.synth', 'lock');
    const parent = process.ppid;
    writeFileSync(lock, JSON.stringify({ pid: parent, hostname: hostname(), started: '2026-12-03T13:00:00.000Z', command: 'synth' }));
    const before = treeSnapshot(cwd);
    const refused = await synth(cwd, { STACKS_CONFIG: 'fleet-1.json' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `Another synth is writing this output directory: pid ${parent} on host ${hostname()}, since 2026-12-03T13:00:00.000Z (lock ${lock}). ` +
        `Wait for it to finish and run again. If that process is gone (another host cannot be checked from here), remove ${lock} and run again.\nNothing was written.\n`,
    );
    expect(treeSnapshot(cwd)).toEqual(before);

    const dead = await new Promise<number>((done) => {
      const child = execFile(process.execPath, ['-e', '0'], () => done(child.pid ?? 0));
    });
    writeFileSync(lock, JSON.stringify({ pid: dead, hostname: hostname(), started: '2026-12-03T13:00:00.000Z', command: 'synth' }));
    const tookOver = await synth(cwd, { STACKS_CONFIG: 'fleet-1.json' });
    expect(tookOver.code).toBe(0);
    expect(tookOver.stdout).toContain(
      `An earlier synth (pid ${dead}, since 2026-12-03T13:00:00.000Z) had stopped while writing cdktf.out; took over its lock and removed what it left.\n`,
    );
    expect(existsSync(lock)).toBe(false);

    // A live pid that started after the holder did is another process (the pid was reused): taken over too.
    const start = processStart(parent);
    if (start !== undefined) {
      writeFileSync(
        lock,
        JSON.stringify({ pid: parent, hostname: hostname(), started: '2026-12-03T13:00:00.000Z', command: 'synth', processStart: `${start}1` }),
      );
      expect((await synth(cwd, { STACKS_CONFIG: 'fleet-1.json' })).code).toBe(0);
      expect(existsSync(lock)).toBe(false);
    }
  });

  it('GIVEN two synth processes started at once into one output directory THEN each succeeds or is refused with the lock message, and the output is whole: one of the two', async () => {
    const cwd = project(2, 3);
    const run = (config: string) => synthProcess(cwd, { STACKS_CONFIG: config, CDKTF_OUTDIR: 'cdktf.out', SYNTH_HCL_OUTPUT: '' });
    const reference = async (config: string): Promise<Record<string, string>> => {
      const dir = mkdtempSync(join(tmpdir(), 'pls-out-ref-'));
      expect((await synth(cwd, { STACKS_CONFIG: config, CDKTF_OUTDIR: dir })).code).toBe(0);
      return fileHashes(dir);
    };
    const outputs = [await reference('fleet-2.json'), await reference('fleet-3.json')];
    const results = await Promise.all([run('fleet-2.json'), run('fleet-3.json')]);
    for (const r of results) {
      if (r.code !== 0) expect(r.stderr).toMatch(/^Another synth is writing this output directory: pid \d+ on host .*\nNothing was written\.\n$/);
    }
    expect(results.some((r) => r.code === 0)).toBe(true);
    expect(outputs).toContainEqual(fileHashes(join(cwd, 'cdktf.out')));
    expect(temporaryLeftovers(join(cwd, 'cdktf.out'))).toEqual([]);
  });
});
