import { execFile, spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { defaultConfigJson } from '../../helpers/configs';
import { loadConfig, MAX_CONFIG_BYTES } from '../../../stacks/config';
import { FileInputError, formatBytes, readRegularFile } from '../../../stacks/regular-file';

/**
 * Config files that are not files: a FIFO nobody writes to (reading it would block forever), an
 * endless device, a directory, a file over the size limit. Each is refused at once with the file
 * named; a hang shows as a test timeout, an unbounded read as an out-of-memory crash.
 */

const root = join(__dirname, '..', '..', '..');
const entry = join(root, 'dist', 'app', 'launch.js');
const run = promisify(execFile);

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'pls-hostile-files-'));
}

function fifoIn(dir: string): string {
  const fifo = join(dir, 'config.fifo');
  const made = spawnSync('mkfifo', [fifo], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`mkfifo ${fifo} failed: ${made.stderr}`);
  return fifo;
}

/** A regular file one byte over `bytes` long, sparse (nothing is written to the disk). */
function fileOver(dir: string, bytes: number): string {
  const file = join(dir, 'large.json');
  writeFileSync(file, '');
  truncateSync(file, bytes + 1);
  return file;
}

describe('readRegularFile', () => {
  it('GIVEN a regular file within the limit THEN its text', () => {
    const file = join(scratch(), 'a.json');
    writeFileSync(file, '{"a": "ü"}');
    expect(readRegularFile(file, 100)).toBe('{"a": "ü"}');
    expect(readRegularFile(file, 11)).toBe('{"a": "ü"}');
  });

  it('GIVEN a file whose size fstat does not know (/proc) THEN it reads all of it, and refuses it past the limit', () => {
    expect(readRegularFile('/proc/version', 1 << 20)).toBe(readFileSync('/proc/version', 'utf8'));
    expect(() => readRegularFile('/proc/version', 8, 'a test file')).toThrow(
      new FileInputError('/proc/version', 'found more than 8 bytes (read past the size it had when opened); expected a test file of at most 8 bytes'),
    );
  });

  it.each([
    ['a FIFO (named pipe)', (dir: string) => fifoIn(dir)],
    ['a character device', () => '/dev/zero'],
    ['a directory', (dir: string) => dir],
  ])('GIVEN %s THEN it is refused at once, named', (kind, make) => {
    const file = make(scratch());
    expect(() => readRegularFile(file, 1 << 20, 'a config')).toThrow(`${file}: found ${kind}; expected a config (a regular file)`);
  });

  it('GIVEN a file over the limit THEN it is refused by its size, unread', () => {
    const file = fileOver(scratch(), 1024);
    expect(() => readRegularFile(file, 1024, 'a config')).toThrow(`${file}: found 1.0 KiB; expected a config of at most 1.0 KiB`);
  });

  it('formats sizes for messages', () => {
    expect([0, 1023, 1024, 16 * 1024 * 1024, 5.5 * 1024 ** 3].map(formatBytes)).toEqual(['0 bytes', '1023 bytes', '1.0 KiB', '16.0 MiB', '5.5 GiB']);
  });
});

describe('STACKS_CONFIG that is not a config file', () => {
  it('GIVEN loadConfig on a file over MAX_CONFIG_BYTES THEN the problem names the size and the limit', () => {
    const file = fileOver(scratch(), MAX_CONFIG_BYTES);
    expect(() => loadConfig(file)).toThrow(
      `(file): found 16.0 MiB; expected a JSON config file (STACKS_CONFIG, default stacks/config/default.json) of at most 16.0 MiB`,
    );
  });

  it('GIVEN a FIFO, /dev/zero, a directory or a 16 MiB file as STACKS_CONFIG THEN the app entry exits 1 naming it and writes nothing', async () => {
    const dir = scratch();
    const configs = {
      fifo: fifoIn(dir),
      device: '/dev/zero',
      directory: join(dir, 'config.json'),
      large: fileOver(dir, MAX_CONFIG_BYTES),
    };
    mkdirSync(configs.directory);
    writeFileSync(join(dir, 'good.json'), JSON.stringify(defaultConfigJson()));
    const results = await Promise.all(
      Object.entries(configs).map(async ([name, file]) => {
        const outdir = join(dir, `out-${name}`);
        const result = await run(process.execPath, [entry], { env: { ...process.env, STACKS_CONFIG: file, CDKTF_OUTDIR: outdir } }).then(
          () => ({ code: 0, stderr: '' }),
          (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
        );
        return { name, file, outdir, ...result };
      }),
    );
    for (const r of results) {
      expect({ name: r.name, code: r.code }).toEqual({ name: r.name, code: 1 });
      expect(r.stderr).toContain(`Invalid config ${r.file} (1 problem):\n  - (file): found `);
      expect(r.stderr).toMatch(/Nothing was written\.\n$/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(r.outdir)).toBe(false);
    }
  });
});
