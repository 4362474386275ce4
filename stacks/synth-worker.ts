import { parentPort, workerData } from 'worker_threads';
import { buildAndSynthesize } from './build-app';
import { failureOf, SynthAnswer, SynthTask } from './fleet-synth';

// A worker thread of synthesizeFleet: synthesizes its chunk of environments into the shared
// staging directory and answers with the manifest entries of its stacks, or with its failure.
const task = workerData as SynthTask;
buildAndSynthesize(task.config, task.outdir, task.options)
  .then(
    (manifest): SynthAnswer => ({ ok: true, stacks: manifest.stacks }),
    (e: unknown): SynthAnswer => failureOf(e),
  )
  .then((answer) => parentPort!.postMessage(answer));
