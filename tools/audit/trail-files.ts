import { closeSync, createReadStream, Dirent, readdirSync, readSync, statSync } from 'fs';
import { join } from 'path';
import { pipeline } from 'stream/promises';
import { createGunzip } from 'zlib';
import { AuditInputError, checkRecord, CloudTrailRecord, isGzip, MAX_DECOMPRESSED_BYTES, RecordProblem } from '../../modules/cloudtrail/cloudtrail-audit';
import { CloudTrailStreamReader, TrailSyntaxError } from '../../modules/cloudtrail/cloudtrail-stream';
import { FileInputError, formatBytes, openRegularFile } from '../../stacks/regular-file';

/** What one file gave. */
export interface TrailFileResult {
  /** Elements of its records read (good, malformed and duplicate). */
  readonly records: number;
  /** A CloudTrail digest file: it holds no records. */
  readonly digest: boolean;
  /** Records left out as malformed. */
  readonly malformed: number;
}

/** Options of {@link readTrailFile}. */
export interface ReadTrailOptions {
  /** Largest file read, as stored and (gzip) decompressed. @default MAX_DECOMPRESSED_BYTES (1 GiB) */
  readonly maxBytes?: number;
  /** Size of the chunks read from the file. @default 1 MiB */
  readonly chunkBytes?: number;
}

/**
 * Streams one CloudTrail file (plain or gzip, told by its magic bytes) through a
 * {@link CloudTrailStreamReader}: each well-formed record goes to `onRecord` as it is read, each
 * malformed one to `onProblem`, in memory bounded by the chunk and the largest record. Only a regular
 * file is opened ({@link openRegularFile}: a FIFO, device or directory is refused without blocking).
 * Throws an {@link AuditInputError} naming the file when it cannot be opened, is larger than `maxBytes`,
 * decompresses to more than `maxBytes` (it stops there: a gzip bomb allocates no more), is corrupt gzip
 * or is not CloudTrail JSON; the records read before that have been given already.
 */
export async function readTrailFile(
  file: string,
  onRecord: (record: CloudTrailRecord) => void,
  onProblem: (problem: RecordProblem) => void,
  options: ReadTrailOptions = {},
): Promise<TrailFileResult> {
  const maxBytes = options.maxBytes ?? MAX_DECOMPRESSED_BYTES;
  const chunkBytes = options.chunkBytes ?? 1024 * 1024;
  let fd: number;
  try {
    fd = openRegularFile(file, maxBytes, 'a CloudTrail log file (.json or .json.gz)').fd;
  } catch (e) {
    if (e instanceof FileInputError) throw new AuditInputError(file, e.problem);
    throw e;
  }
  let gzip: boolean;
  try {
    const magic = Buffer.alloc(2);
    const n = readSync(fd, magic, 0, 2, 0);
    gzip = isGzip(magic.subarray(0, n));
  } catch (e) {
    closeSync(fd);
    throw new AuditInputError(file, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let malformed = 0;
  const reader = new CloudTrailStreamReader((element) => {
    const checked = 'problem' in element ? { problems: [element.problem] } : checkRecord(element.value);
    if ('record' in checked) onRecord(checked.record);
    else {
      malformed += 1;
      for (const message of checked.problems) onProblem({ index: element.index, message });
    }
  });
  // The read stream owns the descriptor from here (it closes it, also on error).
  const input = createReadStream('', { fd, start: 0, highWaterMark: chunkBytes });
  let decompressed = 0;
  // What stopped the reading: kept, because the pipeline may report the streams' teardown (an AbortError) instead.
  let failure: Error | undefined;
  const consume = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      decompressed += chunk.length;
      if (decompressed > maxBytes) {
        // The records within the cap are read; nothing past it.
        try {
          reader.write(chunk.subarray(0, chunk.length - (decompressed - maxBytes)));
        } catch {
          // The cap is the problem reported, whatever the cut says.
        }
        const found = gzip ? `decompresses to more than ${formatBytes(maxBytes)}` : `found more than ${formatBytes(maxBytes)} (it grew while read)`;
        failure = new AuditInputError(file, `${found}; expected a CloudTrail log file of at most ${formatBytes(maxBytes)} (--max-file-size)`);
        throw failure;
      }
      try {
        reader.write(chunk);
      } catch (e) {
        failure = e as Error;
        throw e;
      }
    }
  };
  try {
    if (gzip) await pipeline(input, createGunzip({ chunkSize: 64 * 1024 }), consume);
    else await pipeline(input, consume);
    const end = reader.end();
    return { records: end.elements, digest: end.digest, malformed };
  } catch (thrown) {
    const e = failure ?? thrown;
    if (e instanceof AuditInputError) throw e;
    if (e instanceof TrailSyntaxError) throw new AuditInputError(file, e.problem);
    const code = (e as NodeJS.ErrnoException).code;
    if (gzip && typeof code === 'string' && code.startsWith('Z_'))
      throw new AuditInputError(file, `cannot gunzip (truncated or corrupt gzip file): ${(e as Error).message}`);
    throw new AuditInputError(file, `cannot read (${code ?? (e as Error).message})`);
  } finally {
    input.destroy();
  }
}

/** What the inputs named: the files to read, and a problem line per input that names none. */
export interface ExpandedInputs {
  /** Files to read, in order. */
  readonly files: string[];
  /** `<input>: <problem>` lines for inputs that name no file to read. */
  readonly problems: string[];
}

/**
 * Files to read: each file as given (whatever it is: the reader refuses what is not a regular file);
 * each directory's `*.json` and `*.json.gz`, recursively, sorted. Symbolic links to directories are
 * not followed (no loops); a directory that cannot be listed is a problem, the others are still read.
 */
export function expandInputs(inputs: readonly string[]): ExpandedInputs {
  const files: string[] = [];
  const problems: string[] = [];
  const walk = (dir: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      problems.push(`${dir}: cannot list the directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.json(\.gz)?$/.test(entry.name)) files.push(path);
    }
  };
  for (const input of inputs) {
    let directory: boolean;
    try {
      directory = statSync(input).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push(`${input}: ${code === 'ENOENT' ? 'no such file or directory' : `cannot read (${code ?? (e as Error).message})`}`);
      continue;
    }
    if (!directory) {
      files.push(input);
      continue;
    }
    const before = files.length;
    walk(input);
    if (files.length === before) problems.push(`${input}: directory holds no *.json or *.json.gz file`);
  }
  return { files, problems };
}
