import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { gzipSync } from 'zlib';
import { AUDIT_SOURCES, ensureBuilt, ROOT } from '../../helpers/dist';
import { makeRecord } from '../../helpers/cloudtrail-records';
import { ProcessRun, runTool } from '../../helpers/processes';

/**
 * Fault injection on the real process (`node dist/tools/audit.js`): endless files, gzip bombs, a huge
 * file, malformed records and broken files. Each run ends with the right exit status and names the
 * file (and the record where there is one), never with a stack trace.
 */

const KMS = 'vpce-0295a3caf8414c94a';
const KEY_ARN = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function audit(args: string[]): ProcessRun {
  // The timeout only keeps a hanging audit from hanging the suite; the assertions are on the status.
  const run = runTool('audit', args, { timeout: 60000, maxBuffer: 64 * 1024 * 1024 });
  // No stack trace, whatever happened.
  expect(run.stderr).not.toMatch(/\n\s+at /);
  return run;
}

/** The audit in the benchmark's memory probe (tools/bench/max-rss): the run and the process's peak RSS in MiB. */
function auditWithPeak(args: string[]): ProcessRun & { peakMiB: number } {
  const code = `require(${JSON.stringify(join(ROOT, 'dist', 'tools', 'audit.js'))}).runCli(${JSON.stringify(args)})`;
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'tools', 'bench', 'max-rss.js'), '-e', code], { encoding: 'utf8', timeout: 60000 });
  const kib = /__BENCH_MAX_RSS_KIB__(\d+)/.exec(r.stderr)?.[1];
  expect(kib).toBeDefined();
  const stderr = r.stderr.replace(/__BENCH_MAX_RSS_KIB__\d+\n/, '');
  expect(stderr).not.toMatch(/\n\s+at /);
  return { code: r.status, stdout: r.stdout, stderr, peakMiB: Number(kib) / 1024 };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'pls-hostile-'));
}

const good = () => makeRecord({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, vpcEndpointId: KMS });

beforeAll(() => ensureBuilt([...AUDIT_SOURCES, 'tools/bench/max-rss']), 180000);

