import { basename, dirname, join } from 'path';
import type { StackManifest } from 'cdktf';
import { errorCode, lstatOrUndefined, nodeFs, OutputFs, readOrUndefined, syncDirectory, writeNewFile } from './output-fs';
import { acquireOutputLock, LockHolder, OutputLock, OutputLockedError, processAlive, SYNTH_FOLDER } from './output-lock';
import { StackFiles } from './stack-files';
import { runtimeJsonWriter } from './runtime-json';
import { isWriterTemporary, keptEntries, listedStacks, OUTPUT_NAMES, RETIRED_FOLDER, STACK_NAME, SYNTHESIZED_FILES } from './stack-folders';

const Manifest = { fileName: OUTPUT_NAMES.manifest, stacksFolder: OUTPUT_NAMES.stacks, stackMetadataPath: OUTPUT_NAMES.metadata } as const;

/*
 * The output layout. Each synth writes a complete generation, `.synth/generations/<id>/`
 * (manifest.json, and `<file>/<stack>` for each synthesized file of each stack: one folder per file
 * name rather than per stack, so a synth of 600 stacks creates and removes 3 folders, not 600),
 * and then switches the symlink `.synth/current` to it
 * with one rename. `manifest.json` and every synthesized file under `stacks/<name>/` are relative
 * links through `.synth/current`, the same link every synth, so a reader (Terraform, a pipeline,
 * the cdktf CLI) sees the whole old output until the switch and the whole new one after it, and
 * Terraform's own files in the stack folders (`.terraform/`, the lock file, state, plans) stay.
 */

/** The link that names the current generation. */
const CURRENT = join(SYNTH_FOLDER, 'current');
/** The folder of the generations. */
const GENERATIONS = join(SYNTH_FOLDER, 'generations');
/** What a generation holds for a link of the other mode (JSON ⇄ HCL) until the link is removed: content Terraform reads as nothing. */
const PLACEHOLDERS: Readonly<Record<string, string>> = { 'cdk.tf': '', 'cdk.tf.json': '{}', [Manifest.stackMetadataPath]: '{}' };

/** Options of {@link writeOutput}. */
export interface WriteOptions {
  /** The file-system calls (tests wrap them to inject faults). @default node's fs */
  readonly fs?: OutputFs;
  /**
   * Flush the new files and the folders of the new generation to disk before the switch, so that a
   * power loss (not only a killed process) also leaves the old or the new output. Unchanged files
   * are hard-linked and need no flush: about 0.05 s more for 200 unchanged stacks, 0.2 s for 200
   * changed ones on this disk. @default true
   */
  readonly durable?: boolean;
  /**
   * Leave an empty folder where the folder of a removed stack was. The cdktf CLI lists the stack
   * folders before it runs the app and afterwards removes those of stacks no longer synthesized
   * (failing when one is gone), so under it the folder must stay. @default false
   */
  readonly leaveEmptyFolders?: boolean;
}

/** A removed stack's folder that held more than synthesized and Terraform working files, moved out of `stacks/`. */
export interface RetiredStack {
  readonly name: string;
  /** Where it is now, relative to the output directory (`retired/<name>`). */
  readonly folder: string;
  /** What it holds besides synthesized and working files (state, plans, …). */
  readonly kept: readonly string[];
}

/** What {@link writeOutput} did. */
export interface WriteSummary {
  /** The id of the new generation (`.synth/generations/<id>`). */
  readonly generation: string;
  /** Files written into the new generation. */
  readonly written: number;
  /** Files of the new generation hard-linked from the current one (same content). */
  readonly unchanged: number;
  /** Folders of removed stacks deleted (they held only synthesized and Terraform working files). */
  readonly removedStacks: readonly string[];
  /** Folders of removed stacks kept, under `retired/`. */
  readonly retiredStacks: readonly RetiredStack[];
  /** Stacks back in the config whose folder was brought back from `retired/`. */
  readonly restoredStacks: readonly string[];
  /** Whether an output of plain files (an earlier writer) was converted to links first (same content). */
  readonly converted: boolean;
  /** The holder of a lock this run took over: a synth that is gone and whose leftovers this run removed. */
  readonly tookOverFrom?: LockHolder;
}

