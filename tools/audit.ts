import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join, resolve } from 'path';
import {
  AUDIT_ENDPOINT_ID,
  AuditInputError,
  ClassifyOptions,
  CloudTrailRecord,
  endpointIdsFromTerraformOutputs,
  endpointIdsFromTerraformState,
  parseCloudTrailFile,
  renderAuditReport,
  summarizeRecords,
  watchedFromTerraformOutputs,
} from '../modules/cloudtrail-audit';

/**
 * `npm run audit -- [options] <file or directory>...`: which Secrets Manager / KMS calls in
 * CloudTrail log files came through which endpoint, and which the access model denies. Exit 0:
 * nothing flagged; 1: a call was flagged, or a file could not be read; 2: usage error.
 */

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
  -h, --help                 this text

Flags:
  - a direct call not through an expected endpoint (with no expectation, without a vpcEndpointId);
  - key or secret management by an AWS service for the caller (userIdentity.invokedBy, such as
    cloudformation.amazonaws.com) not through an admin endpoint;
  - key usage (Decrypt, Encrypt, GenerateDataKey*, ReEncrypt*) via any AWS service but Secrets Manager.
Key usage by Secrets Manager for the caller, other calls by AWS services and AWS service events are
not flagged. With watched keys or secrets (--outputs, --synth), calls by AWS services are checked on
those only.
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

/** Endpoint ids, admin endpoint ids and watched keys and secrets from the local Terraform state of every stack in a cdktf.out directory. */
function fromSynth(dir: string): FromOutputs & { adminEndpointIds: string[] } {
  const manifest = readJsonFile(join(dir, 'manifest.json'), '--synth') as {
    stacks?: Record<string, { workingDirectory?: string; synthesizedStackPath?: string }>;
  };
  const found = { endpointIds: [] as string[], adminEndpointIds: [] as string[], keyArns: [] as string[], secretNames: [] as string[] };
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
    const state = readJsonFile(statePath, `--synth state of ${name}`) as { outputs?: unknown };
    const outputs = fromOutputs(isStateObject(state) ? state.outputs : undefined);
    found.endpointIds.push(...endpointIdsFromTerraformState(state));
    // Stack names: admin-vpc, or <environment>-admin-vpc (stacks/environment-stack.ts).
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

function parseArgs(args: readonly string[]): Options | 'help' {
  const options: Options = { inputs: [], endpoints: new Map(), adminEndpoints: new Set(), keyArns: new Set(), secretNames: new Set(), sources: [] };
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
  const classify: ClassifyOptions = {
    adminEndpointIds: options.adminEndpoints,
    watched: { keyArns: options.keyArns, secretNames: options.secretNames },
  };
  const summary = summarizeRecords(records, expected, classify);
  io.out(renderAuditReport(summary, { files: read, expectedEndpointIds: expected, expectationSources: options.sources, options: classify }));
  if (bad) io.err(`${bad} input${bad === 1 ? '' : 's'} could not be read (see above); the others were audited.\n`);
  return summary.flagged.length || bad ? 1 : 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
}
