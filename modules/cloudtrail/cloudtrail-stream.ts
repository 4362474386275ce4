/**
 * An incremental reader of CloudTrail JSON: bytes go in chunk by chunk (from a file, a gunzip stream,
 * an S3 body), records come out one by one, so a file of any size is read in memory bounded by the
 * largest record. The layout (`{"Records": [...]}`, an array of records, or one record) is checked
 * byte by byte; each record's bytes are then given to `JSON.parse`, so a record that is not valid
 * JSON is reported on its own and the records after it are still read. Pure: no I/O.
 */

/** Largest record read, in bytes (CloudTrail's own records stay under 256 KiB). */
export const MAX_RECORD_BYTES = 1024 * 1024;

/** Deepest nesting inside a record (CloudTrail records need about 8 levels). */
export const MAX_RECORD_DEPTH = 64;

/** One element of the records, as read. */
export type TrailElement =
  /** The element's JSON value, not yet checked. */
  | { readonly index: number; readonly value: unknown }
  /** The element could not be read; the reader goes on with the next one. */
  | { readonly index: number; readonly problem: string };

/** What the reader found once the input ended. */
export interface TrailEnd {
  /** Elements read (good or bad). */
  readonly elements: number;
  /** A CloudTrail digest file (log file validation): it holds no records. */
  readonly digest: boolean;
}

