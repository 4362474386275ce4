import { execFile, spawnSync, SpawnSyncOptions } from 'child_process';
import { join } from 'path';
import { WriteOptions } from '../../stacks/engine/output-writer';
import { runSynth } from '../../stacks/engine/run-synth';
import { ROOT } from './dist';

/** What a run printed and how it ended: a process's exit status, or the code the synth entry resolved to. */
export interface ProcessRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a compiled tool of dist/tools (`audit`, `report`) as a process, in `options.cwd` (default: the project root). */
export function runTool(tool: string, args: readonly string[], options: SpawnSyncOptions = {}): ProcessRun {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'tools', `${tool}.js`), ...args], { cwd: ROOT, ...options, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The app entry (`runSynth`, what dist/app/main.js calls) in this process, with its output captured. */
export async function synthInProcess(env: NodeJS.ProcessEnv, cwd: string, write: WriteOptions = {}): Promise<ProcessRun> {
  let stdout = '';
  let stderr = '';
  const code = await runSynth(env, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, cwd, write);
  return { code, stdout, stderr };
}

/** The app entry (`node dist/app/launch.js`) as a process in `cwd`, with `env` over this process's environment. */
export function synthProcess(cwd: string, env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  return new Promise((done) => {
    execFile(process.execPath, [join(ROOT, 'dist', 'app', 'launch.js')], { cwd, env: { ...process.env, ...env }, encoding: 'utf8' }, (error, stdout, stderr) =>
      done({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}
