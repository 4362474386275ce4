import { execFile } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, resolve } from 'path';
import { nodeFs } from '../../stacks/output-fs';
import { OutputWriteError, writeOutput } from '../../stacks/output-writer';
import { fakeStackFiles, FakeStack, Fault, faultyFs, readerView, ReaderView, temporaryLeftovers, treeSnapshot } from '../helpers/output-faults';

/*
 * Fault injection into the output writer. The old output has stacks a, b, c, d (JSON) and h (HCL);
 * the new one changes a, switches b to HCL and h to JSON, adds e and drops c (only synthesized and
 * Terraform working files: deleted) and d (workspace state and a plan file: kept, moved to retired/).
 */
const OLD: FakeStack[] = [
  { name: 'a', tag: 'old' },
  { name: 'b', tag: 'old' },
  { name: 'c', tag: 'old' },
  { name: 'd', tag: 'old' },
  { name: 'h', hcl: true, tag: 'old' },
];
const NEW: FakeStack[] = [
  { name: 'a', tag: 'new' },
  { name: 'b', hcl: true, tag: 'new' },
  { name: 'e', tag: 'new' },
  { name: 'h', tag: 'new' },
];
const STATE = JSON.stringify({ version: 4, terraform_version: '1.9.8', serial: 3, lineage: 'd-lineage', outputs: {}, resources: [] });
const D_STATE = join('terraform.tfstate.d', 'default', 'terraform.tfstate');
const VERSION = '0.21.0';
/** Where the outputs go: memory when there is /dev/shm (these tests are about order, not durability, and make thousands of files). */
const SCRATCH = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

type Layout = 'linked' | 'plain';

/** An old output (written by this writer, or plain files as the earlier writer left them) with Terraform's files in the stack folders. */
function prepare(layout: Layout): string {
  const outdir = join(mkdtempSync(join(SCRATCH, 'pls-faults-')), 'cdktf.out');
  const files = fakeStackFiles(OLD);
  if (layout === 'linked') writeOutput(outdir, VERSION, files, { durable: false });
  else {
    // What the earlier writer (plain files) left; the manifest as this writer would write it.
    const reference = join(mkdtempSync(join(SCRATCH, 'pls-faults-ref-')), 'cdktf.out');
    writeOutput(reference, VERSION, files, { durable: false });
    mkdirSync(outdir, { recursive: true });
    writeFileSync(join(outdir, 'manifest.json'), readFileSync(join(reference, 'manifest.json')));
    for (const stack of files) {
      mkdirSync(join(outdir, 'stacks', stack.name), { recursive: true });
      for (const [path, content] of Object.entries(stack.files)) writeFileSync(join(outdir, path), content);
    }
  }
  for (const name of ['a', 'c', 'd']) {
    mkdirSync(join(outdir, 'stacks', name, '.terraform', 'providers'), { recursive: true });
    writeFileSync(join(outdir, 'stacks', name, '.terraform.lock.hcl'), '# lock');
  }
  mkdirSync(join(outdir, 'stacks', 'd', 'terraform.tfstate.d', 'default'), { recursive: true });
  writeFileSync(join(outdir, 'stacks', 'd', D_STATE), STATE);
  writeFileSync(join(outdir, 'stacks', 'd', 'tfplan'), 'PK\u0003\u0004 a saved plan');
  return outdir;
}

const oldView = readerView(prepare('linked'));
const newView = ((): ReaderView => {
  const outdir = join(mkdtempSync(join(SCRATCH, 'pls-faults-new-')), 'cdktf.out');
  writeOutput(outdir, VERSION, fakeStackFiles(NEW), { durable: false });
  return readerView(outdir);
})();

/** 'old' or 'new' when the output reads as exactly one of them; fails the test otherwise. */
function wholeOutput(outdir: string): 'old' | 'new' {
  const view = readerView(outdir);
  if (JSON.stringify(view) === JSON.stringify(oldView)) return 'old';
  expect(view).toEqual(newView);
  return 'new';
}

