import { randomUUID } from 'crypto';
import fc from 'fast-check';
import { AuditAccumulator, checkRecord, CloudTrailRecord, renderAuditReport } from '../../../modules/cloudtrail/cloudtrail-audit';
import { CloudTrailStreamReader, TrailElement, TrailEnd, TrailSyntaxError } from '../../../modules/cloudtrail/cloudtrail-stream';
import { makeRecord } from '../../helpers/cloudtrail-records';

const KEY_ARN = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** Reads `text` in chunks cut at `cuts` (byte offsets); returns the elements and the end (or the error). */
function read(text: string | Buffer, cuts: number[] = [], maxRecordBytes?: number): { elements: TrailElement[]; end?: TrailEnd; error?: string } {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const elements: TrailElement[] = [];
  const reader = new CloudTrailStreamReader((e) => elements.push(e), maxRecordBytes);
  const points = [...new Set([0, ...cuts.filter((c) => c > 0 && c < bytes.length), bytes.length])].sort((a, b) => a - b);
  try {
    for (let i = 0; i + 1 < points.length; i++) reader.write(Buffer.from(bytes.subarray(points[i], points[i + 1])));
    return { elements, end: reader.end() };
  } catch (e) {
    if (!(e instanceof TrailSyntaxError)) throw e;
    return { elements, error: e.message };
  }
}

const values = (elements: TrailElement[]) => elements.map((e) => ('value' in e ? e.value : e.problem));

