import { execFile } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { initValidatePlan, toolchainOrReportSkip } from '../helpers/terraform';

/**
 * The package as another cdktf app gets it: `npm pack` (which builds lib/ in `prepack`), the tarball
 * installed with its peers into a scratch app in the system temp directory (outside the repository),
 * a TypeScript app compiled against the shipped declarations that imports only the public entry
 * points, synthesized, and `terraform validate` run on the result. Needs the npm registry or cache
 * (`npm ci` fills it); the Terraform step follows REQUIRE_TERRAFORM like the other slow tests.
 */

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const NAME = 'cdktf-privatelink-secrets';
const ENTRY_POINTS = ['index', 'policy', 'guardrails', 'audit'];
const PEERS = ['cdktf', 'constructs', '@cdktf/provider-aws'];
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * The version the repository pins for `name` (devDependencies, resolved by the lock), as the consumer
 * asks for it: `cdktf@npm:cdktn@0.24.0` when the repository installs an alias there (the cdktn lane).
 */
function lockedSpec(name: string): string {
  const locked = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages[`node_modules/${name}`] as { name?: string; version: string };
  return locked.name && locked.name !== name ? `npm:${locked.name}@${locked.version}` : locked.version;
}

/** The repository's npm overrides (the cdktn lane's makes every package asking for cdktf get the alias), for the consumer too. */
function rootOverrides(): Record<string, unknown> | undefined {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { overrides?: Record<string, unknown> }).overrides;
}

