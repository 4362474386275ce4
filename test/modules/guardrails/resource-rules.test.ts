import { TerraformStack, TerraformVariable } from 'cdktf';
import { KmsKey, KmsKeyConfig } from '@cdktf/provider-aws/lib/kms-key';
import { SecretsmanagerSecret, SecretsmanagerSecretConfig } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretPolicy } from '@cdktf/provider-aws/lib/secretsmanager-secret-policy';
import { SecurityGroup, SecurityGroupConfig, SecurityGroupIngress } from '@cdktf/provider-aws/lib/security-group';
import { SecurityGroupRule, SecurityGroupRuleConfig } from '@cdktf/provider-aws/lib/security-group-rule';
import { Vpc, VpcConfig } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule, VpcSecurityGroupIngressRuleConfig } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { RESOURCE_RULES } from '../../../modules/guardrails/rules';
import { codes, guardedStack, guardrailErrors } from '../../helpers/guardrails';

const KEY_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'EnableIamPolicies', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }],
});
const SECRET_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'AllowRead', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'secretsmanager:DescribeSecret', Resource: '*' },
  ],
});
const ENDPOINT_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowAccount',
      Effect: 'Allow',
      Principal: '*',
      Action: 'secretsmanager:*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } },
    },
  ],
});

const goodKey: KmsKeyConfig = { enableKeyRotation: true, deletionWindowInDays: 30, policy: KEY_POLICY, lifecycle: { preventDestroy: true } };
const goodSecret: SecretsmanagerSecretConfig = {
  name: 'app/db',
  kmsKeyId: 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  recoveryWindowInDays: 30,
  lifecycle: { preventDestroy: true },
};
const goodIngress: SecurityGroupIngress = { protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['10.20.0.0/16'], description: 'HTTPS from the app VPC' };
const goodGroup: SecurityGroupConfig = { vpcId: 'vpc-0a1b2c3d', description: 'Interface endpoints: tcp/443 from the app VPC', ingress: [goodIngress] };
const goodIngressRule: VpcSecurityGroupIngressRuleConfig = {
  securityGroupId: 'sg-0a1b2c3d',
  ipProtocol: 'tcp',
  fromPort: 443,
  toPort: 443,
  cidrIpv4: '10.20.0.0/16',
  description: 'HTTPS from the app VPC',
};
const goodSgRule: SecurityGroupRuleConfig = {
  securityGroupId: 'sg-0a1b2c3d',
  type: 'ingress',
  protocol: 'tcp',
  fromPort: 443,
  toPort: 443,
  cidrBlocks: ['10.20.0.0/16'],
  description: 'HTTPS from the app VPC',
};

/** An interface endpoint that uses the security groups `ids` (so the endpoint rules apply to them). */
function endpointUsing(s: TerraformStack, ids: string[]): VpcEndpoint {
  return new VpcEndpoint(s, 'uses-groups', {
    vpcId: 'vpc-0a1b2c3d',
    serviceName: 'com.amazonaws.us-west-2.secretsmanager',
    vpcEndpointType: 'Interface',
    securityGroupIds: ids,
  });
}

/** Synthesizes a guarded stack holding what `build` adds; returns the guardrail errors. */
function errorsOf(build: (stack: TerraformStack) => void): string[] {
  const stack = guardedStack();
  build(stack);
  return guardrailErrors(stack);
}

describe('resource rules registry', () => {
  it('GIVEN RESOURCE_RULES THEN codes are unique, PLS_ prefixed, and each names its resource types', () => {
    const all = RESOURCE_RULES.map((r) => r.code);
    expect(new Set(all).size).toBe(all.length);
    for (const rule of RESOURCE_RULES) {
      expect(rule.code).toMatch(/^PLS_[A-Z_]+$/);
      expect(rule.resourceTypes.length).toBeGreaterThan(0);
      rule.resourceTypes.forEach((t) => expect(t).toMatch(/^aws_[a-z_]+$/));
    }
  });
});

