import * as fs from 'fs';

/**
 * The file-system calls the output writer, its lock and its stack-folder handling make: node's `fs`
 * by default; tests wrap it to inject faults (an error or a kill at the k-th call).
 */
export type OutputFs = Pick<
  typeof fs,
  | 'closeSync'
  | 'existsSync'
  | 'fsyncSync'
  | 'linkSync'
  | 'lstatSync'
  | 'mkdirSync'
  | 'openSync'
  | 'readdirSync'
  | 'readFileSync'
  | 'readlinkSync'
  | 'realpathSync'
  | 'renameSync'
  | 'rmdirSync'
  | 'rmSync'
  | 'symlinkSync'
  | 'unlinkSync'
  | 'writeSync'
>;

/** The calls of {@link OutputFs} that change the disk (the ones fault-injection tests count). */
export const CHANGING_CALLS: readonly (keyof OutputFs)[] = [
  'closeSync',
  'fsyncSync',
  'linkSync',
  'mkdirSync',
  'openSync',
  'renameSync',
  'rmdirSync',
  'rmSync',
  'symlinkSync',
  'unlinkSync',
  'writeSync',
];

/** Node's `fs`, the default {@link OutputFs}. */
export const nodeFs: OutputFs = fs;

/** The error code of a file-system error (`ENOENT`, …), or undefined. */
export function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/** `lstat` of `path`, or undefined when nothing is there. */
export function lstatOrUndefined(io: OutputFs, path: string): fs.Stats | undefined {
  try {
    return io.lstatSync(path);
  } catch (e) {
    if (errorCode(e) === 'ENOENT' || errorCode(e) === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** The text of `path` (following links), or undefined when it is missing or a dangling link. */
export function readOrUndefined(io: OutputFs, path: string): string | undefined {
  try {
    return io.readFileSync(path, 'utf8');
  } catch (e) {
    if (errorCode(e) === 'ENOENT' || errorCode(e) === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** Writes `content` to a new file `path` (which must not exist) and, when `durable`, flushes it to disk. */
export function writeNewFile(io: OutputFs, path: string, content: string, durable: boolean): void {
  const fd = io.openSync(path, 'wx');
  try {
    try {
      const buffer = Buffer.from(content);
      let offset = 0;
      while (offset < buffer.length) offset += io.writeSync(fd, buffer, offset, buffer.length - offset);
      if (durable) io.fsyncSync(fd);
    } finally {
      io.closeSync(fd);
    }
  } catch (e) {
    // No half-written file stays behind (when even this fails, the caller's rollback tries again).
    try {
      io.unlinkSync(path);
    } catch {
      // reported by the caller's rollback
    }
    throw e;
  }
}

/** Flushes a directory's entries (new, renamed or removed names) to disk; a no-op where directories cannot be opened (Windows). */
export function syncDirectory(io: OutputFs, dir: string): void {
  let fd: number;
  try {
    fd = io.openSync(dir, 'r');
  } catch (e) {
    if (errorCode(e) === 'EISDIR' || errorCode(e) === 'EPERM') return;
    throw e;
  }
  try {
    io.fsyncSync(fd);
  } finally {
    io.closeSync(fd);
  }
}
