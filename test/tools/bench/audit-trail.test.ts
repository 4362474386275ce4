import { readdirSync, readFileSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseCloudTrailFile, summarizeRecords } from '../../../modules/cloudtrail/cloudtrail-audit';
import { BENCH_ENDPOINTS, writeBenchTrail } from '../../../tools/bench/audit-trail';

describe('benchmark trail', () => {
  it('GIVEN 25 records, 10 a file WHEN written THEN 3 gzip files hold 25 well-formed records with distinct eventIDs, none flagged with the bench endpoints', () => {
    const trail = writeBenchTrail(mkdtempSync(join(tmpdir(), 'pls-bench-trail-')), 25, 10);
    const logs = join(trail.dir, 'AWSLogs', '111122223333', 'CloudTrail', 'us-west-2', '2024', '05', '01');
    const files = readdirSync(logs);
    expect([trail.files, files.length]).toEqual([3, 3]);
    const parsed = files.map((f) => parseCloudTrailFile(f, readFileSync(join(logs, f))));
    expect(parsed.flatMap((p) => p.problems ?? [])).toEqual([]);
    const summary = summarizeRecords(
      parsed.flatMap((p) => p.records),
      new Set(BENCH_ENDPOINTS),
    );
    expect([summary.records, summary.duplicates, summary.calls, summary.otherEvents, summary.flaggedCount]).toEqual([25, 0, 20, 5, 0]);
  });
});
