import { resolve } from 'path';
import { GuardrailError } from '../modules/errors';
import { ConfigError, loadConfig } from './config';
import { stackName } from './environment-stack';
import { synthesizeFleet, synthThreads } from './fleet-synth';

/** Where the entry writes what it says. */
export interface SynthOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * What the app entry does (`npm run synth`, `cdktf synth`), given its environment: reads
 * STACKS_CONFIG (default stacks/config/default.json, relative to the working directory), writes
 * CDKTF_OUTDIR (default cdktf.out), HCL when SYNTH_HCL_OUTPUT=true, with SYNTH_THREADS threads
 * (default: one per core for large fleets, see `synthThreads`). On any error it prints what and
 * where, writes nothing and resolves to 1; otherwise to 0.
 */
export async function runSynth(env: NodeJS.ProcessEnv, out: SynthOutput, cwd = process.cwd()): Promise<number> {
  const file = resolve(cwd, env.STACKS_CONFIG ?? 'stacks/config/default.json');
  const outdir = env.CDKTF_OUTDIR ?? 'cdktf.out';
  try {
    const config = loadConfig(file);
    const options = { hcl: env.SYNTH_HCL_OUTPUT === 'true' };
    const threads = synthThreads(config.environments.length, env.SYNTH_THREADS);
    await synthesizeFleet(config, resolve(cwd, outdir), options, threads);
    const names = config.environments.flatMap((e) => [stackName(e, 'app'), stackName(e, 'admin')]);
    out.stdout(`Synthesized ${names.length} stacks from ${file} into ${outdir}/stacks: ${names.join(', ')}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof GuardrailError) {
      out.stderr(`${e.message}\nNothing was written.\n`);
    } else {
      out.stderr(`Synthesis failed: ${(e as Error).message}\nNothing was written.\n`);
    }
    return 1;
  }
}