/**
 * Writing the output failed. Before the switch (`committed` false) the changes are rolled back:
 * `nothingWritten` says whether that left the directory as it was; `leftovers` what could not be
 * removed. After the switch (`committed` true) the new output is whole and in place and the message
 * says which cleanup step failed.
 */
export class OutputWriteError extends Error {
  constructor(
    message: string,
    public readonly committed: boolean,
    public readonly nothingWritten: boolean,
    public readonly leftovers: readonly string[],
  ) {
    super(message);
    this.name = 'OutputWriteError';
  }
}

/** Where a path of the output (`manifest.json`, `stacks/<name>/<file>`) is in a generation: `manifest.json`, `<file>/<name>`. */
export function inGeneration(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts.length === 3 && parts[0] === Manifest.stacksFolder ? `${parts[2]}/${parts[1]}` : parts.join('/');
}

/** The relative link target through `.synth/current` for a path of the output (`manifest.json` → `.synth/current/manifest.json`, `stacks/<name>/<file>` → `../../.synth/current/<file>/<name>`). */
export function linkTarget(path: string): string {
  const parts = path.split(/[\\/]/);
  return [...parts.slice(1).map(() => '..'), SYNTH_FOLDER, 'current', inGeneration(path)].join('/');
}

function newId(): string {
  return `${Date.now().toString(36)}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

function message(e: unknown): string {
  return (e as Error)?.message ?? String(e);
}

/** One writer run; see {@link writeOutput}. */
class Writer {
  private readonly undo: { what: string; run: () => void }[] = [];
  private readonly removedStacks: string[] = [];
  private readonly retiredStacks: RetiredStack[] = [];
  private readonly restoredStacks: string[] = [];
  private readonly displaced: string[] = [];
  private converted = false;
  private written = 0;
  private unchanged = 0;
  private previous: string | undefined;

  constructor(
    private readonly io: OutputFs,
    private readonly outdir: string,
    private readonly durable: boolean,
    private readonly leaveEmptyFolders: boolean,
  ) {}

  private path(...parts: string[]): string {
    return join(this.outdir, ...parts);
  }

  private sync(dir: string): void {
    if (this.durable) syncDirectory(this.io, dir);
  }

  private remove(path: string): void {
    this.io.rmSync(path, { recursive: true, force: true });
  }

  /** The id `.synth/current` names, or undefined. */
  private currentId(): string | undefined {
    try {
      return basename(this.io.readlinkSync(this.path(CURRENT)));
    } catch (e) {
      if (errorCode(e) === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Switches `.synth/current` to generation `id` with one rename. */
  private switchTo(id: string): void {
    const temporary = this.path(SYNTH_FOLDER, `current.${process.pid}.tmp`);
    this.record(`the temporary link ${SYNTH_FOLDER}/current.${process.pid}.tmp`, () => this.remove(temporary));
    this.remove(temporary);
    this.io.symlinkSync(`generations/${id}`, temporary);
    this.io.renameSync(temporary, this.path(CURRENT));
    this.sync(this.path(SYNTH_FOLDER));
  }

  /** Replaces whatever is at `path` (a file or a foreign link) by our link, in one rename. */
  private replaceWithLink(relative: string): void {
    const temporary = join(this.path(relative, '..'), `.${process.pid}.tmp`);
    this.remove(temporary);
    this.io.symlinkSync(linkTarget(relative), temporary);
    this.io.renameSync(temporary, this.path(relative));
  }

  /** Notes the generation current when this run starts. */
  start(): void {
    this.previous = this.currentId();
  }

  /**
   * Removes what killed runs left in `.synth` (staging generations, temporary links, lock
   * temporaries of dead processes) and beside manifest.json. Called after the switch only, so that a
   * run that fails before it leaves the directory exactly as it was.
   */
  private sweep(): void {
    const folder = this.path(SYNTH_FOLDER);
    for (const name of this.io.readdirSync(folder)) {
      const lockTemporary = /^lock(?:\.takeover)?\.(\d+)\.[a-z0-9]+\.tmp$/.exec(name);
      // Lock temporaries of this process are leftovers too: it took the lock, and writes from one thread only.
      const deadTemporary = lockTemporary && (Number(lockTemporary[1]) === process.pid || !processAlive(Number(lockTemporary[1])));
      if (name.startsWith('staging-') || /^current\.\d+\.tmp$/.test(name) || deadTemporary) {
        this.remove(join(folder, name));
      }
    }
    // A temporary link of a killed conversion of manifest.json, or a temporary file of the earlier writer.
    for (const name of this.io.readdirSync(this.outdir)) if (/^\.\d+\.tmp$/.test(name)) this.remove(this.path(name));
  }

  /** The link positions of the output: `manifest.json` and each synthesized file name in each stack folder. */
  private positions(): string[] {
    const stacks = this.path(Manifest.stacksFolder);
    const folders = lstatOrUndefined(this.io, stacks)?.isDirectory() ? this.io.readdirSync(stacks).sort() : [];
    const inStacks = folders
      .filter((name) => lstatOrUndefined(this.io, join(stacks, name))?.isDirectory())
      .flatMap((name) => SYNTHESIZED_FILES.map((file) => join(Manifest.stacksFolder, name, file)));
    return [...inStacks, Manifest.fileName];
  }

  /**
   * Converts an output of plain files (an earlier writer, or files someone put there) to links
   * without changing what a reader sees: the current content of every position is captured as a
   * generation, `.synth/current` switched to it, then each plain file replaced by its link.
   */
  convert(): void {
    const plain = this.positions().filter((p) => {
      const stat = lstatOrUndefined(this.io, this.path(p));
      return stat !== undefined && (!stat.isSymbolicLink() || this.io.readlinkSync(this.path(p)) !== linkTarget(p));
    });
    if (plain.length === 0) return;
    const id = newId();
    const staging = this.path(SYNTH_FOLDER, `staging-${id}`);
    this.record(`the staging generation ${SYNTH_FOLDER}/staging-${id}`, () => this.remove(staging));
    for (const position of this.positions()) {
      const content = readOrUndefined(this.io, this.path(position));
      if (content === undefined) continue;
      this.io.mkdirSync(dirname(join(staging, inGeneration(position))), { recursive: true });
      writeNewFile(this.io, join(staging, inGeneration(position)), content, this.durable);
    }
    this.io.mkdirSync(staging, { recursive: true });
    this.io.mkdirSync(this.path(GENERATIONS), { recursive: true });
    this.io.renameSync(staging, this.path(GENERATIONS, id));
    this.record(`the generation ${GENERATIONS}/${id}`, () => this.remove(this.path(GENERATIONS, id)));
    this.sync(this.path(GENERATIONS));
    this.switchTo(id);
    this.converted = true;
    // The conversion is committed: the output reads as before, now through links.
    this.undo.length = 0;
    for (const position of plain) this.replaceWithLink(position);
    this.previous = id;
  }

  private record(what: string, run: () => void): void {
    this.undo.push({ what, run });
  }

  /** Brings back the retired folder of a stack that is in the config again, when its stack folder is missing or empty. */
  private restore(name: string): void {
    const retired = this.path(RETIRED_FOLDER, name);
    const folder = this.path(Manifest.stacksFolder, name);
    if (!lstatOrUndefined(this.io, retired)?.isDirectory()) return;
    const existing = lstatOrUndefined(this.io, folder);
    if (existing && !(existing.isDirectory() && this.io.readdirSync(folder).length === 0)) return;
    if (existing) {
      this.io.rmdirSync(folder);
      this.record(`the empty folder stacks/${name}`, () => this.io.mkdirSync(folder));
    }
    if (!lstatOrUndefined(this.io, this.path(Manifest.stacksFolder))) {
      this.io.mkdirSync(this.path(Manifest.stacksFolder));
      this.record('the folder stacks', () => this.io.rmdirSync(this.path(Manifest.stacksFolder)));
    }
    this.io.renameSync(retired, folder);
    this.record(`stacks/${name} (moved back from ${RETIRED_FOLDER}/${name})`, () => this.io.renameSync(folder, retired));
    this.restoredStacks.push(name);
  }

  /** Writes the new generation under a staging name, then gives it its generation name. Returns its id. */
  private stage(version: string, stacks: readonly StackFiles[]): string {
    const id = newId();
    const staging = this.path(SYNTH_FOLDER, `staging-${id}`);
    this.record(`the staging generation ${SYNTH_FOLDER}/staging-${id}`, () => this.remove(staging));
    this.io.mkdirSync(staging);
    for (const name of SYNTHESIZED_FILES) this.io.mkdirSync(join(staging, name));
    for (const stack of stacks) {
      const own = new Set(Object.keys(stack.files).map((p) => basename(p)));
      for (const [path, content] of Object.entries(stack.files)) {
        // A file the current generation already holds with this content is hard-linked, not written again.
        const current = this.path(CURRENT, inGeneration(path));
        if (this.previous !== undefined && readOrUndefined(this.io, current) === content && lstatOrUndefined(this.io, current)?.isFile()) {
          this.io.linkSync(current, join(staging, inGeneration(path)));
          this.unchanged += 1;
        } else {
          writeNewFile(this.io, join(staging, inGeneration(path)), content, this.durable);
          this.written += 1;
        }
      }
      // A link of the other mode stays until after the switch; it must read as nothing meanwhile.
      for (const name of SYNTHESIZED_FILES) {
        const position = `${stack.manifest.workingDirectory}/${name}`;
        if (!own.has(name) && lstatOrUndefined(this.io, this.path(position))) {
          writeNewFile(this.io, join(staging, inGeneration(position)), PLACEHOLDERS[name], this.durable);
        }
      }
    }
    const entries: Record<string, StackManifest> = Object.fromEntries(stacks.map((s) => [s.name, s.manifest]));
    writeNewFile(this.io, join(staging, Manifest.fileName), runtimeJsonWriter()({ version, stacks: entries }), this.durable);
    this.written += 1;
    for (const name of SYNTHESIZED_FILES) this.sync(join(staging, name));
    this.sync(staging);
    this.io.mkdirSync(this.path(GENERATIONS), { recursive: true });
    const generation = this.path(GENERATIONS, id);
    this.io.renameSync(staging, generation);
    this.record(`the generation ${GENERATIONS}/${id}`, () => this.remove(generation));
    this.sync(this.path(GENERATIONS));
    return id;
  }

  /**
   * Makes sure `relative` (a path of the output) is our link. A stack the current manifest lists
   * must never show a dangling link (Terraform would fail to read it), so the current generation
   * first gets a placeholder where it has no such file.
   */
  private ensureLink(relative: string, listed: boolean): void {
    const position = this.path(relative);
    const stat = lstatOrUndefined(this.io, position);
    if (stat?.isSymbolicLink() && this.io.readlinkSync(position) === linkTarget(relative)) return;
    if (stat) {
      // Only in a folder no current manifest lists (restored from retired/, or left by others): set aside until the switch.
      const aside = join(this.path(relative, '..'), `.${basename(relative)}.displaced-${process.pid}`);
      this.io.renameSync(position, aside);
      this.record(`${relative} (set aside as ${basename(aside)})`, () => this.io.renameSync(aside, position));
      this.displaced.push(aside);
    }
    const inCurrent = this.path(CURRENT, inGeneration(relative));
    if (listed && this.previous !== undefined && !lstatOrUndefined(this.io, inCurrent)) {
      const parent = dirname(inCurrent);
      if (!lstatOrUndefined(this.io, parent)) {
        this.record(`the folder ${dirname(inGeneration(relative))} in the current generation`, () => this.remove(parent));
        this.io.mkdirSync(parent, { recursive: true });
      }
      this.record(`the placeholder ${relative} in the current generation`, () => this.remove(inCurrent));
      writeNewFile(this.io, inCurrent, PLACEHOLDERS[basename(relative)] ?? '', this.durable);
    }
    this.record(`the link ${relative}`, () => this.remove(position));
    this.io.symlinkSync(linkTarget(relative), position);
  }

  /** Everything before the switch: restore, stage, links. Returns the new generation's id. */
  prepare(version: string, stacks: readonly StackFiles[]): string {
    const listed = listedStacks(this.io, this.path(CURRENT, Manifest.fileName)) ?? new Set<string>();
    for (const stack of stacks) if (!listed.has(stack.name)) this.restore(stack.name);
    const id = this.stage(version, stacks);
    const stacksFolder = this.path(Manifest.stacksFolder);
    if (!lstatOrUndefined(this.io, stacksFolder)) {
      this.io.mkdirSync(stacksFolder);
      this.record('the folder stacks', () => this.io.rmdirSync(stacksFolder));
    }
    for (const stack of stacks) {
      const folder = this.path(stack.manifest.workingDirectory);
      if (!lstatOrUndefined(this.io, folder)) {
        this.io.mkdirSync(folder);
        this.record(`the folder ${stack.manifest.workingDirectory}`, () => this.io.rmdirSync(folder));
      }
      for (const path of Object.keys(stack.files)) this.ensureLink(path, listed.has(stack.name));
      this.sync(folder);
    }
    this.ensureLink(Manifest.fileName, false);
    this.sync(stacksFolder);
    this.sync(this.outdir);
    return id;
  }

  /** Undoes what {@link prepare} did, newest first; returns what could not be undone. */
  rollback(): string[] {
    const leftovers: string[] = [];
    for (const step of this.undo.reverse()) {
      try {
        step.run();
      } catch (e) {
        leftovers.push(`${step.what} (${message(e)})`);
      }
    }
    this.undo.length = 0;
    return leftovers;
  }

  /** The last synthesized content of `relative` for a retired folder: from the generation current before this run, else any other. */
  private lastContent(relative: string, except: string): string | undefined {
    const generations = this.io.readdirSync(this.path(GENERATIONS)).filter((g) => g !== except);
    const ordered = [...generations.filter((g) => g === this.previous), ...generations.filter((g) => g !== this.previous)];
    for (const generation of ordered) {
      const content = readOrUndefined(this.io, this.path(GENERATIONS, generation, inGeneration(relative)));
      if (content !== undefined) return content;
    }
    return undefined;
  }

  /** Deletes a removed stack's folder, or moves it to retired/ when it holds anything besides synthesized and working files. */
  private retire(name: string, id: string): void {
    const folder = this.path(Manifest.stacksFolder, name);
    const kept = keptEntries(this.io, folder);
    if (kept.length === 0) {
      if (this.leaveEmptyFolders) for (const entry of this.io.readdirSync(folder)) this.remove(join(folder, entry));
      else this.remove(folder);
      this.removedStacks.push(name);
      return;
    }
    for (const entry of this.io.readdirSync(folder)) if (isWriterTemporary(entry)) this.remove(join(folder, entry));
    // The retired folder gets real copies of the last synthesized files, so `terraform destroy` still works there.
    for (const file of SYNTHESIZED_FILES) {
      const position = join(folder, file);
      if (!lstatOrUndefined(this.io, position)?.isSymbolicLink()) continue;
      const content = this.lastContent(join(Manifest.stacksFolder, name, file), id);
      if (content === undefined || content === PLACEHOLDERS[file]) {
        this.io.unlinkSync(position);
        continue;
      }
      const temporary = join(folder, `.${process.pid}.tmp`);
      this.remove(temporary);
      writeNewFile(this.io, temporary, content, this.durable);
      this.io.renameSync(temporary, position);
    }
    this.io.mkdirSync(this.path(RETIRED_FOLDER), { recursive: true });
    let target = name;
    for (let n = 2; lstatOrUndefined(this.io, this.path(RETIRED_FOLDER, target)); n += 1) target = `${name}.${n}`;
    this.io.renameSync(folder, this.path(RETIRED_FOLDER, target));
    if (this.leaveEmptyFolders) this.io.mkdirSync(folder);
    this.retiredStacks.push({ name, folder: `${RETIRED_FOLDER}/${target}`, kept });
  }

  /** Everything after the switch: other-mode links, set-aside files, folders of removed stacks, old generations, what killed runs left. */
  finish(id: string, stacks: readonly StackFiles[]): void {
    const names = new Set(stacks.map((s) => s.name));
    for (const stack of stacks) {
      const own = new Set(Object.keys(stack.files).map((p) => basename(p)));
      for (const file of SYNTHESIZED_FILES) {
        const position = this.path(stack.manifest.workingDirectory, file);
        if (!own.has(file) && lstatOrUndefined(this.io, position)) this.io.unlinkSync(position);
      }
    }
    for (const aside of this.displaced) this.remove(aside);
    // Temporaries and set-aside files a killed run left in the stack folders.
    for (const stack of stacks) {
      const folder = this.path(stack.manifest.workingDirectory);
      for (const entry of this.io.readdirSync(folder)) if (isWriterTemporary(entry)) this.remove(join(folder, entry));
    }
    const stacksFolder = this.path(Manifest.stacksFolder);
    for (const name of this.io.readdirSync(stacksFolder).sort()) {
      if (names.has(name) || !STACK_NAME.test(name) || !lstatOrUndefined(this.io, join(stacksFolder, name))?.isDirectory()) continue;
      if (this.leaveEmptyFolders && this.io.readdirSync(join(stacksFolder, name)).length === 0) continue;
      this.retire(name, id);
    }
    for (const generation of this.io.readdirSync(this.path(GENERATIONS))) {
      if (generation !== id) this.remove(this.path(GENERATIONS, generation));
    }
    const retired = this.path(RETIRED_FOLDER);
    if (this.restoredStacks.length > 0 && this.io.readdirSync(retired).length === 0) this.io.rmdirSync(retired);
    this.sweep();
  }

  /** Switches to the new generation; from here on the new output is in place. */
  commit(id: string): void {
    this.switchTo(id);
  }

  summary(id: string): WriteSummary {
    return {
      generation: id,
      written: this.written,
      unchanged: this.unchanged,
      removedStacks: this.removedStacks,
      retiredStacks: this.retiredStacks,
      restoredStacks: this.restoredStacks,
      converted: this.converted,
    };
  }
}

/**
 * Brings `outdir` to the synthesized output, crash-consistently: the new output is written as a
 * whole generation next to the old one and replaces it with one atomic rename of the
 * `.synth/current` link, so whenever the writer is killed a reader sees the whole old or the whole
 * new output, and the next writer removes what a killed one left. Only one writer at a time:
 * `.synth/lock` (see `acquireOutputLock`). An error before the switch rolls back; after it, the
 * new output is in place and the error names the cleanup that failed. The folder of a stack no
 * longer synthesized is deleted when it holds only synthesized files and Terraform's working files
 * (`.terraform/`, `.terraform.lock.hcl`), else moved to `retired/<name>` (same depth, so relative
 * state paths still resolve) with copies of its last synthesized files.
 */
export function writeOutput(outdir: string, version: string, stacks: readonly StackFiles[], options: WriteOptions = {}): WriteSummary {
  const io = options.fs ?? nodeFs;
  const synthFolder = join(outdir, SYNTH_FOLDER);
  let createdOutdir: string | undefined;
  let synthFolderExisted: boolean;
  try {
    createdOutdir = io.mkdirSync(outdir, { recursive: true });
    synthFolderExisted = lstatOrUndefined(io, synthFolder) !== undefined;
  } catch (e) {
    throw new OutputWriteError(`Cannot create the output directory ${outdir}: ${message(e)}`, false, true, []);
  }
  const undoFolders = (): string[] => {
    try {
      if (createdOutdir !== undefined) io.rmSync(createdOutdir, { recursive: true, force: true });
      else if (!synthFolderExisted) io.rmSync(synthFolder, { recursive: true, force: true });
      return [];
    } catch (e) {
      return [`${createdOutdir ?? synthFolder} (${message(e)})`];
    }
  };
  let lock: OutputLock;
  try {
    lock = acquireOutputLock(io, outdir, 'synth');
  } catch (e) {
    if (e instanceof OutputLockedError) {
      if (!synthFolderExisted) undoFolders();
      throw e;
    }
    const leftovers = ownLockFiles(io, synthFolder);
    if (leftovers.length === 0 && !synthFolderExisted) leftovers.push(...undoFolders());
    throw new OutputWriteError(
      `Cannot take the lock of ${outdir}: ${message(e)}` +
        (leftovers.length > 0 ? `\nThe earlier output is still whole and in place, but these could not be removed: ${leftovers.join(', ')}` : ''),
      false,
      leftovers.length === 0,
      leftovers,
    );
  }
  const writer = new Writer(io, outdir, options.durable ?? true, options.leaveEmptyFolders ?? false);
  let id: string;
  let released = false;
  try {
    try {
      writer.start();
      writer.convert();
      id = writer.prepare(version, stacks);
      writer.commit(id);
    } catch (e) {
      const leftovers = writer.rollback();
      const converted = writer.summary('').converted;
      try {
        lock.release();
        released = true;
      } catch (r) {
        leftovers.push(`the lock ${lock.file} (${message(r)})`);
      }
      if (leftovers.length === 0 && !converted && !synthFolderExisted) leftovers.push(...undoFolders());
      const cause = `Writing ${outdir} failed: ${message(e)}`;
      if (leftovers.length > 0) {
        throw new OutputWriteError(
          `${cause}\nThe earlier output is still whole and in place, but these could not be removed (the next synth removes them):\n${leftovers.map((l) => `  - ${l}`).join('\n')}`,
          false,
          false,
          leftovers,
        );
      }
      if (converted) {
        throw new OutputWriteError(
          `${cause}\nNothing of this synth was written; the earlier output reads as before (its files were turned into links into ${SYNTH_FOLDER}/current, same content).`,
          false,
          false,
          [],
        );
      }
      throw new OutputWriteError(cause, false, true, []);
    }
    try {
      writer.finish(id, stacks);
    } catch (e) {
      const done = writer.summary(id);
      throw new OutputWriteError(
        `The new output of ${stacks.length} stacks is whole and in place in ${outdir}, but cleaning up after it failed: ${message(e)}` +
          (done.retiredStacks.length > 0 ? `\nKept so far: ${done.retiredStacks.map((r) => `${r.name} → ${r.folder}`).join(', ')}.` : '') +
          '\nRun the synth again to finish the cleanup; stack folders that hold state are never deleted.',
        true,
        false,
        [],
      );
    }
    released = true;
    try {
      lock.release();
    } catch (e) {
      throw new OutputWriteError(
        `The new output of ${stacks.length} stacks is whole and in place in ${outdir}, but removing the lock ${lock.file} failed: ${message(e)}; remove it before the next synth.`,
        true,
        false,
        [lock.file],
      );
    }
    return { ...writer.summary(id), ...(lock.tookOver ? { tookOverFrom: lock.tookOver } : {}) };
  } finally {
    if (!released) {
      try {
        lock.release();
      } catch {
        // The error being thrown says more; a lock of a dead process is taken over by the next synth.
      }
    }
  }
}

/** Removes the lock files of this process that a failed lock attempt left in `.synth` (the lock, its temporaries); returns those it could not. */
function ownLockFiles(io: OutputFs, folder: string): string[] {
  const left: string[] = [];
  let names: string[] = [];
  try {
    names = io.readdirSync(folder);
  } catch {
    return left;
  }
  const ours = (name: string): boolean => {
    if (name.startsWith('lock') && name.includes(`.${process.pid}.`) && name.endsWith('.tmp')) return true;
    if (name !== 'lock' && name !== 'lock.takeover') return false;
    try {
      return (JSON.parse(io.readFileSync(join(folder, name), 'utf8')) as { pid?: number }).pid === process.pid;
    } catch {
      return false;
    }
  };
  for (const name of names.filter(ours)) {
    try {
      io.unlinkSync(join(folder, name));
    } catch {
      left.push(join(folder, name));
    }
  }
  return left;
}
