import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { gzipSync } from 'zlib';
import { CloudTrailRecord, RecordProblem } from '../../../modules/cloudtrail/cloudtrail-audit';
import { expandInputs, readTrailFile } from '../../../tools/audit/trail-files';
import { makeRecord } from '../../helpers/cloudtrail-records';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'pls-trail-files-'));
}

async function read(file: string, maxBytes?: number) {
  const records: CloudTrailRecord[] = [];
  const problems: RecordProblem[] = [];
  const result = await readTrailFile(
    file,
    (r) => records.push(r),
    (p) => problems.push(p),
    { maxBytes, chunkBytes: 64 },
  );
  return { records, problems, result };
}

describe('readTrailFile', () => {
  it('GIVEN a gzip file read in 64-byte chunks WHEN read THEN every record comes out, in order', async () => {
    const file = join(tempDir(), 'a.json');
    const records = Array.from({ length: 50 }, () => makeRecord({ service: 'kms', eventName: 'Decrypt' }));
    writeFileSync(file, gzipSync(JSON.stringify({ Records: records })));
    const { records: read_, result } = await read(file);
    expect(read_.map((r) => r.eventID)).toEqual(records.map((r) => r.eventID));
    expect(result).toEqual({ records: 50, digest: false, malformed: 0 });
  });

  it('GIVEN a gzip file over the cap once decompressed WHEN read THEN it is refused naming the file and the cap, after the records before it', async () => {
    const file = join(tempDir(), 'bomb.json.gz');
    writeFileSync(file, gzipSync(`{"Records": [${JSON.stringify(makeRecord({ service: 'kms', eventName: 'Decrypt' }))},${' '.repeat(100000)}]}`));
    const records: CloudTrailRecord[] = [];
    await expect(
      readTrailFile(
        file,
        (r) => records.push(r),
        () => undefined,
        { maxBytes: 10000, chunkBytes: 64 },
      ),
    ).rejects.toThrow(`${file}: decompresses to more than 9.8 KiB; expected a CloudTrail log file of at most 9.8 KiB (--max-file-size)`);
    expect(records.map((r) => r.eventName)).toEqual(['Decrypt']);
  });

  it('GIVEN a file that is not there WHEN read THEN the error names it and the reason', async () => {
    const file = join(tempDir(), 'none.json');
    await expect(read(file)).rejects.toThrow(`${file}: found no readable file at ${file} (ENOENT)`);
  });
});

describe('expandInputs', () => {
  it('GIVEN a directory with a symbolic link to itself, nested logs and other files WHEN expanded THEN the logs are listed sorted and the link is not followed', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'b', '2.json.gz'), '');
    writeFileSync(join(dir, '1.json'), '');
    writeFileSync(join(dir, 'notes.txt'), '');
    symlinkSync(dir, join(dir, 'loop'));
    expect(expandInputs([dir, join(dir, 'missing.json')])).toEqual({
      files: [join(dir, '1.json'), join(dir, 'b', '2.json.gz')],
      problems: [`${join(dir, 'missing.json')}: no such file or directory`],
    });
  });
});