describe('aws_kms_key', () => {
  it('GIVEN rotation on, a 30-day window, prevent_destroy and a valid key policy THEN synth passes', () => {
    expect(errorsOf((s) => new KmsKey(s, 'key', goodKey))).toEqual([]);
  });

  it('GIVEN no deletion window (AWS default 30) THEN synth passes', () => {
    expect(errorsOf((s) => new KmsKey(s, 'key', { ...goodKey, deletionWindowInDays: undefined }))).toEqual([]);
  });

  it('GIVEN a deletion window from a Terraform variable THEN it is left to plan time', () => {
    expect(
      errorsOf((s) => new KmsKey(s, 'key', { ...goodKey, deletionWindowInDays: new TerraformVariable(s, 'window', { type: 'number' }).numberValue })),
    ).toEqual([]);
  });

  it.each([
    [3, /\[PLS_KMS_DELETION_WINDOW\] aws_kms_key\.deletion_window_in_days: found 3; expected a whole number of days from 7 to 30/],
    [31, /found 31; expected a whole number of days from 7 to 30/],
  ])('GIVEN deletion window %d THEN synth fails with PLS_KMS_DELETION_WINDOW', (days, message) => {
    const errors = errorsOf((s) => new KmsKey(s, 'key', { ...goodKey, deletionWindowInDays: days }));
    expect(codes(errors)).toEqual(['PLS_KMS_DELETION_WINDOW']);
    expect(errors[0]).toMatch(message);
  });

  it.each([
    ['off', false, /enable_key_rotation: found false; expected true/],
    ['unset', undefined, /enable_key_rotation: found nothing \(AWS default: off\); expected true/],
  ])('GIVEN rotation %s THEN synth fails with PLS_KMS_ROTATION_OFF', (_name, rotation, message) => {
    const errors = errorsOf((s) => new KmsKey(s, 'key', { ...goodKey, enableKeyRotation: rotation }));
    expect(codes(errors)).toEqual(['PLS_KMS_ROTATION_OFF']);
    expect(errors[0]).toMatch(message);
  });

  it('GIVEN an asymmetric signing key without rotation THEN the rotation rule does not apply (AWS cannot rotate it)', () => {
    expect(
      errorsOf((s) => new KmsKey(s, 'key', { ...goodKey, enableKeyRotation: undefined, keyUsage: 'SIGN_VERIFY', customerMasterKeySpec: 'ECC_NIST_P256' })),
    ).toEqual([]);
  });

  it('GIVEN bypass_policy_lockout_safety_check false THEN synth passes', () => {
    expect(errorsOf((s) => new KmsKey(s, 'key', { ...goodKey, bypassPolicyLockoutSafetyCheck: false }))).toEqual([]);
  });

  it('GIVEN bypass_policy_lockout_safety_check true THEN synth fails with PLS_KMS_BYPASS_LOCKOUT_CHECK', () => {
    const errors = errorsOf((s) => new KmsKey(s, 'key', { ...goodKey, bypassPolicyLockoutSafetyCheck: true }));
    expect(errors).toEqual([
      expect.stringMatching(/\[PLS_KMS_BYPASS_LOCKOUT_CHECK\] aws_kms_key\.bypass_policy_lockout_safety_check: found true; expected false or unset/),
    ]);
  });

  it('GIVEN no prevent_destroy THEN synth fails with PLS_PREVENT_DESTROY', () => {
    const errors = errorsOf((s) => new KmsKey(s, 'key', { ...goodKey, lifecycle: undefined }));
    expect(errors).toEqual([expect.stringMatching(/\[PLS_PREVENT_DESTROY\] aws_kms_key\.lifecycle\.prevent_destroy: found nothing; expected true/)]);
  });

  it('GIVEN prevent_destroy switched off through an escape-hatch override THEN synth fails with PLS_PREVENT_DESTROY', () => {
    const errors = errorsOf((s) => new KmsKey(s, 'key', goodKey).addOverride('lifecycle.prevent_destroy', false));
    expect(errors).toEqual([expect.stringMatching(/\[PLS_PREVENT_DESTROY\] aws_kms_key\.lifecycle\.prevent_destroy: found false/)]);
  });

  it('GIVEN a key policy with NotPrincipal THEN synth fails with the policy rule code, as a key policy', () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'DenyOthers', Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }],
    });
    const errors = errorsOf((s) => new KmsKey(s, 'key', { ...goodKey, policy }));
    expect(codes(errors)).toEqual(['PLS_POLICY_KMS_DENY_NO_SERVICE_EXEMPTION', 'PLS_POLICY_NOT_PRINCIPAL']);
    expect(errors.join('\n')).toMatch(/\[PLS_POLICY_NOT_PRINCIPAL\] aws_kms_key\.policy: Statement\[0\] \(Sid "DenyOthers"\) uses NotPrincipal/);
  });

  it('GIVEN a key policy that is not JSON THEN synth fails with PLS_POLICY_JSON', () => {
    expect(codes(errorsOf((s) => new KmsKey(s, 'key', { ...goodKey, policy: '{"Version": ' })))).toEqual(['PLS_POLICY_JSON']);
  });

  it('GIVEN a key policy that is one Terraform expression THEN it is left to plan time', () => {
    expect(errorsOf((s) => new KmsKey(s, 'key', { ...goodKey, policy: '${data.aws_iam_policy_document.key.json}' }))).toEqual([]);
  });
});

