import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Aspects, TerraformResource, TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsKey, KmsKeyConfig } from '@cdktf/provider-aws/lib/kms-key';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { Construct } from 'constructs';
import { CustomerManagedKey } from '../../../modules/kms/customer-managed-key';
import { GuardrailError } from '../../../modules/core/errors';
import { Guardrails, guardrailViolations, POLICY_ATTRIBUTES, stackGuardrailViolations, suppressionsOf } from '../../../modules/guardrails/guardrails';
import { RESOURCE_RULES } from '../../../modules/guardrails/rules';
import { PolicyDocument } from '../../../modules/iam/policy-document';
import { PolicyStatement } from '../../../modules/iam/policy-statement';
import { buildStacks } from '../../../stacks/build-app';
import { defaultConfig } from '../../helpers/configs';
import { codes, guardedStack, guardrailErrors } from '../../helpers/guardrails';

const KEY_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'EnableIamPolicies', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }],
});
const compliantKey: KmsKeyConfig = { enableKeyRotation: true, deletionWindowInDays: 30, policy: KEY_POLICY, lifecycle: { preventDestroy: true } };
const REASON = 'Sandbox key for load tests, recreated every night';

describe('Guardrails Aspect on a user stack', () => {
  it('GIVEN a raw KmsKey with deletionWindowInDays 3 WHEN synthesized with validations THEN it fails with PLS_KMS_DELETION_WINDOW and the path', () => {
    const stack = guardedStack();
    new KmsKey(stack, 'raw-key', { ...compliantKey, deletionWindowInDays: 3 });
    expect(() => Testing.synth(stack, true)).toThrow(/\[test\/raw-key\] \[PLS_KMS_DELETION_WINDOW\] aws_kms_key\.deletion_window_in_days: found 3/);
  });

  it('GIVEN a compliant raw KmsKey WHEN synthesized THEN it passes and the key is in the output', () => {
    const stack = guardedStack();
    new KmsKey(stack, 'raw-key', compliantKey);
    const json = JSON.parse(Testing.synth(stack, true));
    expect(Object.values(json.resource.aws_kms_key)).toEqual([expect.objectContaining({ deletion_window_in_days: 30, enable_key_rotation: true })]);
  });

  it('GIVEN a non-compliant key WHEN the App synthesizes to disk THEN synthesis fails with the code', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'guardrails-'));
    try {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, 'user');
      new AwsProvider(stack, 'aws', { region: 'us-west-2' });
      Aspects.of(stack).add(new Guardrails());
      new KmsKey(stack, 'raw-key', { ...compliantKey, enableKeyRotation: false });
      expect(() => app.synth()).toThrow(/PLS_KMS_ROTATION_OFF/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('GIVEN an attribute changed after the Aspect was added THEN the value at synth is checked', () => {
    const stack = guardedStack();
    const key = new KmsKey(stack, 'raw-key', compliantKey);
    Testing.synth(stack, true);
    key.deletionWindowInDays = 3;
    expect(codes(guardrailErrors(stack))).toEqual(['PLS_KMS_DELETION_WINDOW']);
  });

  it('GIVEN a key policy rendered lazily WHEN a bad statement is added after construction THEN the Aspect reports it', () => {
    const stack = guardedStack();
    const doc = new PolicyDocument({ kind: 'key' });
    doc.addStatements(new PolicyStatement({ sid: 'EnableIamPolicies', principal: { AWS: ['arn:aws:iam::111122223333:root'] }, actions: ['kms:*'] }));
    new KmsKey(stack, 'raw-key', { ...compliantKey, policy: doc.lazyJson() });
    expect(guardrailErrors(stack)).toEqual([]);
    doc.addStatements(new PolicyStatement({ sid: 'Typo', principal: { AWS: ['arn:aws:iam::111122223333:root'] }, actions: ['kms:Decript'] }));
    expect(guardrailErrors(stack)).toEqual([
      expect.stringMatching(/\[PLS_POLICY_UNKNOWN_ACTION\] aws_kms_key\.policy: Statement\[1\] \(Sid "Typo"\) Action: found "kms:Decript"/),
    ]);
  });

  it('GIVEN the Aspect added twice and two synths THEN each violation is reported once', () => {
    const stack = guardedStack();
    Aspects.of(stack).add(new Guardrails());
    new KmsKey(stack, 'raw-key', { ...compliantKey, deletionWindowInDays: 3 });
    guardrailErrors(stack);
    expect(guardrailErrors(stack)).toHaveLength(1);
  });

  it('GIVEN a CustomerManagedKey with a bad policy statement THEN the problem is reported once, by the construct', () => {
    const stack = guardedStack();
    const policy = new PolicyDocument({ kind: 'key' });
    policy.addStatements(new PolicyStatement({ sid: 'Typo', principal: { AWS: ['arn:aws:iam::111122223333:root'] }, actions: ['kms:Decript'] }));
    new CustomerManagedKey(stack, 'cmk', { alias: 'alias/app-data', policy });
    expect(guardrailErrors(stack)).toEqual([
      expect.stringMatching(/^\[test\/cmk\] \[PLS_POLICY_UNKNOWN_ACTION\] test\/cmk\.policy: Statement\[0\] \(Sid "Typo"\)/),
    ]);
  });

  it('GIVEN a CustomerManagedKey whose policy finding is suppressed with a reason THEN the construct no longer reports it', () => {
    const stack = guardedStack();
    const policy = new PolicyDocument({ kind: 'key' });
    policy.addStatements(new PolicyStatement({ sid: 'Typo', principal: { AWS: ['arn:aws:iam::111122223333:root'] }, actions: ['kms:Decript'] }));
    const cmk = new CustomerManagedKey(stack, 'cmk', { alias: 'alias/app-data', policy });
    Guardrails.suppress(cmk, 'PLS_POLICY_UNKNOWN_ACTION', 'Action added by AWS this week, not yet in the IAM catalogue');
    expect(guardrailErrors(stack)).toEqual([]);
  });

  it('GIVEN a raw IAM role, role policy, managed policy, bucket policy and topic policy THEN each policy is checked by the rules of its kind', () => {
    const stack = guardedStack();
    const policy = (statement: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
    const role = new IamRole(stack, 'role', {
      name: 'reader',
      assumeRolePolicy: policy({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Resource: '*' }),
    });
    new IamRolePolicy(stack, 'inline', { role: role.id, policy: policy({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValu', Resource: '*' }) });
    new IamPolicy(stack, 'managed', { policy: policy({ Effect: 'Allow', Action: 'kms:Decript', Resource: '*' }) });
    new S3BucketPolicy(stack, 'bucket', {
      bucket: 'b',
      policy: policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }),
    });
    new SnsTopicPolicy(stack, 'topic', {
      arn: 'arn:aws:sns:eu-central-1:111122223333:t',
      policy: policy({ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }),
    });
    const errors = guardrailErrors(stack);
    expect(errors.map((e) => /^\[test\/([a-z]+)\] \[(PLS_[A-Z_]+)\] ([a-z_0-9]+\.[a-z_]+)/.exec(e)?.slice(1).join(' '))).toEqual([
      'role PLS_POLICY_TRUST_RESOURCE aws_iam_role.assume_role_policy',
      'inline PLS_POLICY_UNKNOWN_ACTION aws_iam_role_policy.policy',
      'managed PLS_POLICY_UNKNOWN_ACTION aws_iam_policy.policy',
      'bucket PLS_POLICY_PUBLIC_PRINCIPAL aws_s3_bucket_policy.policy',
      'topic PLS_POLICY_PRINCIPAL_REQUIRED aws_sns_topic_policy.policy',
    ]);
  });

  it('GIVEN an identity policy that is a data source expression THEN it is left to plan time, and a compliant one passes', () => {
    const stack = guardedStack();
    const role = new IamRole(stack, 'role', {
      name: 'reader',
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    new IamRolePolicy(stack, 'from-data', { role: role.id, policy: '${data.aws_iam_policy_document.reader.json}' });
    const reader = new PolicyDocument({
      kind: 'identity',
      statements: [
        new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: ['arn:aws:secretsmanager:eu-central-1:111122223333:secret:app-AbCdEf'] }),
      ],
    });
    new IamRolePolicy(stack, 'typed', { role: role.id, policy: reader.lazyJson() });
    expect(guardrailErrors(stack)).toEqual([]);
  });

  it('GIVEN a CustomerManagedKey whose key policy is replaced by an escape-hatch override THEN the Aspect checks the policy that synthesizes', () => {
    const stack = guardedStack();
    const policy = new PolicyDocument({ kind: 'key' });
    policy.addStatements(new PolicyStatement({ sid: 'EnableIamPolicies', principal: { AWS: ['arn:aws:iam::111122223333:root'] }, actions: ['kms:*'] }));
    const cmk = new CustomerManagedKey(stack, 'cmk', { alias: 'alias/app-data', policy });
    expect(guardrailErrors(stack)).toEqual([]);
    cmk.key.addOverride(
      'policy',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:Decript', Resource: '*' }],
      }),
    );
    expect(guardrailErrors(stack)).toEqual([expect.stringMatching(/^\[test\/cmk\/key\] \[PLS_POLICY_UNKNOWN_ACTION\] aws_kms_key\.policy: .*"kms:Decript"/)]);
  });

  it('GIVEN a resource type no guardrail covers THEN it gets no guardrail validation', () => {
    const stack = guardedStack();
    const provider = stack.node.findChild('aws');
    Testing.synth(stack, true);
    expect(provider.node.validate()).toEqual([]);
  });
});

describe('Guardrails.suppress', () => {
  it('GIVEN a suppression with a reason on the resource THEN that code is no longer reported and the reason is recorded', () => {
    const stack = guardedStack();
    const key = new KmsKey(stack, 'raw-key', { ...compliantKey, deletionWindowInDays: 3 });
    Guardrails.suppress(key, 'PLS_KMS_DELETION_WINDOW', REASON);
    expect(guardrailErrors(stack)).toEqual([]);
    expect(suppressionsOf(key)).toEqual([{ code: 'PLS_KMS_DELETION_WINDOW', reason: REASON, path: 'test/raw-key' }]);
    expect(key.node.metadata).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: '@cdktf/info', data: `Guardrail PLS_KMS_DELETION_WINDOW suppressed: ${REASON}` })]),
    );
  });

  it('GIVEN a suppression on a parent construct THEN it covers the resources below it, and only that code', () => {
    const stack = guardedStack();
    const sandbox = new Construct(stack, 'sandbox');
    new KmsKey(sandbox, 'key', { ...compliantKey, deletionWindowInDays: 3, enableKeyRotation: false });
    new KmsKey(stack, 'outside', { ...compliantKey, deletionWindowInDays: 3 });
    Guardrails.suppress(sandbox, 'PLS_KMS_DELETION_WINDOW', REASON);
    const errors = guardrailErrors(stack);
    expect(errors).toEqual([
      expect.stringMatching(/^\[test\/sandbox\/key\] \[PLS_KMS_ROTATION_OFF\]/),
      expect.stringMatching(/^\[test\/outside\] \[PLS_KMS_DELETION_WINDOW\]/),
    ]);
  });

  it('GIVEN a suppression of a policy rule code THEN the policy finding is suppressed', () => {
    const stack = guardedStack();
    const secret = new SecretsmanagerSecret(stack, 'secret', {
      name: 'app/db',
      kmsKeyId: 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      lifecycle: { preventDestroy: true },
    });
    const key = new KmsKey(stack, 'key', {
      ...compliantKey,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: '', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }],
      }),
    });
    expect(codes(guardrailErrors(stack))).toEqual(['PLS_POLICY_SID']);
    Guardrails.suppress(key, 'PLS_POLICY_SID', 'Imported key; its policy is managed by the security team');
    expect(guardrailErrors(stack)).toEqual([]);
    expect(guardrailViolations(secret)).toEqual([]);
  });

  it.each([
    ['an empty reason', ''],
    ['a whitespace reason', '    '],
    ['a reason under 10 characters', 'because'],
  ])('GIVEN %s THEN suppress throws PLS_SUPPRESSION_REASON', (_name, reason) => {
    const stack = guardedStack();
    const key = new KmsKey(stack, 'raw-key', compliantKey);
    expect(() => Guardrails.suppress(key, 'PLS_KMS_DELETION_WINDOW', reason)).toThrow(GuardrailError);
    expect(() => Guardrails.suppress(key, 'PLS_KMS_DELETION_WINDOW', reason)).toThrow(
      /\[PLS_SUPPRESSION_REASON\] reason: found ".*"; expected a written reason of at least 10 characters/,
    );
    expect(suppressionsOf(key)).toEqual([]);
  });

  it('GIVEN an unknown code THEN suppress throws PLS_SUPPRESSION_CODE and lists the codes', () => {
    const stack = guardedStack();
    expect(() => Guardrails.suppress(stack, 'PLS_KMS_DELETE_WINDOW', REASON)).toThrow(
      /\[PLS_SUPPRESSION_CODE\] code: found "PLS_KMS_DELETE_WINDOW"; expected a guardrail code: .*PLS_KMS_DELETION_WINDOW/,
    );
  });
});

