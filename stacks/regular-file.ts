import { closeSync, constants, fstatSync, openSync, readSync, Stats } from 'fs';

/** A file that is not read: not a regular file, too large, or not readable. `problem` says which, without the file name. */
export class FileInputError extends Error {
  constructor(
    public readonly file: string,
    public readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'FileInputError';
  }
}

/** "12.5 MiB" for messages. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** What a non-regular file is, for messages. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Opens `file` for reading if it is a regular file of at most `maxBytes` bytes, and returns the
 * descriptor (the caller closes it). It never blocks: a FIFO is opened non-blocking and refused, as
 * are devices (`/dev/zero`), sockets and directories; the checks are made on the opened descriptor,
 * so a file swapped between check and read is still the one checked.
 */
export function openRegularFile(file: string, maxBytes: number, what = 'a regular file'): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileInputError(file, `found no readable file at ${file} (${code ?? (e as Error).message}); expected ${what}`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new FileInputError(file, `found ${kindOf(stats)}; expected ${what} (a regular file)`);
    if (stats.size > maxBytes) throw new FileInputError(file, `found ${formatBytes(stats.size)}; expected ${what} of at most ${formatBytes(maxBytes)}`);
    return { fd, size: stats.size };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * The text of `file` (UTF-8), read only if it is a regular file of at most `maxBytes` bytes (see
 * {@link openRegularFile}; `what` names it in messages); a file that grows while read is refused at `maxBytes` too.
 */
export function readRegularFile(file: string, maxBytes: number, what = 'a regular file'): string {
  const { fd, size } = openRegularFile(file, maxBytes, what);
  try {
    // Room for one byte more than fstat saw, to see a file that grew after it; grown up to maxBytes + 1.
    let buffer = Buffer.allocUnsafe(Math.min(maxBytes, size) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes)
          throw new FileInputError(
            file,
            `found more than ${formatBytes(maxBytes)} (read past the size it had when opened); expected ${what} of at most ${formatBytes(maxBytes)}`,
          );
        const larger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buffer.length * 2));
        buffer.copy(larger, 0, 0, length);
        buffer = larger;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