describe('aws_secretsmanager_secret', () => {
  it('GIVEN a customer-managed key, a 30-day recovery window and prevent_destroy THEN synth passes', () => {
    expect(errorsOf((s) => new SecretsmanagerSecret(s, 'secret', goodSecret))).toEqual([]);
  });

  it('GIVEN no recovery window (AWS default 30) and a key reference THEN synth passes', () => {
    expect(
      errorsOf((s) => {
        const key = new KmsKey(s, 'key', goodKey);
        new SecretsmanagerSecret(s, 'secret', { ...goodSecret, recoveryWindowInDays: undefined, kmsKeyId: key.arn });
      }),
    ).toEqual([]);
  });

  it.each([
    ['no kms_key_id', undefined, /kms_key_id: found nothing; expected the ARN or id of a customer-managed KMS key/],
    ['the AWS managed key alias', 'alias/aws/secretsmanager', /kms_key_id: found "alias\/aws\/secretsmanager"/],
  ])('GIVEN %s THEN synth fails with PLS_SECRET_NO_CMK', (_name, kmsKeyId, message) => {
    const errors = errorsOf((s) => new SecretsmanagerSecret(s, 'secret', { ...goodSecret, kmsKeyId }));
    expect(codes(errors)).toEqual(['PLS_SECRET_NO_CMK']);
    expect(errors[0]).toMatch(message);
  });

  it.each([
    [0, /recovery_window_in_days: found 0; .*0 deletes the secret at once/],
    [5, /recovery_window_in_days: found 5; expected a whole number of days from 7 to 30/],
  ])('GIVEN recovery window %d THEN synth fails with PLS_SECRET_RECOVERY_WINDOW', (days, message) => {
    const errors = errorsOf((s) => new SecretsmanagerSecret(s, 'secret', { ...goodSecret, recoveryWindowInDays: days }));
    expect(codes(errors)).toEqual(['PLS_SECRET_RECOVERY_WINDOW']);
    expect(errors[0]).toMatch(message);
  });

  it('GIVEN no prevent_destroy THEN synth fails with PLS_PREVENT_DESTROY', () => {
    const errors = errorsOf((s) => new SecretsmanagerSecret(s, 'secret', { ...goodSecret, lifecycle: { preventDestroy: false } }));
    expect(errors).toEqual([
      expect.stringMatching(/\[PLS_PREVENT_DESTROY\] aws_secretsmanager_secret\.lifecycle\.prevent_destroy: found false; expected true/),
    ]);
  });
});

