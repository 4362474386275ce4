import { existsSync } from 'fs';
import { join, resolve } from 'path';
import {
  AUDIT_ENDPOINT_ID,
  AuditAccumulator,
  ClassifyOptions,
  describeFound,
  endpointIdsFromTerraformOutputs,
  endpointIdsFromTerraformState,
  formatRecordProblem,
  MAX_DECOMPRESSED_BYTES,
  renderAuditReport,
  watchedFromTerraformOutputs,
} from '../modules/cloudtrail/cloudtrail-audit';
import { JsonTextError, parseJsonStrict } from '../stacks/config-json';
import { FileInputError, readRegularFile } from '../stacks/regular-file';
import { expandInputs, readTrailFile } from './audit/trail-files';

/**
 * `npm run audit -- [options] <file or directory>...`: which Secrets Manager / KMS calls in
 * CloudTrail log files came through which endpoint, and which the access model denies. Files are
 * streamed one record at a time. Exit 0: nothing flagged; 1: a call was flagged, or a file or a
 * record could not be read; 2: usage error. Never a stack trace: every failure is one line naming the file.
 */

/** Largest `--outputs` file or Terraform state file read (`--synth`). */
const MAX_JSON_INPUT_BYTES = 64 * 1024 * 1024;
/** Malformed records printed per file (all are counted). */
const MAX_PROBLEMS_PER_FILE = 100;

const USAGE = `Usage: npm run audit -- [options] <CloudTrail file or directory>...

Reads CloudTrail log files ({"Records": [...]}, a single record or an array; plain or gzip, as
delivered to S3: a directory is searched for *.json and *.json.gz) and prints, per secret and key,
which Secrets Manager / KMS calls came through which VPC endpoint (vpcEndpointId) or AWS service
(userIdentity.invokedBy), and flags the calls the access model denies.

Options:
  --endpoint vpce-...        an expected endpoint id (repeatable)
  --admin-endpoint vpce-...  an expected endpoint id of the admin VPC (repeatable)
  --outputs FILE             'terraform output -json' of a stack: its vpce- ids are expected, its key and
                             secret ARNs watched (repeatable)
  --admin-outputs FILE       the same, of the admin stack: its vpce- ids are the admin endpoints
  --synth DIR                a cdktf.out directory: the same from its stacks' local Terraform state
                             (the endpoints of the *admin-vpc stacks are the admin endpoints)
  --max-file-size SIZE       largest file read, as stored and decompressed (bytes, or with KiB, MiB,
                             GiB); a larger file or gzip bomb is refused, naming the file (default 1GiB)
  -h, --help                 this text

Files are read as streams, one record at a time. A record is counted once per eventID across all
files (a record without eventID is counted each time). A malformed record (a field the audit reads
of the wrong type) is reported as "<file>: record <index>: <field>: found ...; expected ..." and
left out; the rest is read. A file that stops being CloudTrail JSON (truncated, corrupt gzip, not
JSON) is reported with the byte where it broke; the records before that point are counted.
The report lists the first 1000 flagged calls and counts them all.

Flags:
  - a direct call not through an expected endpoint (with no expectation, without a vpcEndpointId);
  - key or secret management by an AWS service for the caller (userIdentity.invokedBy, such as
    cloudformation.amazonaws.com) not through an admin endpoint;
  - key usage (Decrypt, Encrypt, GenerateDataKey*, ReEncrypt*) via any AWS service but Secrets Manager.
Key usage by Secrets Manager for the caller, other calls by AWS services and AWS service events are
not flagged. With watched keys or secrets (--outputs, --synth), calls by AWS services are checked on
those only.
Exit status: 0 nothing flagged; 1 flagged calls, or a file or record that could not be read (the
others are still audited); 2 usage error.
`;

class UsageError extends Error {}

/** Where the entry writes. */
export interface AuditIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

interface Options {
  readonly inputs: string[];
  maxFileBytes: number;
  readonly endpoints: Map<string, string>;
  readonly adminEndpoints: Set<string>;
  readonly keyArns: Set<string>;
  readonly secretNames: Set<string>;
  readonly sources: string[];
}

/** What a stack's outputs give the audit. */
interface FromOutputs {
  readonly endpointIds: string[];
  readonly keyArns: string[];
  readonly secretNames: string[];
}

function fromOutputs(outputs: unknown): FromOutputs {
  return { endpointIds: endpointIdsFromTerraformOutputs(outputs), ...watchedFromTerraformOutputs(outputs) };
}

