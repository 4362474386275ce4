import { join } from 'path';
import { errorCode, OutputFs, readOrUndefined } from './output-fs';

/** cdktf's names in an output directory (cdktf's `Manifest.fileName`, `Manifest.stacksFolder`, `Manifest.stackMetadataPath`), without loading cdktf (the writer starts fast). */
export const OUTPUT_NAMES = { manifest: 'manifest.json', stacks: 'stacks', metadata: 'metadata.json' } as const;

/** The files cdktf writes in a stack folder, in either mode (in the output these are links into the current generation). */
export const SYNTHESIZED_FILES: readonly string[] = ['cdk.tf.json', 'cdk.tf', OUTPUT_NAMES.metadata];

/** Terraform's working files in a stack folder that `terraform init` recreates: safe to delete. */
const TERRAFORM_WORKING_FILES: readonly string[] = ['.terraform', '.terraform.lock.hcl'];

/** Temporary files of earlier writers (`.<pid>.tmp`, displaced files of a killed run). */
const WRITER_TEMPORARY = /^\.(\d+\.tmp|.+\.displaced-[A-Za-z0-9-]+)$/;

/** Where the output keeps the folders of removed stacks that held more than synthesized and working files. */
export const RETIRED_FOLDER = 'retired';

/** A stack name that is one safe path segment (cdktf stack ids are). */
export const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Whether an entry of a stack folder is a temporary file of a writer (killed runs leave them). */
export function isWriterTemporary(name: string): boolean {
  return WRITER_TEMPORARY.test(name);
}

/** Whether an entry of a stack folder may be deleted with the folder: synthesized files, Terraform's working files, writer temporaries. */
export function isDisposable(name: string): boolean {
  return SYNTHESIZED_FILES.includes(name) || TERRAFORM_WORKING_FILES.includes(name) || WRITER_TEMPORARY.test(name);
}

/** The entries of a stack folder that are neither synthesized, Terraform working files nor temporaries (state, plans, anything unknown), sorted. */
export function keptEntries(io: OutputFs, dir: string): string[] {
  return io
    .readdirSync(dir)
    .filter((name) => !isDisposable(name))
    .sort();
}

/** A state file name Terraform uses (`terraform.tfstate`, `*.tfstate`, `*.tfstate.backup`, the workspace folder `terraform.tfstate.d`). */
function isStateName(name: string): boolean {
  return /\.tfstate(\.backup)?$/.test(name) || name === 'terraform.tfstate.d' || /\.tfstate\.\d+\.backup$/.test(name);
}

/** Whether a file's text is Terraform state (JSON with `lineage`, `serial` or `terraform_version`). */
function looksLikeState(io: OutputFs, file: string): boolean {
  let text: string;
  try {
    text = io.readFileSync(file, 'utf8');
  } catch (e) {
    if (errorCode(e) === 'ENOENT' || errorCode(e) === 'EISDIR') return false;
    throw e;
  }
  if (!text.trimStart().startsWith('{')) return false;
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    return 'lineage' in json || 'serial' in json || 'terraform_version' in json;
  } catch {
    return false;
  }
}

/**
 * The Terraform state files under `dir` (relative paths, sorted): found by name (`*.tfstate`,
 * `*.tfstate.backup`, anything under `terraform.tfstate.d/`) or by content (JSON holding `lineage`,
 * `serial` or `terraform_version`), outside `.terraform/` (whose `terraform.tfstate` only records
 * the backend).
 */
export function stateFilesIn(io: OutputFs, dir: string): string[] {
  const found: string[] = [];
  const walk = (relative: string, underStateFolder: boolean): void => {
    for (const name of io.readdirSync(join(dir, relative)).sort()) {
      const path = relative ? join(relative, name) : name;
      if (!relative && name === '.terraform') continue;
      const stat = io.lstatSync(join(dir, path));
      if (stat.isDirectory()) walk(path, underStateFolder || isStateName(name));
      else if (stat.isFile() && (underStateFolder || isStateName(name) || looksLikeState(io, join(dir, path)))) found.push(path);
    }
  };
  walk('', false);
  return found;
}

/** The stacks the manifest at `file` lists; undefined when it is missing or not a manifest. */
export function listedStacks(io: OutputFs, file: string): Set<string> | undefined {
  const text = readOrUndefined(io, file);
  if (text === undefined) return undefined;
  try {
    return new Set(Object.keys((JSON.parse(text) as { stacks?: Record<string, unknown> }).stacks ?? {}));
  } catch {
    return undefined;
  }
}
