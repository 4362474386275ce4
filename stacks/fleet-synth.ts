import { rmSync } from 'fs';
import { availableParallelism } from 'os';
import { join, resolve } from 'path';
import { Worker } from 'worker_threads';
import { Manifest, StackManifest } from 'cdktf';
import { GuardrailError, invalidValue } from '../modules/errors';
import { buildAndSynthesize, createStaging, replaceDirectory, SynthesizeOptions, SynthPhase, SynthPhaseError } from './build-app';
import { StacksConfig } from './config';

/**
 * Environments a thread must have for it to pay off: a worker thread loads cdktf and the bindings
 * itself (about 0.25 s) before it synthesizes anything, and one environment takes about 8 ms.
 */
export const MIN_ENVIRONMENTS_PER_THREAD = 16;

/**
 * How many threads synthesize `environments` environments: `requested` (SYNTH_THREADS) when set,
 * else one per available core, as long as each gets {@link MIN_ENVIRONMENTS_PER_THREAD}.
 */
export function synthThreads(environments: number, requested?: string, cores = availableParallelism()): number {
  if (requested !== undefined && requested !== '') {
    const n = Number(requested);
    if (!Number.isInteger(n) || n < 1) throw invalidValue('PLS_SYNTH_THREADS', 'SYNTH_THREADS', requested, 'a whole number of threads, at least 1');
    return Math.min(n, Math.max(environments, 1));
  }
  return Math.max(1, Math.min(cores, Math.floor(environments / MIN_ENVIRONMENTS_PER_THREAD)));
}

/** What a synth worker thread is given: its environments, and the staging directory they all write into. */
export interface SynthTask {
  readonly config: StacksConfig;
  readonly outdir: string;
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

/** What a synth worker thread answers: the manifest entries of its stacks, or its first failure. */
export type SynthAnswer = { readonly ok: true; readonly stacks: Record<string, StackManifest> } | SynthFailure;

/** The answer for an error of {@link buildAndSynthesize}. */
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

/** The compiled worker: next to this file when running from dist/, else in dist/ (under ts-jest). */
function workerScript(): string {
  return __filename.endsWith('.ts') ? resolve(__dirname, '..', 'dist', 'stacks', 'synth-worker.js') : join(__dirname, 'synth-worker.js');
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

/** Environments this thread synthesizes in the time a worker thread takes to start. */
const HEAD_START_ENVIRONMENTS = 12;

/**
 * What `synthesizeToDirectory` writes, written faster: the stacks are synthesized into a staging
 * directory (with file creation in the background, see `buildAndSynthesize`) that then replaces
 * `outdir`, and with `threads` > 1 each thread builds and synthesizes a contiguous chunk of the
 * environments while this one merges the manifest. The output is byte-identical whatever the
 * threads; on any failure nothing is written and the error is the one a one-thread synth raises
 * (the first construction error, else the first synthesis error, in config order).
 */
export async function synthesizeFleet(config: StacksConfig, outdir: string, options: SynthesizeOptions, threads = 1): Promise<void> {
  const target = resolve(outdir);
  const staging = createStaging(target);
  const [own, ...others] = chunksOf(config.environments, threads, HEAD_START_ENVIRONMENTS);
  const workers = others.map((environments) => runWorker({ config: { ...config, environments }, outdir: staging, options }));
  let manifest: Manifest | undefined;
  let ownFailure: SynthFailure | undefined;
  let ownError: unknown;
  try {
    manifest = await buildAndSynthesize({ ...config, environments: own }, staging, options);
  } catch (e) {
    ownError = e instanceof SynthPhaseError ? e.cause : e;
    ownFailure = failureOf(e);
  }
  const answers = await Promise.all(workers);
  const failures = [ownFailure, ...answers].filter((a): a is SynthFailure => a !== undefined && !a.ok);
  const failure = failures.find((f) => f.phase === 'build') ?? failures[0];
  if (failure || !manifest) {
    rmSync(staging, { recursive: true, force: true });
    throw failure === ownFailure ? ownError : errorOf(failure!);
  }
  for (const answer of answers) if (answer.ok) Object.assign(manifest.stacks, answer.stacks);
  manifest.writeToFile();
  replaceDirectory(staging, target);
}
