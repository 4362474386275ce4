import { existsSync, lstatSync, readdirSync, realpathSync } from 'fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'path';
import { Manifest } from 'cdktf';
import { ConfigError, StacksConfig } from '../config';
import { stackName } from './environment-stack';
import { SYNTH_FOLDER } from './output-lock';

/** An output directory the synth refuses to write (empty, the working directory or above it, not a cdktf output). */
export class OutputDirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputDirectoryError';
  }
}

/** `path` with its longest existing prefix resolved through symlinks (what the OS will open), the rest appended. */
export function physicalPath(path: string): string {
  const absolute = resolve(path);
  const rest: string[] = [];
  let prefix = absolute;
  while (!existsSync(prefix)) {
    const parent = dirname(prefix);
    if (parent === prefix) break;
    rest.unshift(basename(prefix));
    prefix = parent;
  }
  return join(realpathSync(prefix), ...rest);
}

/** Whether `inner` is `outer` or below it. */
function within(inner: string, outer: string): boolean {
  const path = relative(outer, inner);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
}

/**
 * The output directory CDKTF_OUTDIR names (`value`, default cdktf.out, relative to `cwd`), as an
 * absolute physical path. Refused: an empty value, '/', the working directory or one of its
 * ancestors (the output would land among the sources), something that is not a directory, and a
 * non-empty directory that is no cdktf output (holds neither manifest.json nor .synth/).
 */
export function outputDirectory(value: string | undefined, cwd: string): string {
  if (value !== undefined && value.trim() === '') {
    throw new OutputDirectoryError(
      `CDKTF_OUTDIR is empty; expected a directory for the synthesized output such as cdktf.out (an empty value would write manifest.json and stacks/ into the working directory ${cwd})`,
    );
  }
  const outdir = physicalPath(resolve(cwd, value ?? 'cdktf.out'));
  const workingDirectory = physicalPath(cwd);
  if (within(workingDirectory, outdir)) {
    const what =
      outdir === workingDirectory ? 'the working directory' : dirname(outdir) === outdir ? 'the root directory' : 'an ancestor of the working directory';
    throw new OutputDirectoryError(
      `CDKTF_OUTDIR=${value} is ${what} (${outdir}); expected a directory of its own for the synthesized output, such as cdktf.out (the synth replaces manifest.json and stacks/ there)`,
    );
  }
  if (dirname(outdir) === outdir) {
    throw new OutputDirectoryError(
      `CDKTF_OUTDIR=${value} is the root directory; expected a directory of its own for the synthesized output, such as cdktf.out`,
    );
  }
  if (!existsSync(outdir)) return outdir;
  if (!lstatSync(outdir).isDirectory()) {
    throw new OutputDirectoryError(`CDKTF_OUTDIR=${value ?? 'cdktf.out'}: ${outdir} is not a directory; expected a directory for the synthesized output`);
  }
  const entries = readdirSync(outdir);
  if (entries.length > 0 && !entries.includes(Manifest.fileName) && !entries.includes(SYNTH_FOLDER)) {
    const shown = entries.sort().slice(0, 5).join(', ') + (entries.length > 5 ? ', …' : '');
    throw new OutputDirectoryError(
      `CDKTF_OUTDIR=${value ?? 'cdktf.out'}: ${outdir} is not empty (${shown}) and is no cdktf output (no ${Manifest.fileName}, no ${SYNTH_FOLDER}/); expected an empty or new directory or an earlier cdktf output, so that nothing else in it is replaced`,
    );
  }
  return outdir;
}

/**
 * Checks every configured local state path against the real output directory: Terraform runs in
 * `<outdir>/stacks/<stack>`, and a state file that lands inside the output directory would be
 * removed with it. Throws a {@link ConfigError} naming `environments[i].backend.local.path`.
 */
export function checkStatePaths(config: StacksConfig, outdir: string, source: string): void {
  const physicalOutdir = physicalPath(outdir);
  const problems: string[] = [];
  config.environments.forEach((env, i) => {
    const path = env.backend && 'local' in env.backend ? env.backend.local?.path : undefined;
    if (path === undefined) return;
    for (const side of ['app', 'admin'] as const) {
      const name = stackName(env, side);
      const state = physicalPath(
        resolve(
          physicalOutdir,
          Manifest.stacksFolder,
          name,
          path
            .replace(/\{stack\}/g, name)
            .split(/[\\/]/)
            .join(sep),
        ),
      );
      if (within(state, physicalOutdir)) {
        problems.push(
          `environments[${i}].backend.local.path: found ${JSON.stringify(path)}, which puts the state of stack ${name} at ${state}, inside the output directory ${physicalOutdir}; expected a path outside the output directory (the synth replaces what is there)`,
        );
        return;
      }
    }
  });
  if (problems.length > 0) throw new ConfigError(source, problems);
}
