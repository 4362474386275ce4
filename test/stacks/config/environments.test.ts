import { readFileSync } from 'fs';
import { join, resolve } from 'path';
import { Testing } from 'cdktf';
import { buildStacks } from '../../../stacks/build-app';
import { parseConfig } from '../../../stacks/config';
import { TfJson } from '../../helpers/assertions';
import { defaultConfigJson } from '../../helpers/configs';
import { readStack, stackNames, synthToTemp } from '../../helpers/pipeline';

/** Synthesizes every stack of a raw config with validations on; keyed by stack name. */
function synthStacks(raw: unknown): Record<string, TfJson> {
  const app = Testing.app();
  const stacks = buildStacks(app, parseConfig(raw));
  return Object.fromEntries(stacks.flatMap((s) => [s.app, s.admin]).map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack, true)) as TfJson]));
}

/** dev: account 1111…, default (local) backend, tags. prod: account 4444…, deploy role, S3 backend in another region. */
function twoAccounts(): any {
  const config = defaultConfigJson();
  const dev = { ...config.environments[0], name: 'dev', tags: { Team: 'platform', CostCenter: '42' } };
  const prod = JSON.parse(
    JSON.stringify(config.environments[0])
      .replace(/111122223333/g, '444455556666')
      .replace(/us-west-2/g, 'eu-central-1'),
  );
  Object.assign(prod, {
    name: 'prod',
    deployRoleArn: 'arn:aws:iam::444455556666:role/platform-deploy',
    backend: { s3: { bucket: 'pls-terraform-state', keyPrefix: 'platform/secrets', region: 'us-east-1', roleArn: 'arn:aws:iam::444455556666:role/state' } },
  });
  config.environments = [dev, prod];
  return config;
}

describe('environments: one provider and one backend per stack', () => {
  const stacks = synthStacks(twoAccounts());

  it('GIVEN named environments THEN the stacks are <name>-admin-vpc and <name>-app-vpc', () => {
    expect(Object.keys(stacks).sort()).toEqual(['dev-admin-vpc', 'dev-app-vpc', 'prod-admin-vpc', 'prod-app-vpc']);
  });

  it.each([
    ['dev-admin-vpc', 'us-west-2', '111122223333'],
    ['dev-app-vpc', 'us-west-2', '111122223333'],
    ['prod-admin-vpc', 'eu-central-1', '444455556666'],
    ['prod-app-vpc', 'eu-central-1', '444455556666'],
  ])('GIVEN %s THEN it owns exactly one AWS provider, for its region and only its account', (name, region, account) => {
    expect(stacks[name].provider.aws).toHaveLength(1);
    expect(stacks[name].provider.aws[0]).toEqual(expect.objectContaining({ region, allowed_account_ids: [account] }));
  });

  it('GIVEN a deployRoleArn THEN both stacks of that environment assume it with a per-stack session name; the other environment assumes nothing', () => {
    for (const name of ['prod-admin-vpc', 'prod-app-vpc']) {
      expect(stacks[name].provider.aws[0].assume_role).toEqual([{ role_arn: 'arn:aws:iam::444455556666:role/platform-deploy', session_name: `cdktf-${name}` }]);
      // STS: 2–64 characters of [\w+=,.@-].
      expect(stacks[name].provider.aws[0].assume_role[0].session_name).toMatch(/^[\w+=,.@-]{2,64}$/);
    }
    for (const name of ['dev-admin-vpc', 'dev-app-vpc']) expect(stacks[name].provider.aws[0]).not.toHaveProperty('assume_role');
  });

  it('GIVEN environment tags THEN default_tags carry them plus ManagedBy, Stack and Environment', () => {
    expect(stacks['dev-app-vpc'].provider.aws[0].default_tags).toEqual([
      { tags: { Team: 'platform', CostCenter: '42', ManagedBy: 'cdktf-privatelink-secrets', Stack: 'dev-app-vpc', Environment: 'dev' } },
    ]);
    expect(stacks['prod-admin-vpc'].provider.aws[0].default_tags).toEqual([
      { tags: { ManagedBy: 'cdktf-privatelink-secrets', Stack: 'prod-admin-vpc', Environment: 'prod' } },
    ]);
  });

  it('GIVEN no backend THEN state is local, one file per stack, at a relative path that leaves cdktf.out', () => {
    for (const name of ['dev-admin-vpc', 'dev-app-vpc']) {
      expect(stacks[name].terraform.backend).toEqual({ local: { path: `../../../terraform.${name}.tfstate` } });
      // Terraform runs in cdktf.out/stacks/<stack>: the file lands next to package.json, outside the directory each synth replaces.
      expect(resolve('/project/cdktf.out/stacks', name, stacks[name].terraform.backend.local.path)).toBe(`/project/terraform.${name}.tfstate`);
    }
  });

  it('GIVEN an s3 backend THEN each stack has its own key <keyPrefix>/<stack>.tfstate in the bucket, with native locking, encryption and the backend role', () => {
    for (const name of ['prod-admin-vpc', 'prod-app-vpc']) {
      expect(stacks[name].terraform.backend).toEqual({
        s3: {
          bucket: 'pls-terraform-state',
          key: `platform/secrets/${name}.tfstate`,
          region: 'us-east-1',
          encrypt: true,
          use_lockfile: true,
          assume_role: { role_arn: 'arn:aws:iam::444455556666:role/state' },
        },
      });
    }
  });

  it('GIVEN every stack of the config THEN no two stacks share a state file or key', () => {
    const locations = Object.entries(stacks).map(([name, json]) =>
      json.terraform.backend.s3
        ? `s3://${json.terraform.backend.s3.bucket}/${json.terraform.backend.s3.key}`
        : resolve('/p/cdktf.out/stacks', name, json.terraform.backend.local.path),
    );
    expect(new Set(locations).size).toBe(locations.length);
  });

  it('GIVEN every stack THEN the AWS provider is hashicorp/aws ~> 5.100 and Terraform >= 1.10 (S3 native locking)', () => {
    for (const json of Object.values(stacks)) {
      expect(json.terraform.required_providers).toEqual({ aws: { source: 'hashicorp/aws', version: '~> 5.100' } });
      expect(json.terraform.required_version).toBe('>= 1.10.0');
    }
  });
});

