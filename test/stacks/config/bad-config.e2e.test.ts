import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'fs';
import { availableParallelism, tmpdir } from 'os';
import { join } from 'path';
import { defaultConfigJson } from '../../helpers/configs';
import { ensureBuilt, ROOT, sourceFiles } from '../../helpers/dist';
import { fileHashes } from '../../helpers/pipeline';
import { ProcessRun, synthInProcess, synthProcess } from '../../helpers/processes';
import { inParallel } from '../../helpers/terraform';

/**
 * Every guardrail (docs/guardrails.md) a config file can reach, end to end: a bad config is written to a
 * temporary directory that already holds an earlier synth, the app entry runs on it, and the test
 * checks exit code 1, the exact JSON path with the value found and what is expected, and that the
 * earlier cdktf.out is byte-for-byte untouched. Every fourth case (and the several-mistakes file)
 * runs through the real binary (`node dist/app/launch.js`, exit code and streams of a process);
 * the others run the same entry function (`runSynth`, what main.js calls) in-process, which
 * spares ~0.4 s of process start-up per case.
 */

/** Builds dist (`npm run build`: the compile and the app bundle) when a compiled file is missing or older than its source (`npm test` builds first, so usually nothing to do). */
function ensureFreshBuild(): void {
  ensureBuilt([...sourceFiles('stacks'), ...sourceFiles('modules')]);
}

/** A digest of every file of a tree (relative path and content). */
function hashTree(dir: string): string {
  return JSON.stringify(fileHashes(dir));
}

function runInProcess(cwd: string, configFile: string): Promise<ProcessRun> {
  return synthInProcess({ STACKS_CONFIG: configFile, CDKTF_OUTDIR: join(cwd, 'cdktf.out') }, cwd);
}

function runEntry(cwd: string, configFile: string): Promise<ProcessRun> {
  return synthProcess(cwd, { STACKS_CONFIG: configFile, CDKTF_OUTDIR: join(cwd, 'cdktf.out'), SYNTH_HCL_OUTPUT: '' });
}

type Config = any;
type Env = any;

/** The default config with its admin VPC replaced by an existing one (to reach the subnet and id guardrails). */
function existingAdminVpc(): Config {
  const config = defaultConfigJson();
  config.environments[0].adminVpc = {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    subnets: [
      { subnetId: 'subnet-0a1b2c3d4e5f60718', availabilityZone: 'us-west-2a' },
      { subnetId: 'subnet-1b2c3d4e', availabilityZone: 'us-west-2b' },
    ],
    allowedCidrs: ['10.10.0.0/16'],
    principalArns: ['arn:aws:iam::111122223333:role/secret-admin'],
  };
  return config;
}

/** Two environments: the default one, and a copy in us-east-1 (same account). */
function twoEnvironments(): Config {
  const config = defaultConfigJson();
  const second = JSON.parse(JSON.stringify(config.environments[0]).replace(/us-west-2/g, 'us-east-1'));
  second.secrets = [{ name: 'east/api-key' }];
  config.environments.push(second);
  return config;
}

interface BadConfigCase {
  /** What is wrong. */
  readonly title: string;
  /** The config file's text, or undefined for "no file". */
  readonly text: string | undefined;
  /** `<path>: found <value>` as the message must show it. */
  readonly pathAndFound: string;
  /** What the message must say is expected. */
  readonly expected: string;
}

function bad(title: string, base: () => Config, edit: (config: Config, env: Env) => void, pathAndFound: string, expected: string): BadConfigCase {
  const config = base();
  edit(config, config.environments[0]);
  return { title, text: JSON.stringify(config, null, 2), pathAndFound, expected };
}

const dflt = defaultConfigJson;
/** A valid rotation of the default environment's account and region. */
const ROTATION = { lambdaArn: 'arn:aws:lambda:us-west-2:111122223333:function:rotate-db', roleArn: 'arn:aws:iam::111122223333:role/db-rotation' };
const E = 'environments[0]';

