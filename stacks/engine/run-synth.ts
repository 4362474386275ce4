import { resolve } from 'path';
import { GuardrailError } from '../../modules/core/errors';
import { ConfigError, loadConfig } from '../config';
import { synthesizeToDirectory } from '../build-app';
import { stackName } from './environment-stack';
import { checkStatePaths, OutputDirectoryError, outputDirectory } from './output-dir';
import { OutputLockedError } from './output-lock';
import { OutputWriteError, WriteOptions, WriteSummary } from './output-writer';

/** Where the entry writes what it says. */
export interface SynthOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * Whether the cdktf CLI (`cdktf synth`, `cdktf deploy`) runs this app: it passes its context with
 * `cdktfRelativeModules` in CDKTF_CONTEXT_JSON. The CLI removes the folders of removed stacks
 * itself, so the writer then leaves them empty (see `WriteOptions.leaveEmptyFolders`).
 */
export function runByCdktfCli(env: NodeJS.ProcessEnv): boolean {
  try {
    return 'cdktfRelativeModules' in (JSON.parse(env.CDKTF_CONTEXT_JSON ?? '{}') as object);
  } catch {
    return false;
  }
}

/** What the writer did besides writing (folders of removed stacks, a lock of a synth that is gone), for the user; empty when nothing. */
export function describeFolders(summary: WriteSummary, shown: string): string {
  const lines: string[] = [];
  const gone = summary.tookOverFrom;
  if (gone) {
    lines.push(
      `An earlier ${gone.command} (pid ${gone.pid}, since ${gone.started}) had stopped while writing ${shown}; took over its lock and removed what it left.\n`,
    );
  }
  for (const name of summary.restoredStacks)
    lines.push(`Stack ${name} is in the config again: moved its kept folder back from retired/${name} to ${shown}/stacks/${name}.\n`);
  if (summary.removedStacks.length > 0) {
    lines.push(`Removed the folders of stacks no longer in the config (only synthesized and Terraform working files): ${summary.removedStacks.join(', ')}\n`);
  }
  for (const retired of summary.retiredStacks) {
    lines.push(
      `Stack ${retired.name} is no longer in the config; its folder holds ${retired.kept.join(', ')}, so it was kept, moved to ${shown}/${retired.folder}. ` +
        `To destroy its resources run terraform destroy there; to delete the folder on purpose run: npm run prune -- --synth ${shown} ${retired.folder.split('/').pop()} (it refuses a folder that still holds Terraform state).\n`,
    );
  }
  return lines.join('');
}

/**
 * What the app entry does (`npm run synth`, `cdktf synth`), given its environment: reads
 * STACKS_CONFIG (default stacks/config/default.json, relative to the working directory), writes
 * CDKTF_OUTDIR (default cdktf.out; refused when empty, the working directory or above it, or a
 * non-empty directory that is no cdktf output), HCL when SYNTH_HCL_OUTPUT=true, flushing the new output to
 * disk before it switches unless SYNTH_FSYNC=false. On an error before the
 * output switched it prints what and where and that nothing was written (when true; else exactly
 * what is left) and resolves to 1; an error after the switch says the new output is in place and
 * what failed (1); otherwise 0. `write` are options of the writer (tests inject faults through its `fs`).
 */
export async function runSynth(env: NodeJS.ProcessEnv, out: SynthOutput, cwd = process.cwd(), write: WriteOptions = {}): Promise<number> {
  const file = resolve(cwd, env.STACKS_CONFIG ?? 'stacks/config/default.json');
  const shown = env.CDKTF_OUTDIR ?? 'cdktf.out';
  try {
    const outdir = outputDirectory(env.CDKTF_OUTDIR, cwd);
    const config = loadConfig(file);
    checkStatePaths(config, outdir, file);
    const options = { hcl: env.SYNTH_HCL_OUTPUT === 'true' };
    const { summary } = synthesizeToDirectory(config, outdir, options, {
      leaveEmptyFolders: runByCdktfCli(env),
      durable: env.SYNTH_FSYNC !== 'false',
      ...write,
    });
    const names = config.environments.flatMap((e) => [stackName(e, 'app'), stackName(e, 'admin')]);
    out.stdout(`Synthesized ${names.length} stacks from ${file} into ${shown}/stacks: ${names.join(', ')}\n`);
    out.stdout(describeFolders(summary, shown));
    return 0;
  } catch (e) {
    if (e instanceof OutputWriteError) {
      out.stderr(`${e.message}\n${e.nothingWritten ? 'Nothing was written.\n' : ''}`);
    } else if (e instanceof ConfigError || e instanceof GuardrailError || e instanceof OutputDirectoryError || e instanceof OutputLockedError) {
      out.stderr(`${e.message}\nNothing was written.\n`);
    } else {
      out.stderr(`Synthesis failed: ${(e as Error).message}\nNothing was written.\n`);
    }
    return 1;
  }
}
