import { resolve } from 'path';
import { GuardrailError } from '../modules/errors';
import { ConfigError, loadConfig } from './config';
import { synthesizeToDirectory } from './build-app';

/** Where the entry writes what it says. */
export interface SynthOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * What the app entry does (`npm run synth`, `cdktf synth`), given its environment: reads
 * STACKS_CONFIG (default stacks/config/default.json, relative to the working directory), writes
 * CDKTF_OUTDIR (default cdktf.out), HCL when SYNTH_HCL_OUTPUT=true. On any error it prints what and
 * where, writes nothing and returns 1; otherwise 0.
 */
export function runSynth(env: NodeJS.ProcessEnv, out: SynthOutput, cwd = process.cwd()): number {
  const file = resolve(cwd, env.STACKS_CONFIG ?? 'stacks/config/default.json');
  const outdir = env.CDKTF_OUTDIR ?? 'cdktf.out';
  try {
    const config = loadConfig(file);
    const stacks = synthesizeToDirectory(config, resolve(cwd, outdir), { hcl: env.SYNTH_HCL_OUTPUT === 'true' });
    const names = stacks.flatMap((s) => [s.app.node.id, s.admin.node.id]);
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
