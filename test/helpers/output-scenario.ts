import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { nodeFs } from '../../stacks/engine/output-fs';
import { writeOutput } from '../../stacks/engine/output-writer';
import { fakeStackFiles, FakeStack, faultyFs, readerView, ReaderView, temporaryLeftovers } from './output-faults';

/*
 * Fault injection into the output writer. The old output has stacks a, b, c, d (JSON) and h (HCL);
 * the new one changes a, switches b to HCL and h to JSON, adds e and drops c (only synthesized and
 * Terraform working files: deleted) and d (workspace state and a plan file: kept, moved to retired/),
 * brings back r, whose folder (with its state) an earlier synth moved to retired/, and keeps u as it was
 * (its file is hard-linked into the new generation).
 */
/** The stacks of the old output. */
export const OLD: FakeStack[] = [
  { name: 'a', tag: 'old' },
  { name: 'b', tag: 'old' },
  { name: 'c', tag: 'old' },
  { name: 'd', tag: 'old' },
  { name: 'h', hcl: true, tag: 'old' },
  { name: 'u', tag: 'same' },
];
/** The stacks the writer under test writes. */
export const NEW: FakeStack[] = [
  { name: 'a', tag: 'new' },
  { name: 'b', hcl: true, tag: 'new' },
  { name: 'e', tag: 'new' },
  { name: 'h', tag: 'new' },
  { name: 'r', tag: 'new' },
  { name: 'u', tag: 'same' },
];
const STATE = JSON.stringify({ version: 4, terraform_version: '1.9.8', serial: 3, lineage: 'd-lineage', outputs: {}, resources: [] });
const D_STATE = join('terraform.tfstate.d', 'default', 'terraform.tfstate');
const R_STATE = JSON.stringify({ version: 4, terraform_version: '1.9.8', serial: 9, lineage: 'r-lineage', outputs: {}, resources: [] });
/** The cdktf version the manifests name. */
export const VERSION = '0.21.0';
/**
 * One folder for every output of a test file: in memory when there is /dev/shm (these tests are
 * about order, not durability, and make thousands of files). Test files remove it in `afterAll`.
 */
export const SCRATCH = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'pls-faults-'));

/** How the old output is stored: links into generations (this writer), or plain files (the earlier writer). */
export type Layout = 'linked' | 'plain';

/** An old output (written by this writer, or plain files as the earlier writer left them) with Terraform's files in the stack folders. */
export function prepare(layout: Layout): string {
  const outdir = join(mkdtempSync(join(SCRATCH, 'pls-faults-')), 'cdktf.out');
  const files = fakeStackFiles(OLD);
  if (layout === 'linked') writeOutput(outdir, VERSION, files, { durable: false });
  else {
    // What the earlier writer (plain files) left; the manifest as this writer would write it.
    if (plainManifest === undefined) {
      const reference = join(mkdtempSync(join(SCRATCH, 'pls-faults-ref-')), 'cdktf.out');
      writeOutput(reference, VERSION, files, { durable: false });
      plainManifest = readFileSync(join(reference, 'manifest.json'), 'utf8');
    }
    mkdirSync(outdir, { recursive: true });
    writeFileSync(join(outdir, 'manifest.json'), plainManifest);
    for (const stack of files) {
      mkdirSync(join(outdir, 'stacks', stack.name), { recursive: true });
      for (const [path, content] of Object.entries(stack.files)) writeFileSync(join(outdir, path), content);
    }
  }
  for (const name of ['a', 'c', 'd']) {
    mkdirSync(join(outdir, 'stacks', name, '.terraform', 'providers'), { recursive: true });
    writeFileSync(join(outdir, 'stacks', name, '.terraform.lock.hcl'), '# lock');
  }
  mkdirSync(join(outdir, 'stacks', 'd', 'terraform.tfstate.d', 'default'), { recursive: true });
  writeFileSync(join(outdir, 'stacks', 'd', D_STATE), STATE);
  writeFileSync(join(outdir, 'stacks', 'd', 'tfplan'), 'PK\u0003\u0004 a saved plan');
  // What killed runs left: a temporary file of the earlier writer in a stack folder and beside the manifest, a staging generation.
  writeFileSync(join(outdir, 'stacks', 'a', '.4242.tmp'), 'half a file');
  writeFileSync(join(outdir, '.4242.tmp'), 'half a manifest');
  mkdirSync(join(outdir, '.synth', 'staging-killed', 'cdk.tf.json'), { recursive: true });
  mkdirSync(join(outdir, 'retired', 'r'), { recursive: true });
  writeFileSync(join(outdir, 'retired', 'r', 'terraform.tfstate'), R_STATE);
  writeFileSync(join(outdir, 'retired', 'r', 'cdk.tf.json'), JSON.stringify({ locals: { stack: 'r', tag: 'older' } }));
  return outdir;
}

