import { availableParallelism } from 'os';
import { join, resolve } from 'path';
import { Worker } from 'worker_threads';
import { GuardrailError, invalidValue } from '../modules/errors';
import { SynthesizeOptions, SynthPhase, SynthPhaseError, synthesizeInMemory } from './build-app';
import { WriteOptions, writeOutput, WriteSummary } from './output-writer';
import { StackFiles } from './stack-files';
import { StacksConfig } from './config';

/**
 * Environments each thread must get for threads to pay off. A worker thread loads its own copy of
 * the app (about 0.15 s) and all threads share the cores with the GC; on 2 cores, 2 threads were
 * slower for 100 environments, 5% faster for 200 and 15% faster for 400 (`SYNTH_THREADS`, measured
 * with the bench's fleet config).
 */
export const MIN_ENVIRONMENTS_PER_THREAD = 100;

/**
 * How many threads synthesize `environments` environments: `requested` (SYNTH_THREADS) when set,
 * at most one per available core (more only cost memory and time: 64 threads for 1,000
 * environments took 2.6 GB and five times as long), else one per available core, as long as each
 * gets {@link MIN_ENVIRONMENTS_PER_THREAD}.
 */
export function synthThreads(environments: number, requested?: string, cores = availableParallelism()): number {
  if (requested !== undefined && requested !== '') {
    const n = Number(requested);
    if (!/^\d+$/.test(requested) || n < 1 || n > cores) {
      throw invalidValue('PLS_SYNTH_THREADS', 'SYNTH_THREADS', requested, `a whole number of threads from 1 to ${cores} (one per available core)`);
    }
    return Math.min(n, Math.max(environments, 1));
  }
  return Math.max(1, Math.min(cores, Math.floor(environments / MIN_ENVIRONMENTS_PER_THREAD)));
}

/** What a synth worker thread is given: its environments. */
export interface SynthTask {
  readonly config: StacksConfig;
  readonly options: SynthesizeOptions;
}

/** A failure, as it crosses from a worker thread. */
export interface SynthFailure {
  readonly ok: false;
  readonly phase: SynthPhase;
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly field?: string;
}

/** What a synth worker thread answers: its synthesized stacks, or its first failure. */
export type SynthAnswer = { readonly ok: true; readonly version: string; readonly files: StackFiles[] } | SynthFailure;

/** The answer for an error of {@link synthesizeInMemory}. */
export function failureOf(e: unknown): SynthFailure {
  const phase = e instanceof SynthPhaseError ? e.phase : 'synth';
  const error = e instanceof SynthPhaseError ? e.cause : e;
  if (error instanceof GuardrailError) return { ok: false, phase, name: error.name, message: error.message, code: error.code, field: error.field };
  return { ok: false, phase, name: (error as Error)?.name ?? 'Error', message: (error as Error)?.message ?? String(error) };
}

/** The error a failure stands for, of the same class for guardrails (so it prints the same as in one thread). */
function errorOf(failure: SynthFailure): Error {
  const error = failure.name === 'GuardrailError' ? new GuardrailError(failure.code ?? '', failure.field ?? '', '') : new Error();
  error.message = failure.message;
  return error;
}

/** The compiled worker: next to this file when running compiled (dist/app bundle or dist/stacks), else the bundle (under ts-jest). */
function workerScript(): string {
  return __filename.endsWith('.ts') ? resolve(__dirname, '..', 'dist', 'app', 'synth-worker.js') : join(__dirname, 'synth-worker.js');
}

function runWorker(task: SynthTask): Promise<SynthAnswer> {
  return new Promise((done) => {
    const worker = new Worker(workerScript(), { workerData: task });
    let answer: SynthAnswer | undefined;
    worker.once('message', (m: SynthAnswer) => (answer = m));
    worker.once('error', (e) => (answer ??= failureOf(e)));
    worker.once('exit', (code) => done(answer ?? failureOf(new Error(`synth worker thread exited with code ${code} and no answer`))));
  });
}

/**
 * Contiguous chunks of `items` for `threads` threads, in order. The first is this thread's: it
 * starts at once, while the others first load their modules, so it takes `headStart` more items.
 */
export function chunksOf<T>(items: readonly T[], threads: number, headStart: number): T[][] {
  const n = Math.max(1, Math.min(threads, items.length));
  const first = Math.min(items.length, Math.ceil((items.length + (n - 1) * headStart) / n));
  const rest = items.slice(first);
  const size = Math.ceil(rest.length / Math.max(1, n - 1));
  const chunks = [items.slice(0, first)];
  for (let i = 0; i < rest.length; i += size) chunks.push(rest.slice(i, i + size));
  return chunks;
}

/** Environments this thread synthesizes in the time a worker thread takes to start (about 0.15 s at 6 ms each). */
const HEAD_START_ENVIRONMENTS = 24;

/**
 * What `synthesizeToDirectory` writes, in `threads` threads: with more than one, each worker thread
 * builds and synthesizes a contiguous chunk of the environments in memory, this thread the first,
 * and this thread writes the output once all have succeeded. The output is byte-identical whatever
 * the threads; on any failure nothing is written and the error is the one a one-thread synth
 * raises (the first construction error, else the first synthesis error, in config order).
 * `write` are the writer's options (default: node's fs, flushed to disk, no empty folders left).
 */
export async function synthesizeFleet(
  config: StacksConfig,
  outdir: string,
  options: SynthesizeOptions,
  threads = 1,
  write: WriteOptions = {},
): Promise<WriteSummary> {
  const [own, ...others] = chunksOf(config.environments, threads, HEAD_START_ENVIRONMENTS);
  const workers = others.map((environments) => runWorker({ config: { ...config, environments }, options }));
  let answer: SynthAnswer;
  let ownError: unknown;
  try {
    const synthesized = synthesizeInMemory({ ...config, environments: own }, options);
    answer = { ok: true, version: synthesized.version, files: synthesized.files };
  } catch (e) {
    ownError = e instanceof SynthPhaseError ? e.cause : e;
    answer = failureOf(e);
  }
  const answers = [answer, ...(await Promise.all(workers))];
  const failures = answers.filter((a): a is SynthFailure => !a.ok);
  const failure = failures.find((f) => f.phase === 'build') ?? failures[0];
  if (failure) throw failure === answer ? ownError : errorOf(failure);
  const done = answers.filter((a) => a.ok);
  return writeOutput(
    resolve(outdir),
    done[0].version,
    done.flatMap((a) => a.files),
    write,
  );
}
