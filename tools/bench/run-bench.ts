import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import { join } from 'path';
import { BENCH_ENDPOINTS, writeBenchTrail } from './audit-trail';
import { writeFleetConfig } from './fleet-config';
import { appCommand, CommandSpec, findGnuTime, runOnce, RunSample, summarize } from './measure';

/** Options of {@link runBench}. */
export interface BenchOptions {
  /** The project (holds cdktf.json, dist/, node_modules/). */
  readonly projectDir: string;
  /** Timed runs per synth row (at least 5; the machine may be shared, so the default takes a few more). @default 7 */
  readonly runs?: number;
  /** Environments in the generated fleet config. @default 100 */
  readonly environments?: number;
  /** Timed runs of `npm test`; 0 leaves the row out. @default 1 */
  readonly testRuns?: number;
  /** Records of the generated trail the audit CLI reads; 0 leaves the row out. @default 1000000 */
  readonly auditRecords?: number;
  /** Timed runs of the audit CLI. @default 3 */
  readonly auditRuns?: number;
  /** Progress lines go here. @default - none */
  readonly log?: (line: string) => void;
}

/** Pass/fail of a row against its target. */
export interface TargetCheck {
  readonly text: string;
  readonly met: boolean;
}

/** One measured row of the table. */
export interface BenchRow {
  readonly name: string;
  readonly command: string;
  readonly samples: readonly RunSample[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Median over the floor's median. @default - none (`npm test` is not compared with the floor) */
  readonly ratio?: number;
  /** Highest max RSS over the runs, MiB. */
  readonly peakMiB?: number;
  /** Records per second at the median time (audit rows). @default - none */
  readonly recordsPerSecond?: number;
  readonly target?: TargetCheck;
  /** Why the command failed (then the times are those of the runs before, or NaN). @default - it did not fail */
  readonly failure?: string;
}

/** The whole benchmark result. */
export interface BenchResult {
  readonly rows: readonly BenchRow[];
  readonly environment: string;
  readonly memorySource: string;
}

interface Scenario {
  readonly name: string;
  readonly spec: CommandSpec;
  readonly display: string;
  /** Timed in the rounds with the floor, so its ratio to the floor means something. */
  readonly comparedWithFloor: boolean;
  /** Checked after the warm-up run (given its sample), so a broken synth is never timed. */
  readonly check?: (warmup: RunSample) => void;
  /** Records the command reads (audit rows): the table gives records per second. */
  readonly records?: number;
  readonly target?: (row: { median: number; ratio: number; peakMiB?: number }) => TargetCheck;
}

function stacksIn(outdir: string): number {
  return readdirSync(join(outdir, 'stacks')).length;
}

function expectStacks(outdir: string, expected: number, what: string): () => void {
  return () => {
    const found = stacksIn(outdir);
    if (found !== expected) throw new Error(`${what}: found ${found} stacks in ${outdir}/stacks; expected ${expected}`);
  };
}

/**
 * Measures, in rounds (one run of every synth row per round, so load changes hit all rows alike):
 * the floor (`node -e "require('cdktf')"`), the app's own synth of the default config (cdktf.json's
 * `app` command), the synth of a generated fleet config, and `npx cdktf synth`; then `npm test`.
 * Every command gets one untimed warm-up run first. Outputs go to a temporary directory, never to
 * the project's cdktf.out or stacks/config.
 */
export function runBench(options: BenchOptions): BenchResult {
  const runs = options.runs ?? 7;
  const envs = options.environments ?? 100;
  const testRuns = options.testRuns ?? 1;
  const log = options.log ?? (() => undefined);
  if (!Number.isInteger(runs) || runs < 5) throw new Error(`runs: found ${runs}; expected a whole number ≥ 5 (the table reports medians of at least 5 runs)`);
  if (!Number.isInteger(envs) || envs < 1) throw new Error(`environments: found ${envs}; expected a whole number ≥ 1`);
  const project = options.projectDir;
  const work = mkdtempSync(join(tmpdir(), 'pls-bench-'));
  const gnuTime = findGnuTime();
  const probe = join(__dirname, 'max-rss.js');
  const memorySource = gnuTime
    ? `max RSS from ${gnuTime} -f %M (largest single process of the command's tree)`
    : 'max RSS from process.resourceUsage() via tools/bench/max-rss (node rows only)';
  const loadBefore = loadavg();
  try {
    const app = appCommand(project);
    const fleetFile = writeFleetConfig(join(work, `fleet-${envs}.json`), envs);
    const outs = { default: join(work, 'default.out'), fleet: join(work, 'fleet.out'), cli: join(work, 'cli.out') };
    const scenarios: Scenario[] = [
      { name: 'floor', spec: { argv: ['node', '-e', "require('cdktf')"], cwd: project }, display: `node -e "require('cdktf')"`, comparedWithFloor: true },
      {
        name: 'default synth',
        spec: { argv: app, cwd: project, env: { CDKTF_OUTDIR: outs.default } },
        display: `CDKTF_OUTDIR=<tmp> ${app.join(' ')}`,
        comparedWithFloor: true,
        check: expectStacks(outs.default, 2, 'default synth'),
        target: ({ ratio }) => ({ text: '≤ 2× floor', met: ratio <= 2 }),
      },
      {
        name: `${envs} envs (${envs * 2} stacks)`,
        spec: { argv: app, cwd: project, env: { STACKS_CONFIG: fleetFile, CDKTF_OUTDIR: outs.fleet } },
        display: `STACKS_CONFIG=<tmp>/fleet-${envs}.json CDKTF_OUTDIR=<tmp> ${app.join(' ')}`,
        comparedWithFloor: true,
        check: expectStacks(outs.fleet, envs * 2, 'fleet synth'),
        target: ({ ratio, peakMiB }) => ({
          text: '≤ 6× floor, ≤ 300 MiB',
          met: ratio <= 6 && peakMiB !== undefined && peakMiB <= 300,
        }),
      },
      {
        name: 'npx cdktf synth',
        spec: { argv: ['npx', 'cdktf', 'synth', '--output', outs.cli], cwd: project, env: { CHECKPOINT_DISABLE: '1' } },
        display: 'CHECKPOINT_DISABLE=1 npx cdktf synth --output <tmp>',
        comparedWithFloor: true,
        check: expectStacks(outs.cli, 2, 'cdktf synth'),
      },
    ];
    const samples = new Map<string, RunSample[]>(scenarios.map((s) => [s.name, []]));
    const failures = new Map<string, string>();
    for (const s of scenarios) {
      log(`warm-up: ${s.display}`);
      s.check?.(runOnce(s.spec, gnuTime, probe));
    }
    for (let round = 1; round <= runs; round += 1) {
      log(`round ${round}/${runs}`);
      for (const s of scenarios) samples.get(s.name)!.push(runOnce(s.spec, gnuTime, probe));
    }
    if (testRuns > 0) {
      const test: Scenario = {
        name: 'npm test',
        spec: { argv: ['npm', 'test'], cwd: project },
        display: 'npm test',
        comparedWithFloor: false,
        target: ({ median }) => ({ text: '< 90 s', met: median < 90 }),
      };
      scenarios.push(test);
      samples.set(test.name, []);
      for (let i = 1; i <= testRuns; i += 1) {
        log(`npm test ${i}/${testRuns}`);
        try {
          samples.get(test.name)!.push(runOnce(test.spec, gnuTime, probe));
        } catch (e) {
          // A red test suite is reported in its row (the synth rows stay valid), not thrown away with them.
          failures.set(test.name, failureSummary((e as Error).message));
          break;
        }
      }
    }
    const auditRecords = options.auditRecords ?? 1000000;
    if (auditRecords > 0) {
      const trail = writeBenchTrail(join(work, 'trail'), auditRecords);
      log(
        `audit trail: ${trail.records} records in ${trail.files} gzip files (${(trail.gzipBytes / 2 ** 20).toFixed(0)} MiB, ${(trail.jsonBytes / 2 ** 20).toFixed(0)} MiB of JSON)`,
      );
      const args = [...BENCH_ENDPOINTS.flatMap((id) => ['--endpoint', id]), trail.dir];
      // Through -e, so that the memory probe (without GNU time) runs it in its own process too.
      const argv = ['node', '-e', `require('./dist/tools/audit.js').runCli(${JSON.stringify(args)})`];
      const audit: Scenario = {
        name: `audit ${trail.records} records (${trail.files} .json.gz)`,
        spec: { argv, cwd: project },
        display: `node -e "require('./dist/tools/audit.js').runCli(['--endpoint', …, '<tmp>/trail'])"`,
        comparedWithFloor: false,
        records: trail.records,
        check: ({ stdout }) => {
          const read = /^Read (\d+) files?[^:]*: (\d+) records/m.exec(stdout ?? '');
          if (!read || Number(read[1]) !== trail.files || Number(read[2]) !== trail.records)
            throw new Error(`audit: found "${read?.[0] ?? (stdout ?? '').slice(0, 200)}"; expected ${trail.files} files and ${trail.records} records read`);
        },
        target: ({ peakMiB }) => ({ text: '≤ 256 MiB', met: peakMiB !== undefined && peakMiB <= 256 }),
      };
      scenarios.push(audit);
      samples.set(audit.name, []);
      log(`warm-up: ${audit.display}`);
      audit.check!(runOnce(audit.spec, gnuTime, probe));
      const auditRuns = options.auditRuns ?? 3;
      for (let i = 1; i <= auditRuns; i += 1) {
        log(`audit ${i}/${auditRuns}`);
        samples.get(audit.name)!.push(runOnce(audit.spec, gnuTime, probe));
      }
    }
    const floor = summarize(samples.get('floor')!.map((s) => s.seconds)).median;
    const rows = scenarios.map((s): BenchRow => {
      const list = samples.get(s.name)!;
      const failure = failures.get(s.name);
      const stats = list.length ? summarize(list.map((x) => x.seconds)) : { median: NaN, min: NaN, max: NaN };
      const rss = list.map((x) => x.maxRssMiB).filter((x): x is number => x !== undefined);
      const peakMiB = rss.length ? Math.max(...rss) : undefined;
      const ratio = stats.median / floor;
      const target = s.target?.({ median: stats.median, ratio, peakMiB });
      const recordsPerSecond = s.records === undefined ? undefined : s.records / stats.median;
      if (!s.comparedWithFloor) return { name: s.name, command: s.display, samples: list, ...stats, peakMiB, recordsPerSecond, target, failure };
      return { name: s.name, command: s.display, samples: list, ...stats, ratio, peakMiB, target, failure };
    });
    const cpu = cpus();
    const loadAfter = loadavg();
    const environment =
      `node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}; ` +
      `load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after`;
    return { rows, environment, memorySource };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The last lines of a failed command's output that say something (for the table). */
export function failureSummary(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('__BENCH_') && !l.startsWith('Command exited with'));
  const text = [lines[0], ...lines.slice(-2)].filter((l, i, all) => all.indexOf(l) === i).join(' / ');
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

function seconds(value: number): string {
  if (Number.isNaN(value)) return '—';
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

/** The result as a Markdown table, with the commands and the conditions under it. */
export function formatTable(result: BenchResult): string {
  const header = ['what', 'runs', 'median s', 'min s', 'max s', '× floor', 'peak MiB', 'records/s', 'target'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_h, i) => (i === 0 || i === header.length - 1 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of result.rows) {
    const target = r.failure ? `**failed**: ${r.failure.replace(/\|/g, '\\|')}` : r.target ? `${r.target.text}: ${r.target.met ? 'met' : '**not met**'}` : '';
    const cells = [
      r.name,
      String(r.samples.length),
      seconds(r.median),
      seconds(r.min),
      seconds(r.max),
      r.ratio === undefined || Number.isNaN(r.ratio) ? '—' : r.ratio.toFixed(1),
      r.peakMiB === undefined ? 'n/a' : r.peakMiB.toFixed(0),
      r.recordsPerSecond === undefined || Number.isNaN(r.recordsPerSecond) ? '—' : Math.round(r.recordsPerSecond).toLocaleString('en-US'),
      target,
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const commands = result.rows.map((r) => `- ${r.name}: \`${r.command}\``);
  return [...lines, '', ...commands, '', `${result.environment}. Peak memory: ${result.memorySource}.`].join('\n');
}