function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readRegularFile(file, MAX_JSON_INPUT_BYTES, `${what} JSON file`);
  } catch (e) {
    if (!(e instanceof FileInputError)) throw e;
    const code = /\((E[A-Z]+)\)/.exec(e.problem)?.[1];
    throw new UsageError(`${what} ${file}: ${code ? `cannot read (${code})` : e.problem}`);
  }
  try {
    return parseJsonStrict(text).value;
  } catch (e) {
    if (!(e instanceof JsonTextError)) throw e;
    throw new UsageError(`${what} ${file}: not valid JSON (${e.message})`);
  }
}

function objectOr(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Endpoint ids, admin endpoint ids and watched keys and secrets from the local Terraform state of every stack in a cdktf.out directory. */
function fromSynth(dir: string): FromOutputs & { adminEndpointIds: string[] } {
  const manifest = objectOr(readJsonFile(join(dir, 'manifest.json'), '--synth'));
  const found = { endpointIds: [] as string[], adminEndpointIds: [] as string[], keyArns: [] as string[], secretNames: [] as string[] };
  const text = (value: unknown, fallback: string, field: string): string => {
    if (value === undefined) return fallback;
    if (typeof value !== 'string') throw new UsageError(`--synth ${dir}: manifest.json ${field}: found ${describeFound(value)}; expected a path`);
    return value;
  };
  for (const [name, entry] of Object.entries(objectOr(manifest.stacks))) {
    const stack = objectOr(entry);
    const json = objectOr(
      readJsonFile(join(dir, text(stack.synthesizedStackPath, join('stacks', name, 'cdk.tf.json'), `stacks.${name}.synthesizedStackPath`)), '--synth'),
    );
    const backend = objectOr(objectOr(json.terraform).backend);
    const local = backend.local === undefined ? undefined : objectOr(backend.local);
    if (!local) {
      throw new UsageError(
        `--synth ${dir}: stack ${name} does not use a local backend; run 'terraform output -json' in cdktf.out/stacks/${name} and pass it with --outputs`,
      );
    }
    const statePath = resolve(
      dir,
      text(stack.workingDirectory, join('stacks', name), `stacks.${name}.workingDirectory`),
      text(local.path, 'terraform.tfstate', `stacks.${name} backend local path`),
    );
    if (!existsSync(statePath)) {
      throw new UsageError(`--synth ${dir}: stack ${name} has no Terraform state at ${statePath} (not deployed?); deploy it or pass --endpoint / --outputs`);
    }
    const state = readJsonFile(statePath, `--synth state of ${name}`);
    const outputs = fromOutputs(isStateObject(state) ? state.outputs : undefined);
    found.endpointIds.push(...endpointIdsFromTerraformState(state));
    // Stack names: admin-vpc, or <environment>-admin-vpc (stacks/engine/environment-stack.ts).
    if (/(^|-)admin-vpc$/.test(name)) found.adminEndpointIds.push(...outputs.endpointIds);
    found.keyArns.push(...outputs.keyArns);
    found.secretNames.push(...outputs.secretNames);
  }
  if (found.endpointIds.length === 0) throw new UsageError(`--synth ${dir}: found no vpce- ids in the stacks' state outputs`);
  return found;
}

function isStateObject(value: unknown): value is { outputs?: unknown } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const UNITS: Readonly<Record<string, number>> = { '': 1, B: 1, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3 };

/** Bytes of a size such as `1048576`, `512KiB`, `64MiB`, `1GiB`. */
function parseSize(text: string, flag: string): number {
  const match = /^(\d+)\s*([KMG]iB|B)?$/i.exec(text);
  const bytes = match ? Number(match[1]) * UNITS[(match[2] ?? '').toUpperCase()] : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new UsageError(`${flag}: found ${JSON.stringify(text)}; expected a size such as 1048576, 64MiB or 1GiB`);
  return bytes;
}

function parseArgs(args: readonly string[]): Options | 'help' {
  const options: Options = {
    inputs: [],
    maxFileBytes: MAX_DECOMPRESSED_BYTES,
    endpoints: new Map(),
    adminEndpoints: new Set(),
    keyArns: new Set(),
    secretNames: new Set(),
    sources: [],
  };
  const value = (i: number, flag: string): string => {
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const addSource = (source: string) => {
    if (!options.sources.includes(source)) options.sources.push(source);
  };
  const addOutputs = (found: FromOutputs, source: string, admin: boolean) => {
    found.endpointIds.forEach((id) => options.endpoints.set(id, source));
    if (admin) found.endpointIds.forEach((id) => options.adminEndpoints.add(id));
    found.keyArns.forEach((a) => options.keyArns.add(a));
    found.secretNames.forEach((n) => options.secretNames.add(n));
    addSource(source);
  };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--endpoint' || arg === '--admin-endpoint') {
      const id = value(i, arg);
      if (!AUDIT_ENDPOINT_ID.test(id))
        throw new UsageError(`${arg}: found ${JSON.stringify(id)}; expected a vpce- id ("vpce-" and 8 to 17 lower-case hex digits)`);
      options.endpoints.set(id, arg);
      if (arg === '--admin-endpoint') options.adminEndpoints.add(id);
      addSource(arg);
      i += 1;
    } else if (arg === '--outputs' || arg === '--admin-outputs') {
      const file = value(i, arg);
      const found = fromOutputs(readJsonFile(file, arg));
      if (found.endpointIds.length === 0)
        throw new UsageError(`${arg} ${file}: found no vpce- ids; expected 'terraform output -json' of a stack (with *_endpoint_id outputs)`);
      addOutputs(found, file, arg === '--admin-outputs');
      i += 1;
    } else if (arg === '--synth') {
      const dir = value(i, arg);
      const found = fromSynth(dir);
      addOutputs(found, dir, false);
      found.adminEndpointIds.forEach((id) => options.adminEndpoints.add(id));
      i += 1;
    } else if (arg === '--max-file-size') {
      options.maxFileBytes = parseSize(value(i, arg), arg);
      i += 1;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      options.inputs.push(arg);
    }
  }
  if (options.inputs.length === 0) throw new UsageError('no CloudTrail files given');
  return options;
}