describe('environments: backend defaults and stack names', () => {
  it('GIVEN an s3 backend with only a bucket THEN the key prefix, region, locking and encryption take their defaults', () => {
    const config = defaultConfigJson();
    config.environments[0].backend = { s3: { bucket: 'state-bucket' } };
    const json = synthStacks(config)['admin-vpc'];
    expect(json.terraform.backend).toEqual({
      s3: { bucket: 'state-bucket', key: 'cdktf-privatelink-secrets/admin-vpc.tfstate', region: 'us-west-2', encrypt: true, use_lockfile: true },
    });
  });

  it('GIVEN an s3 backend with useLockfile and encrypt false THEN neither is on', () => {
    const config = defaultConfigJson();
    config.environments[0].backend = { s3: { bucket: 'state-bucket', useLockfile: false, encrypt: false } };
    const backend = synthStacks(config)['app-vpc'].terraform.backend.s3;
    expect(backend.encrypt).toBe(false);
    expect(backend).not.toHaveProperty('use_lockfile');
  });

  it('GIVEN {"backend":{"local":{}}} THEN it is the default local backend', () => {
    const config = defaultConfigJson();
    config.environments[0].backend = { local: {} };
    expect(synthStacks(config)['app-vpc'].terraform.backend).toEqual({ local: { path: '../../../terraform.app-vpc.tfstate' } });
  });

  it('GIVEN a local path with {stack} THEN each stack gets its own state file at that relative path', () => {
    const config = defaultConfigJson();
    config.environments[0].backend = { local: { path: '../../../state/{stack}.tfstate' } };
    const stacks = synthStacks(config);
    expect(stacks['app-vpc'].terraform.backend).toEqual({ local: { path: '../../../state/app-vpc.tfstate' } });
    expect(stacks['admin-vpc'].terraform.backend).toEqual({ local: { path: '../../../state/admin-vpc.tfstate' } });
  });

  it('GIVEN one environment without a name THEN the stacks are admin-vpc and app-vpc and default_tags have no Environment', () => {
    const stacks = synthStacks(defaultConfigJson());
    expect(Object.keys(stacks).sort()).toEqual(['admin-vpc', 'app-vpc']);
    expect(stacks['app-vpc'].provider.aws[0].default_tags[0].tags).not.toHaveProperty('Environment');
  });

  it('GIVEN one environment with a name THEN the stacks carry the name', () => {
    const config = defaultConfigJson();
    config.environments[0].name = 'blue';
    expect(Object.keys(synthStacks(config)).sort()).toEqual(['blue-admin-vpc', 'blue-app-vpc']);
  });
});

describe('environments: cross-stack values', () => {
  const { outdir } = synthToTemp(parseConfig(twoAccounts()));

  it('GIVEN a synthesized app WHEN the admin stack reads the app endpoint ids THEN it reads them from the app stack state through the same backend', () => {
    expect(stackNames(outdir)).toEqual(['dev-admin-vpc', 'dev-app-vpc', 'prod-admin-vpc', 'prod-app-vpc']);
    expect(readStack(outdir, 'dev-admin-vpc').data.terraform_remote_state).toEqual({
      'cross-stack-reference-input-dev-app-vpc': {
        backend: 'local',
        config: { path: '../../../terraform.dev-app-vpc.tfstate' },
        workspace: '${terraform.workspace}',
      },
    });
    expect(readStack(outdir, 'prod-admin-vpc').data.terraform_remote_state['cross-stack-reference-input-prod-app-vpc']).toEqual({
      backend: 's3',
      config: expect.objectContaining({ bucket: 'pls-terraform-state', key: 'platform/secrets/prod-app-vpc.tfstate', region: 'us-east-1' }),
      workspace: '${terraform.workspace}',
    });
  });

  it('GIVEN a synthesized app THEN the app stacks export the endpoint ids the admin stacks use, and read no other stack', () => {
    for (const env of ['dev', 'prod']) {
      const outputs = Object.keys(readStack(outdir, `${env}-app-vpc`).output).filter((o) => o.startsWith('cross-stack-output-'));
      expect(outputs).toHaveLength(2);
      expect(outputs.every((o) => /aws_vpc_endpoint/.test(o))).toBe(true);
      expect(readStack(outdir, `${env}-app-vpc`).data?.terraform_remote_state).toBeUndefined();
    }
  });
});

describe('deploy order', () => {
  it('GIVEN two environments WHEN synthesized THEN the manifest makes each admin stack depend on its own app stack only (cdktf deploy "*" applies app first)', () => {
    const { outdir } = synthToTemp(parseConfig(twoAccounts()));
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
    const dependencies = Object.fromEntries(Object.entries<any>(manifest.stacks).map(([name, stack]) => [name, stack.dependencies]));
    expect(dependencies).toEqual({ 'dev-app-vpc': [], 'dev-admin-vpc': ['dev-app-vpc'], 'prod-app-vpc': [], 'prod-admin-vpc': ['prod-app-vpc'] });
  });
});
