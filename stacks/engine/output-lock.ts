import { readFileSync } from 'fs';
import { hostname } from 'os';
import { join } from 'path';
import { errorCode, OutputFs, readOrUndefined, writeNewFile } from './output-fs';

/** Who holds the lock of an output directory. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** ISO time the holder took the lock. */
  readonly started: string;
  /** What the holder does (`synth`, `prune`). */
  readonly command: string;
  /** The holder's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), where there is /proc: tells a reused pid from the holder. */
  readonly processStart?: string;
}

/** Field 22 of /proc/<pid>/stat (the process's start time in clock ticks since boot), or undefined without /proc. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces; the fields after it start at field 3.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether the process that took a lock still runs: its pid is alive and, where both are known, started when the holder did. */
function holderAlive(holder: LockHolder): boolean {
  if (!processAlive(holder.pid)) return false;
  const now = processStart(holder.pid);
  return holder.processStart === undefined || now === undefined || now === holder.processStart;
}

/** The lock of an output directory is held by a live process: the writer refuses rather than mix two outputs. */
export class OutputLockedError extends Error {
  constructor(
    public readonly lockFile: string,
    public readonly holder: LockHolder | undefined,
  ) {
    super(
      holder
        ? `Another ${holder.command} is writing this output directory: pid ${holder.pid} on host ${holder.hostname}, since ${holder.started} (lock ${lockFile}). ` +
            `Wait for it to finish and run again. If that process is gone (another host cannot be checked from here), remove ${lockFile} and run again.`
        : `The lock ${lockFile} of this output directory exists but cannot be read. If no other synth or prune runs, remove it and run again.`,
    );
    this.name = 'OutputLockedError';
  }
}

/** A held lock; {@link OutputLock.release} removes it (only if it is still this one). */
export interface OutputLock {
  readonly file: string;
  /** Whether a dead holder's lock was taken over (its leftovers are then cleaned by the caller). */
  readonly tookOver: LockHolder | undefined;
  release(): void;
}

/** The folder of the writer's own files in an output directory (lock, generations). */
export const SYNTH_FOLDER = '.synth';

function parseHolder(text: string | undefined): LockHolder | undefined {
  if (text === undefined) return undefined;
  try {
    const holder = JSON.parse(text) as LockHolder;
    return typeof holder.pid === 'number' && typeof holder.hostname === 'string' ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** Whether process `pid` runs on this host (EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errorCode(e) === 'EPERM';
  }
}

/** Creates `file` holding `text` atomically and exclusively: written under a unique name, then hard-linked (fails with EEXIST when taken). */
function createExclusive(io: OutputFs, file: string, text: string): boolean {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeNewFile(io, temporary, text, false);
  try {
    io.linkSync(temporary, file);
    return true;
  } catch (e) {
    if (errorCode(e) === 'EEXIST') return false;
    throw e;
  } finally {
    io.unlinkSync(temporary);
  }
}

/**
 * Takes the lock `<outdir>/.synth/lock` (created exclusively, holding pid, host, start time and
 * command). A live holder makes it throw {@link OutputLockedError} naming who and since when; the
 * lock of a dead process of this host (a killed synth; a reused pid is told apart by its start
 * time where there is /proc) is taken over, under a second exclusive
 * file so that two takers cannot both win.
 */
export function acquireOutputLock(io: OutputFs, outdir: string, command: string): OutputLock {
  const folder = join(outdir, SYNTH_FOLDER);
  io.mkdirSync(folder, { recursive: true });
  const file = join(folder, 'lock');
  const mine: LockHolder = { pid: process.pid, hostname: hostname(), started: new Date().toISOString(), command, processStart: processStart(process.pid) };
  const text = JSON.stringify(mine);
  const lock = (tookOver: LockHolder | undefined): OutputLock => ({
    file,
    tookOver,
    release: () => {
      if (readOrUndefined(io, file) === text) io.unlinkSync(file);
    },
  });
  if (createExclusive(io, file, text)) return lock(undefined);
  const seen = readOrUndefined(io, file);
  const holder = parseHolder(seen);
  if (seen === undefined) {
    // Released between our two calls.
    if (createExclusive(io, file, text)) return lock(undefined);
    throw new OutputLockedError(file, parseHolder(readOrUndefined(io, file)));
  }
  // A lock of this very process is stale too: the writer takes it and gives it back in one synchronous call, from one thread.
  const stale = holder && holder.hostname === hostname() && (holder.pid === process.pid || !holderAlive(holder));
  if (!holder || !stale) throw new OutputLockedError(file, holder);
  // A dead holder on this host: take over under the takeover lock.
  const takeover = `${file}.takeover`;
  const takeoverHolder = parseHolder(readOrUndefined(io, takeover));
  if (takeoverHolder && takeoverHolder.hostname === hostname() && (takeoverHolder.pid === process.pid || !holderAlive(takeoverHolder))) {
    try {
      io.unlinkSync(takeover);
    } catch (e) {
      if (errorCode(e) !== 'ENOENT') throw e;
    }
  }
  if (!createExclusive(io, takeover, text)) throw new OutputLockedError(file, parseHolder(readOrUndefined(io, takeover)));
  try {
    if (readOrUndefined(io, file) === seen) io.unlinkSync(file);
    if (!createExclusive(io, file, text)) throw new OutputLockedError(file, parseHolder(readOrUndefined(io, file)));
  } finally {
    io.unlinkSync(takeover);
  }
  return lock(holder);
}