describe('aws_secretsmanager_secret_policy', () => {
  it('GIVEN block_public_policy and a valid resource policy THEN synth passes', () => {
    expect(errorsOf((s) => new SecretsmanagerSecretPolicy(s, 'policy', { secretArn: 'arn', policy: SECRET_POLICY, blockPublicPolicy: true }))).toEqual([]);
  });

  it('GIVEN no block_public_policy THEN synth fails with PLS_SECRET_POLICY_BLOCK_PUBLIC', () => {
    const errors = errorsOf((s) => new SecretsmanagerSecretPolicy(s, 'policy', { secretArn: 'arn', policy: SECRET_POLICY }));
    expect(errors).toEqual([
      expect.stringMatching(/\[PLS_SECRET_POLICY_BLOCK_PUBLIC\] aws_secretsmanager_secret_policy\.block_public_policy: found nothing; expected true/),
    ]);
  });

  it('GIVEN a statement without Principal THEN synth fails with PLS_POLICY_PRINCIPAL_REQUIRED, as a resource policy', () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 'secretsmanager:DescribeSecret', Resource: '*' }],
    });
    const errors = errorsOf((s) => new SecretsmanagerSecretPolicy(s, 'policy', { secretArn: 'arn', policy, blockPublicPolicy: true }));
    expect(errors).toEqual([
      expect.stringMatching(/\[PLS_POLICY_PRINCIPAL_REQUIRED\] aws_secretsmanager_secret_policy\.policy: .*a resource policy statement needs one/),
    ]);
  });
});

describe('aws_vpc_endpoint', () => {
  const endpoint = (s: TerraformStack, vpcId: string, policy?: string) =>
    new VpcEndpoint(s, 'endpoint', {
      vpcId,
      serviceName: 'com.amazonaws.us-west-2.secretsmanager',
      vpcEndpointType: 'Interface',
      privateDnsEnabled: true,
      policy,
    });
  const vpc = (s: TerraformStack, config: Partial<VpcConfig>) => new Vpc(s, 'vpc', { cidrBlock: '10.0.0.0/16', ...config });

  it('GIVEN private DNS in a VPC with both DNS attributes on and a valid endpoint policy THEN synth passes', () => {
    expect(errorsOf((s) => endpoint(s, vpc(s, { enableDnsSupport: true, enableDnsHostnames: true }).id, ENDPOINT_POLICY))).toEqual([]);
  });

  it('GIVEN private DNS in a VPC outside the stack (an id) and no policy THEN synth passes', () => {
    expect(errorsOf((s) => endpoint(s, 'vpc-0a1b2c3d'))).toEqual([]);
  });

  it.each([
    ['enable_dns_hostnames false', { enableDnsHostnames: false }, /enable_dns_hostnames: found false; expected true/],
    ['enable_dns_hostnames unset', {}, /enable_dns_hostnames: found nothing \(AWS default: off\); expected true/],
    ['enable_dns_support false', { enableDnsSupport: false, enableDnsHostnames: true }, /enable_dns_support: found false; expected true/],
  ])('GIVEN private DNS in a VPC of the stack with %s THEN synth fails with PLS_PRIVATE_DNS_NEEDS_VPC_DNS', (_name, config, message) => {
    const errors = errorsOf((s) => endpoint(s, vpc(s, config).id));
    expect(codes(errors)).toEqual(['PLS_PRIVATE_DNS_NEEDS_VPC_DNS']);
    expect(errors[0]).toMatch(/\[PLS_PRIVATE_DNS_NEEDS_VPC_DNS\] aws_vpc_endpoint\.private_dns_enabled is true but aws_vpc\.vpc\./);
    expect(errors[0]).toMatch(message);
  });

  it('GIVEN an endpoint policy allowing Principal "*" with no condition THEN synth fails with PLS_POLICY_PUBLIC_PRINCIPAL, as an endpoint policy', () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'All', Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] });
    const errors = errorsOf((s) => endpoint(s, 'vpc-0a1b2c3d', policy));
    expect(errors).toEqual([
      expect.stringMatching(/\[PLS_POLICY_PUBLIC_PRINCIPAL\] aws_vpc_endpoint\.policy: Statement\[0\] \(Sid "All"\) allows Principal "\*"/),
    ]);
  });
});