/** Where d's state is (it must never be lost): its stack folder or the retired folder, exactly once. */
function stateOfD(outdir: string): string[] {
  const places = [join('stacks', 'd'), ...(existsSync(join(outdir, 'retired')) ? readdirSync(join(outdir, 'retired')).map((r) => join('retired', r)) : [])];
  return places.filter((p) => existsSync(join(outdir, p, D_STATE)) && readFileSync(join(outdir, p, D_STATE), 'utf8') === STATE);
}

/** A normal run after a fault: the new output, nothing temporary left, c deleted, d retired with its state, plan and last synthesized file. */
function expectFinishedByNextRun(outdir: string): void {
  writeOutput(outdir, VERSION, fakeStackFiles(NEW), { durable: false });
  expect(wholeOutput(outdir)).toBe('new');
  expect(temporaryLeftovers(outdir)).toEqual([]);
  expect(existsSync(join(outdir, 'stacks', 'c'))).toBe(false);
  expect(existsSync(join(outdir, 'stacks', 'd'))).toBe(false);
  expect(stateOfD(outdir)).toEqual([join('retired', 'd')]);
  expect(readFileSync(join(outdir, 'retired', 'd', 'tfplan'), 'utf8')).toContain('a saved plan');
  expect(JSON.parse(readFileSync(join(outdir, 'retired', 'd', 'cdk.tf.json'), 'utf8'))).toEqual({ locals: { stack: 'd', tag: 'old' } });
  expect(readFileSync(join(outdir, 'stacks', 'a', '.terraform.lock.hcl'), 'utf8')).toBe('# lock');
  expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual(['a', 'b', 'e', 'h']);
}

/** The number of changing file-system calls a whole run makes over a prepared output. */
function callsOfWholeRun(layout: Layout, durable: boolean): number {
  const { fs, count } = faultyFs(nodeFs, Number.MAX_SAFE_INTEGER, { kind: 'kill' });
  writeOutput(prepare(layout), VERSION, fakeStackFiles(NEW), { fs, durable });
  return count();
}

