import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { gzipSync } from 'zlib';
import { defaultConfig } from '../../helpers/configs';
import { AUDIT_SOURCES, ensureBuilt, ROOT } from '../../helpers/dist';
import { ProcessRun, runTool } from '../../helpers/processes';
import { synthToTemp } from '../../helpers/pipeline';
import { FIXTURES, GUIDE_KMS, GUIDE_SECRETS_MANAGER, makeRecord } from '../../helpers/cloudtrail-records';

/**
 * End to end: the compiled entries (dist/tools/audit.js, dist/tools/report.js) run as processes.
 * `npm run audit` / `npm run report` as a user runs them (each builds first, seconds) are in
 * test/package/npm-scripts.slow.test.ts, the slow layer.
 */

const SM = 'vpce-1234a5678b9012c';
const KMS = 'vpce-0295a3caf8414c94a';
const KEY_ARN = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ADMIN_KMS = 'vpce-0bbbbbbbbbbbbbbbb';

function node(tool: 'audit' | 'report', args: string[], cwd = ROOT): ProcessRun {
  return runTool(tool, args, { cwd });
}

/** A directory of generated trail files: gzip {"Records"} as S3 holds them, a single record, a digest, and one truncated file. */
function trailDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pls-trail-'));
  const logs = join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'us-west-2', '2024', '05', '01');
  mkdirSync(logs, { recursive: true });
  const records = [
    makeRecord({ service: 'secretsmanager', eventName: 'GetSecretValue', secretId: 'app/db-password', vpcEndpointId: SM }),
    makeRecord({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, vpcEndpointId: KMS }),
    makeRecord({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, invokedBy: 'secretsmanager.amazonaws.com' }),
  ];
  writeFileSync(join(logs, '111122223333_CloudTrail_us-west-2_20240501T1000Z_a.json.gz'), gzipSync(JSON.stringify({ Records: records })));
  copyFileSync(GUIDE_KMS, join(logs, 'single-record.json'));
  const digest = join(dir, 'AWSLogs', '111122223333', 'CloudTrail-Digest', 'us-west-2');
  mkdirSync(digest, { recursive: true });
  writeFileSync(join(digest, 'digest.json.gz'), gzipSync(JSON.stringify({ digestStartTime: '2024-05-01T10:00:00Z', digestS3Object: 'x' })));
  return dir;
}

beforeAll(() => {
  // The same compile `npm run audit` does first, when an entry or a module it runs is older than its source (npm test builds first).
  ensureBuilt([...AUDIT_SOURCES, 'tools/report', 'tools/report/access-report', 'modules/iam/policy-evaluator']);
}, 180000);

