import fc from 'fast-check';
import { synthesizeInMemory } from '../../../stacks/build-app';
import { parseConfig } from '../../../stacks/config';
import { defaultConfigJson, problemsOf } from '../../helpers/configs';
import { hostileConfig, hostileTexts } from '../../helpers/hostile-config';
import { literalTemplateValue } from '../../helpers/terraform-template';
import { TfJson } from '../../helpers/assertions';

/**
 * Config text is data: whatever a free-text field holds, cdk.tf.json carries it so that Terraform
 * reads exactly that text (a model of Terraform's template scanner here; real `terraform plan` in
 * test/stacks/config/hostile-text.slow.test.ts).
 */

function stacksOf(raw: unknown): Record<string, TfJson> {
  const { files } = synthesizeInMemory(parseConfig(raw, 'hostile.json'));
  return Object.fromEntries(files.map((f) => [f.name, JSON.parse(Object.values(f.files).find((c) => c.startsWith('{\n  "//"'))!) as TfJson]));
}

/** `key` → `value` of each resource that has `value`, both read as Terraform would. */
const byName = (resources: Record<string, TfJson> | undefined, key: string, value: string) =>
  Object.fromEntries(
    Object.values(resources ?? {})
      .filter((r) => r[value] !== undefined)
      .map((r) => [literalTemplateValue(r[key]), literalTemplateValue(r[value])]),
  );

describe('config text reaches Terraform as literal text', () => {
  it('GIVEN hostile text in every free-text field WHEN synthesized THEN each string Terraform evaluates is that text, escaped, and no expression starts in it', () => {
    fc.assert(
      fc.property(hostileTexts(20), (texts) => {
        const config = hostileConfig(texts, 6);
        const stacks = stacksOf(config.raw);
        const admin = stacks['admin-vpc'];
        expect(byName(admin.resource.aws_secretsmanager_secret, 'name', 'description')).toEqual(config.secretDescriptions);
        expect(
          Object.entries<TfJson>(admin.resource.aws_kms_key)
            .filter(([address]) => !address.startsWith('audit'))
            .map(([, k]) => k)
            .map((k) => literalTemplateValue(k.description))
            .sort(),
        ).toEqual(Object.values(config.keyDescriptions).sort());
        for (const stack of Object.values(stacks)) {
          const tags = stack.provider.aws[0].default_tags[0].tags as Record<string, string>;
          const literal = Object.fromEntries(Object.entries(tags).map(([k, v]) => [literalTemplateValue(k), literalTemplateValue(v)]));
          expect(literal).toEqual(expect.objectContaining(config.tags));
        }
        const rotation = Object.values<TfJson>(admin.resource.aws_secretsmanager_secret_rotation)[0];
        expect(literalTemplateValue(rotation.rotation_rules.schedule_expression)).toBe(config.scheduleExpression);
        const alarm = Object.values<TfJson>(admin.resource.aws_cloudwatch_metric_alarm)[0];
        expect((alarm.alarm_actions as string[]).filter((a) => !a.startsWith('${')).map(literalTemplateValue)).toEqual(config.alarmActionArns);
        // A backend block is read literally by Terraform; the remote state derived from it is an ordinary data source (a template).
        expect(admin.terraform.backend.local.path).toBe(config.statePath.replace('{stack}', 'admin-vpc'));
        const remote = Object.values<TfJson>(admin.data.terraform_remote_state)[0];
        expect(literalTemplateValue(remote.config.path)).toBe(config.statePath.replace('{stack}', 'app-vpc'));
      }),
      { numRuns: 30 },
    );
  });

  it('GIVEN an S3 backend whose key prefix holds a template WHEN synthesized THEN the backend keeps it literally and the remote state reads the same key, escaped', () => {
    const raw = defaultConfigJson();
    raw.environments[0].backend = { s3: { bucket: 'state-bucket', keyPrefix: 'team/${file("/proc/self/environ")}' } };
    const admin = stacksOf(raw)['admin-vpc'];
    expect(admin.terraform.backend.s3.key).toBe('team/${file("/proc/self/environ")}/admin-vpc.tfstate');
    const remote = Object.values<TfJson>(admin.data.terraform_remote_state)[0];
    expect(remote.config.key).toBe('team/$${file("/proc/self/environ")}/app-vpc.tfstate');
    expect(remote.workspace).toBe('${terraform.workspace}');
  });

  it.each([
    ['a description', ['environments', 0, 'secrets', 0, 'description'], 'x ${TfToken[TOKEN.3]} y'],
    ['a tag value', ['environments', 0, 'tags', 'team'], '#{TfToken[TOKEN.1]}'],
    ['a key description', ['environments', 0, 'keys', 0, 'description'], '&{TfToken[TOKEN.0]}'],
  ])('GIVEN a cdktf token marker in %s WHEN loaded THEN it is refused at its JSON path (cdktf would substitute another value)', (_what, path, text) => {
    const raw = defaultConfigJson();
    let node = raw;
    for (const part of path.slice(0, -1)) node = node[part] ??= {};
    node[path[path.length - 1]] = text;
    const problems = problemsOf(raw);
    const where = path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${p}` : String(p)), '');
    const at = where.replace(/[[\].]/g, '\\$&');
    const marker = expect.stringMatching(new RegExp(`^${at}: found .*TfToken.*cdktf's token markers`));
    // In a tag the marker's { [ ] } are also characters AWS refuses in tags: both problems, at the same path.
    expect(problems).toEqual(
      path.includes('tags') ? [marker, expect.stringMatching(new RegExp(`^${at}: found .*; expected a tag value of .* only`))] : [marker],
    );
  });

  it('GIVEN a cdktf token marker in a tag key WHEN loaded THEN it is refused at the key', () => {
    const raw = defaultConfigJson();
    raw.environments[0].tags = { '${TfToken[TOKEN.2]}': 'x' };
    expect(problemsOf(raw)).toEqual([
      expect.stringMatching(/^environments\[0\]\.tags\["\$\{TfToken\[TOKEN\.2\]\}"\]: found .*expected a key without/),
      expect.stringMatching(/^environments\[0\]\.tags\["\$\{TfToken\[TOKEN\.2\]\}"\]: found .*expected a tag key of .* only/),
    ]);
  });
});

describe('ARNs in free-form config fields', () => {
  it('GIVEN an alarm action ARN with a line break WHEN loaded THEN the loader refuses it at its path (the module would refuse it only while building the stacks)', () => {
    const raw = defaultConfigJson();
    raw.environments[0].audit = { alarmActionArns: ['arn:aws:sns:us-west-2:111122223333:alarms\nEOF'] };
    expect(problemsOf(raw)).toEqual([expect.stringMatching(/^environments\[0\]\.audit\.alarmActionArns\[0\]: found .*; expected an ARN on one line/)]);
  });
});

describe('the S3 backend role', () => {
  it.each(['arn:aws:iam::111122223333:role/*', 'arn:aws:sts::111122223333:assumed-role/deploy/session'])(
    'GIVEN backend.s3.roleArn %s WHEN loaded THEN it is refused (the backend assumes exactly one role)',
    (roleArn) => {
      const raw = defaultConfigJson();
      raw.environments[0].backend = { s3: { bucket: 'state-bucket', roleArn } };
      expect(problemsOf(raw)).toEqual([expect.stringMatching(/^environments\[0\]\.backend\.s3\.roleArn: found /)]);
    },
  );
});