async function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string; seconds: number }> {
  const started = Date.now();
  const { stdout, stderr } = await run(cmd, args, {
    cwd,
    env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { stdout, stderr, seconds: (Date.now() - started) / 1000 };
}

/** Every package directory under `dir`/node_modules, nested ones included, as paths relative to `dir`. */
function installedPackages(dir: string, prefix = ''): string[] {
  const modules = join(dir, 'node_modules');
  if (!existsSync(modules)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((n) => `${entry}/${n}`) : [entry];
    for (const name of names) {
      found.push(`${prefix}node_modules/${name}`);
      found.push(...installedPackages(join(modules, name), `${prefix}node_modules/${name}/`));
    }
  }
  return found;
}

/** The consumer app: only the package's public entry points, the consumer's own cdktf and provider. */
const CONSUMER_APP = `
import { App, Aspects, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { CustomerManagedKey, IKmsKeyReference, PrivateVpc, ProtectedSecret, ServiceEndpoints } from '${NAME}';
import { AccessModel, accountOnlyEndpointPolicy, keyPolicy, PolicyDocument, PolicyStatement, secretPolicy } from '${NAME}/policy';
import { GUARDRAIL_PACKS, Guardrails } from '${NAME}/guardrails';
import { CloudTrailStreamReader } from '${NAME}/audit';

declare const process: { env: Record<string, string | undefined> };

const region = 'eu-central-1';
const scope = { partition: 'aws', region, accountId: '111122223333' };
const app = new App();
const stack = new TerraformStack(app, 'consumer');
new AwsProvider(stack, 'aws', { region });
Aspects.of(stack).add(new Guardrails());

const appVpc = new PrivateVpc(stack, 'app-vpc', { cidrBlock: '10.30.0.0/16', availabilityZones: ['eu-central-1a', 'eu-central-1b'], region });
const adminVpc = new PrivateVpc(stack, 'admin-vpc', { cidrBlock: '10.31.0.0/16', availabilityZones: ['eu-central-1a', 'eu-central-1b'], region });
const endpoints = new ServiceEndpoints(stack, 'endpoints', {
  vpc: appVpc,
  region,
  secretsManagerPolicy: accountOnlyEndpointPolicy('secretsmanager', scope),
  kmsPolicy: accountOnlyEndpointPolicy('kms', scope),
});
endpoints.kms.addToPolicy(
  new PolicyStatement({
    sid: 'DenyKeyDeletion',
    effect: 'Deny',
    principal: '*',
    actions: ['kms:ScheduleKeyDeletion'],
    conditions: { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/break-glass' } },
  }),
);
const model: AccessModel = {
  ...scope,
  adminVpcId: adminVpc.vpcId,
  appSecretsManagerEndpointIds: [endpoints.secretsManager.endpointId],
  appKmsEndpointIds: [endpoints.kms.endpointId],
  managementExemptPrincipalArns: ['arn:aws:iam::111122223333:role/break-glass'],
};
const key = new CustomerManagedKey(stack, 'key', { alias: 'alias/consumer-data', policy: keyPolicy(model) });
const secret = new ProtectedSecret(stack, 'secret', { name: 'consumer/db-password', kmsKey: key, region, policy: secretPolicy(model) });
const shared: IKmsKeyReference = CustomerManagedKey.fromKeyArn(stack, 'shared-key', 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
const reader = new IamRole(stack, 'reader', {
  name: 'consumer-reader',
  assumeRolePolicy: new PolicyDocument({
    kind: 'trust',
    statements: [new PolicyStatement({ sid: 'Ec2Assumes', principal: { Service: ['ec2.amazonaws.com'] }, actions: ['sts:AssumeRole'] })],
  }).terraformJson(),
});
const readerPolicy: PolicyDocument<'identity'> = new PolicyDocument({ kind: 'identity', statements: [...secret.grantRead(), ...shared.grantDecrypt()] });
new IamRolePolicy(stack, 'reader-policy', { role: reader.name, policy: readerPolicy.lazyJson() });
// The consumer's own database group: tcp/5432 and its own egress, no endpoint uses it, so only the general rules apply.
const database = new SecurityGroup(stack, 'database', {
  vpcId: appVpc.vpcId,
  description: 'PostgreSQL from the app VPC',
  ingress: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432, cidrBlocks: ['10.30.0.0/16'], description: 'PostgreSQL from the app VPC' }],
  egress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['10.30.0.0/16'], description: 'HTTPS to the endpoints' }],
});
if (process.env.MARK_DATABASE_GROUP === '1') Guardrails.markEndpointSecurityGroup(database);
if (GUARDRAIL_PACKS.map((p) => p.name).join() !== 'ec2,kms,secretsmanager,iam,terraform') throw new Error('guardrails entry point without GUARDRAIL_PACKS');
if (process.env.RAW_KEY_WITHOUT_ROTATION === '1') {
  new KmsKey(stack, 'raw-key', { description: 'raw', deletionWindowInDays: 30, enableKeyRotation: false });
}
if (typeof CloudTrailStreamReader !== 'function') throw new Error('audit entry point without CloudTrailStreamReader');
app.synth();
`;

describe(`${NAME} packed, installed into a scratch cdktf app`, () => {
  const work = mkdtempSync(join(tmpdir(), 'pls-package-'));
  const scratch = join(work, 'app');
  let tarball = '';
  let files: string[] = [];
  const seconds: Record<string, number> = {};

  afterAll(() => {
    console.log(`package install timings (s): ${JSON.stringify(seconds)}`);
    rmSync(work, { recursive: true, force: true });
  });

  it('GIVEN npm pack WHEN the tarball is listed THEN it holds the built library, its declarations, README and CHANGELOG, and no tests, tools or app', async () => {
    const pack = await sh('npm', ['pack', '--pack-destination', work], ROOT);
    seconds.pack = pack.seconds;
    const tarballs = readdirSync(work).filter((f) => f.endsWith('.tgz'));
    expect(tarballs).toHaveLength(1);
    tarball = join(work, tarballs[0]);
    files = (await sh('tar', ['-tzf', tarball], work)).stdout
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));

    const unexpected = files.filter((f) => !/^(lib\/.+\.(js|d\.ts)|package\.json|README\.md|CHANGELOG\.md|LICENSE)$/.test(f));
    expect(unexpected).toEqual([]);
    expect(files.filter((f) => /(^|\/)(test|tools|stacks)\/|\.test\.|\.tsbuildinfo|\.ts$(?<!\.d\.ts)/.test(f))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'CHANGELOG.md']));
    expect(files).toContain('LICENSE');
    for (const entry of ENTRY_POINTS) expect(files).toEqual(expect.arrayContaining([`lib/public/${entry}.js`, `lib/public/${entry}.d.ts`]));
    const withoutDeclaration = files.filter((f) => f.endsWith('.js') && !files.includes(f.replace(/\.js$/, '.d.ts')));
    expect(withoutDeclaration).toEqual([]);

    const manifest = JSON.parse((await sh('tar', ['-xzOf', tarball, 'package/package.json'], work)).stdout);
    expect(manifest.private).toBeUndefined();
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual([...PEERS].sort());
    expect(Object.keys(manifest.dependencies ?? {}).filter((d) => PEERS.includes(d))).toEqual([]);
    const targets = Object.values<any>(manifest.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values<string>(t)));
    expect(targets.map((t) => t.replace(/^\.\//, '')).filter((t) => !files.includes(t))).toEqual([]);
    console.log(`tarball: ${tarballs[0]}, ${files.length} files`);
  }, 180000);

  it('GIVEN the tarball and its peers WHEN installed into the scratch app THEN npm ls is clean and cdktf, constructs and the provider are installed once', async () => {
    expect(tarball).not.toBe('');
    mkdirSync(scratch);
    // The consumer's own peers at the repository's versions (cdktn under the name cdktf in the cdktn lane).
    const dependencies = Object.fromEntries([[NAME, `file:${tarball}`], ...PEERS.map((peer) => [peer, lockedSpec(peer)])]);
    writeFileSync(
      join(scratch, 'package.json'),
      JSON.stringify({ name: 'scratch-consumer', version: '1.0.0', private: true, dependencies, overrides: rootOverrides() }, null, 2),
    );
    const install = await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], scratch);
    seconds.install = install.seconds;

    await sh('npm', ['ls', '--all'], scratch); // exits non-zero on a missing, invalid or unmet peer
    const copies = installedPackages(scratch).filter((p) => PEERS.some((peer) => p === `node_modules/${peer}` || p.endsWith(`/node_modules/${peer}`)));
    expect(copies.sort()).toEqual(PEERS.map((p) => `node_modules/${p}`).sort());
    expect(installedPackages(scratch)).toContain(`node_modules/${NAME}`);
    // The runtime the consumer got is the repository's (cdktn in the cdktn lane).
    const runtime = (name: string): string => JSON.parse(readFileSync(join(name, 'node_modules', 'cdktf', 'package.json'), 'utf8')).name;
    expect(runtime(scratch)).toBe(runtime(ROOT));
  }, 180000);

  it('GIVEN a TypeScript app importing only the public entry points WHEN compiled, synthesized and validated THEN Terraform accepts it and the Guardrails aspect runs', async () => {
    expect(existsSync(join(scratch, 'node_modules', NAME))).toBe(true);
    writeFileSync(join(scratch, 'main.ts'), CONSUMER_APP);
    // cdktf's TypeScript template: CommonJS (node10 resolution, subpaths through typesVersions), strict, skipLibCheck.
    const options = { target: 'ES2022', module: 'CommonJS', strict: true, skipLibCheck: true, types: [] };
    writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: ['main.ts'] }));
    writeFileSync(
      join(scratch, 'tsconfig.node16.json'),
      JSON.stringify({ compilerOptions: { ...options, module: 'Node16', moduleResolution: 'Node16', noEmit: true }, files: ['main.ts'] }),
    );
    const compile = await sh(process.execPath, [TSC, '-p', 'tsconfig.json'], scratch);
    seconds.tsc = compile.seconds;
    await sh(process.execPath, [TSC, '-p', 'tsconfig.node16.json'], scratch); // the exports map's "types" conditions

    // The app and tools are not importable: only the entry points of the exports map are.
    const probe = `let resolved = 'resolved';
      try { require.resolve('${NAME}/lib/access-report'); } catch (e) { resolved = e.code; }
      const leaked = ['buildAccessReport', 'decideAccess', 'readSynthesizedStacks'].filter((k) => k in require('${NAME}'));
      console.log(JSON.stringify({ resolved, leaked }));`;
    expect(JSON.parse((await sh(process.execPath, ['-e', probe], scratch)).stdout)).toEqual({ resolved: 'ERR_PACKAGE_PATH_NOT_EXPORTED', leaked: [] });

    const outdir = join(scratch, 'cdktf.out');
    const synth = await sh(process.execPath, ['main.js'], scratch, { CDKTF_OUTDIR: outdir });
    seconds.synth = synth.seconds;
    const stackDir = join(outdir, 'stacks', 'consumer');
    const json = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
    expect(
      Object.values<any>(json.resource.aws_vpc_endpoint)
        .map((e) => e.service_name)
        .sort(),
    ).toEqual(['com.amazonaws.eu-central-1.kms', 'com.amazonaws.eu-central-1.secretsmanager']);
    expect(Object.keys(json.resource.aws_kms_key)).toHaveLength(1);
    expect(Object.keys(json.resource.aws_secretsmanager_secret_policy)).toHaveLength(1);
    expect(Object.values<any>(json.resource.aws_iam_role_policy).map((p) => JSON.parse(p.policy).Statement.length)).toEqual([3]);

    // Negative control: the aspect from the package sees resources of the consumer's cdktf and fails the synth.
    const failing = await sh(process.execPath, ['main.js'], scratch, { CDKTF_OUTDIR: join(scratch, 'failing.out'), RAW_KEY_WITHOUT_ROTATION: '1' }).then(
      () => 'synthesized',
      (e: { stderr: string }) => e.stderr,
    );
    expect(failing).toMatch(/PLS_KMS_ROTATION_OFF/);
    expect(Object.keys(json.resource.aws_security_group)).toEqual(expect.arrayContaining(['database']));
    // The database group passes as it is; marked as an endpoint group, the endpoint rules run on it.
    const marked = await sh(process.execPath, ['main.js'], scratch, { CDKTF_OUTDIR: join(scratch, 'marked.out'), MARK_DATABASE_GROUP: '1' }).then(
      () => 'synthesized',
      (e: { stderr: string }) => e.stderr,
    );
    expect(marked).toMatch(/\[consumer\/database\] \[PLS_INGRESS_PORT\]/);
    expect(marked).toMatch(/\[consumer\/database\] \[PLS_SG_INLINE_EGRESS\]/);

    const toolchain = await toolchainOrReportSkip('package install: terraform validate of the consumer app');
    if (!toolchain) return;
    const steps = await initValidatePlan(toolchain, stackDir, { plan: false });
    for (const step of steps) seconds[`terraform ${step.command}`] = step.seconds;
    expect(steps.map((s) => [s.command, s.ok, s.ok ? '' : s.output])).toEqual([
      ['init', true, ''],
      ['validate', true, ''],
    ]);
  }, 300000);
});
