import { join, relative, resolve } from 'path';
import { nodeFs, OutputFs } from '../stacks/engine/output-fs';
import { acquireOutputLock, OutputLockedError } from '../stacks/engine/output-lock';
import { listedStacks, OUTPUT_NAMES, RETIRED_FOLDER, STACK_NAME, stateFilesIn } from '../stacks/engine/stack-folders';

/**
 * `npm run prune [-- --synth DIR] [NAME ...]`: deletes, on purpose, the folders the synth kept for
 * stacks no longer in the config (DIR/retired/<name>, default DIR cdktf.out) and folders under
 * DIR/stacks that the manifest does not list. It refuses every folder that still holds Terraform
 * state. Exit 0 when everything asked for was deleted (or nothing was there), 1 when a folder was
 * refused or could not be deleted, 2 on usage errors.
 */

const USAGE = `Usage: npm run prune [-- --synth DIR] [NAME ...]

Deletes the folders the synth kept for stacks no longer in the config (DIR/retired/<NAME>, all of
them when no NAME is given; DIR defaults to cdktf.out) and stack folders under DIR/stacks that the
manifest does not list. A folder that still holds Terraform state (a *.tfstate file,
terraform.tfstate.d/, or a file whose JSON has "lineage", "serial" or "terraform_version") is never
deleted: run "terraform destroy" there if its resources should go, then delete the state yourself.
`;

/** Where the entry writes. */
export interface PruneIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The folders prune may delete: retired/<name>, and stacks/<name> not listed in the manifest (relative to the output directory). */
function candidates(io: OutputFs, outdir: string): string[] {
  const list = (dir: string): string[] => {
    try {
      return io.readdirSync(join(outdir, dir)).filter((n) => STACK_NAME.test(n) && io.lstatSync(join(outdir, dir, n)).isDirectory());
    } catch {
      return [];
    }
  };
  // Without a readable manifest no stack folder counts as unlisted: only retired/ is pruned.
  const listed = listedStacks(io, join(outdir, OUTPUT_NAMES.manifest)) ?? new Set(list(OUTPUT_NAMES.stacks));
  return [
    ...list(RETIRED_FOLDER).map((n) => `${RETIRED_FOLDER}/${n}`),
    ...list(OUTPUT_NAMES.stacks)
      .filter((n) => !listed.has(n))
      .map((n) => `${OUTPUT_NAMES.stacks}/${n}`),
  ].sort();
}

/** Runs prune over `args`; returns the exit status. `fs` is for tests (default node's fs). */
export function main(args: readonly string[], io: PruneIo, cwd = process.cwd(), fs: OutputFs = nodeFs): number {
  let synth = 'cdktf.out';
  const names: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help') {
      io.out(USAGE);
      return 0;
    }
    if (arg === '--synth') {
      if (args[i + 1] === undefined || args[i + 1].startsWith('--')) {
        io.err(`prune: --synth needs a value\n\n${USAGE}`);
        return 2;
      }
      synth = args[i + 1];
      i += 1;
      continue;
    }
    if (arg.startsWith('-') || !STACK_NAME.test(arg)) {
      io.err(`prune: unexpected argument ${arg} (expected a stack folder name such as prod-app-vpc)\n\n${USAGE}`);
      return 2;
    }
    names.push(arg);
  }
  const outdir = resolve(cwd, synth);
  if (!fs.existsSync(outdir)) {
    io.err(`prune: ${synth} does not exist; expected the output directory of a synth (--synth DIR)\n`);
    return 2;
  }
  let lock;
  try {
    lock = acquireOutputLock(fs, outdir, 'prune');
  } catch (e) {
    if (!(e instanceof OutputLockedError)) throw e;
    io.err(`prune: ${e.message}\n`);
    return 1;
  }
  try {
    const all = candidates(fs, outdir);
    const chosen = names.length === 0 ? all : all.filter((c) => names.includes(c.split('/')[1]));
    const unknown = names.filter((n) => !chosen.some((c) => c.split('/')[1] === n));
    let status = 0;
    for (const name of unknown) {
      io.err(`prune: ${name}: no such folder in ${synth}/${RETIRED_FOLDER} and no unlisted folder in ${synth}/${OUTPUT_NAMES.stacks}\n`);
      status = 1;
    }
    if (chosen.length === 0 && names.length === 0) io.out(`Nothing to prune in ${synth}.\n`);
    for (const folder of chosen) {
      const path = join(outdir, folder);
      const state = stateFilesIn(fs, path);
      if (state.length > 0) {
        io.err(
          `prune: refused ${synth}/${folder}: it holds Terraform state (${state.join(', ')}). ` +
            `If its resources should go, run "terraform destroy" in ${relative(cwd, path) || '.'}; then delete the state yourself (it is the only record of what exists) and run prune again.\n`,
        );
        status = 1;
        continue;
      }
      try {
        fs.rmSync(path, { recursive: true });
        io.out(`Deleted ${synth}/${folder}.\n`);
      } catch (e) {
        io.err(`prune: could not delete ${synth}/${folder}: ${(e as Error).message}\n`);
        status = 1;
      }
    }
    return status;
  } finally {
    lock.release();
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
}