/** The input is not CloudTrail JSON; `problem` says what was found where and what is expected (without a file name). */
export class TrailSyntaxError extends Error {
  constructor(public readonly problem: string) {
    super(problem);
    this.name = 'TrailSyntaxError';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** A byte for messages: `"x"` for printable ASCII, else its hex value. */
function describeByte(b: number): string {
  return b >= 0x20 && b < 0x7f ? JSON.stringify(String.fromCharCode(b)) : `byte 0x${b.toString(16).padStart(2, '0')}`;
}

/**
 * Where the top level is: `start` before the first value; in `array` the records are the elements
 * of the root array; in `object` the root object's keys are read, `Records` streamed as records and
 * the other values kept (bounded) to tell a single record or a digest file from a wrapper.
 */
type Place =
  | 'start'
  | 'array-first' // after "[": an element or "]"
  | 'array-next' // after an element: "," or "]"
  | 'array-element' // after ",": an element
  | 'object-first' // after "{": a key or "}"
  | 'object-key' // after ",": a key
  | 'object-colon' // after a key: ":"
  | 'object-value' // after ":": a value
  | 'object-next' // after a value: "," or "}"
  | 'done';

/**
 * Reads CloudTrail JSON incrementally. `write` each chunk, then `end`; records go to `onElement` as
 * they complete. `write` and `end` throw a {@link TrailSyntaxError} when the layout is broken (the
 * elements given before stay given).
 */
export class CloudTrailStreamReader {
  private place: Place = 'start';
  /** Bytes read before the current chunk. */
  private offset = 0;
  private elements = 0;
  /** Whether the current array holds the records (the root array, or the root object's `Records`). */
  private inRecords = false;
  private sawRecords = false;
  private rootIsArray = false;
  private currentKey = '';
  /** The root object's values other than `Records`, and their size. */
  private readonly fields = new Map<string, unknown>();
  private fieldBytes = 0;
  /** Set when the root object's other values were larger than a record may be (then only their names are kept). */
  private fieldsDropped = false;
  private bomChecked = false;

  // The value being captured.
  private capturing = false;
  /** What the captured value is: a record, a key or a root field. */
  private captureKind: 'element' | 'key' | 'field' = 'element';
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The value is a number or literal (ends at a delimiter). */
  private primitive = false;
  private parts: Buffer[] = [];
  private captured = 0;
  private oversize = false;
  private tooDeep = false;

  /**
   * @param onElement receives each element of the records as it completes
   * @param maxRecordBytes largest element kept (larger ones are reported and skipped). @default MAX_RECORD_BYTES
   */
  constructor(
    private readonly onElement: (element: TrailElement) => void,
    private readonly maxRecordBytes = MAX_RECORD_BYTES,
  ) {}

  private fail(problem: string, at: number): never {
    const records = this.elements ? ` (after ${this.elements} record${this.elements === 1 ? '' : 's'}, which are read)` : '';
    throw new TrailSyntaxError(`not valid CloudTrail JSON at byte ${at}${records}: ${problem}`);
  }

  /** Reads the next chunk. */
  write(chunk: Buffer): void {
    let i = 0;
    if (!this.bomChecked && chunk.length > 0) {
      // A UTF-8 byte order mark is skipped (it may not be split across chunks: the first chunk holds it).
      this.bomChecked = true;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    const n = chunk.length;
    while (i < n) {
      if (this.capturing) {
        i = this.capture(chunk, i);
        continue;
      }
      const b = chunk[i];
      if (isSpace(b)) {
        i++;
        continue;
      }
      const at = this.offset + i;
      switch (this.place) {
        case 'start':
          if (b === 0x5b) {
            this.rootIsArray = true;
            this.inRecords = true;
            this.place = 'array-first';
          } else if (b === 0x7b) this.place = 'object-first';
          else this.fail(`found ${describeByte(b)}; expected {"Records": [...]}, an array of records or a record`, at);
          i++;
          break;
        case 'array-first':
        case 'array-element':
          if (b === 0x5d && this.place === 'array-first') {
            this.closeArray();
            i++;
          } else i = this.startCapture(chunk, i, 'element');
          break;
        case 'array-next':
          if (b === 0x2c) this.place = 'array-element';
          else if (b === 0x5d) this.closeArray();
          else this.fail(`found ${describeByte(b)}; expected "," or "]" after a record`, at);
          i++;
          break;
        case 'object-first':
        case 'object-key':
          if (b === 0x7d && this.place === 'object-first') {
            this.place = 'done';
            i++;
          } else if (b === QUOTE) i = this.startCapture(chunk, i, 'key');
          else this.fail(`found ${describeByte(b)}; expected a property name in double quotes`, at);
          break;
        case 'object-colon':
          if (b !== 0x3a) this.fail(`found ${describeByte(b)}; expected ":" after a property name`, at);
          this.place = 'object-value';
          i++;
          break;
        case 'object-value':
          if (this.currentKey === 'Records') {
            if (b !== 0x5b) this.fail(`"Records" holds ${describeByte(b)}…; expected an array ({"Records": [...]})`, at);
            if (this.sawRecords) this.fail('a second "Records" array; expected one', at);
            this.sawRecords = true;
            this.inRecords = true;
            this.place = 'array-first';
            i++;
          } else i = this.startCapture(chunk, i, 'field');
          break;
        case 'object-next':
          if (b === 0x2c) this.place = 'object-key';
          else if (b === 0x7d) this.place = 'done';
          else this.fail(`found ${describeByte(b)}; expected "," or "}" after a property value`, at);
          i++;
          break;
        case 'done':
          this.fail(`found ${describeByte(b)} after the end of the JSON document; expected nothing more`, at);
      }
    }
    this.offset += n;
  }

  private closeArray(): void {
    this.inRecords = false;
    this.place = this.rootIsArray ? 'done' : 'object-next';
  }

  private startCapture(chunk: Buffer, i: number, kind: 'element' | 'key' | 'field'): number {
    this.capturing = true;
    this.captureKind = kind;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.primitive = false;
    this.parts = [];
    this.captured = 0;
    this.oversize = false;
    this.tooDeep = false;
    const b = chunk[i];
    if (b === QUOTE) {
      this.inString = true;
      return this.keep(chunk, i, i + 1, false);
    }
    if (b === 0x7b || b === 0x5b) {
      this.depth = 1;
      return this.keep(chunk, i, i + 1, false);
    }
    if (b === 0x7d || b === 0x5d || b === 0x2c || b === 0x3a) this.fail(`found ${describeByte(b)}; expected a JSON value`, this.offset + i);
    this.primitive = true;
    return this.capture(chunk, i);
  }

  /**
   * Keeps `chunk[from, to)` of the captured value (nothing once it is over the limit); ends it when
   * `done`. A value within one chunk is decoded from the chunk; the part of a value at a chunk's end is
   * copied (the caller may reuse the chunk's memory after `write`).
   */
  private keep(chunk: Buffer, from: number, to: number, done: boolean): number {
    const limit = this.captureKind === 'element' ? this.maxRecordBytes : this.maxRecordBytes - this.fieldBytes;
    let text = '';
    if (!this.oversize) {
      this.captured += to - from;
      if (this.captured > limit) {
        this.oversize = true;
        this.parts = [];
      } else if (done) {
        text = this.parts.length ? Buffer.concat([...this.parts, chunk.subarray(from, to)]).toString('utf8') : chunk.toString('utf8', from, to);
        this.parts = [];
      } else if (to > from) this.parts.push(Buffer.from(chunk.subarray(from, to)));
    }
    if (done) this.finishCapture(text, this.offset + to);
    return to;
  }

  /** Scans the captured value from `i`; returns where it stopped (the chunk's end, or just after the value). */
  private capture(chunk: Buffer, i: number): number {
    const start = i;
    const n = chunk.length;
    while (i < n) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        // To the next quote or backslash (a plain loop: cheaper than a native call per short string).
        while (i < n) {
          const c = chunk[i];
          if (c === QUOTE || c === BACKSLASH) break;
          i++;
        }
        if (i === n) break;
        if (chunk[i] === BACKSLASH) {
          this.escaped = true;
          i++;
          continue;
        }
        i++;
        this.inString = false;
        if (this.depth === 0) return this.keep(chunk, start, i, true);
        continue;
      }
      const b = chunk[i];
      if (this.primitive) {
        if (isSpace(b) || b === 0x2c || b === 0x5d || b === 0x7d || b === 0x3a) return this.keep(chunk, start, i, true);
        i++;
        continue;
      }
      if (b === QUOTE) this.inString = true;
      else if (b === 0x7b || b === 0x5b) {
        this.depth++;
        if (this.depth > MAX_RECORD_DEPTH) this.tooDeep = true;
      } else if (b === 0x7d || b === 0x5d) {
        this.depth--;
        if (this.depth === 0) return this.keep(chunk, start, i + 1, true);
      }
      i++;
    }
    return this.keep(chunk, start, n, false);
  }

  private finishCapture(text: string, endOffset: number): void {
    this.capturing = false;
    const kind = this.captureKind;
    const bytes = this.captured;
    let value: unknown;
    let problem: string | undefined;
    if (this.oversize && kind === 'field') {
      // Too large for a record: kept by name only (a digest file's lists may be long).
      this.fieldsDropped = true;
      if (this.fields.size < 1000) this.fields.set(this.currentKey, undefined);
      this.place = 'object-next';
      return;
    }
    if (this.oversize) problem = `found more than ${this.maxRecordBytes} bytes; expected a record of at most ${this.maxRecordBytes} bytes`;
    else if (this.tooDeep) problem = `found objects and arrays nested more than ${MAX_RECORD_DEPTH} levels deep; expected at most ${MAX_RECORD_DEPTH}`;
    else {
      try {
        value = JSON.parse(text);
      } catch (e) {
        problem = `not valid JSON (${(e as Error).message}); expected a JSON record`;
      }
    }
    if (kind === 'element') {
      const index = this.elements++;
      this.place = 'array-next';
      if (this.inRecords) this.onElement(problem === undefined ? { index, value } : { index, problem });
      return;
    }
    if (problem !== undefined) this.fail(`the ${kind === 'key' ? 'property name' : `value of "${this.currentKey}"`}: ${problem}`, endOffset - bytes);
    if (kind === 'key') {
      this.currentKey = value as string;
      this.place = 'object-colon';
      return;
    }
    this.fieldBytes += bytes;
    if (this.fields.size >= 1000) this.fieldsDropped = true;
    if (this.fields.has(this.currentKey)) this.fail(`the property "${this.currentKey}" a second time; expected each once`, endOffset - bytes);
    if (!this.fieldsDropped) this.fields.set(this.currentKey, value);
    this.place = 'object-next';
  }

  /** Ends the input: throws when it stopped inside the document or held no CloudTrail JSON. */
  end(): TrailEnd {
    const at = this.offset;
    if (this.place === 'start') this.fail('found no JSON (the input is empty); expected {"Records": [...]} or a record', at);
    if (this.place !== 'done' || this.capturing) {
      this.fail(`the input ends inside the ${this.inRecords ? 'records' : 'JSON document'} (truncated?); expected the rest of the document`, at);
    }
    if (this.rootIsArray || this.sawRecords) return { elements: this.elements, digest: false };
    if (this.fields.has('digestStartTime') && this.fields.has('digestS3Object')) return { elements: 0, digest: true };
    if (this.fields.has('eventSource') || this.fields.has('eventName')) {
      // A single record: the root object is the record.
      this.onElement(
        this.fieldsDropped
          ? { index: 0, problem: `found more than ${this.maxRecordBytes} bytes; expected a record of at most ${this.maxRecordBytes} bytes` }
          : { index: 0, value: Object.fromEntries(this.fields) },
      );
      this.elements = 1;
      return { elements: 1, digest: false };
    }
    const names = [...this.fields.keys()].slice(0, 8).join(', ') || 'none';
    return this.fail(`found an object with neither "Records" nor "eventSource" (fields: ${names}); expected CloudTrail JSON`, 0);
  }
}
