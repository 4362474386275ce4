import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join, resolve } from 'path';
import {
  AUDIT_ENDPOINT_ID,
  AuditInputError,
  CloudTrailRecord,
  endpointIdsFromTerraformOutputs,
  endpointIdsFromTerraformState,
  parseCloudTrailFile,
  renderAuditReport,
  summarizeRecords,
} from '../modules/cloudtrail-audit';

/**
 * `npm run audit -- [options] <file or directory>...`: which Secrets Manager / KMS calls in
 * CloudTrail log files came through which endpoint. Exit 0: nothing flagged; 1: a call did not come
 * through an expected endpoint, or a file could not be read; 2: usage error.
 */

const USAGE = `Usage: npm run audit -- [options] <CloudTrail file or directory>...

Reads CloudTrail log files ({"Records": [...]}, a single record or an array; plain or gzip, as
delivered to S3: a directory is searched for *.json and *.json.gz) and prints, per secret and key,
which Secrets Manager / KMS calls came through which VPC endpoint (vpcEndpointId).

Options:
  --endpoint vpce-...    an expected endpoint id (repeatable)
  --outputs FILE         'terraform output -json' of a stack: its vpce- ids are expected (repeatable)
  --synth DIR            a cdktf.out directory: the endpoint ids in its stacks' local Terraform state
  -h, --help             this text

Flags every call not through an expected endpoint; with no expectation, every call without a
vpcEndpointId. Calls AWS services make on a caller's behalf (userIdentity.invokedBy) are not flagged.
Exit status: 0 nothing flagged; 1 flagged calls or unreadable files; 2 usage error.
`;

class UsageError extends Error {}

/** Where the entry writes. */
export interface AuditIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

interface Options {
  readonly inputs: string[];
  readonly endpoints: Map<string, string>;
  readonly sources: string[];
}

function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${what} ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} ${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** Endpoint ids from the local Terraform state of every stack in a cdktf.out directory. */
function endpointIdsFromSynth(dir: string): string[] {
  const manifest = readJsonFile(join(dir, 'manifest.json'), '--synth') as {
    stacks?: Record<string, { workingDirectory?: string; synthesizedStackPath?: string }>;
  };
  const ids: string[] = [];
  for (const [name, stack] of Object.entries(manifest.stacks ?? {})) {
    const json = readJsonFile(join(dir, stack.synthesizedStackPath ?? join('stacks', name, 'cdk.tf.json')), '--synth') as {
      terraform?: { backend?: { local?: { path?: string } } };
    };
    const local = json.terraform?.backend?.local;
    if (!local) {
      throw new UsageError(
        `--synth ${dir}: stack ${name} does not use a local backend; run 'terraform output -json' in cdktf.out/stacks/${name} and pass it with --outputs`,
      );
    }
    const statePath = resolve(dir, stack.workingDirectory ?? join('stacks', name), local.path ?? 'terraform.tfstate');
    if (!existsSync(statePath)) {
      throw new UsageError(`--synth ${dir}: stack ${name} has no Terraform state at ${statePath} (not deployed?); deploy it or pass --endpoint / --outputs`);
    }
    ids.push(...endpointIdsFromTerraformState(readJsonFile(statePath, `--synth state of ${name}`)));
  }
  if (ids.length === 0) throw new UsageError(`--synth ${dir}: found no vpce- ids in the stacks' state outputs`);
  return ids;
}

function parseArgs(args: readonly string[]): Options | 'help' {
  const options: Options = { inputs: [], endpoints: new Map(), sources: [] };
  const value = (i: number, flag: string): string => {
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--endpoint') {
      const id = value(i, arg);
      if (!AUDIT_ENDPOINT_ID.test(id))
        throw new UsageError(`--endpoint: found ${JSON.stringify(id)}; expected a vpce- id ("vpce-" and 8 to 17 lower-case hex digits)`);
      options.endpoints.set(id, '--endpoint');
      if (!options.sources.includes('--endpoint')) options.sources.push('--endpoint');
      i += 1;
    } else if (arg === '--outputs') {
      const file = value(i, arg);
      const ids = endpointIdsFromTerraformOutputs(readJsonFile(file, '--outputs'));
      if (ids.length === 0)
        throw new UsageError(`--outputs ${file}: found no vpce- ids; expected 'terraform output -json' of a stack (with *_endpoint_id outputs)`);
      ids.forEach((id) => options.endpoints.set(id, file));
      options.sources.push(file);
      i += 1;
    } else if (arg === '--synth') {
      const dir = value(i, arg);
      endpointIdsFromSynth(dir).forEach((id) => options.endpoints.set(id, dir));
      options.sources.push(dir);
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

/** Files to read: each file as given; each directory's *.json and *.json.gz, recursively, sorted. */
function expandInputs(inputs: readonly string[], io: AuditIo): { files: string[]; missing: number } {
  const files: string[] = [];
  let missing = 0;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.json(\.gz)?$/.test(entry)) files.push(path);
    }
  };
  for (const input of inputs) {
    if (!existsSync(input)) {
      io.err(`${input}: no such file or directory\n`);
      missing += 1;
    } else if (statSync(input).isDirectory()) {
      const before = files.length;
      walk(input);
      if (files.length === before) {
        io.err(`${input}: directory holds no *.json or *.json.gz file\n`);
        missing += 1;
      }
    } else {
      files.push(input);
    }
  }
  return { files, missing };
}

/** Runs the audit; returns the exit status. */
export function main(args: readonly string[], io: AuditIo): number {
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
  const { files, missing } = expandInputs(options.inputs, io);
  const records: CloudTrailRecord[] = [];
  const read: { file: string; records: number; digest?: boolean }[] = [];
  let bad = missing;
  for (const file of files) {
    try {
      const parsed = parseCloudTrailFile(file, readFileSync(file));
      records.push(...parsed.records);
      read.push({ file, records: parsed.records.length, digest: parsed.digest });
    } catch (e) {
      if (!(e instanceof AuditInputError)) throw e;
      io.err(`${e.message}\n`);
      bad += 1;
    }
  }
  const expected = new Set(options.endpoints.keys());
  const summary = summarizeRecords(records, expected);
  io.out(renderAuditReport(summary, { files: read, expectedEndpointIds: expected, expectationSources: options.sources }));
  if (bad) io.err(`${bad} input${bad === 1 ? '' : 's'} could not be read (see above); the others were audited.\n`);
  return summary.flagged.length || bad ? 1 : 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
}