describe('aws_security_group', () => {
  it('GIVEN a description and one inline ingress on tcp/443 from a VPC range THEN synth passes', () => {
    expect(errorsOf((s) => new SecurityGroup(s, 'sg', goodGroup))).toEqual([]);
  });

  it.each([
    [
      'no description (the provider writes "Managed by Terraform")',
      { description: undefined },
      /aws_security_group\.description: found nothing \(the provider writes "Managed by Terraform"\)/,
    ],
    ['a blank description', { description: '  ' }, /aws_security_group\.description: found " {2}"/],
    [
      'an inline ingress without description',
      { ingress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['10.20.0.0/16'] }] },
      /aws_security_group\.ingress\[0\]\.description: found nothing/,
    ],
  ])('GIVEN %s THEN synth fails with PLS_SG_DESCRIPTION', (_name, override, message) => {
    const errors = errorsOf((s) => new SecurityGroup(s, 'sg', { ...goodGroup, ...override }));
    expect(codes(errors)).toEqual(['PLS_SG_DESCRIPTION']);
    expect(errors[0]).toMatch(message);
  });

  it.each([
    [
      'port 22',
      { protocol: 'tcp', fromPort: 22, toPort: 22 },
      /ingress\[0\]\.from_port\/to_port: found 22–22; expected protocol "tcp" with from_port 443 and to_port 443/,
    ],
    ['a port range including 443', { protocol: 'tcp', fromPort: 0, toPort: 65535 }, /found 0–65535/],
    ['every protocol', { protocol: '-1', fromPort: 0, toPort: 0 }, /ingress\[0\]\.protocol: found "-1" \(every protocol and port\)/],
    ['udp/443', { protocol: 'udp', fromPort: 443, toPort: 443 }, /ingress\[0\]\.protocol: found "udp"/],
  ])('GIVEN an endpoint group with inline ingress on %s THEN synth fails with PLS_INGRESS_PORT', (_name, ports, message) => {
    const errors = errorsOf((s) => endpointUsing(s, [new SecurityGroup(s, 'sg', { ...goodGroup, ingress: [{ ...goodIngress, ...ports }] }).id]));
    expect(codes(errors)).toEqual(['PLS_INGRESS_PORT']);
    expect(errors[0]).toMatch(message);
  });

  it.each([
    [
      '0.0.0.0/0',
      { cidrBlocks: ['0.0.0.0/0'] },
      /aws_security_group\.ingress\[0\]\.cidr_blocks\[0\]: found "0\.0\.0\.0\/0"; expected a CIDR narrower than \/0/,
    ],
    ['::/0', { cidrBlocks: undefined, ipv6CidrBlocks: ['::/0'] }, /ingress\[0\]\.ipv6_cidr_blocks\[0\]: found "::\/0"/],
  ])('GIVEN inline ingress from %s THEN synth fails with PLS_OPEN_INGRESS', (_name, sources, message) => {
    const errors = errorsOf((s) => new SecurityGroup(s, 'sg', { ...goodGroup, ingress: [{ ...goodIngress, ...sources }] }));
    expect(codes(errors)).toEqual(['PLS_OPEN_INGRESS']);
    expect(errors[0]).toMatch(message);
  });

  it('GIVEN an endpoint group with an inline egress rule THEN synth fails with PLS_SG_INLINE_EGRESS', () => {
    const errors = errorsOf((s) =>
      endpointUsing(s, [new SecurityGroup(s, 'sg', { ...goodGroup, egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'] }] }).id]),
    );
    expect(codes(errors)).toEqual(['PLS_SG_INLINE_EGRESS']);
    expect(errors[0]).toMatch(/aws_security_group\.egress: found 1 inline egress rule\(s\) .*; expected none/);
  });
});

describe('aws_vpc_security_group_ingress_rule', () => {
  it('GIVEN tcp/443 from a VPC range with a description THEN synth passes', () => {
    expect(errorsOf((s) => new VpcSecurityGroupIngressRule(s, 'rule', goodIngressRule))).toEqual([]);
  });

  it('GIVEN a source CIDR from a reference THEN synth passes (known at plan time)', () => {
    expect(
      errorsOf(
        (s) =>
          new VpcSecurityGroupIngressRule(s, 'rule', {
            ...goodIngressRule,
            cidrIpv4: new Vpc(s, 'vpc', { cidrBlock: '10.0.0.0/16', enableDnsHostnames: true }).cidrBlock,
          }),
      ),
    ).toEqual([]);
  });

  it.each([
    ['no description', { description: undefined }, 'PLS_SG_DESCRIPTION', /aws_vpc_security_group_ingress_rule\.description: found nothing/],
    ['port 8443', { fromPort: 8443, toPort: 8443 }, 'PLS_INGRESS_PORT', /from_port\/to_port: found 8443–8443/],
    ['all traffic', { ipProtocol: '-1', fromPort: undefined, toPort: undefined }, 'PLS_INGRESS_PORT', /protocol: found "-1" \(every protocol and port\)/],
    ['0.0.0.0/0', { cidrIpv4: '0.0.0.0/0' }, 'PLS_OPEN_INGRESS', /aws_vpc_security_group_ingress_rule\.cidr_ipv4: found "0\.0\.0\.0\/0"/],
    ['::/0', { cidrIpv4: undefined, cidrIpv6: '::/0' }, 'PLS_OPEN_INGRESS', /cidr_ipv6: found "::\/0"/],
  ])('GIVEN a rule of an endpoint group with %s THEN synth fails with its code', (_name, override, code, message) => {
    const errors = errorsOf((s) => {
      endpointUsing(s, ['sg-0a1b2c3d']);
      new VpcSecurityGroupIngressRule(s, 'rule', { ...goodIngressRule, ...override });
    });
    expect(codes(errors)).toEqual([code]);
    expect(errors[0]).toMatch(message);
  });
});

describe('aws_security_group_rule', () => {
  it('GIVEN an ingress rule on tcp/443 from a VPC range with a description THEN synth passes', () => {
    expect(errorsOf((s) => new SecurityGroupRule(s, 'rule', goodSgRule))).toEqual([]);
  });

  it('GIVEN an egress rule THEN the ingress rules do not apply to it', () => {
    expect(
      errorsOf((s) => new SecurityGroupRule(s, 'rule', { ...goodSgRule, type: 'egress', fromPort: 0, toPort: 0, protocol: '-1', description: undefined })),
    ).toEqual([]);
  });

  it.each([
    ['no description', { description: undefined }, 'PLS_SG_DESCRIPTION', /aws_security_group_rule\.description: found nothing/],
    ['port 80', { fromPort: 80, toPort: 80 }, 'PLS_INGRESS_PORT', /aws_security_group_rule\.from_port\/to_port: found 80–80/],
    ['0.0.0.0/0', { cidrBlocks: ['10.0.0.0/8', '0.0.0.0/0'] }, 'PLS_OPEN_INGRESS', /aws_security_group_rule\.cidr_blocks\[1\]: found "0\.0\.0\.0\/0"/],
  ])('GIVEN an ingress rule of an endpoint group with %s THEN synth fails with its code', (_name, override, code, message) => {
    const errors = errorsOf((s) => {
      endpointUsing(s, ['sg-0a1b2c3d']);
      new SecurityGroupRule(s, 'rule', { ...goodSgRule, ...override });
    });
    expect(codes(errors)).toEqual([code]);
    expect(errors[0]).toMatch(message);
  });
});