let plainManifest: string | undefined;

/** What a reader sees of the old and of the new output. */
export const oldView = readerView(prepare('linked'));
/** See {@link oldView}. */
export const newView = ((): ReaderView => {
  const outdir = join(mkdtempSync(join(SCRATCH, 'pls-faults-new-')), 'cdktf.out');
  writeOutput(outdir, VERSION, fakeStackFiles(NEW), { durable: false });
  return readerView(outdir);
})();

/** 'old' or 'new' when the output reads as exactly one of them; fails the test otherwise. */
export function wholeOutput(outdir: string): 'old' | 'new' {
  const view = readerView(outdir);
  if (JSON.stringify(view) === JSON.stringify(oldView)) return 'old';
  expect(view).toEqual(newView);
  return 'new';
}

/** The folders that hold the state of `name` (d or r): its stack folder, or one under retired/. */
function stateOf(outdir: string, name: 'd' | 'r'): string[] {
  const [file, content] = name === 'd' ? [D_STATE, STATE] : ['terraform.tfstate', R_STATE];
  const places = [join('stacks', name), ...(existsSync(join(outdir, 'retired')) ? readdirSync(join(outdir, 'retired')).map((r) => join('retired', r)) : [])];
  return places.filter((p) => existsSync(join(outdir, p, file)) && readFileSync(join(outdir, p, file), 'utf8') === content);
}

/** Where the states of d and r are (they must never be lost nor doubled): exactly one folder each. */
export function stateOfD(outdir: string): string[] {
  return [...stateOf(outdir, 'd'), ...stateOf(outdir, 'r')];
}

/** A normal run after a fault: the new output, nothing temporary left, c deleted, d retired with its state, plan and last synthesized file. */
export function expectFinishedByNextRun(outdir: string): void {
  writeOutput(outdir, VERSION, fakeStackFiles(NEW), { durable: false });
  expect(wholeOutput(outdir)).toBe('new');
  expect(temporaryLeftovers(outdir)).toEqual([]);
  expect(existsSync(join(outdir, 'stacks', 'c'))).toBe(false);
  expect(existsSync(join(outdir, 'stacks', 'd'))).toBe(false);
  expect(stateOfD(outdir)).toEqual([join('retired', 'd'), join('stacks', 'r')]);
  expect(readdirSync(join(outdir, 'retired'))).toEqual(['d']);
  expect(readFileSync(join(outdir, 'retired', 'd', 'tfplan'), 'utf8')).toContain('a saved plan');
  expect(JSON.parse(readFileSync(join(outdir, 'retired', 'd', 'cdk.tf.json'), 'utf8'))).toEqual({ locals: { stack: 'd', tag: 'old' } });
  expect(readFileSync(join(outdir, 'stacks', 'a', '.terraform.lock.hcl'), 'utf8')).toBe('# lock');
  expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual(['a', 'b', 'e', 'h', 'r', 'u']);
  expect(readdirSync(join(outdir, 'stacks', 'r')).sort()).toEqual(['cdk.tf.json', 'terraform.tfstate']);
}

/** The number of changing file-system calls a whole run makes over a prepared output. */
export function callsOfWholeRun(layout: Layout, durable: boolean): number {
  const { fs, count } = faultyFs(nodeFs, Number.MAX_SAFE_INTEGER, { kind: 'kill' });
  writeOutput(prepare(layout), VERSION, fakeStackFiles(NEW), { fs, durable });
  return count();
}