describe('CloudTrailStreamReader', () => {
  const records = [
    makeRecord({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN }),
    { ...makeRecord({ service: 'secretsmanager', eventName: 'GetSecretValue', secretId: 'a"b\\c\u00e9\u{1F600}' }), note: 'x\\\\"]}{[' },
  ];

  it('GIVEN {"Records": [...]}, an array and a single record, cut into chunks anywhere WHEN read THEN the records are those JSON.parse gives', () => {
    const texts = [JSON.stringify({ Records: records }), JSON.stringify(records), JSON.stringify(records[1], null, 2)];
    fc.assert(
      fc.property(fc.constantFrom(...texts), fc.array(fc.nat(2000), { maxLength: 12 }), (text, cuts) => {
        const parsed = JSON.parse(text);
        const { elements, end, error } = read(text, cuts);
        expect(error).toBeUndefined();
        expect(values(elements)).toEqual(Array.isArray(parsed) ? parsed : (parsed.Records ?? [parsed]));
        expect(end).toEqual({ elements: elements.length, digest: false });
      }),
      { numRuns: 200 },
    );
  });

  it('GIVEN a file cut into one-byte chunks WHEN read THEN escapes and multi-byte characters across chunks are kept', () => {
    const text = JSON.stringify({ Records: records });
    const { elements } = read(text, [...Array(Buffer.byteLength(text)).keys()]);
    expect(values(elements)).toEqual(records);
  });

  it('GIVEN a byte order mark, other root keys and a digest file WHEN read THEN the records are read, the digest recognised', () => {
    expect(values(read(`\uFEFF{"x": [1, {"a": "]"}], "Records": [{"eventName": "A"}], "y": null}`).elements)).toEqual([{ eventName: 'A' }]);
    expect(read('{"digestStartTime": "2024", "digestS3Object": "k", "logFiles": []}').end).toEqual({ elements: 0, digest: true });
  });

  it('GIVEN a record that is not valid JSON inside a valid layout WHEN read THEN it is a problem with its index and the next records are read', () => {
    const { elements, end } = read('{"Records": [{"eventName": "A"}, {"eventName": tru}, {"eventName": "C"}]}', [20, 35]);
    expect(elements.map((e) => e.index)).toEqual([0, 1, 2]);
    expect(values(elements)[0]).toEqual({ eventName: 'A' });
    expect(values(elements)[1]).toMatch(/^not valid JSON \(.*\); expected a JSON record$/);
    expect(values(elements)[2]).toEqual({ eventName: 'C' });
    expect(end?.elements).toBe(3);
  });

  it('GIVEN a record larger than the limit or nested too deep WHEN read THEN it is a problem, not kept, and the next record is read', () => {
    const big = JSON.stringify({ Records: [{ a: 'x'.repeat(5000) }, { eventName: 'B' }] });
    const { elements } = read(big, [100, 2000, 4000], 1024);
    expect(values(elements)).toEqual(['found more than 1024 bytes; expected a record of at most 1024 bytes', { eventName: 'B' }]);
    const deep = `{"Records": [${'['.repeat(100)}${']'.repeat(100)}, {"eventName": "B"}]}`;
    expect(values(read(deep).elements)).toEqual(['found objects and arrays nested more than 64 levels deep; expected at most 64', { eventName: 'B' }]);
  });

  it.each([
    ['', /at byte 0: found no JSON \(the input is empty\)/],
    ['\0\0\0', /at byte 0: found byte 0x00; expected \{"Records": \[\.\.\.\]\}, an array of records or a record/],
    ['{"Records": [{"a": 1}, {"a": 2}', /at byte 31 \(after 2 records, which are read\): the input ends inside the records \(truncated\?\)/],
    ['{"Records": [{"a": 1} {"a": 2}]}', /at byte 22 \(after 1 record, which are read\): found "\{"; expected "," or "\]" after a record/],
    ['{"Records": [{"a": 1}]} x', /at byte 24 .*: found "x" after the end of the JSON document; expected nothing more/],
    ['{"Records": "x"}', /at byte 12: "Records" holds "\\""…; expected an array/],
    ['{"Records": [], "Records": []}', /a second "Records" array; expected one/],
    ['{"hello": 1, "there": {}}', /found an object with neither "Records" nor "eventSource" \(fields: hello, there\)/],
    ['{hello: 1}', /at byte 1: found "h"; expected a property name in double quotes/],
  ])('GIVEN %j WHEN read THEN it is refused with the byte and what is expected', (text, message) => {
    expect(read(text).error).toMatch(message);
  });
});

describe('checkRecord', () => {
  const good = makeRecord({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, vpcEndpointId: 'vpce-0123456789abcdef0' });

  it.each<[string, Record<string, unknown>, string]>([
    ['resources as a string', { resources: 'arn:aws:kms:x' }, 'resources: found "arn:aws:kms:x"; expected an array of at most 1000 resources'],
    ['a resource ARN as a number', { resources: [{ ARN: 7 }] }, 'resources[0].ARN: found 7; expected a string of 1 to 2048 characters'],
    ['eventName as a number', { eventName: 42 }, 'eventName: found 42; expected a string of 1 to 256 characters'],
    ['no eventName', { eventName: undefined }, 'eventName: found nothing (the field is missing); expected a string of 1 to 256 characters'],
    ['vpcEndpointId as an object', { vpcEndpointId: { id: 'vpce-1' } }, 'vpcEndpointId: found an object; expected a vpce- id'],
    ['vpcEndpointId not a vpce- id', { vpcEndpointId: 'vpc-0a1b2c3d' }, 'vpcEndpointId: found "vpc-0a1b2c3d"; expected a vpce- id'],
    ['invokedBy as an array', { userIdentity: { type: 'AssumedRole', invokedBy: ['s3'] } }, 'userIdentity.invokedBy: found an array of 1; expected a string'],
    ['userIdentity as a string', { userIdentity: 'root' }, 'userIdentity: found "root"; expected an object'],
    ['keyId as a number', { requestParameters: { keyId: 1 } }, 'requestParameters.keyId: found 1; expected a string of 1 to 2048 characters'],
    ['eventID as a number', { eventID: 12 }, 'eventID: found 12; expected a string'],
    ['eventTime as null', { eventTime: null }, 'eventTime: found null; expected a string'],
  ])('GIVEN %s WHEN checked THEN the problem names the field, what was found and what is expected', (_, change, message) => {
    const checked = checkRecord({ ...good, ...change });
    expect('problems' in checked && checked.problems.join('\n')).toContain(message);
  });

  it('GIVEN a well-formed record, requestParameters null and another service’s event with fields of any shape WHEN checked THEN they pass', () => {
    expect(checkRecord(good)).toEqual({ record: expect.objectContaining({ eventName: 'Decrypt', vpcEndpointId: 'vpce-0123456789abcdef0' }) });
    expect('record' in checkRecord({ ...good, requestParameters: null })).toBe(true);
    expect(checkRecord({ eventSource: 's3.amazonaws.com', eventName: 'GetObject', resources: 'x', vpcEndpointId: 3 })).toEqual({
      record: { eventSource: 's3.amazonaws.com', eventName: 'GetObject' },
    });
  });

  it('GIVEN a long string value WHEN reported THEN the value is cut and its length given', () => {
    const checked = checkRecord({ ...good, eventName: 'x'.repeat(300) });
    expect('problems' in checked && checked.problems[0]).toMatch(/^eventName: found "x{56}…" \(300 characters\); expected a string of 1 to 256 characters$/);
  });
});

describe('AuditAccumulator', () => {
  const call = (eventID?: string): CloudTrailRecord => ({ ...makeRecord({ service: 'secretsmanager', eventName: 'GetSecretValue', secretId: 's' }), eventID });

  it('GIVEN records with the same eventID and records without one WHEN added THEN each eventID counts once and records without one each count', () => {
    const acc = new AuditAccumulator(new Set());
    const id = 'aaaaaaaa-2222-4333-8444-55555555555f';
    expect(acc.add(call(id))).not.toBe('duplicate');
    expect(acc.add(call(id))).toBe('duplicate');
    expect(acc.add(call(id.toUpperCase()))).not.toBe('duplicate');
    acc.add(call('not-a-uuid'));
    acc.add(call('not-a-uuid'));
    acc.add(call(undefined));
    acc.add(call(undefined));
    const summary = acc.summary();
    expect([summary.records, summary.duplicates, summary.withoutEventId, summary.calls, summary.flaggedCount]).toEqual([5, 2, 2, 5, 5]);
    expect(summary.bySubject.get('secret s')!.get('GetSecretValue')!.get('no endpoint (public)')).toEqual({ count: 5, flagged: true });
    const text = renderAuditReport(summary, { files: [{ file: 'a.json', records: 7 }], expectedEndpointIds: new Set(), malformedRecords: 1 });
    expect(text).toContain(
      'Read 1 file: 5 records, 5 Secrets Manager / KMS calls, 0 other events. 2 duplicate records (an eventID counted before) left out; 2 records without eventID counted each; 1 malformed record left out (see the errors).',
    );
  });

  it('GIVEN 20,000 distinct eventIDs (and the zero UUID) twice WHEN added THEN the first of each is counted and the second is a duplicate', () => {
    const acc = new AuditAccumulator(new Set());
    const ids = [...Array.from({ length: 20000 }, () => randomUUID()), '00000000-0000-0000-0000-000000000000'];
    const other = (eventID: string) => ({ eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventID });
    expect(ids.filter((id) => acc.add(other(id)) === 'duplicate')).toEqual([]);
    expect(ids.filter((id) => acc.add(other(id)) !== 'duplicate')).toEqual([]);
    expect([acc.summary().records, acc.summary().duplicates]).toEqual([20001, 20001]);
  });

  it('GIVEN a record whose names hold newlines and terminal escapes WHEN rendered THEN each stays on its line, the control characters written as \\u escapes', () => {
    const acc = new AuditAccumulator(new Set());
    acc.add(makeRecord({ service: 'secretsmanager', eventName: 'GetSecretValue', secretId: 'evil\nFLAGGED 0 calls\u001b[2J' }));
    const text = renderAuditReport(acc.summary(), { files: [], expectedEndpointIds: new Set() });
    expect(text).toContain('secret evil\\u000aFLAGGED 0 calls\\u001b[2J\n');
    expect(text).not.toMatch(/^FLAGGED 0/m);
  });

  it('GIVEN more flagged calls and cells than the limits WHEN summarised THEN all are counted, the first are listed and the rest said', () => {
    const acc = new AuditAccumulator(new Set(), {}, { maxListedFlagged: 2, maxCells: 3 });
    for (let i = 0; i < 5; i++) acc.add({ ...makeRecord({ service: 'secretsmanager', eventName: 'GetSecretValue', secretId: `s${i}` }) });
    const summary = acc.summary();
    expect([summary.flaggedCount, summary.flagged.length, summary.bySubject.size, summary.untabulated]).toEqual([5, 2, 3, 2]);
    const text = renderAuditReport(summary, { files: [], expectedEndpointIds: new Set() });
    expect(text).toContain('FLAGGED 5 calls (5 not through an expected endpoint); the first 2 listed:');
    expect(text).toContain('2 more calls not tabulated: the table holds at most its first cells.');
  });
});
