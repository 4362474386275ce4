import { App } from 'cdktf';
import fc from 'fast-check';
import { terraformLiteral } from '../../../modules/core/terraform-literal';
import { buildStacks, synthesizeInMemory } from '../../../stacks/build-app';
import { parseConfig } from '../../../stacks/config';
import { blockPathsOf } from '../../../stacks/engine/hcl/block-paths';
import { hclLiteral, hclMetadata, hclTemplate, renderHcl } from '../../../stacks/engine/hcl/render-hcl';
import { hostileText, literalTemplateValue } from '../../helpers/terraform-template';
import { defaultConfigJson, exampleConfigJson, exampleConfigNames } from '../../helpers/configs';

const INJECTION = 'ok\nEOF\nresource "terraform_data" "pwn" {\n  provisioner "local-exec" {\n    command = "touch /tmp/pwned"\n  }\n}\nx = <<EOF\n';

/** A document with one resource holding `description`, rendered with no blocks. */
function renderDescription(description: string): string {
  return renderHcl({ resource: { aws_secretsmanager_secret: { s: { description, name: 'app/db' } } } }, new Set());
}

/** The stacks of an example config, built (not synthesized). */
function exampleStacks(name: string) {
  const app = new App({ outdir: '/nonexistent', skipValidation: true });
  return buildStacks(app, parseConfig(exampleConfigJson(name), name)).flatMap((s) => [s.app, s.admin]);
}

describe('HCL strings: every JSON string becomes one quoted template of the same meaning', () => {
  it.each<[string, string, string]>([
    [
      'a newline, "EOF" and an injected resource',
      INJECTION,
      String.raw`"ok\nEOF\nresource \"terraform_data\" \"pwn\" {\n  provisioner \"local-exec\" {\n    command = \"touch /tmp/pwned\"\n  }\n}\nx = <<EOF\n"`,
    ],
    ['quotes and backslashes', String.raw`say "hi" \ C:\temp\"`, String.raw`"say \"hi\" \\ C:\\temp\\\""`],
    ['escaped template sequences', 'Set $${DB_HOST} at 100%%{free}', '"Set $${DB_HOST} at 100%%{free}"'],
    ['a lone $ and % and braces', '$ 5 % {x} $x %y }{', '"$ 5 % {x} $x %y }{"'],
    ['$$$ before a brace (one literal $, then an escape)', '$$${x}', '"$$${x}"'],
    ['only a reference', '${aws_vpc.x.id}', '"${aws_vpc.x.id}"'],
    ['a reference with quotes and braces inside', 'a"${jsonencode({"k" = "v}\\"", n = [1]})}"b', '"a\\"${jsonencode({"k" = "v}\\"", n = [1]})}\\"b"'],
    ['a nested template in a quoted string inside a reference', '${upper("x${lower("Y}")}z")}', '"${upper("x${lower("Y}")}z")}"'],
    ['a directive', '%{ if var.on }on "x"%{ else }off%{ endif }', String.raw`"%{ if var.on }on \"x\"%{ else }off%{ endif }"`],
    ['non-ASCII', 'café ☃ 😀 עברית', '"café ☃ 😀 עברית"'],
    ['control characters', 'a\tb\rc\u0000d\u001be\u007ff\u0085g\u2028h', String.raw`"a\tb\rc\u0000d\u001Be\u007Ff\u0085g\u2028h"`],
    [
      'a policy JSON string holding references',
      '{"Statement":[{"Resource":"${aws_s3_bucket.b.arn}/*","Condition":{"StringEquals":{"aws:SourceVpce":"${data.terraform_remote_state.x.outputs.id}"}}}]}',
      '"{\\"Statement\\":[{\\"Resource\\":\\"${aws_s3_bucket.b.arn}/*\\",\\"Condition\\":{\\"StringEquals\\":{\\"aws:SourceVpce\\":\\"${data.terraform_remote_state.x.outputs.id}\\"}}}]}"',
    ],
  ])('GIVEN %s THEN it renders as one quoted string', (_what, input, expected) => {
    expect(hclTemplate(input)).toBe(expected);
  });

  it('GIVEN a description that closes a heredoc and adds a resource THEN the HCL has one resource, no heredoc, the text on one line', () => {
    const hcl = renderDescription(INJECTION);
    expect(hcl).not.toMatch(/^EOF$/m);
    expect(hcl.split('\n')).toHaveLength(5);
    expect(hcl.match(/^resource /gm)).toEqual(['resource ']);
    expect(hcl).toBe(`resource "aws_secretsmanager_secret" "s" {\n  description = ${hclTemplate(INJECTION)}\n  name = "app/db"\n}\n`);
  });

  it.each([
    ['an unclosed ${', 'a ${b', /closed by a "}"/],
    ['an unclosed string in a sequence', '${"a}', /quoted strings are closed/],
    ['a line break in a sequence', '${a +\nb}', /on one line/],
    ['a comment in a sequence', '${a # }"\n}', /comments or heredocs/],
    ['a heredoc in a sequence', '${<<EOT\nx\nEOT\n}', /comments or heredocs/],
    ['a strip marker', '${~ a}', /strip markers/],
    ['a lone surrogate', 'a\ud800b', /well-formed Unicode/],
  ])('GIVEN a template with %s THEN rendering refuses it (it could not be written with the same meaning)', (_what, input, message) => {
    expect(() => hclTemplate(input, 'resource.x.y.description')).toThrow(message);
    expect(() => hclTemplate(input, 'resource.x.y.description')).toThrow(/PLS_HCL_RENDER/);
  });

  it('GIVEN object keys with quotes, newlines and references THEN each is a quoted, escaped key', () => {
    const hcl = renderHcl({ resource: { aws_vpc: { v: { tags: { 'a"b\nc': 'x', '${var.k}': '$${y}', 'Name=x': 'y' } } } } }, new Set());
    expect(hcl).toContain(`  tags = {\n    "$\{var.k}" = "$$\{y}"\n    "Name=x" = "y"\n    "a\\"b\\nc" = "x"\n  }`);
  });
});

