import { existsSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import fc from 'fast-check';
import { terraformLiteral } from '../../../modules/core/terraform-literal';
import { renderHcl } from '../../../stacks/engine/hcl/render-hcl';
import { TfJson } from '../../helpers/pipeline';
import { hostileText } from '../../helpers/terraform-template';
import { inParallel, terraform, toolchainOrReportSkip } from '../../helpers/terraform';

/** A secret description that closes a heredoc of cdktf's HCL renderer and adds a resource that runs a command. */
const INJECTION = 'ok\nEOF\nresource "terraform_data" "pwn" {\n  provisioner "local-exec" {\n    command = "touch /tmp/pwned"\n  }\n}\nx = <<EOF\n';

/** Well-formed Unicode only (a lone surrogate is no text Terraform can hold). */
const wellFormed = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

/** Literal texts: fixed hostile ones, hostile pieces combined by fast-check, and arbitrary code points (seeded, so a failure reruns the same). */
const TEXTS = [
  INJECTION,
  'say "hi" \\ C:\\temp\\"',
  'Set ${DB_HOST} at 100%{free} with $${x} and %%{y} $$${z}',
  '${file("/etc/hostname")}',
  'only\ttabs\rand\r\nbreaks\u0000\u001b\u007f\u0085\u2028',
  'café ☃ 😀 עברית',
  '',
  ...fc.sample(hostileText(12), { seed: 20261203, numRuns: 60 }),
  ...fc.sample(fc.string({ unit: 'binary', maxLength: 24 }), { seed: 11, numRuns: 30 }).filter(wellFormed),
];

/** Templates Terraform evaluates, with the value it must give (checked in JSON and in HCL). */
const TEMPLATES: [string, string][] = [
  ['${upper("a\\"b")}', 'A"B'],
  ['x${"}"}y', 'x}y'],
  ['%{ if true }yes "q"%{ else }no%{ endif }', 'yes "q"'],
  ['${jsonencode({"k" = "v\\n}"})}', '{"k":"v\\n}"}'],
  ['a\\${"b"}', 'a\\b'],
  ['$$${"x"}', '$${"x"}'],
  ['${terraform_data.t.input}', INJECTION],
  [
    '{"Statement":[{"Resource":"arn:aws:s3:::${terraform.workspace}/*","Condition":{"StringEquals":{"aws:SourceVpce":"${terraform_data.t.input}"}}}]}',
    `{"Statement":[{"Resource":"arn:aws:s3:::default/*","Condition":{"StringEquals":{"aws:SourceVpce":"${INJECTION}"}}}]}`,
  ],
];

/** A state path Terraform reads literally from the backend block. */
const STATE_PATH = 'state ${x} %{y} $${z} "q".tfstate';

const name = (prefix: string, i: number) => `${prefix}_${String(i).padStart(3, '0')}`;

/**
 * The document: the texts as literal output values and descriptions (descriptions are read
 * literally, values as templates), the templates as output values, INJECTION in a resource, and a
 * local backend with a literal path.
 */
function document(): Record<string, unknown> {
  const output: TfJson = {};
  TEXTS.forEach((text, i) => (output[name('lit', i)] = { value: terraformLiteral(text), description: text }));
  TEMPLATES.forEach(([template], i) => (output[name('tpl', i)] = { value: template }));
  return {
    terraform: { backend: { local: { path: STATE_PATH } } },
    resource: { terraform_data: { t: { input: terraformLiteral(INJECTION) } } },
    output,
  };
}

describe('HCL strings through real Terraform', () => {
  it('GIVEN hostile strings as output values, descriptions, a resource input and a backend path THEN the JSON and the HCL plan exactly those values, and apply creates only the one resource', async () => {
    const toolchain = await toolchainOrReportSkip('HCL strings through Terraform');
    if (!toolchain) return;
    const doc = document();
    const dirs = { json: mkdtempSync(join(tmpdir(), 'pls-hcl-json-')), hcl: mkdtempSync(join(tmpdir(), 'pls-hcl-hcl-')) };
    writeFileSync(join(dirs.json, 'main.tf.json'), JSON.stringify(doc, null, 2));
    writeFileSync(join(dirs.hcl, 'main.tf'), renderHcl(doc, new Set()));
    const results = await inParallel(
      Object.entries(dirs).map(([format, dir]) => async () => {
        for (const args of [
          ['init', '-input=false'],
          ['plan', '-input=false', '-out=tfplan'],
          ['apply', '-input=false', 'tfplan'],
        ]) {
          const step = await terraform(toolchain, dir, args);
          if (!step.ok) throw new Error(`${format}: terraform ${step.command} failed:\n${step.output}`);
        }
        const show = await terraform(toolchain, dir, ['show', '-json', 'tfplan']);
        if (!show.ok) throw new Error(`${format}: terraform show failed:\n${show.output}`);
        return { format, dir, plan: JSON.parse(show.output.slice(show.output.indexOf('{'))) as TfJson };
      }),
      2,
    );
    for (const { format, dir, plan } of results) {
      const outputs = plan.planned_values.outputs as Record<string, { value: string }>;
      const configured = plan.configuration.root_module.outputs as Record<string, { description?: string }>;
      expect({ format, values: TEXTS.map((_, i) => outputs[name('lit', i)].value) }).toEqual({ format, values: TEXTS });
      expect({ format, descriptions: TEXTS.map((_, i) => configured[name('lit', i)].description ?? '') }).toEqual({ format, descriptions: TEXTS });
      expect({ format, values: TEMPLATES.map((_, i) => outputs[name('tpl', i)].value) }).toEqual({ format, values: TEMPLATES.map(([, value]) => value) });
      expect({ format, changes: (plan.resource_changes as TfJson[]).map((c) => [c.address, c.change.actions, c.change.after.input]) }).toEqual({
        format,
        changes: [['terraform_data.t', ['create'], INJECTION]],
      });
      expect({ format, state: existsSync(join(dir, STATE_PATH)) }).toEqual({ format, state: true });
    }
  });
});