/** The message of anything thrown, on one line (never a stack trace). */
function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/\s*\n\s*/g, ' ').slice(0, 2000);
}

/** Runs the audit; resolves to the exit status. */
export async function main(args: readonly string[], io: AuditIo): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseArgs(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`audit: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    io.out(USAGE);
    return 0;
  }
  const { files, problems } = expandInputs(options.inputs);
  for (const problem of problems) io.err(`${problem}\n`);
  const expected = new Set(options.endpoints.keys());
  const classify: ClassifyOptions = {
    adminEndpointIds: options.adminEndpoints,
    watched: { keyArns: options.keyArns, secretNames: options.secretNames },
  };
  const accumulator = new AuditAccumulator(expected, classify);
  const read: { file: string; records: number; digest?: boolean }[] = [];
  let badFiles = problems.length;
  let malformed = 0;
  let cutShort = 0;
  for (const file of files) {
    let printed = 0;
    let given = 0;
    let lastMalformed = -1;
    try {
      const result = await readTrailFile(
        file,
        (record) => {
          given += 1;
          accumulator.add(record);
        },
        (problem) => {
          if (printed < MAX_PROBLEMS_PER_FILE) io.err(`${formatRecordProblem(file, problem)}\n`);
          printed += 1;
          // A record may have several problems (one line each); it counts once.
          if (problem.index !== lastMalformed) malformed += 1;
          lastMalformed = problem.index;
        },
        { maxBytes: options.maxFileBytes },
      );
      read.push({ file, records: result.records, digest: result.digest });
    } catch (e) {
      // Whatever went wrong, one line naming the file; the other files are still read.
      io.err(`${e instanceof Error && e.name === 'AuditInputError' ? '' : `${file}: `}${oneLine(e)}\n`);
      badFiles += 1;
      if (given) cutShort += 1;
    }
    if (printed > MAX_PROBLEMS_PER_FILE) io.err(`${file}: ${printed - MAX_PROBLEMS_PER_FILE} more problems in malformed records not shown\n`);
  }
  const summary = accumulator.summary();
  io.out(
    renderAuditReport(summary, {
      files: read,
      malformedRecords: malformed,
      cutShortFiles: cutShort,
      expectedEndpointIds: expected,
      expectationSources: options.sources,
      options: classify,
    }),
  );
  if (badFiles) io.err(`${badFiles} input${badFiles === 1 ? '' : 's'} could not be read (see above); the others were audited.\n`);
  if (malformed) io.err(`${malformed} malformed record${malformed === 1 ? '' : 's'} left out (see above); the others were audited.\n`);
  return summary.flaggedCount || badFiles || malformed ? 1 : 0;
}

/**
 * Runs the audit as the process: writes to stdout and stderr, sets the exit status, and turns
 * anything thrown into one line on stderr (exit 1), never a stack trace. `node dist/tools/audit.js`
 * calls it; so can a wrapper such as the benchmark's memory probe (`node -e`).
 */
export function runCli(args: readonly string[]): void {
  // stdout closed early (audit | head) ends the audit quietly.
  process.stdout.on('error', () => process.exit(process.exitCode ?? 1));
  const fatal = (e: unknown) => {
    process.stderr.write(`audit: ${oneLine(e)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  main(args, { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }).then((status) => {
    process.exitCode = status;
  }, fatal);
}

if (require.main === module) runCli(process.argv.slice(2));