/**
 * The text of an HCL quoted string without template sequences, decoded as HCL's scanner and parser
 * do (fails on anything else: a raw quote, line break or control character, an unknown escape).
 */
function decodeQuoted(quoted: string): string {
  expect(quoted[0]).toBe('"');
  expect(quoted[quoted.length - 1]).toBe('"');
  const body = quoted.slice(1, -1);
  const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
  let out = '';
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i];
    expect(c === '"' || body.charCodeAt(i) < 0x20).toBe(false);
    if (c !== '\\') out += c;
    else if (body[i + 1] === 'u') {
      out += String.fromCharCode(parseInt(body.slice(i + 2, i + 6), 16));
      i += 5;
    } else {
      expect(escapes[body[i + 1]]).toBeDefined();
      out += escapes[body[i + 1]];
      i += 1;
    }
  }
  return out;
}

describe('HCL strings (property): any text, escaped as the modules escape it, comes back from the HCL string unchanged', () => {
  const texts = fc.oneof(
    hostileText(16),
    fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !/[\ud800-\udfff]/.test(s) || /^(?:[^\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/.test(s)),
  );

  it('GIVEN any text as a template (terraformLiteral) THEN hclTemplate writes one line whose value is the text', () => {
    fc.assert(
      fc.property(texts, (text) => {
        expect(literalTemplateValue(decodeQuoted(hclTemplate(terraformLiteral(text))))).toBe(text);
      }),
      { numRuns: 600 },
    );
  });

  it('GIVEN any text where Terraform reads JSON literally THEN hclLiteral writes one line whose value is the text', () => {
    fc.assert(
      fc.property(texts, (text) => {
        expect(literalTemplateValue(decodeQuoted(hclLiteral(text)))).toBe(text);
      }),
      { numRuns: 600 },
    );
  });
});

describe('HCL structure', () => {
  const doc = {
    '//': { metadata: { stackName: 's' } },
    terraform: {
      backend: { local: { path: 'x.tfstate' } },
      required_providers: { aws: { source: 'hashicorp/aws', version: '~> 5.100' } },
      required_version: '>= 1.10.0',
    },
    provider: { aws: [{ region: 'us-west-2', default_tags: [{ tags: { Stack: 's' } }], assume_role: [{ role_arn: 'arn:aws:iam::1:role/r' }] }] },
    resource: {
      aws_s3_bucket_server_side_encryption_configuration: {
        e: {
          '//': { metadata: { path: 's/e' } },
          bucket: '${aws_s3_bucket.b.id}',
          depends_on: ['aws_s3_bucket.b', 'aws_kms_key.k'],
          lifecycle: { prevent_destroy: true, ignore_changes: ['tags["Name"]'], precondition: [{ condition: '${1 == 1}', error_message: 'no' }] },
          rule: [{ bucket_key_enabled: true, apply_server_side_encryption_by_default: [{ sse_algorithm: 'aws:kms' }] }],
        },
      },
    },
    output: { o: { value: ['a', 1, null, false, { k: 2.5 }], sensitive: true } },
  };
  const blocks = new Set([
    'provider.aws.default_tags',
    'provider.aws.assume_role',
    'resource.aws_s3_bucket_server_side_encryption_configuration.rule',
    'resource.aws_s3_bucket_server_side_encryption_configuration.rule.apply_server_side_encryption_by_default',
  ]);

  it('GIVEN a document THEN blocks, attributes, meta-arguments and values are written in HCL native syntax, without the "//" metadata', () => {
    expect(renderHcl(doc, blocks)).toBe(
      [
        'terraform {',
        '  backend "local" {',
        '    path = "x.tfstate"',
        '  }',
        '  required_providers {',
        '    aws = {',
        '      "source" = "hashicorp/aws"',
        '      "version" = "~> 5.100"',
        '    }',
        '  }',
        '  required_version = ">= 1.10.0"',
        '}',
        '',
        'provider "aws" {',
        '  assume_role {',
        '    role_arn = "arn:aws:iam::1:role/r"',
        '  }',
        '  default_tags {',
        '    tags = {',
        '      "Stack" = "s"',
        '    }',
        '  }',
        '  region = "us-west-2"',
        '}',
        '',
        'resource "aws_s3_bucket_server_side_encryption_configuration" "e" {',
        '  depends_on = [aws_s3_bucket.b, aws_kms_key.k]',
        '  bucket = "${aws_s3_bucket.b.id}"',
        '  rule {',
        '    apply_server_side_encryption_by_default {',
        '      sse_algorithm = "aws:kms"',
        '    }',
        '    bucket_key_enabled = true',
        '  }',
        '  lifecycle {',
        '    ignore_changes = [tags["Name"]]',
        '    precondition {',
        '      condition = "${1 == 1}"',
        '      error_message = "no"',
        '    }',
        '    prevent_destroy = true',
        '  }',
        '}',
        '',
        'output "o" {',
        '  sensitive = true',
        '  value = [',
        '    "a",',
        '    1,',
        '    null,',
        '    false,',
        '    {',
        '      "k" = 2.5',
        '    },',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('GIVEN no block paths THEN the same keys are written as attributes (the paths decide, not the shape)', () => {
    const hcl = renderHcl(doc, new Set());
    expect(hcl).toContain('  rule = [\n');
    expect(hcl).toContain('  default_tags = [\n');
  });

  it.each([
    ['depends_on', { depends_on: ['aws_s3_bucket.b]\nresource "terraform_data" "x" {}\n#'] }],
    ['depends_on written as a template', { depends_on: ['${aws_s3_bucket.b}'] }],
    ['provider', { provider: 'aws.west) + file("/etc/passwd' }],
    ['lifecycle.ignore_changes', { lifecycle: { ignore_changes: ['tags\n}'] } }],
    ['lifecycle.replace_triggered_by', { lifecycle: { replace_triggered_by: ['aws_vpc.v.id, file("x")'] } }],
  ])('GIVEN a %s that is not a plain reference THEN rendering refuses it', (_what, body) => {
    expect(() => renderHcl({ resource: { aws_vpc: { v: body } } }, new Set())).toThrow(/PLS_HCL_RENDER.*a reference such as/);
  });

  it.each([
    ['a block label', { resource: { aws_vpc: { 'v" {}\nresource "x': {} } } }, /block label/],
    ['an attribute name', { resource: { aws_vpc: { v: { 'a = 1\nb': 'x' } } } }, /attribute name/],
    ['a top-level key', { check: {} }, /top-level key/],
    ['a provisioner', { resource: { aws_vpc: { v: { provisioner: [{ 'local-exec': { command: 'id' } }] } } } }, /no provisioners/],
    ['a variable type', { variable: { v: { type: 'string\n}\nresource' } } }, /a type such as/],
  ])('GIVEN %s Terraform would not read as written THEN rendering refuses it', (_what, document, message) => {
    expect(() => renderHcl(document, new Set())).toThrow(message);
  });

  it('GIVEN moved, import, module, variable and locals THEN each is written as its Terraform block', () => {
    const hcl = renderHcl(
      {
        variable: { env: { type: 'list(string)', default: ['a'] } },
        locals: { name: '${var.env[0]}' },
        module: { m: { source: './m', providers: { aws: 'aws.west' }, input: 'x' } },
        moved: [{ from: 'aws_vpc.a', to: 'aws_vpc.b' }],
        import: [{ to: 'aws_vpc.b', id: 'vpc-1' }],
      },
      new Set(),
    );
    expect(hcl).toContain('variable "env" {\n  default = [\n    "a",\n  ]\n  type = list(string)\n}');
    expect(hcl).toContain('locals {\n  name = "${var.env[0]}"\n}');
    expect(hcl).toContain('module "m" {\n  input = "x"\n  providers = {\n    aws = aws.west\n  }\n  source = "./m"\n}');
    expect(hcl).toContain('moved {\n  from = aws_vpc.a\n  to = aws_vpc.b\n}');
    expect(hcl).toContain('import {\n  id = "vpc-1"\n  to = aws_vpc.b\n}');
  });
});

describe('HCL block paths and metadata from the example configs', () => {
  it('GIVEN the audit, three-accounts and multi-env configs THEN the block paths are the nested blocks of the provider bindings, and maps stay attributes', () => {
    const paths = new Set(['audit.json', 'three-accounts.json', 'multi-env.json'].flatMap((name) => exampleStacks(name).flatMap((s) => [...blockPathsOf(s)])));
    expect([...paths].sort()).toEqual([
      'provider.aws.assume_role',
      'provider.aws.default_tags',
      'resource.aws_cloudtrail.event_selector',
      'resource.aws_cloudwatch_log_metric_filter.metric_transformation',
      'resource.aws_s3_bucket_ownership_controls.rule',
      'resource.aws_s3_bucket_server_side_encryption_configuration.rule',
      'resource.aws_s3_bucket_server_side_encryption_configuration.rule.apply_server_side_encryption_by_default',
      'resource.aws_s3_bucket_versioning.versioning_configuration',
      'resource.aws_secretsmanager_secret_rotation.rotation_rules',
    ]);
  });

  it.each(exampleConfigNames())('GIVEN %s THEN metadata.json holds what cdktf 0.21 writes beside its own HCL', (name) => {
    for (const stack of exampleStacks(name)) {
      expect({ stack: stack.node.id, metadata: hclMetadata(stack.toTerraform()) }).toEqual({
        stack: stack.node.id,
        metadata: JSON.parse(JSON.stringify(stack.toHclTerraform().metadata)),
      });
    }
  });
});

describe('HCL output of a synth', () => {
  /** Every stack's files, synthesized in memory. */
  const synth = (raw: unknown, hcl: boolean) =>
    Object.fromEntries(synthesizeInMemory(parseConfig(raw, 'test.json'), { hcl }).files.map((f) => [f.name, f.files] as const));

  it('GIVEN a secret description that closes a heredoc and adds a resource WHEN synthesized as HCL THEN cdk.tf declares exactly the resources of cdk.tf.json, and the text is one quoted string', () => {
    const raw = defaultConfigJson();
    raw.environments[0].secrets[0].description = INJECTION;
    const hcl = synth(raw, true)['admin-vpc']['stacks/admin-vpc/cdk.tf'];
    const json = JSON.parse(synth(raw, false)['admin-vpc']['stacks/admin-vpc/cdk.tf.json']);
    const declared = Object.entries<Record<string, unknown>>(json.resource).flatMap(([type, named]) =>
      Object.keys(named).map((n) => `resource "${type}" "${n}" {`),
    );
    expect(hcl.split('\n').filter((line) => /^\s*resource\b/.test(line))).toEqual(declared);
    expect(hcl).toContain(`  description = ${hclTemplate(INJECTION)}\n`);
  });

  it('GIVEN existing VPCs WHEN synthesized as HCL THEN the endpoint preconditions are lifecycle blocks', () => {
    const hcl = synth(exampleConfigJson('existing-vpcs-fips.json'), true)['gov-app-vpc']['stacks/gov-app-vpc/cdk.tf'];
    expect(
      hcl.match(
        /^ {2}lifecycle \{\n {4}precondition \{\n {6}condition = "\$\{\(data\.aws_vpc\.\w+\.enable_dns_support && data\.aws_vpc\.\w+\.enable_dns_hostnames\)\}"\n/gm,
      ),
    ).toHaveLength(2);
    expect(hcl).not.toMatch(/precondition = /);
  });
});
