import { existsSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { appCommand, findGnuTime, runOnce, summarize } from '../../../tools/bench/measure';
import { BenchResult, failureSummary, formatTable } from '../../../tools/bench/run-bench';

const root = join(__dirname, '..', '..', '..');
/** A node child that holds about 96 MiB of touched memory before it exits. */
const ALLOCATE_96_MIB = ['node', '-e', 'const b = Buffer.alloc(96 * 1024 * 1024, 1); if (b[0] !== 1) process.exit(3);'];

function projectWith(app: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'pls-bench-project-'));
  writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ language: 'typescript', app }));
  return dir;
}

describe('benchmark statistics', () => {
  it('GIVEN an odd number of runs THEN the median is the middle value, with min and max', () => {
    expect(summarize([0.9, 0.3, 0.5, 0.4, 2.0])).toEqual({ median: 0.5, min: 0.3, max: 2.0 });
  });

  it('GIVEN an even number of runs THEN the median is the mean of the middle two', () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
  });

  it('GIVEN no runs THEN summarize refuses', () => {
    expect(() => summarize([])).toThrow('expected at least one value');
  });
});

describe('benchmark commands', () => {
  it("GIVEN the project's cdktf.json THEN the app command is its words", () => {
    expect(appCommand(root)).toEqual(['node', 'dist/app/launch.js']);
  });

  it('GIVEN an app command with shell syntax THEN it is refused, naming what was found', () => {
    expect(() => appCommand(projectWith('node main.js && rm -rf x'))).toThrow('found app "node main.js && rm -rf x"; expected plain words');
  });

  it('GIVEN no app command THEN it is refused, naming what was found', () => {
    expect(() => appCommand(projectWith(undefined))).toThrow('found app undefined');
  });

  it('GIVEN a command that fails WHEN run THEN the error names it, its exit status and its output', () => {
    expect(() => runOnce({ argv: ['node', '-e', 'console.error("boom"); process.exit(4)'], cwd: root }, findGnuTime())).toThrow(/exited with 4:[\s\S]*boom/);
  });
});

describe('benchmark peak memory', () => {
  const gnuTime = findGnuTime();
  const probe = join(root, 'dist', 'tools', 'bench', 'max-rss.js');

  it('GIVEN a child holding 96 MiB WHEN run with the memory source this machine has THEN its peak RSS is at least 96 MiB', () => {
    if (!gnuTime && !existsSync(probe)) throw new Error(`no GNU time and no ${probe}: run npm run build first`);
    const sample = runOnce({ argv: ALLOCATE_96_MIB, cwd: root }, gnuTime, probe);
    expect(sample.maxRssMiB).toBeGreaterThanOrEqual(96);
  });

  it('GIVEN no GNU time WHEN a node child holding 96 MiB runs under the max-rss probe THEN the probe reports at least 96 MiB', () => {
    if (!existsSync(probe)) throw new Error(`${probe} is missing: run npm run build first`);
    const sample = runOnce({ argv: ALLOCATE_96_MIB, cwd: root }, undefined, probe);
    expect(sample.maxRssMiB).toBeGreaterThanOrEqual(96);
  });

  it('GIVEN no GNU time and a command that is not node THEN no memory figure is claimed', () => {
    expect(runOnce({ argv: ['true'], cwd: root }, undefined, probe).maxRssMiB).toBeUndefined();
  });
});

describe('benchmark table', () => {
  const result: BenchResult = {
    environment: 'node v20, 2 × CPU',
    memorySource: 'max RSS from test',
    rows: [
      {
        name: 'floor',
        command: 'node -e x',
        samples: Array(5).fill({ seconds: 0.2, maxRssMiB: 60 }),
        median: 0.2,
        min: 0.19,
        max: 0.25,
        ratio: 1,
        peakMiB: 60,
      },
      {
        name: 'default synth',
        command: 'node dist/app/launch.js',
        samples: Array(5).fill({ seconds: 0.5 }),
        median: 0.5,
        min: 0.45,
        max: 0.6,
        ratio: 2.5,
        target: { text: '≤ 2× floor', met: false },
      },
    ],
  };

  it('GIVEN a result THEN the table has one row per command with runs, median, min, max, ratio, peak memory and target', () => {
    const lines = formatTable(result).split('\n');
    expect(lines[0]).toBe('| what | runs | median s | min s | max s | × floor | peak MiB | records/s | target |');
    expect(lines[2]).toBe('| floor | 5 | 0.20 | 0.19 | 0.25 | 1.0 | 60 | — |  |');
    expect(lines[3]).toBe('| default synth | 5 | 0.50 | 0.45 | 0.60 | 2.5 | n/a | — | ≤ 2× floor: **not met** |');
  });

  it('GIVEN a command that failed THEN its row says failed and why, with no times', () => {
    const failed: BenchResult = {
      ...result,
      rows: [
        ...result.rows,
        {
          name: 'npm test',
          command: 'npm test',
          samples: [],
          median: NaN,
          min: NaN,
          max: NaN,
          target: { text: '< 90 s', met: false },
          failure: 'npm test exited with 1: / [warn] a|b.ts',
        },
      ],
    };
    expect(formatTable(failed).split('\n')[4]).toBe('| npm test | 0 | — | — | — | — | n/a | — | **failed**: npm test exited with 1: / [warn] a\\|b.ts |');
  });

  it('GIVEN an audit row THEN it gives records per second', () => {
    const audit: BenchResult = {
      ...result,
      rows: [
        { name: 'audit', command: 'node dist/tools/audit.js', samples: [{ seconds: 4 }], median: 4, min: 4, max: 4, peakMiB: 90, recordsPerSecond: 250000 },
      ],
    };
    expect(formatTable(audit).split('\n')[2]).toBe('| audit | 1 | 4.00 | 4.00 | 4.00 | — | 90 | 250,000 |  |');
  });

  it('GIVEN the error of a failed command THEN the summary keeps its first and last lines, without the memory marker', () => {
    const message =
      'npm test exited with 1:\n\n> test\nChecking formatting...\n[warn] Code style issues found in 2 files.\nCommand exited with non-zero status 1\n__BENCH_MAX_RSS_KIB__273664\n';
    expect(failureSummary(message)).toBe('npm test exited with 1: / Checking formatting... / [warn] Code style issues found in 2 files.');
  });

  it('GIVEN a result THEN the commands and the machine conditions follow the table', () => {
    const text = formatTable(result);
    expect(text).toContain('- default synth: `node dist/app/launch.js`');
    expect(text).toContain('node v20, 2 × CPU. Peak memory: max RSS from test.');
  });
});
