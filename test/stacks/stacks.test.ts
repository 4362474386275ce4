import { Testing } from 'cdktf';
import { buildStacks } from '../../stacks/build-app';
import { defaultConfig } from '../helpers/configs';
import { onlyResource, policyOf, resourcesOf, TfJson } from '../helpers/assertions';

function synthDefault(): Record<string, TfJson> {
  const app = Testing.app();
  const stacks = buildStacks(app, defaultConfig());
  return Object.fromEntries(stacks.flatMap((s) => [s.app, s.admin]).map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack, true))]));
}

describe('stacks from the default config', () => {
  const stacks = synthDefault();

  it('GIVEN one unnamed environment THEN the stacks are admin-vpc and app-vpc', () => {
    expect(Object.keys(stacks).sort()).toEqual(['admin-vpc', 'app-vpc']);
  });

  it.each(['admin-vpc', 'app-vpc'])('%s names hashicorp/aws, a required_version, a relative local backend and no absolute path', (name) => {
    const json = stacks[name];
    expect(json.terraform.required_providers.aws.source).toBe('hashicorp/aws');
    expect(json.terraform.required_version).toMatch(/^>= 1\.\d+/);
    expect(json.terraform.backend.local.path).toBe(`../../../terraform.${name}.tfstate`);
    expect(JSON.stringify(json)).not.toMatch(/"\/(work|home|root|tmp|usr|opt)\//);
  });

  it.each(['admin-vpc', 'app-vpc'])('%s owns one AWS provider for the account and region', (name) => {
    expect(stacks[name].provider.aws).toEqual([expect.objectContaining({ region: 'us-west-2', allowed_account_ids: ['111122223333'] })]);
  });

  it.each(['admin-vpc', 'app-vpc'])('%s creates its VPC with both DNS attributes on, in two AZs', (name) => {
    const json = stacks[name];
    expect(onlyResource(json, 'aws_vpc')).toEqual(expect.objectContaining({ enable_dns_support: true, enable_dns_hostnames: true }));
    expect(resourcesOf(json, 'aws_subnet').map((s) => s.availability_zone)).toEqual(['us-west-2a', 'us-west-2b']);
  });

  it.each(['admin-vpc', 'app-vpc'])('%s has Secrets Manager and KMS endpoints with policies and ingress only on 443 from its VPC', (name) => {
    const json = stacks[name];
    const services = resourcesOf(json, 'aws_vpc_endpoint').map((e) => e.service_name);
    expect(services.sort()).toEqual(['com.amazonaws.us-west-2.kms', 'com.amazonaws.us-west-2.secretsmanager']);
    for (const ep of resourcesOf(json, 'aws_vpc_endpoint')) expect(policyOf(ep).Statement.length).toBeGreaterThan(0);
    for (const rule of resourcesOf(json, 'aws_vpc_security_group_ingress_rule')) {
      expect(rule).toEqual(expect.objectContaining({ from_port: 443, to_port: 443, ip_protocol: 'tcp' }));
      expect(rule.cidr_ipv4).toBe(name === 'admin-vpc' ? '10.10.0.0/16' : '10.20.0.0/16');
    }
  });

  it('admin-vpc holds the secret, encrypted with the customer-managed key, protected from deletion', () => {
    const json = stacks['admin-vpc'];
    const key = onlyResource(json, 'aws_kms_key');
    expect(key).toEqual(
      expect.objectContaining({
        enable_key_rotation: true,
        deletion_window_in_days: 30,
        bypass_policy_lockout_safety_check: false,
        lifecycle: { prevent_destroy: true },
      }),
    );
    const secret = onlyResource(json, 'aws_secretsmanager_secret');
    expect(secret).toEqual(expect.objectContaining({ name: 'app/db-password', recovery_window_in_days: 30, lifecycle: { prevent_destroy: true } }));
    expect(secret.kms_key_id).toMatch(/^\$\{aws_kms_key\.[^}]+\.arn\}$/);
    expect(onlyResource(json, 'aws_secretsmanager_secret_policy').block_public_policy).toBe(true);
  });

  it('app-vpc holds no secret and no key', () => {
    expect(resourcesOf(stacks['app-vpc'], 'aws_secretsmanager_secret')).toHaveLength(0);
    expect(resourcesOf(stacks['app-vpc'], 'aws_kms_key')).toHaveLength(0);
  });
});
