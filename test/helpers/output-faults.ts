import { createHash } from 'crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'fs';
import { join, relative } from 'path';
import type { StackManifest } from 'cdktf';
import { CHANGING_CALLS, OutputFs } from '../../stacks/engine/output-fs';
import { StackFiles } from '../../stacks/engine/stack-files';
import { SYNTHESIZED_FILES } from '../../stacks/engine/stack-folders';

/** A fabricated stack for the writer (the writer does not look at the content): name, mode and a content tag. */
export interface FakeStack {
  readonly name: string;
  readonly hcl?: boolean;
  readonly tag: string;
}

/** The {@link StackFiles} of fabricated stacks, as `synthesizeStackFiles` returns them. */
export function fakeStackFiles(stacks: readonly FakeStack[]): StackFiles[] {
  return stacks.map(({ name, hcl, tag }) => {
    const dir = `stacks/${name}`;
    const manifest = {
      name,
      constructPath: name,
      workingDirectory: dir,
      synthesizedStackPath: `${dir}/${hcl ? 'cdk.tf' : 'cdk.tf.json'}`,
      stackMetadataPath: `${dir}/metadata.json`,
      annotations: [],
      dependencies: [],
    } as unknown as StackManifest;
    const files: Record<string, string> = hcl
      ? { [`${dir}/cdk.tf`]: `# ${name} ${tag}\nlocals {\n  tag = "${tag}"\n}\n`, [`${dir}/metadata.json`]: JSON.stringify({ stack: name, tag }) }
      : { [`${dir}/cdk.tf.json`]: JSON.stringify({ locals: { stack: name, tag } }) };
    return { name, manifest, files };
  });
}

/** What a reader of the output sees: manifest.json, and per listed stack the synthesized files Terraform would read (placeholders dropped). */
export interface ReaderView {
  readonly manifest: string | undefined;
  readonly stacks: Record<string, Record<string, string>>;
}

/** Reads an output directory as a pipeline or Terraform would: manifest.json, then every synthesized file in the folder of each stack it lists. */
export function readerView(outdir: string): ReaderView {
  const manifestFile = join(outdir, 'manifest.json');
  const manifest = existsSync(manifestFile) ? readFileSync(manifestFile, 'utf8') : undefined;
  const stacks: Record<string, Record<string, string>> = {};
  if (manifest === undefined) return { manifest, stacks };
  const listed = (JSON.parse(manifest) as { stacks: Record<string, StackManifest> }).stacks;
  for (const [name, entry] of Object.entries(listed)) {
    const files: Record<string, string> = {};
    for (const file of SYNTHESIZED_FILES) {
      const path = join(outdir, entry.workingDirectory, file);
      try {
        lstatSync(path);
      } catch {
        continue;
      }
      // A dangling link would make Terraform fail: readFileSync throws and the test fails with it.
      const content = readFileSync(path, 'utf8');
      const own =
        `${entry.workingDirectory}/${file}` === entry.synthesizedStackPath || (file === 'metadata.json' && entry.synthesizedStackPath.endsWith('/cdk.tf'));
      if (!own && (content === '' || content === '{}')) continue;
      files[file] = content;
    }
    stacks[name] = files;
  }
  return { manifest, stacks };
}

/** Every entry under `dir`: relative path → `dir`, `link -> target` or the sha256 of a file; for "nothing was written" comparisons. */
export function treeSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const stat = lstatSync(path);
      const key = relative(dir, path);
      if (stat.isSymbolicLink()) out[key] = `link -> ${readlinkSync(path)}`;
      else if (stat.isDirectory()) {
        out[key] = 'dir';
        walk(path);
      } else out[key] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** What a writer may leave behind only while it runs: temporaries, staging generations, set-aside files, more than one generation, the lock. */
export function temporaryLeftovers(outdir: string): string[] {
  const tree = Object.keys(treeSnapshot(outdir));
  const leftovers = tree.filter((p) => /(^|\/)\.?[^/]*\.tmp$|staging-|\.displaced-|^\.synth\/lock/.test(p));
  const generationsDir = join(outdir, '.synth', 'generations');
  const generations = existsSync(generationsDir) ? readdirSync(generationsDir) : [];
  if (generations.length !== 1) leftovers.push(`${generations.length} generations`);
  return leftovers;
}

/** How an injected fault acts at the k-th changing call. */
export type Fault =
  /** The process dies: the call and every later one do nothing and throw (what SIGKILL leaves, in-process). */
  | { readonly kind: 'kill' }
  /** The process kills itself with SIGKILL before the call (in a child process). */
  | { readonly kind: 'sigkill' }
  /** The call fails with `code`; later calls work. */
  | { readonly kind: 'once'; readonly code: string }
  /** The call and every later one that writes fails with `code` (a full disk: unlink, rmdir and rename still work). */
  | { readonly kind: 'full'; readonly code: string }
  /** The call and every later changing one fails with `code` (a file system that turned read-only). */
  | { readonly kind: 'sticky'; readonly code: string };

/** The error a process that is already dead gets for every call. */
export class Killed extends Error {}

const WRITING = new Set<string>(['openSync', 'writeSync', 'mkdirSync', 'symlinkSync', 'linkSync', 'fsyncSync']);

/** `base` (node's fs) with a fault at its `at`-th changing call (0-based); `count()` is how many changing calls were made, `dead()` whether a kill happened. */
export function faultyFs(base: OutputFs, at: number, fault: Fault): { fs: OutputFs; count: () => number; dead: () => boolean } {
  let calls = 0;
  let dead = false;
  const changing = new Set<string>(CHANGING_CALLS);
  const fs = new Proxy(base, {
    get(target, property: string) {
      const original = (target as unknown as Record<string, (...args: unknown[]) => unknown>)[property];
      if (typeof original !== 'function') return original;
      return (...args: unknown[]) => {
        if (dead) throw new Killed(`killed before ${property}`);
        if (changing.has(property)) {
          // Opening for reading does not change the disk.
          const opensForReading = property === 'openSync' && args[1] === 'r';
          const index = calls;
          if (!opensForReading) calls += 1;
          const hit = !opensForReading && index >= at;
          if (hit && fault.kind === 'sigkill') process.kill(process.pid, 'SIGKILL');
          if (hit && fault.kind === 'kill') {
            dead = true;
            throw new Killed(`killed at call ${index} (${property})`);
          }
          const fails = hit && ((fault.kind === 'once' && index === at) || fault.kind === 'sticky' || (fault.kind === 'full' && WRITING.has(property)));
          if (fails) throw Object.assign(new Error(`${fault.code}: injected at call ${index} (${property} ${String(args[0])})`), { code: fault.code });
        }
        return original.apply(target, args);
      };
    },
  });
  return { fs, count: () => calls, dead: () => dead };
}