describe.each<Layout>(['linked', 'plain'])('the output writer over an old output of %s files', (layout) => {
  // Flushing to disk (durable) adds calls that change nothing a reader sees; the child-process kill test in test/terraform runs with it.
  const total = callsOfWholeRun(layout, false);

  it('GIVEN a kill before each changing file-system call, for every one of them THEN the output reads all old or all new, d’s state is never lost, and the next run finishes without leftovers', () => {
    const outcomes = { old: 0, new: 0 };
    for (let at = 0; at <= total; at += 1) {
      const outdir = prepare(layout);
      const { fs, dead } = faultyFs(nodeFs, at, { kind: 'kill' });
      try {
        writeOutput(outdir, VERSION, fakeStackFiles(NEW), { fs, durable: false });
      } catch (e) {
        // Whatever a dead process throws (a Killed, or an error wrapping one) does not matter: only the disk does.
        if (!dead()) throw e;
      }
      expect(dead()).toBe(at < total);
      outcomes[wholeOutput(outdir)] += 1;
      expect(stateOfD(outdir)).toHaveLength(1);
      expectFinishedByNextRun(outdir);
      rmSync(dirname(outdir), { recursive: true, force: true });
    }
    // Early kills leave the old output, late ones the new: both happen, and the switch is one call.
    expect(outcomes.old).toBeGreaterThan(0);
    expect(outcomes.new).toBeGreaterThan(0);
    expect(outcomes.old + outcomes.new).toBe(total + 1);
  });

  const faults: [string, Fault][] = [
    ['a full disk (ENOSPC on every later write)', { kind: 'full', code: 'ENOSPC' }],
    ['a read-only file system (EROFS on every later change)', { kind: 'sticky', code: 'EROFS' }],
  ];
  // One-off errors take the same paths over either layout.
  if (layout === 'linked') faults.push(['ENOSPC once', { kind: 'once', code: 'ENOSPC' }], ['EACCES once', { kind: 'once', code: 'EACCES' }]);
  it.each<[string, Fault]>(faults)(
    'GIVEN %s at each changing call THEN it rolls back and says "nothing written" only when the tree is byte for byte as before, or says exactly what is left or that the new output is in place',
    (_, fault) => {
      const seen = new Set<string>();
      for (let at = 0; at <= total; at += 1) {
        const outdir = prepare(layout);
        const before = treeSnapshot(outdir);
        const { fs } = faultyFs(nodeFs, at, fault);
        let error: OutputWriteError | undefined;
        try {
          writeOutput(outdir, VERSION, fakeStackFiles(NEW), { fs, durable: false });
        } catch (e) {
          if (!(e instanceof OutputWriteError)) throw e;
          error = e;
        }
        const outcome = wholeOutput(outdir);
        expect(stateOfD(outdir)).toHaveLength(1);
        if (error === undefined) {
          // The fault came after the last call (for a full disk: after the last call that writes).
          if (fault.kind !== 'full') expect(at).toBe(total);
          expect(outcome).toBe('new');
          seen.add('done');
        } else if (error.committed) {
          expect(outcome).toBe('new');
          expect(error.message).toContain('is whole and in place');
          seen.add('committed');
        } else {
          expect(outcome).toBe('old');
          expect(error.message).toContain((fault as { code: string }).code);
          if (error.nothingWritten) {
            expect(treeSnapshot(outdir)).toEqual(before);
            seen.add('nothing written');
          } else if (error.leftovers.length > 0) {
            expect(error.message).toContain('The earlier output is still whole and in place, but these could not be removed');
            seen.add('leftovers');
          } else {
            // Only the conversion of plain files to links (same content) was done.
            expect(layout).toBe('plain');
            expect(error.message).toContain('Nothing of this synth was written; the earlier output reads as before');
            seen.add('converted');
          }
        }
        expectFinishedByNextRun(outdir);
        rmSync(dirname(outdir), { recursive: true, force: true });
      }
      expect(seen).toContain('nothing written');
      expect(seen).toContain('committed');
      if (fault.kind === 'sticky') expect(seen).toContain('leftovers');
    },
  );

  it('GIVEN a real SIGKILL of a child writer before each changing call, for every one of them THEN the output reads all old or all new and the next run finishes without leftovers', async () => {
    const script = resolve(__dirname, '..', '..', 'dist', 'test', 'helpers', 'kill-writer.js');
    const stacksFile = join(mkdtempSync(join(SCRATCH, 'pls-kill-')), 'stacks.json');
    writeFileSync(stacksFile, JSON.stringify(NEW));
    const run = (outdir: string, at: number): Promise<{ signal: string | null; stdout: string }> =>
      new Promise((done) => {
        execFile(process.execPath, [script, outdir, String(at), stacksFile], { encoding: 'utf8' }, (error, stdout) =>
          done({ signal: (error as { signal?: string } | null)?.signal ?? null, stdout }),
        );
      });
    const outcomes = { old: 0, new: 0 };
    // Two children at a time (the machine has two cores).
    const points = [...Array(total + 1).keys()];
    for (let i = 0; i < points.length; i += 2) {
      const batch = points.slice(i, i + 2).map((at) => ({ at, outdir: prepare(layout) }));
      const results = await Promise.all(batch.map(({ at, outdir }) => run(outdir, at)));
      batch.forEach(({ at, outdir }, j) => {
        expect(results[j].signal).toBe(at < total ? 'SIGKILL' : null);
        if (at === total) expect(Number(results[j].stdout)).toBe(total);
        outcomes[wholeOutput(outdir)] += 1;
        expect(stateOfD(outdir)).toHaveLength(1);
        expectFinishedByNextRun(outdir);
      });
    }
    expect(outcomes.old).toBeGreaterThan(0);
    expect(outcomes.new).toBeGreaterThan(0);
  });
});