describe('npm run audit (dist/tools/audit.js)', () => {
  it('GIVEN the two guide records and both guide endpoints WHEN audited THEN exit 0 and each call is listed under its endpoint, marked expected', () => {
    const run = node('audit', ['--endpoint', SM, '--endpoint', KMS, GUIDE_SECRETS_MANAGER, GUIDE_KMS]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`GetSecretValue  ${SM} (expected)  1`);
    expect(run.stdout).toContain(`GenerateDataKey  ${KMS} (expected)  1`);
    expect(run.stdout).toContain('No flagged calls');
    expect(run.stderr).toBe('');
  });

  it('GIVEN only the Secrets Manager endpoint expected WHEN the guide records are audited THEN exit 1 and the KMS call is flagged with its time, caller and endpoint', () => {
    const run = node('audit', ['--endpoint', SM, FIXTURES]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /FLAGGED 1 call \(1 not through an expected endpoint\):\n {2}2018-01-16T05:46:57Z {2}kms GenerateDataKey .* by arn:aws:iam::111122223333:user\/Alice from 172\.01\.01\.001 {2}through vpce-0295a3caf8414c94a, not an expected endpoint/,
    );
  });

  it('GIVEN no expectation WHEN a trail directory (gzip, single record, digest) is audited THEN every file is read, the digest skipped, and calls with an endpoint pass', () => {
    const run = node('audit', [trailDirectory()]);
    expect(run.stdout).toContain('Read 3 files (1 digest file skipped): 4 records, 4 Secrets Manager / KMS calls, 0 other events.');
    expect(run.stdout).toContain('Decrypt  AWS service secretsmanager.amazonaws.com  1');
    expect(run.code).toBe(0);
  });

  it('GIVEN a call without vpcEndpointId and no expectation WHEN audited THEN exit 1: a call on the public endpoint is flagged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pls-trail-'));
    const file = join(dir, 'public.json');
    writeFileSync(file, JSON.stringify(makeRecord({ service: 'secretsmanager', eventName: 'GetSecretValue', secretId: 'app/db-password' })));
    const run = node('audit', [file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('GetSecretValue  no endpoint (public)  1  FLAGGED');
    expect(run.stdout).toContain('no vpcEndpointId (public endpoint)');
  });

  it('GIVEN a truncated file among good ones WHEN audited THEN the error names it, the other files are still audited, and the exit status is 1', () => {
    const dir = trailDirectory();
    const truncated = join(dir, 'truncated.json.gz');
    writeFileSync(truncated, gzipSync(JSON.stringify({ Records: [makeRecord({ service: 'kms', eventName: 'Decrypt', vpcEndpointId: KMS })] })).subarray(0, 30));
    const run = node('audit', ['--endpoint', SM, '--endpoint', KMS, dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${truncated}: cannot gunzip (truncated or corrupt gzip file)`);
    expect(run.stderr).toContain('1 input could not be read (see above); the others were audited.');
    expect(run.stdout).toContain('Read 3 files (1 digest file skipped): 4 records');
    expect(run.stdout).toContain('No flagged calls');
  });

  it('GIVEN a trail with calls services made for callers and the admin endpoints WHEN audited THEN management outside the admin VPC and key usage via S3 are flagged with their reasons, the rest passes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pls-trail-'));
    const CFN = 'cloudformation.amazonaws.com';
    const records = [
      makeRecord({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, invokedBy: 'secretsmanager.amazonaws.com' }),
      makeRecord({ service: 'kms', eventName: 'PutKeyPolicy', keyArn: KEY_ARN, invokedBy: CFN, vpcEndpointId: ADMIN_KMS }),
      makeRecord({ service: 'kms', eventName: 'PutKeyPolicy', keyArn: KEY_ARN, invokedBy: CFN }),
      makeRecord({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, invokedBy: 's3.amazonaws.com' }),
    ];
    writeFileSync(join(dir, 'trail.json'), JSON.stringify({ Records: records }));
    const run = node('audit', ['--endpoint', SM, '--endpoint', KMS, '--admin-endpoint', ADMIN_KMS, dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`Admin endpoints: ${ADMIN_KMS}: management by an AWS service for a caller is expected only through these.`);
    expect(run.stdout).toContain(
      'FLAGGED 2 calls (1 key or secret management by another AWS service for the caller, outside the admin VPC; 1 key usage via an AWS service other than Secrets Manager):',
    );
    expect(run.stdout).toContain('management by cloudformation.amazonaws.com for the caller, outside the admin VPC');
    expect(run.stdout).toContain('key usage via s3.amazonaws.com for the caller');
    expect(run.stdout).toMatch(/PutKeyPolicy +AWS service cloudformation\.amazonaws\.com +1 {2}FLAGGED\n/);
    expect(run.stdout).toMatch(/PutKeyPolicy +AWS service cloudformation\.amazonaws\.com through vpce-0bbbbbbbbbbbbbbbb +1\n/);
    expect(run.stdout).toMatch(/Decrypt +AWS service secretsmanager\.amazonaws\.com +1\n/);
  });

  it('GIVEN the usage WHEN asked THEN it names the admin endpoint options and what is flagged', () => {
    const run = node('audit', ['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--admin-endpoint vpce-');
    expect(run.stdout).toContain('--admin-outputs FILE');
    expect(run.stdout).toContain('key usage (Decrypt, Encrypt, GenerateDataKey*, ReEncrypt*) via any AWS service but Secrets Manager');
  });

  it.each([
    [[], /audit: no CloudTrail files given/],
    [['--endpoint', 'vpc-0a1b2c3d', GUIDE_KMS], /--endpoint: found "vpc-0a1b2c3d"; expected a vpce- id/],
    [['--endpoint'], /--endpoint needs a value/],
    [['--admin-endpoint', 'vpc-0a1b2c3d', GUIDE_KMS], /--admin-endpoint: found "vpc-0a1b2c3d"; expected a vpce- id/],
    [['--since', '1d', GUIDE_KMS], /unknown option --since/],
    [['--outputs', '/nonexistent/outputs.json', GUIDE_KMS], /--outputs \/nonexistent\/outputs\.json: cannot read \(ENOENT\)/],
  ])('GIVEN the arguments %j WHEN run THEN exit 2 with the problem and the usage', (args, message) => {
    const run = node('audit', args as string[]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('Usage: npm run audit --');
  });

  it('GIVEN terraform output -json of the app stack WHEN passed with --outputs THEN its endpoint ids are the expectation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pls-outputs-'));
    const file = join(dir, 'app-vpc.outputs.json');
    writeFileSync(
      file,
      JSON.stringify({
        secretsmanager_endpoint_id: { sensitive: false, type: 'string', value: SM },
        kms_endpoint_id: { sensitive: false, type: 'string', value: KMS },
        vpc_id: { sensitive: false, type: 'string', value: 'vpc-0a1b2c3d' },
      }),
    );
    const run = node('audit', ['--outputs', file, FIXTURES]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Expected endpoints: ${KMS}, ${SM} (from ${file}).`);
  });

  it('GIVEN cdktf.out and the stacks’ local state WHEN passed with --synth THEN the endpoint ids come from the state outputs; without state it is a usage error', () => {
    const { project, outdir } = synthToTemp(defaultConfig());
    const noState = node('audit', ['--synth', outdir, GUIDE_KMS]);
    expect(noState.code).toBe(2);
    expect(noState.stderr).toMatch(/--synth .*: stack admin-vpc has no Terraform state at .*terraform\.admin-vpc\.tfstate \(not deployed\?\)/);
    // The local backend puts state next to package.json of the project: ../../../terraform.<stack>.tfstate.
    const state = (ids: string[]) =>
      JSON.stringify({ version: 4, outputs: Object.fromEntries(ids.map((id, i) => [`e${i}_endpoint_id`, { value: id, type: 'string' }])) });
    writeFileSync(join(project, 'terraform.app-vpc.tfstate'), state([SM, KMS]));
    writeFileSync(join(project, 'terraform.admin-vpc.tfstate'), state(['vpce-0aaaaaaaaaaaaaaaa', 'vpce-0bbbbbbbbbbbbbbbb', KEY_ARN]));
    const run = node('audit', ['--synth', outdir, FIXTURES]);
    expect(run.stdout).toContain(`Expected endpoints: ${KMS}, vpce-0aaaaaaaaaaaaaaaa, vpce-0bbbbbbbbbbbbbbbb, ${SM} (from ${outdir}).`);
    expect(run.stdout).toContain(
      'Admin endpoints: vpce-0aaaaaaaaaaaaaaaa, vpce-0bbbbbbbbbbbbbbbb: management by an AWS service for a caller is expected only through these.',
    );
    expect(run.stdout).toContain('Watched keys and secrets: 1 key, 0 secrets: calls by AWS services are checked on these only.');
    expect(run.code).toBe(0);
    // CloudTrail encrypting its log files with the audit key (not watched) passes; S3 using the watched key does not.
    const trail = join(project, 'trail.json');
    const auditKey = KEY_ARN.replace('1234abcd', '0000aaaa');
    writeFileSync(
      trail,
      JSON.stringify({
        Records: [
          makeRecord({ service: 'kms', eventName: 'GenerateDataKey', keyArn: auditKey, invokedBy: 'cloudtrail.amazonaws.com', identityType: 'AWSService' }),
          makeRecord({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, invokedBy: 's3.amazonaws.com' }),
        ],
      }),
    );
    const services = node('audit', ['--synth', outdir, trail]);
    expect(services.code).toBe(1);
    expect(services.stdout).toContain('FLAGGED 1 call (1 key usage via an AWS service other than Secrets Manager):');
  });
});

describe('npm run report (dist/tools/report.js)', () => {
  it('GIVEN cdktf.out of the default config WHEN reported THEN exit 0 and access-report.md holds the matrix and the diagram', () => {
    const { project, outdir } = synthToTemp(defaultConfig());
    const run = node('report', ['--synth', outdir], project);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Wrote access-report.md: 1 environment ((default)) from ${outdir}\n`);
    const markdown = readFileSync(join(project, 'access-report.md'), 'utf8');
    expect(markdown).toContain('| secretsmanager:GetSecretValue | secret app/db-password | Allow | Deny');
    expect(markdown).toContain('```mermaid\nflowchart LR');
  });

  it('GIVEN no synth output WHEN reported THEN exit 1 saying to run npm run synth; a stray argument is exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pls-nosynth-'));
    const missing = node('report', ['--synth', join(dir, 'cdktf.out')], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/manifest\.json: found no file; expected the output of "npm run synth"/);
    expect(existsSync(join(dir, 'access-report.md'))).toBe(false);
    const stray = node('report', ['cdktf.out'], dir);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('unexpected argument cdktf.out');
  });
});
