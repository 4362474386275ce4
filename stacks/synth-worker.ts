import { parentPort, workerData } from 'worker_threads';
import { synthesizeInMemory } from './build-app';
import { failureOf, SynthAnswer, SynthTask } from './fleet-synth';

// A worker thread of synthesizeFleet: synthesizes its chunk of environments in memory and answers
// with the stacks' manifest entries and files, or with its failure.
const task = workerData as SynthTask;
let answer: SynthAnswer;
try {
  const synthesized = synthesizeInMemory(task.config, task.options);
  answer = { ok: true, version: synthesized.version, files: synthesized.files };
} catch (e) {
  answer = failureOf(e);
}
parentPort!.postMessage(answer);
