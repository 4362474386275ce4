import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { Manifest, StackManifest } from 'cdktf';
import stringify from 'json-stable-stringify';
import { StackFiles } from './stack-files';

/** The files cdktf writes in a stack folder, in either mode; the others there (`.terraform/`, lock files, plans) are Terraform's. */
const SYNTHESIZED_FILES = ['cdk.tf.json', 'cdk.tf', Manifest.stackMetadataPath];
/** A stack name that is one safe path segment (cdktf stack ids are). */
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** What {@link writeOutput} did, for tests and the bench. */
export interface WriteSummary {
  readonly written: number;
  readonly unchanged: number;
  readonly removedStacks: readonly string[];
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Writes `content` to `file` unless it already holds exactly that; through a temporary file and a rename, so a reader never sees half a file. */
function writeIfChanged(file: string, content: string): boolean {
  if (readIfExists(file) === content) return false;
  const temporary = join(dirname(file), `.${process.pid}.tmp`);
  writeFileSync(temporary, content);
  renameSync(temporary, file);
  return true;
}

/** The stacks the manifest of an earlier output lists (none when there is no readable manifest). */
function stacksOfExistingOutput(outdir: string): string[] {
  const text = readIfExists(join(outdir, Manifest.fileName));
  if (text === undefined) return [];
  try {
    return Object.keys((JSON.parse(text) as { stacks?: Record<string, unknown> }).stacks ?? {});
  } catch {
    return [];
  }
}

/**
 * Brings `outdir` to the synthesized output: `manifest.json` as cdktf writes it, and per stack its
 * synthesized files. Files whose content is unchanged are not touched (Terraform's `.terraform/`
 * and lock files in the stack folders stay too, so `cdktf deploy` need not re-initialize); a file of
 * the other mode (`cdk.tf` after JSON, `cdk.tf.json` after HCL) is removed, and so is the folder
 * of each stack the earlier manifest lists and this one does not. Called only once every stack has
 * synthesized, so a failed synth writes nothing.
 */
export function writeOutput(outdir: string, version: string, stacks: readonly StackFiles[]): WriteSummary {
  const previous = stacksOfExistingOutput(outdir);
  mkdirSync(join(outdir, Manifest.stacksFolder), { recursive: true });
  let written = 0;
  let unchanged = 0;
  for (const stack of stacks) {
    const dir = join(outdir, stack.manifest.workingDirectory);
    mkdirSync(dir, { recursive: true });
    for (const [path, content] of Object.entries(stack.files)) {
      if (writeIfChanged(join(outdir, path), content)) written += 1;
      else unchanged += 1;
    }
    const own = new Set(Object.keys(stack.files).map((p) => join(outdir, p)));
    for (const name of SYNTHESIZED_FILES) {
      const file = join(dir, name);
      if (!own.has(file) && existsSync(file)) rmSync(file);
    }
  }
  const current = new Set(stacks.map((s) => s.name));
  const removedStacks = previous.filter((name) => !current.has(name) && STACK_NAME.test(name));
  for (const name of removedStacks) rmSync(join(outdir, Manifest.stacksFolder, name), { recursive: true, force: true });
  const entries: Record<string, StackManifest> = Object.fromEntries(stacks.map((s) => [s.name, s.manifest]));
  if (writeIfChanged(join(outdir, Manifest.fileName), stringify({ version, stacks: entries }, { space: 2 }) ?? '')) written += 1;
  else unchanged += 1;
  return { written, unchanged, removedStacks };
}
