import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { basename, join, relative } from 'path';
import { parseConfig } from '../../../stacks/config';
import { exampleConfigJson, exampleConfigNames } from '../../helpers/configs';
import {
  credentialBoundDataSources,
  DATA_STAND_INS,
  readStack,
  stackDir,
  stackNames,
  synthToTemp,
  TfJson,
  writeStandInRemoteStates,
} from '../../helpers/pipeline';
import { terraform, toolchainOrReportSkip, writeOfflineOverride } from '../../helpers/terraform';

/**
 * HCL equals JSON, checked by Terraform: every stack of every example config, synthesized as JSON
 * and as HCL (synth:hcl), is planned, and the two plans must print the same. To start Terraform and
 * its providers as few times as possible, each format gets one root module calling every stack as
 * a child module (one init and one `terraform test` per format, instead of one init, validate and
 * plan per stack), with root outputs forwarding the stacks' outputs. The plan runs as `terraform
 * test` so that the data sources of existing VPCs, which need AWS credentials, read stand-in values.
 */

interface Synthesized {
  readonly config: string;
  readonly json: { project: string; outdir: string };
  readonly hcl: { project: string; outdir: string };
  readonly stacks: string[];
}

/** Copies `from` to `to`; a file already there must hold the same bytes (two configs sharing a stand-in state). */
function copySame(from: string, to: string): void {
  if (existsSync(to)) {
    if (!readFileSync(to).equals(readFileSync(from))) throw new Error(`two stand-ins for ${to} differ (${from})`);
    return;
  }
  copyFileSync(from, to);
}

/** Module name of a stack in the root. */
const moduleName = (config: string, stack: string) => `${basename(config, '.json')}__${stack}`;

/**
 * Writes the root module of one format into `<project>/cdktf.out/stacks/root` (the depth of a stack
 * folder, so the stacks' relative state paths, resolved from the working directory, land in
 * `project` as they would in their own): a module per stack, root outputs forwarding theirs, the
 * offline override in each stack folder and the stand-in states of the producing stacks.
 */
function writeRoot(project: string, all: Synthesized[], format: 'json' | 'hcl'): string {
  const root = join(project, 'cdktf.out', 'stacks', 'root');
  mkdirSync(join(root, 'tests'), { recursive: true });
  const modules: TfJson = {};
  const outputs: TfJson = {};
  const overrides: string[] = [];
  for (const synthesized of all) {
    const out = synthesized[format];
    for (const stack of synthesized.stacks) {
      const json = readStack(synthesized.json.outdir, stack);
      const dir = stackDir(out.outdir, stack);
      const name = moduleName(synthesized.config, stack);
      modules[name] = { source: relative(root, dir) };
      for (const [output, body] of Object.entries<TfJson>(json.output ?? {})) {
        outputs[`${name}__${output}`] = { value: `\${module.${name}.${output}}`, sensitive: body.sensitive ?? false };
      }
      writeOfflineOverride(dir);
      // Stand-in states: local ones land relative to the working directory (the project), S3 ones are overridden to a file there.
      for (const written of writeStandInRemoteStates(synthesized.json.outdir, stack)) {
        copySame(
          written,
          written.startsWith(stackDir(synthesized.json.outdir, stack))
            ? join(root, basename(written))
            : join(project, relative(synthesized.json.project, written)),
        );
      }
      const remoteOverride = join(stackDir(synthesized.json.outdir, stack), 'zz_remote_state_override.tf.json');
      if (existsSync(remoteOverride) && format === 'hcl') copyFileSync(remoteOverride, join(dir, basename(remoteOverride)));
      for (const address of credentialBoundDataSources(json)) {
        const values = Object.entries(DATA_STAND_INS[address.split('.')[1]]).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
        overrides.push(`override_data {\n  target = module.${name}.${address}\n  values = { ${values.join(', ')} }\n}\n`);
      }
    }
  }
  writeFileSync(join(root, 'main.tf.json'), JSON.stringify({ module: modules, output: outputs }, null, 2));
  writeFileSync(join(root, 'tests', 'plan.tftest.hcl'), `${overrides.join('')}\nrun "plan" {\n  command = plan\n}\n`);
  return root;
}

/** The plan as `terraform test -verbose` prints it: from the actions to the planned outputs (not the warnings, which name files). */
function printedPlan(output: string): string {
  const start = output.indexOf('Terraform will perform the following actions:');
  if (start < 0) throw new Error(`no plan in:\n${output}`);
  const rest = output.slice(start);
  const end = rest.search(/^(Warning|Error): |^tests\/plan\.tftest\.hcl\.\.\. (tearing down|pass|fail)/m);
  return (end < 0 ? rest : rest.slice(0, end)).trim();
}

describe('HCL output (synth:hcl) plans the same as the JSON output', () => {
  it('GIVEN every example config WHEN synthesized as JSON and as HCL THEN terraform validates and plans both, and every stack plans the same resources, values and outputs', async () => {
    const toolchain = await toolchainOrReportSkip('HCL/JSON plan equivalence');
    if (!toolchain) return;
    const all: Synthesized[] = exampleConfigNames().map((config) => {
      const json = synthToTemp(parseConfig(exampleConfigJson(config), config));
      const hcl = synthToTemp(parseConfig(exampleConfigJson(config), config), { hcl: true });
      const stacks = stackNames(json.outdir);
      expect({ config, stacks: stackNames(hcl.outdir) }).toEqual({ config, stacks });
      for (const stack of stacks) expect(readdirSync(stackDir(hcl.outdir, stack)).sort()).toEqual(['cdk.tf', 'metadata.json']);
      return { config, json, hcl, stacks };
    });
    const declared = all.flatMap((s) =>
      s.stacks.flatMap((stack) => Object.values<TfJson>(readStack(s.json.outdir, stack).resource ?? {}).flatMap((named) => Object.keys(named))),
    );
    const plans: Record<string, string> = {};
    for (const format of ['json', 'hcl'] as const) {
      const root = writeRoot(mkdtempSync(join(tmpdir(), `pls-equivalence-${format}-`)), all, format);
      for (const args of [
        ['init', '-input=false', `-plugin-dir=${toolchain.pluginDir}`],
        ['test', '-verbose'],
      ]) {
        const step = await terraform(toolchain, root, args);
        if (!step.ok) throw new Error(`${format}: terraform ${step.command} failed:\n${step.output}`);
        if (args[0] === 'test') plans[format] = printedPlan(step.output);
      }
    }
    expect(plans.json).toContain(`Plan: ${declared.length} to add, 0 to change, 0 to destroy.`);
    expect(plans.json).toContain('Changes to Outputs:');
    expect(plans.hcl).toBe(plans.json);
    // About 40 provider starts (one per stack and format, plus validation): 35 s on 2 idle cores, several times that on a loaded machine.
  }, 300_000);
});