describe('Guardrails on the stacks of the default config', () => {
  const app = Testing.app();
  const stacks = buildStacks(app, defaultConfig()).flatMap((s) => [s.app, s.admin]);

  it('GIVEN violations and a suppression in an environment stack THEN the checks on its JSON report what the Aspect reports, resource by resource', () => {
    const [env] = buildStacks(Testing.app(), defaultConfig());
    new KmsKey(env.admin, 'user-key', { ...compliantKey, deletionWindowInDays: 3, enableKeyRotation: false });
    const quiet = new KmsKey(env.admin, 'quiet-key', { ...compliantKey, deletionWindowInDays: 3 });
    Guardrails.suppress(quiet, 'PLS_KMS_DELETION_WINDOW', REASON);
    new SecretsmanagerSecret(env.admin, 'user-secret', { name: 'user/secret', recoveryWindowInDays: 0 });
    const perResource = env.admin.node
      .findAll()
      .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c))
      .flatMap((r) => guardrailViolations(r).map((m) => `[${r.node.path}] ${m}`));
    expect(codes(perResource)).toEqual(expect.arrayContaining(['PLS_KMS_DELETION_WINDOW', 'PLS_KMS_ROTATION_OFF']));
    expect(perResource.some((m) => m.startsWith('[admin-vpc/quiet-key]'))).toBe(false);
    expect(perResource.some((m) => m.startsWith('[admin-vpc/user-secret]'))).toBe(true);
    // The JSON the stack writes, without the stack's own check (which would throw on these).
    const json = TerraformStack.prototype.toTerraform.call(env.admin);
    expect(stackGuardrailViolations(env.admin, json)).toEqual(perResource);
    expect(guardrailErrors(env.admin)).toEqual(perResource);
  });

  it('GIVEN the default config THEN no stack carries the per-resource Aspect (each checks its JSON once instead)', () => {
    for (const stack of stacks) expect(Aspects.of(stack).all.some((a) => a instanceof Guardrails)).toBe(false);
  });

  it('GIVEN the default config WHEN every stack is synthesized with validations THEN no guardrail reports anything', () => {
    for (const stack of stacks) expect(guardrailErrors(stack)).toEqual([]);
  });

  it('GIVEN the default config THEN every resource of a guarded type is checked and passes', () => {
    const guardedTypes = new Set([...Object.keys(POLICY_ATTRIBUTES), ...RESOURCE_RULES.flatMap((r) => r.resourceTypes)]);
    const checked: Record<string, number> = {};
    for (const stack of stacks) {
      for (const c of stack.node.findAll()) {
        if (!TerraformResource.isTerraformResource(c) || !guardedTypes.has(c.terraformResourceType)) continue;
        expect(guardrailViolations(c)).toEqual([]);
        checked[c.terraformResourceType] = (checked[c.terraformResourceType] ?? 0) + 1;
      }
    }
    expect(checked).toEqual({
      aws_kms_key: 1,
      aws_secretsmanager_secret: 1,
      aws_secretsmanager_secret_policy: 1,
      aws_vpc_endpoint: 4,
      aws_security_group: 2,
      aws_vpc_security_group_ingress_rule: 2,
    });
  });

  it('GIVEN a raw non-compliant key added to the default admin stack THEN its synth fails with the code', () => {
    const config = defaultConfig();
    const [env] = buildStacks(Testing.app(), config);
    new KmsKey(env.admin, 'user-key', { ...compliantKey, deletionWindowInDays: 3 });
    expect(codes(guardrailErrors(env.admin))).toEqual(['PLS_KMS_DELETION_WINDOW']);
  });
});