describe('npm run audit on hostile inputs', () => {
  it('GIVEN /dev/zero, a FIFO nobody writes to and a directory named x.json WHEN audited THEN each is refused by name without reading it, exit 1', () => {
    const dir = tempDir();
    const fifo = join(dir, 'pipe.json');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const named = join(dir, 'x.json');
    mkdirSync(named);
    const run = audit(['/dev/zero', fifo, named]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('/dev/zero: found a character device; expected a CloudTrail log file (.json or .json.gz) (a regular file)');
    expect(run.stderr).toContain(`${fifo}: found a FIFO (named pipe); expected a CloudTrail log file`);
    expect(run.stderr).toContain(`${named}: directory holds no *.json or *.json.gz file`);
    expect(run.stderr).toContain('3 inputs could not be read (see above)');
    // The FIFO inside a directory that is walked is refused the same way.
    const walked = audit([dir]);
    expect(walked.code).toBe(1);
    expect(walked.stderr).toContain(`${fifo}: found a FIFO (named pipe)`);
  });

  it('GIVEN a gzip file that decompresses to 2 GiB beside a good file WHEN audited THEN the bomb is refused at the cap, naming it, and the good file is audited', () => {
    const dir = tempDir();
    // Concatenated gzip members are one gzip stream: 2048 members of 1 MiB of spaces each, after the start of a {"Records": [.
    const spaces = gzipSync(Buffer.alloc(1024 * 1024, 0x20));
    const bomb = join(dir, 'bomb.json.gz');
    writeFileSync(bomb, Buffer.concat([gzipSync('{"Records": ['), ...Array<Buffer>(2048).fill(spaces), gzipSync(']}')]));
    writeFileSync(join(dir, 'good.json'), JSON.stringify({ Records: [good()] }));
    const run = auditWithPeak(['--endpoint', KMS, '--max-file-size', '256MiB', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${bomb}: decompresses to more than 256.0 MiB; expected a CloudTrail log file of at most 256.0 MiB (--max-file-size)`);
    // Streamed: far less than the 256 MiB it decompressed (the process itself takes about 60 MiB).
    expect(run.peakMiB).toBeLessThan(200);
    expect(run.stdout).toContain('Read 1 file: 1 record, 1 Secrets Manager / KMS call, 0 other events.');
  });

  it('GIVEN a plain file larger than the cap WHEN audited THEN it is refused with its size and the cap', () => {
    const file = join(tempDir(), 'large.json');
    writeFileSync(file, JSON.stringify({ Records: Array.from({ length: 20 }, good) }));
    const run = audit(['--max-file-size', '1KiB', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`${file}: found \\d+\\.\\d KiB; expected a CloudTrail log file \\(\\.json or \\.json\\.gz\\) of at most 1\\.0 KiB`));
    expect(audit(['--max-file-size', 'lots', file]).stderr).toContain('--max-file-size: found "lots"; expected a size such as 1048576, 64MiB or 1GiB');
  });

  it('GIVEN one plain file of 160,000 records (a spread push of 150,000+ crashed) WHEN audited THEN every record is counted', () => {
    const file = join(tempDir(), 'huge.json');
    const other = (i: number) => `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","eventID":"e-${i}"}`;
    writeFileSync(file, `{"Records":[${JSON.stringify(good())},${Array.from({ length: 159999 }, (_, i) => other(i)).join(',')}]}`);
    const run = audit(['--endpoint', KMS, file]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Read 1 file: 160000 records, 1 Secrets Manager / KMS call, 159999 other events.');
    expect(run.code).toBe(0);
  });

  it('GIVEN records with fields of the wrong type WHEN audited THEN each is reported with its file, index, field, value and expectation; the others are counted; exit 1', () => {
    const file = join(tempDir(), 'types.json');
    const records = [
      good(),
      { ...good(), resources: 'arn:aws:kms:us-west-2:111122223333:key/x' },
      { ...good(), eventName: 42, eventTime: 1 },
      { ...good(), vpcEndpointId: 7 },
      'not a record',
      good(),
    ];
    writeFileSync(file, JSON.stringify({ Records: records }));
    const run = audit(['--endpoint', KMS, file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `${file}: record 1: resources: found "arn:aws:kms:us-west-2:111122223333:key/x"; expected an array of at most 1000 resources\n`,
    );
    expect(run.stderr).toContain(`${file}: record 2: eventName: found 42; expected a string of 1 to 256 characters\n`);
    expect(run.stderr).toContain(`${file}: record 2: eventTime: found 1; expected a string of 1 to 256 characters\n`);
    expect(run.stderr).toContain(`${file}: record 3: vpcEndpointId: found 7; expected a vpce- id`);
    expect(run.stderr).toContain(`${file}: record 4: (record): found "not a record"; expected a CloudTrail record (a JSON object)\n`);
    expect(run.stderr).toContain('4 malformed records left out (see above); the others were audited.');
    expect(run.stdout).toContain('Read 1 file: 2 records, 2 Secrets Manager / KMS calls, 0 other events. 4 malformed records left out (see the errors).');
  });

  it('GIVEN the same records in two files WHEN audited THEN each eventID is counted once', () => {
    const dir = tempDir();
    const records = [good(), good()];
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ Records: records }));
    writeFileSync(join(dir, 'b.json.gz'), gzipSync(JSON.stringify({ Records: [records[1], good()] })));
    const run = audit(['--endpoint', KMS, dir]);
    expect(run.stdout).toMatch(
      /Read 2 files: 3 records, 3 Secrets Manager \/ KMS calls, 0 other events\. 1 duplicate record \(an eventID counted before\) left out\.\n/,
    );
    expect(run.stdout).toMatch(new RegExp(`Decrypt  ${KMS} \\(expected\\)  3\\n`));
    expect(run.code).toBe(0);
  });

  it('GIVEN a gzip file cut in the middle and a file with invalid JSON after two records WHEN audited THEN each is named with where it broke, the records before are counted, exit 1', () => {
    const dir = tempDir();
    const many = Array.from({ length: 2000 }, good);
    const gz = gzipSync(JSON.stringify({ Records: many }));
    const cut = join(dir, 'cut.json.gz');
    writeFileSync(cut, gz.subarray(0, Math.floor(gz.length / 2)));
    const broken = join(dir, 'broken.json');
    const two = JSON.stringify({ Records: [good(), good()] });
    writeFileSync(broken, `${two.slice(0, -2)}, {"eventName": tru}}, oops]}`);
    const run = audit(['--endpoint', KMS, cut, broken]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`${cut}: cannot gunzip \\(truncated or corrupt gzip file\\): unexpected end of file\\n`));
    expect(run.stderr).toContain(`${broken}: record 2: not valid JSON (`);
    expect(run.stderr).toContain(
      `${broken}: not valid CloudTrail JSON at byte ${two.length + 18} (after 3 records, which are read): found "}"; expected "," or "]" after a record`,
    );
    expect(run.stdout).toContain('the records of 2 files cut short counted up to the break (see the errors); 1 malformed record left out');
    const counted = Number(/: (\d+) records,/.exec(run.stdout)?.[1]);
    // The records of the cut gzip file before the cut, and the two good records of the broken file.
    expect(counted).toBeGreaterThan(2);
    expect(counted).toBeLessThan(2002);
  });

  it('GIVEN --outputs that is a FIFO or nests 100,000 levels deep WHEN audited THEN it is a usage error naming the file, never a hang or a stack overflow', () => {
    const dir = tempDir();
    const fifo = join(dir, 'outputs.json');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const viaFifo = audit(['--outputs', fifo, dir]);
    expect(viaFifo.code).toBe(2);
    expect(viaFifo.stderr).toContain(`audit: --outputs ${fifo}: found a FIFO (named pipe); expected --outputs JSON file (a regular file)`);
    const deep = join(dir, 'deep.json');
    writeFileSync(deep, `${'['.repeat(100000)}${']'.repeat(100000)}`);
    const nested = audit(['--outputs', deep, dir]);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toContain(`audit: --outputs ${deep}: not valid JSON (objects and arrays nested more than 64 levels deep at line 1, column 65`);
  });
});
