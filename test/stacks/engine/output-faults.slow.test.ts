import { OutputWriteError, writeOutput } from '../../../stacks/engine/output-writer';
import { nodeFs } from '../../../stacks/engine/output-fs';
import { Fault, faultyFs, fakeStackFiles, treeSnapshot } from '../../helpers/output-faults';
import { callsOfWholeRun, expectFinishedByNextRun, SCRATCH, Layout, NEW, prepare, stateOfD, VERSION, wholeOutput } from '../../helpers/output-scenario';
import { dirname } from 'path';
import { rmSync } from 'fs';

afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

// Fault injection into the output writer, in-process, at every changing file-system call; the
// scenario is in test/helpers/output-scenario.ts, the child-process kills in test/stacks/engine/output-kill.slow.test.ts.

describe.each<Layout>(['linked', 'plain'])('the output writer over an old output of %s files', (layout) => {
  // Flushing to disk (durable) adds calls that change nothing a reader sees; the child-process kill test (output-kill.test.ts) runs with it.
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
      expect(stateOfD(outdir)).toHaveLength(2);
      expectFinishedByNextRun(outdir);
      rmSync(dirname(outdir), { recursive: true, force: true });
    }
    // Early kills leave the old output, late ones the new: both happen, and the switch is one call.
    expect(outcomes.old).toBeGreaterThan(0);
    expect(outcomes.new).toBeGreaterThan(0);
    expect(outcomes.old + outcomes.new).toBe(total + 1);
  });

  const faults: [string, (at: number) => Fault][] = [['a read-only file system (EROFS on every later change)', () => ({ kind: 'sticky', code: 'EROFS' })]];
  // Partial and one-off errors take the same paths over either layout.
  if (layout === 'linked') {
    faults.push(
      ['a full disk (ENOSPC on every later write)', () => ({ kind: 'full', code: 'ENOSPC' })],
      ['a one-off ENOSPC (even calls) or EACCES (odd calls)', (at) => ({ kind: 'once', code: at % 2 ? 'EACCES' : 'ENOSPC' })],
    );
  }
  it.each<[string, (at: number) => Fault]>(faults)(
    'GIVEN %s at each changing call THEN it rolls back and says "nothing written" only when the tree is byte for byte as before, or says exactly what is left or that the new output is in place',
    (_, faultAt) => {
      const seen = new Set<string>();
      for (let at = 0; at <= total; at += 1) {
        const outdir = prepare(layout);
        const before = treeSnapshot(outdir);
        const fault = faultAt(at);
        const { fs } = faultyFs(nodeFs, at, fault);
        let error: OutputWriteError | undefined;
        try {
          writeOutput(outdir, VERSION, fakeStackFiles(NEW), { fs, durable: false });
        } catch (e) {
          if (!(e instanceof OutputWriteError)) throw e;
          error = e;
        }
        const outcome = wholeOutput(outdir);
        expect(stateOfD(outdir)).toHaveLength(2);
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
      if (faultAt(0).kind === 'sticky') expect(seen).toContain('leftovers');
    },
  );
});
