import { spawnSync } from 'child_process';
import { accessSync, constants, readFileSync } from 'fs';
import { delimiter, join } from 'path';

/** One run of a command: wall time and the peak resident memory of its largest process. */
export interface RunSample {
  readonly seconds: number;
  /** Max RSS in MiB, or undefined when it could not be measured. */
  readonly maxRssMiB?: number;
  /** The command's standard output. */
  readonly stdout?: string;
}

/** A command to measure: argv, working directory and extra environment. */
export interface CommandSpec {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * GNU time (`time -f %M` prints the max RSS in KiB), found at run time: `/usr/bin/time`, else a
 * `time` executable on PATH that accepts `-f`. Undefined when there is none (the shell builtin
 * cannot report memory).
 */
export function findGnuTime(): string | undefined {
  const candidates = [
    '/usr/bin/time',
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, 'time')),
  ];
  for (const candidate of [...new Set(candidates)]) {
    if (!isExecutable(candidate)) continue;
    const probe = spawnSync(candidate, ['-f', '%M', 'true'], { encoding: 'utf8' });
    if (probe.status === 0 && /^\d+\s*$/m.test(probe.stderr)) return candidate;
  }
  return undefined;
}

/**
 * Runs a command once. Wall time comes from this process's monotonic clock around the child; max
 * RSS from GNU time when available (for a process tree this is the largest single process, as the
 * kernel reports it), else from the probe (`tools/bench/max-rss`, node commands only), else none.
 * Throws with the command's output when it exits non-zero.
 */
export function runOnce(spec: CommandSpec, gnuTime: string | undefined, probe?: string): RunSample {
  const marker = '__BENCH_MAX_RSS_KIB__';
  let argv = [...spec.argv];
  let memory: 'time' | 'probe' | 'none' = 'none';
  if (gnuTime) {
    argv = [gnuTime, '-f', `${marker}%M`, ...argv];
    memory = 'time';
  } else if (probe && argv[0] === 'node') {
    argv = ['node', probe, ...argv.slice(1)];
    memory = 'probe';
  }
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const stderr = result.stderr ?? '';
  if (result.error) throw new Error(`${spec.argv.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${spec.argv.join(' ')} exited with ${result.status ?? result.signal}:\n${(result.stdout ?? '').slice(-4000)}\n${stderr.slice(-4000)}`);
  }
  const kib = memory === 'none' ? undefined : new RegExp(`${marker}(\\d+)`).exec(stderr)?.[1];
  return { seconds, maxRssMiB: kib === undefined ? undefined : Number(kib) / 1024, stdout: result.stdout ?? '' };
}

/** Median, min and max of a list of numbers (the median of an even count is the mean of the middle two). */
export function summarize(values: readonly number[]): { median: number; min: number; max: number } {
  if (values.length === 0) throw new Error('summarize: expected at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** `cdktf.json`'s `app` command, split into argv (plain words only: no quoting or shell syntax). */
export function appCommand(projectDir: string): string[] {
  const app = (JSON.parse(readFileSync(join(projectDir, 'cdktf.json'), 'utf8')) as { app?: unknown }).app;
  if (typeof app !== 'string' || !app.trim())
    throw new Error(`cdktf.json: found app ${JSON.stringify(app)}; expected a command such as "node dist/app/launch.js"`);
  if (/["'`$|&;<>()\\]/.test(app))
    throw new Error(`cdktf.json: found app ${JSON.stringify(app)}; expected plain words (the benchmark runs it without a shell)`);
  return app.trim().split(/\s+/);
}