const CASES: BadConfigCase[] = [
  bad('malformed region', dflt, (_, e) => (e.region = 'us-west-99'), `${E}.region: found "us-west-99"`, 'expected an AWS region that exists'),
  bad(
    'malformed account id (11 digits)',
    dflt,
    (_, e) => (e.accountId = '11112222333'),
    `${E}.accountId: found "11112222333"`,
    'expected a 12-digit AWS account id',
  ),
  bad('region of the wrong type', dflt, (_, e) => (e.region = 5), `${E}.region: found 5`, 'expected a string'),
  bad('required field missing', dflt, (_, e) => delete e.accountId, `${E}.accountId: found nothing`, 'expected a string (required field)'),
  bad(
    'vpc- id with 9 hex digits',
    existingAdminVpc,
    (_, e) => (e.adminVpc.vpcId = 'vpc-0a1b2c3d4'),
    `${E}.adminVpc.vpcId: found "vpc-0a1b2c3d4"`,
    'expected a vpc- id',
  ),
  bad(
    'vpc- id with upper-case hex',
    existingAdminVpc,
    (_, e) => (e.adminVpc.vpcId = 'vpc-0A1B2C3D4E5F60718'),
    `${E}.adminVpc.vpcId: found "vpc-0A1B2C3D4E5F60718"`,
    '8 or 17 lower-case hex digits',
  ),
  bad(
    'subnet- id with 16 hex digits',
    existingAdminVpc,
    (_, e) => (e.adminVpc.subnets[1].subnetId = 'subnet-0123456789abcdef'),
    `${E}.adminVpc.subnets[1].subnetId: found "subnet-0123456789abcdef"`,
    'expected a subnet- id',
  ),
  bad(
    'malformed sg- id',
    existingAdminVpc,
    (_, e) => (e.adminVpc.sourceSecurityGroupIds = ['sg-12345']),
    `${E}.adminVpc.sourceSecurityGroupIds[0]: found "sg-12345"`,
    'expected a sg- id',
  ),
  bad(
    'malformed pl- id',
    existingAdminVpc,
    (_, e) => (e.adminVpc.prefixListIds = ['pl-0a1b2c3d4e5f6071']),
    `${E}.adminVpc.prefixListIds[0]: found "pl-0a1b2c3d4e5f6071"`,
    'expected a pl- id',
  ),
  bad(
    'a vpc id where a subnet id belongs',
    existingAdminVpc,
    (_, e) => (e.adminVpc.subnets[0].subnetId = 'vpc-0a1b2c3d4e5f60719'),
    `${E}.adminVpc.subnets[0].subnetId: found "vpc-0a1b2c3d4e5f60719"`,
    'this is a vpc- id',
  ),
  bad(
    'a subnet id where a vpc id belongs',
    existingAdminVpc,
    (_, e) => (e.adminVpc.vpcId = 'subnet-0a1b2c3d'),
    `${E}.adminVpc.vpcId: found "subnet-0a1b2c3d"`,
    'this is a subnet- id',
  ),
  bad(
    'ARN partition not matching the region (arn:aws: in cn-north-1)',
    dflt,
    (_, e) => {
      e.region = 'cn-north-1';
      for (const side of [e.adminVpc, e.appVpc]) side.create.availabilityZones = ['cn-north-1a', 'cn-north-1b'];
    },
    `${E}.breakGlassPrincipalArns[0]: found "arn:aws:iam::111122223333:role/break-glass"`,
    'expected an ARN in partition "aws-cn" (region cn-north-1)',
  ),
  bad(
    'deploy role ARN with a wildcard',
    dflt,
    (_, e) => (e.deployRoleArn = 'arn:aws:iam::111122223333:role/*'),
    `${E}.deployRoleArn: found "arn:aws:iam::111122223333:role/*"`,
    'expected an exact IAM role ARN',
  ),
  bad(
    'principal of another account',
    dflt,
    (_, e) => (e.appVpc.principalArns = ['arn:aws:iam::444455556666:role/app']),
    `${E}.appVpc.principalArns[0]: found "arn:aws:iam::444455556666:role/app"`,
    'expected a principal of account 111122223333',
  ),
  bad('empty subnets', existingAdminVpc, (_, e) => (e.adminVpc.subnets = []), `${E}.adminVpc.subnets: found []`, 'expected at least one subnet'),
  bad(
    'duplicate subnets',
    existingAdminVpc,
    (_, e) => (e.adminVpc.subnets[1].subnetId = e.adminVpc.subnets[0].subnetId),
    `${E}.adminVpc.subnets[1].subnetId: found "subnet-0a1b2c3d4e5f60718"`,
    'expected each subnet once (also at adminVpc.subnets[0])',
  ),
  bad(
    'two subnets in one AZ',
    existingAdminVpc,
    (_, e) => (e.adminVpc.subnets[1].availabilityZone = 'us-west-2a'),
    `${E}.adminVpc.subnets[1].availabilityZone: found "us-west-2a"`,
    'expected one subnet per Availability Zone',
  ),
  bad(
    'subnet in an AZ of another region',
    existingAdminVpc,
    (_, e) => (e.adminVpc.subnets[1].availabilityZone = 'us-east-1b'),
    `${E}.adminVpc.subnets[1].availabilityZone: found "us-east-1b"`,
    'expected an Availability Zone of us-west-2',
  ),
  bad(
    'created VPC in an AZ of another region',
    dflt,
    (_, e) => (e.appVpc.create.availabilityZones = ['us-west-2a', 'eu-west-1b']),
    `${E}.appVpc.create.availabilityZones[1]: found "eu-west-1b"`,
    'expected an Availability Zone of us-west-2',
  ),
  bad(
    'private DNS with enableDnsSupport false',
    dflt,
    (_, e) => (e.appVpc.enableDnsSupport = false),
    `${E}.appVpc.enableDnsSupport: found false`,
    'expected true: private DNS needs enableDnsSupport',
  ),
  bad(
    'private DNS with enableDnsHostnames false (existing VPC)',
    existingAdminVpc,
    (_, e) => (e.adminVpc.enableDnsHostnames = false),
    `${E}.adminVpc.enableDnsHostnames: found false`,
    'expected true: private DNS needs enableDnsHostnames',
  ),
  bad(
    'ingress from 0.0.0.0/0',
    existingAdminVpc,
    (_, e) => (e.adminVpc.allowedCidrs = ['10.10.0.0/16', '0.0.0.0/0']),
    `${E}.adminVpc.allowedCidrs[1]: found "0.0.0.0/0"`,
    'expected a CIDR narrower than /0',
  ),
  bad('ingress from ::/0', dflt, (_, e) => (e.appVpc.allowedCidrs = ['::/0']), `${E}.appVpc.allowedCidrs[0]: found "::/0"`, 'expected a CIDR narrower than /0'),
  bad(
    'malformed ingress CIDR',
    existingAdminVpc,
    (_, e) => (e.adminVpc.allowedCidrs = ['10.10.0/16']),
    `${E}.adminVpc.allowedCidrs[0]: found "10.10.0/16"`,
    'expected an IPv4 CIDR',
  ),
  bad(
    'the same ingress CIDR twice',
    existingAdminVpc,
    (_, e) => (e.adminVpc.allowedCidrs = ['10.10.0.0/16', '10.10.0.0/16']),
    `${E}.adminVpc.allowedCidrs[1]: found "10.10.0.0/16"`,
    'expected each CIDR once',
  ),
  bad(
    'malformed VPC CIDR to create',
    dflt,
    (_, e) => (e.appVpc.create.cidrBlock = '300.20.0.0/16'),
    `${E}.appVpc.create.cidrBlock: found "300.20.0.0/16"`,
    'expected an IPv4 CIDR from /16 to /24',
  ),
  bad(
    'admin VPC equal to app VPC',
    existingAdminVpc,
    (_, e) => (e.appVpc = { ...e.adminVpc, principalArns: ['arn:aws:iam::111122223333:role/app'] }),
    `${E}.appVpc.vpcId: found "vpc-0a1b2c3d4e5f60718"`,
    'expected a VPC other than adminVpc.vpcId',
  ),
  bad(
    'KMS deletion window of 6 days',
    dflt,
    (_, e) => (e.keys[0].deletionWindowInDays = 6),
    `${E}.keys[0].deletionWindowInDays: found 6`,
    'expected a whole number of days from 7 to 30',
  ),
  bad(
    'KMS deletion window of 31 days',
    dflt,
    (_, e) => (e.keys[0].deletionWindowInDays = 31),
    `${E}.keys[0].deletionWindowInDays: found 31`,
    'expected a whole number of days from 7 to 30',
  ),
  bad('key rotation off', dflt, (_, e) => (e.keys[0].enableKeyRotation = false), `${E}.keys[0].enableKeyRotation: found false`, 'expected true'),
  bad(
    'secret without a customer-managed key (no keys)',
    dflt,
    (_, e) => (e.keys = []),
    `${E}.secrets[0]: found {"name":"app/db-password"`,
    'expected a customer-managed key',
  ),
  bad(
    'secret with an unknown kmsKeyAlias',
    dflt,
    (_, e) => (e.secrets[0].kmsKeyAlias = 'alias/other'),
    `${E}.secrets[0].kmsKeyAlias: found "alias/other"`,
    "expected one of the config's key aliases (alias/app-data)",
  ),
  bad(
    'recovery window 0 (immediate deletion)',
    dflt,
    (_, e) => (e.secrets[0].recoveryWindowInDays = 0),
    `${E}.secrets[0].recoveryWindowInDays: found 0`,
    '0, immediate deletion, is not allowed',
  ),
  bad(
    'secret name ending like an ARN suffix',
    dflt,
    (_, e) => (e.secrets[0].name = 'app/db-a1b2c3'),
    `${E}.secrets[0].name: found "app/db-a1b2c3"`,
    'expected a name not ending in "-" and six letters or digits',
  ),
  bad(
    'two secrets whose names give the same construct id (app/db, app-db)',
    dflt,
    (_, e) => (e.secrets = [{ name: 'app/db' }, { name: 'app-db' }]),
    `${E}.secrets[1].name: found "app-db"`,
    'construct id differs from secrets[0].name ("app/db"): both give "app-db"',
  ),
  bad(
    'two keys whose aliases give the same construct id',
    dflt,
    (_, e) => e.keys.push({ alias: 'alias/app_data' }),
    `${E}.keys[1].alias: found "alias/app_data"`,
    'both give "app-data"',
  ),
  bad(
    'empty breakGlassPrincipalArns',
    dflt,
    (_, e) => (e.breakGlassPrincipalArns = []),
    `${E}.breakGlassPrincipalArns: found []`,
    'expected at least one break-glass principal',
  ),
  bad(
    'unknown field (typo in a VPC)',
    existingAdminVpc,
    (_, e) => (e.adminVpc.subnet = e.adminVpc.subnets),
    `${E}.adminVpc.subnet: found [{"subnetId"`,
    'expected no field "subnet" here (fields here: vpcId, subnets,',
  ),
  bad(
    'unknown field at the top',
    dflt,
    (c) => (c.environment = []),
    'environment: found []',
    'expected no field "environment" here (fields here: environments)',
  ),
  bad(
    'several environments without names',
    twoEnvironments,
    () => undefined,
    'environments[1].name: found nothing',
    'expected a name: with several environments each needs one',
  ),
  bad(
    'duplicate environment names',
    twoEnvironments,
    (c) => {
      c.environments[0].name = 'prod';
      c.environments[1].name = 'prod';
    },
    'environments[1].name: found "prod"',
    'expected a unique name ("prod" is also environments[0])',
  ),
  bad(
    'one VPC in two environments of the same account and region',
    existingAdminVpc,
    (c, e) => {
      e.name = 'blue';
      c.environments.push({ ...JSON.parse(JSON.stringify(e)), name: 'green', secrets: [], keys: [] });
    },
    'environments[1].adminVpc.vpcId: found "vpc-0a1b2c3d4e5f60718"',
    'not used by another environment in account 111122223333 and us-west-2 (environments[0].adminVpc.vpcId has it)',
  ),
  bad(
    'endpoint policy over the size limit (many long secret names)',
    dflt,
    (_, e) => (e.secrets = Array.from({ length: 60 }, (_x, i) => ({ name: `s${i}/${'x'.repeat(300)}` }))),
    `${E}.secrets: found [{"name":"s0/`,
    'expected fewer or shorter entries (the app Secrets Manager endpoint policy would be',
  ),
  bad(
    'a local state path shared by both stacks of the environment',
    dflt,
    (_, e) => (e.backend = { local: { path: '../../../state/prod.tfstate' } }),
    `${E}.backend.local.path: found "../../../state/prod.tfstate"`,
    'expected a path holding "{stack}"',
  ),
  bad(
    'a local state path inside cdktf.out',
    dflt,
    (_, e) => (e.backend = { local: { path: 'state/{stack}.tfstate' } }),
    `${E}.backend.local.path: found "state/{stack}.tfstate"`,
    'expected a path outside cdktf.out',
  ),
  bad(
    'an absolute local state path',
    dflt,
    (_, e) => (e.backend = { local: { path: '/var/state/{stack}.tfstate' } }),
    `${E}.backend.local.path: found "/var/state/{stack}.tfstate"`,
    'expected a relative path',
  ),
  bad(
    'an audit log retention CloudWatch does not offer',
    dflt,
    (_, e) => (e.audit = { logRetentionInDays: 10 }),
    `${E}.audit.logRetentionInDays: found 10`,
    'expected one of 1, 3, 5, 7, 14, 30',
  ),
  bad(
    'a deploy role of another account',
    dflt,
    (_, e) => (e.deployRoleArn = 'arn:aws:iam::444455556666:role/platform-deploy'),
    `${E}.deployRoleArn: found "arn:aws:iam::444455556666:role/platform-deploy"`,
    'expected a principal of account 111122223333 (the provider assumes it',
  ),
  bad(
    'secret rotation without the rotation role',
    dflt,
    (_, e) => (e.secrets[0].rotation = { lambdaArn: 'arn:aws:lambda:us-west-2:111122223333:function:rotate-db' }),
    `${E}.secrets[0].rotation.roleArn: found nothing`,
    'expected a string (required field)',
  ),
  bad(
    'a secret rotation role of another account',
    dflt,
    (_, e) =>
      (e.secrets[0].rotation = {
        lambdaArn: 'arn:aws:lambda:us-west-2:111122223333:function:rotate-db',
        roleArn: 'arn:aws:iam::444455556666:role/db-rotation',
      }),
    `${E}.secrets[0].rotation.roleArn: found "arn:aws:iam::444455556666:role/db-rotation"`,
    "expected a principal of account 111122223333 (the rotation Lambda runs in this account's admin VPC",
  ),
  bad(
    'a secret rotation role that is not a role ARN',
    dflt,
    (_, e) =>
      (e.secrets[0].rotation = {
        lambdaArn: 'arn:aws:lambda:us-west-2:111122223333:function:rotate-db',
        roleArn: 'arn:aws:iam::111122223333:role/rotation-*',
      }),
    `${E}.secrets[0].rotation.roleArn: found "arn:aws:iam::111122223333:role/rotation-*"`,
    'expected an exact IAM role ARN such as "arn:aws:iam::111122223333:role/name", without "*" or "?"',
  ),
  bad(
    'a break-glass principal matching every role of the account',
    dflt,
    (_, e) => (e.breakGlassPrincipalArns = ['arn:aws:iam::111122223333:role/*']),
    `${E}.breakGlassPrincipalArns[0]: found "arn:aws:iam::111122223333:role/*"`,
    'a pattern exempts every principal it matches (this one matches every role of the account)',
  ),
  bad(
    'a break-glass STS session ARN',
    dflt,
    (_, e) => (e.breakGlassPrincipalArns = ['arn:aws:sts::111122223333:assumed-role/break-glass/alice']),
    `${E}.breakGlassPrincipalArns[0]: found "arn:aws:sts::111122223333:assumed-role/break-glass/alice"`,
    'expected the IAM role ARN, not an STS session ARN',
  ),
  bad(
    'an app principal pattern as wide as the account',
    dflt,
    (_, e) => (e.appVpc.principalArns = ['arn:aws:iam::111122223333:*']),
    `${E}.appVpc.principalArns[0]: found "arn:aws:iam::111122223333:*"`,
    'expected a narrower pattern: this one matches every principal of the account',
  ),
  bad(
    'a rotation role matched by an admin principal pattern',
    dflt,
    (_, e) => {
      e.adminVpc.principalArns = ['arn:aws:iam::111122223333:role/secret-*'];
      e.secrets[0].rotation = {
        lambdaArn: 'arn:aws:lambda:us-west-2:111122223333:function:rotate-db',
        roleArn: 'arn:aws:iam::111122223333:role/secret-rotation',
      };
    },
    `${E}.secrets[0].rotation.roleArn: found "arn:aws:iam::111122223333:role/secret-rotation"`,
    'expected a role of the rotation Lambda\'s own, playing no other part: adminVpc.principalArns[0] ("arn:aws:iam::111122223333:role/secret-*") matches it',
  ),
  bad(
    'a rotation schedule Secrets Manager does not parse (rate in minutes)',
    dflt,
    (_, e) => (e.secrets[0].rotation = { ...ROTATION, scheduleExpression: 'rate(30 minutes)' }),
    `${E}.secrets[0].rotation.scheduleExpression: found "rate(30 minutes)"`,
    'expected "rate(<whole number> hours|days)", such as "rate(10 days)", "rate(12 hours)" or "cron(0 4 ? * MON *)"',
  ),
  bad(
    'a rotation rate more often than every four hours',
    dflt,
    (_, e) => (e.secrets[0].rotation = { ...ROTATION, scheduleExpression: 'rate(2 hours)' }),
    `${E}.secrets[0].rotation.scheduleExpression: found "rate(2 hours)"`,
    'expected a rate in hours from 4 to 23',
  ),
  bad(
    'a rotation cron with minutes and a year (EventBridge style)',
    dflt,
    (_, e) => (e.secrets[0].rotation = { ...ROTATION, scheduleExpression: 'cron(15 4 * * ? 2027)' }),
    `${E}.secrets[0].rotation.scheduleExpression: found "cron(15 4 * * ? 2027)"`,
    'expected 0 in the cron Minutes field (rotation windows open on the hour), such as',
  ),
  bad(
    'a five-field (Unix) rotation cron',
    dflt,
    (_, e) => (e.secrets[0].rotation = { ...ROTATION, scheduleExpression: 'cron(0 4 * * 1)' }),
    `${E}.secrets[0].rotation.scheduleExpression: found "cron(0 4 * * 1)"`,
    'expected six cron fields separated by single spaces',
  ),
  bad(
    'a rotation Lambda in another region',
    dflt,
    (_, e) => (e.secrets[0].rotation = { ...ROTATION, lambdaArn: 'arn:aws:lambda:us-east-1:111122223333:function:rotate-db' }),
    `${E}.secrets[0].rotation.lambdaArn: found "arn:aws:lambda:us-east-1:111122223333:function:rotate-db"`,
    'expected a function in partition aws, region us-west-2 and account 111122223333',
  ),
  bad(
    'a rotation Lambda in another account',
    dflt,
    (_, e) => (e.secrets[0].rotation = { ...ROTATION, lambdaArn: 'arn:aws:lambda:us-west-2:444455556666:function:rotate-db' }),
    `${E}.secrets[0].rotation.lambdaArn: found "arn:aws:lambda:us-west-2:444455556666:function:rotate-db"`,
    'expected a function in partition aws, region us-west-2 and account 111122223333',
  ),
  bad(
    'a rotation Lambda in another partition',
    dflt,
    (_, e) => (e.secrets[0].rotation = { ...ROTATION, lambdaArn: 'arn:aws-us-gov:lambda:us-west-2:111122223333:function:rotate-db' }),
    `${E}.secrets[0].rotation.lambdaArn: found "arn:aws-us-gov:lambda:us-west-2:111122223333:function:rotate-db"`,
    'expected a function in partition aws, region us-west-2 and account 111122223333',
  ),
  bad(
    'the same subnet in the admin and the app VPC',
    existingAdminVpc,
    (_, e) =>
      (e.appVpc = {
        vpcId: 'vpc-1b2c3d4e',
        subnets: [{ subnetId: 'subnet-1b2c3d4e', availabilityZone: 'us-west-2b' }],
        allowedCidrs: ['10.20.0.0/16'],
        principalArns: ['arn:aws:iam::111122223333:role/app'],
      }),
    `${E}.appVpc.subnets[0].subnetId: found "subnet-1b2c3d4e"`,
    'expected a subnet of the app VPC only: adminVpc.subnets[1] has it too',
  ),
  bad(
    'the same subnet in two environments of one account and region',
    () => {
      const config = existingAdminVpc();
      const second = JSON.parse(JSON.stringify(config.environments[0]));
      second.adminVpc.vpcId = 'vpc-2c3d4e5f';
      second.keys = [{ alias: 'alias/other-data' }];
      second.secrets = [{ name: 'other/api-key', kmsKeyAlias: 'alias/other-data' }];
      second.appVpc.create.cidrBlock = '10.30.0.0/16';
      config.environments[0].name = 'one';
      second.name = 'two';
      config.environments.push(second);
      return config;
    },
    () => {},
    'environments[1].adminVpc.subnets[0].subnetId: found "subnet-0a1b2c3d4e5f60718"',
    'expected a subnet (a subnet belongs to one VPC) not used by another environment in account 111122223333 and us-west-2 (environments[0].adminVpc.subnets[0].subnetId has it)',
  ),
  bad(
    "more than 50 tags with the stack's own",
    dflt,
    (_, e) => (e.tags = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`Tag${i}`, 'x']))),
    `${E}.tags: found {`,
    "expected at most 50 tags per resource, counting the 3 the stack adds (this gives 51): ManagedBy, Stack, Name are the stack's",
  ),
  bad(
    'a tag key over 128 characters (counted in code points)',
    dflt,
    (_, e) => (e.tags = { ['𝒜'.repeat(129)]: 'x' }),
    `${E}.tags["${'𝒜'.repeat(129)}"]: found "x"`,
    'expected a tag key of 1–128 Unicode characters (this one has 129)',
  ),
  bad(
    'an aws: tag key in another letter case',
    dflt,
    (_, e) => (e.tags = { 'AWS:CostCenter': '42' }),
    `${E}.tags["AWS:CostCenter"]: found "42"`,
    'expected a tag key not starting with "aws:"',
  ),
  bad(
    'a tag value with characters AWS refuses in tags',
    dflt,
    (_, e) => (e.tags = { Team: 'platform (core)' }),
    `${E}.tags.Team: found "platform (core)"`,
    'expected a tag value of Unicode letters, digits, spaces and _ . : / = + - @ only',
  ),
  bad(
    'a tag value over 256 characters',
    dflt,
    (_, e) => (e.tags = { Team: 'a'.repeat(257) }),
    `${E}.tags.Team: found "${'a'.repeat(116)}...`,
    'expected a tag value of at most 256 Unicode characters (this one has 257)',
  ),
  bad(
    'a CIDR with host bits',
    dflt,
    (_, e) => (e.appVpc.allowedCidrs = ['10.20.5.0/16']),
    `${E}.appVpc.allowedCidrs[0]: found "10.20.5.0/16"`,
    'did you mean "10.20.0.0/16"?',
  ),
  bad(
    'a created VPC CIDR with leading zeros',
    dflt,
    (_, e) => (e.adminVpc.create.cidrBlock = '010.10.0.0/16'),
    `${E}.adminVpc.create.cidrBlock: found "010.10.0.0/16"`,
    'did you mean "10.10.0.0/16"?',
  ),
  bad(
    'a public source without an opt-in',
    dflt,
    (_, e) => (e.appVpc.allowedCidrs = ['10.20.0.0/16', '198.51.100.0/24']),
    `${E}.appVpc.allowedCidrs[1]: found "198.51.100.0/24"`,
    'expected private address space (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10)',
  ),
  bad(
    'two halves of the IPv4 space, opted in as public',
    dflt,
    (_, e) => {
      e.appVpc.allowedCidrs = ['0.0.0.0/1', '128.0.0.0/1'];
      e.appVpc.publicSources = { reason: 'partners reach us over the internet' };
    },
    `${E}.appVpc.allowedCidrs: found ["0.0.0.0/1","128.0.0.0/1"]`,
    'together these admit every IPv4 address, as 0.0.0.0/0 would',
  ),
  {
    title: 'a key written twice',
    text: JSON.stringify(defaultConfigJson(), null, 2).replace('"region": "us-west-2",', '"region": "us-west-2",\n      "region": "us-west-2",'),
    pathAndFound: `${E}.region: found the key twice (line 7, column 7)`,
    expected: 'expected each key once',
  },
  {
    title: 'arrays nested 100,000 deep',
    text: `{"environments": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    pathAndFound: '(file): found objects and arrays nested more than 64 levels deep at line 1, column 81',
    expected: 'expected at most 64 levels',
  },
  bad(
    'S3 state key prefix with a trailing slash',
    dflt,
    (_, e) => (e.backend = { s3: { bucket: 'state-bucket', keyPrefix: 'platform/' } }),
    `${E}.backend.s3.keyPrefix: found "platform/"`,
    'expected a key prefix without a leading or trailing "/"',
  ),
  bad(
    'two backends',
    dflt,
    (_, e) => (e.backend = { local: {}, s3: { bucket: 'state-bucket' } }),
    `${E}.backend: found {"local":{},"s3":{"bucket":"state-bucket"}}`,
    'expected exactly one of "local" or "s3"',
  ),
  bad(
    'IPv6-only endpoints in an existing VPC whose only sources are IPv4 CIDRs',
    existingAdminVpc,
    (_, e) => (e.adminVpc.ipAddressType = 'ipv6'),
    `${E}.adminVpc.ipAddressType: found "ipv6"`,
    'expected "dualstack" or "ipv4", or an IPv6 source: an ipv6 endpoint has only IPv6 addresses',
  ),
  bad(
    'dualstack endpoints in existing subnets the config states IPv4-only',
    existingAdminVpc,
    (_, e) => Object.assign(e.adminVpc, { subnetIpAddressType: 'ipv4', ipAddressType: 'dualstack' }),
    `${E}.adminVpc.ipAddressType: found "dualstack"`,
    'expected "ipv4": dualstack endpoints need subnets with both IPv4 and IPv6 ranges, and subnetIpAddressType says the subnets are IPv4-only',
  ),
  bad(
    'an endpoint IP address type AWS does not have',
    dflt,
    (_, e) => (e.appVpc.ipAddressType = 'ipv7'),
    `${E}.appVpc.ipAddressType: found "ipv7"`,
    'expected one of "ipv4"|"dualstack"|"ipv6"',
  ),
  {
    title: 'invalid JSON (trailing comma after a property)',
    text: '{\n  "environments": [],\n}\n',
    pathAndFound: '(file): found invalid JSON at line 3, column 1',
    expected: 'expected one JSON document (no comments, no trailing commas)',
  },
  {
    title: 'invalid JSON (trailing comma in an array)',
    text: '{\n  "environments": [\n    {},\n  ]\n}\n',
    pathAndFound: '(file): found invalid JSON',
    expected: 'expected one JSON document (no comments, no trailing commas)',
  },
  { title: 'missing file', text: undefined, pathAndFound: '(file): found no readable file at', expected: '(ENOENT); expected a JSON config file' },
];

/** Several independent mistakes in one file: every one is reported, not just the first. */
const SEVERAL = (() => {
  const config = twoEnvironments();
  const [first, second] = config.environments;
  first.accountId = '1111222233';
  first.adminVpc.allowedCidrs = ['0.0.0.0/0'];
  first.keys[0].deletionWindowInDays = 3;
  second.appVpc.create.availabilityZones = ['us-east-1a', 'us-west-2b'];
  second.breakGlassPrincipalArns = ['arn:aws-us-gov:iam::111122223333:role/break-glass'];
  return {
    text: JSON.stringify(config, null, 2),
    problems: [
      'environments[0].accountId: found "1111222233"; expected a 12-digit AWS account id',
      'environments[0].adminVpc.allowedCidrs[0]: found "0.0.0.0/0"; expected a CIDR narrower than /0',
      'environments[0].keys[0].deletionWindowInDays: found 3; expected a whole number of days from 7 to 30',
      'environments[1].appVpc.create.availabilityZones[1]: found "us-west-2b"; expected an Availability Zone of us-east-1',
      'environments[1].breakGlassPrincipalArns[0]: found "arn:aws-us-gov:iam::111122223333:role/break-glass"; expected an ARN in partition "aws"',
      'environments[0].name: found nothing; expected a name',
      'environments[1].name: found nothing; expected a name',
    ],
  };
})();

interface CaseOutcome extends ProcessRun {
  readonly before: string;
  readonly after: string;
  /** Entries of the case directory after the run (a staging directory left behind would show here). */
  readonly entries: string[];
}

/** Cases that always run as a real process: a stack overflow or a parser quirk would only show there. */
const ALWAYS_THROUGH_BINARY = ['several mistakes', 'a key written twice', 'arrays nested 100,000 deep'];

const outcomes = new Map<string, CaseOutcome>();
const spawned: string[] = [];

beforeAll(async () => {
  const started = Date.now();
  ensureFreshBuild();
  const built = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'pls-bad-config-'));
  // One earlier synth (the default config, through the real entry) that every case starts from.
  const template = join(work, 'template');
  mkdirSync(template);
  const first = await runEntry(template, join(ROOT, 'stacks', 'config', 'default.json'));
  if (first.code !== 0) throw new Error(`the default config failed to synthesize:\n${first.stderr}`);
  const all: [string, string | undefined][] = [...CASES.map((c): [string, string | undefined] => [c.title, c.text]), ['several mistakes', SEVERAL.text]];
  await inParallel(
    all.map(([title, text], i) => async () => {
      const dir = join(work, `case-${i}`);
      cpSync(template, dir, { recursive: true });
      const file = join(dir, 'config.json');
      if (text !== undefined) writeFileSync(file, text);
      const before = hashTree(join(dir, 'cdktf.out'));
      const throughBinary = i % 4 === 0 || ALWAYS_THROUGH_BINARY.includes(title);
      const result = throughBinary ? await runEntry(dir, file) : await runInProcess(dir, file);
      if (throughBinary) spawned.push(title);
      outcomes.set(title, { ...result, before, after: hashTree(join(dir, 'cdktf.out')), entries: readdirSync(dir).sort() });
    }),
    Math.max(2, availableParallelism()),
  );
  console.log(
    `build check ${((built - started) / 1000).toFixed(1)} s; ${all.length} bad configs (${spawned.length} through node dist/app/launch.js) in ${((Date.now() - built) / 1000).toFixed(1)} s`,
  );
}, 120_000);

describe('bad config files through the app entry', () => {
  it.each(CASES.map((c) => [c.title, c] as const))(
    'GIVEN %s WHEN synthesized THEN exit 1, the JSON path, value and expectation are named, and cdktf.out is untouched',
    (title, c) => {
      const outcome = outcomes.get(title)!;
      expect(outcome.code).toBe(1);
      expect(outcome.stdout).toBe('');
      expect(outcome.stderr).toContain(c.pathAndFound);
      const line = outcome.stderr.split('\n').find((l) => l.includes(c.pathAndFound))!;
      expect(line).toContain(c.expected);
      expect(line).toMatch(/: found .*; expected /);
      expect(outcome.stderr).toContain('Nothing was written.');
      expect(outcome.after).toBe(outcome.before);
      expect(outcome.entries).toEqual(c.text === undefined ? ['cdktf.out'] : ['cdktf.out', 'config.json']);
    },
  );

  it('GIVEN the sample run through the binary THEN it covers several guardrail families and the several-mistakes file', () => {
    expect(spawned.length).toBeGreaterThanOrEqual(10);
    for (const title of ALWAYS_THROUGH_BINARY) expect(spawned).toContain(title);
  });

  it('GIVEN several mistakes in two environments WHEN synthesized THEN every one is reported (not just the first) and nothing is written', () => {
    const outcome = outcomes.get('several mistakes')!;
    expect(outcome.code).toBe(1);
    const problems = outcome.stderr.split('\n').filter((l) => l.startsWith('  - '));
    for (const expected of SEVERAL.problems) expect(problems.some((p) => p.startsWith(`  - ${expected}`))).toBe(true);
    expect(problems).toHaveLength(SEVERAL.problems.length);
    expect(outcome.stderr).toMatch(new RegExp(`\\(${SEVERAL.problems.length} problems\\)`));
    expect(outcome.after).toBe(outcome.before);
  });
});
