import { runSynth } from './engine/run-synth';

// The app entry (`npm run synth`, `cdktf synth`); the work is in run-synth.ts.
void runSynth(process.env, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then((code) => {
  process.exitCode = code;
});
