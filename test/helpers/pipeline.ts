import { createHash } from 'crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative, resolve } from 'path';
import { StacksConfig } from '../../stacks/config';
import { synthesizeToDirectory } from '../../stacks/build-app';
import { literalTemplateValue } from './terraform-template';
import { initValidatePlan, inParallel, terraform, TerraformStep, terraformToolchain } from './terraform';

/** A synthesized stack as Terraform JSON. */
export type TfJson = Record<string, any>;

/** Synthesizes a config into a fresh temporary project directory; returns the project dir and outdir. */
export function synthToTemp(config: StacksConfig, options: { hcl?: boolean } = {}): { project: string; outdir: string } {
  const project = mkdtempSync(join(tmpdir(), 'pls-synth-'));
  const outdir = join(project, 'cdktf.out');
  synthesizeToDirectory(config, outdir, options);
  return { project, outdir };
}

/**
 * Every file under `dir` (path relative to it → content), in sorted order, as a reader sees it:
 * links followed, the writer's own folder (`.synth/`: lock and generations) left out.
 */
export function filesOf(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      if (d === dir && name === '.synth') continue;
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

/** Every file under `dir` as relative path → sha256 of its content, so two outputs compare byte for byte with `toEqual`. */
export function fileHashes(dir: string): Record<string, string> {
  return Object.fromEntries([...filesOf(dir)].map(([path, content]) => [path, createHash('sha256').update(content).digest('hex')]));
}

/** Stack names in an outdir. */
export function stackNames(outdir: string): string[] {
  return readdirSync(join(outdir, 'stacks')).sort();
}

/** Reads a synthesized stack. */
export function readStack(outdir: string, stack: string): TfJson {
  return JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as TfJson;
}

/** A stand-in id of the right shape for a cross-stack output, stable per output name. */
export function standInValue(outputName: string): string {
  const hex = createHash('sha256').update(outputName).digest('hex').slice(0, 17);
  if (/vpc_endpoint/.test(outputName)) return `vpce-${hex}`;
  if (/aws_vpc\b|aws_vpcvpc|_vpc_/.test(outputName)) return `vpc-${hex}`;
  return `stand-in-${hex}`;
}

/**
 * Stands in for "the producing stack was applied": for each `terraform_remote_state` a stack reads,
 * writes a state file holding only the producer's cross-stack outputs, with stand-in ids. A local
 * remote state gets the file where it looks; a remote one (S3) is pointed at a local file by an
 * override, since offline nothing can read the bucket.
 */
export function writeStandInRemoteStates(outdir: string, stack: string): string[] {
  const json = readStack(outdir, stack);
  const written: string[] = [];
  const remoteOverrides: Record<string, unknown> = {};
  for (const [name, remote] of Object.entries<TfJson>(json.data?.terraform_remote_state ?? {})) {
    const producer = name.replace(/^cross-stack-reference-input-/, '');
    const outputs = Object.keys(readStack(outdir, producer).output ?? {}).filter((o) => o.startsWith('cross-stack-output-'));
    const state = {
      version: 4,
      terraform_version: '1.10.0',
      serial: 1,
      lineage: '00000000-0000-4000-8000-000000000000',
      outputs: Object.fromEntries(outputs.map((o) => [o, { value: standInValue(o), type: 'string', sensitive: true }])),
      resources: [],
    };
    const dir = join(outdir, 'stacks', stack);
    if (remote.backend === 'local') {
      // The data source's path is a template: Terraform reads "$${" as "${" (see terraform-template.ts).
      const path = resolve(dir, literalTemplateValue(remote.config.path));
      writeFileSync(path, JSON.stringify(state, null, 2));
      written.push(path);
    } else {
      // A remote backend (S3) cannot be read offline: point this data source at a local stand-in file instead.
      const file = `stand-in-${producer}.tfstate`;
      writeFileSync(join(dir, file), JSON.stringify(state, null, 2));
      remoteOverrides[name] = { backend: 'local', config: { path: file } };
      written.push(join(dir, file));
    }
  }
  if (Object.keys(remoteOverrides).length) {
    writeFileSync(
      join(outdir, 'stacks', stack, 'zz_remote_state_override.tf.json'),
      JSON.stringify({ data: { terraform_remote_state: remoteOverrides } }, null, 2),
    );
  }
  return written;
}

/** Data sources in a stack that need AWS credentials at plan (all but terraform_remote_state). */
export function credentialBoundDataSources(json: TfJson): string[] {
  return Object.entries<TfJson>(json.data ?? {})
    .filter(([type]) => type !== 'terraform_remote_state')
    .flatMap(([type, blocks]) => Object.keys(blocks).map((n) => `data.${type}.${n}`));
}

/** Values a plan-time data source is replaced with when credentials are absent (per data source type). */
export const DATA_STAND_INS: Record<string, Record<string, unknown>> = {
  // A dual-stack VPC with DNS attributes on: it passes the DNS and IPv6 preconditions of existing VPCs.
  aws_vpc: { enable_dns_support: true, enable_dns_hostnames: true, cidr_block: '10.0.0.0/16', ipv6_cidr_block: '2600:1f14:abc:de00::/56' },
  // A dual-stack subnet (read for dualstack / ipv6 endpoints in existing VPCs).
  aws_subnet: { cidr_block: '10.0.0.0/24', ipv6_cidr_block: '2600:1f14:abc:de00::/64', ipv6_native: false },
  // What AWS lists for a service (read for dualstack / ipv6 endpoints in verified existing VPCs).
  aws_vpc_endpoint_service: { supported_ip_address_types: ['ipv4', 'ipv6'] },
};

/** A `terraform test` file that plans with the given data sources overridden, plus extra runs. */
export function offlinePlanTest(dataAddresses: string[], extraRuns = ''): string {
  const overrides = dataAddresses
    .map((address) => {
      const type = address.split('.')[1];
      const values = Object.entries(DATA_STAND_INS[type])
        .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
        .join(', ');
      return `override_data {\n  target = ${address}\n  values = { ${values} }\n}\n`;
    })
    .join('');
  return `${overrides}\nrun "offline_plan" {\n  command = plan\n}\n${extraRuns}`;
}

/** Writes `tests/<name>.tftest.hcl` into a stack directory. */
export function writeTerraformTest(dir: string, name: string, content: string): void {
  mkdirSync(join(dir, 'tests'), { recursive: true });
  writeFileSync(join(dir, 'tests', `${name}.tftest.hcl`), content);
}

/** What the pipeline did for one stack. */
export interface StackPipelineResult {
  readonly stack: string;
  readonly steps: TerraformStep[];
  /** Why plan did not run, when it did not. */
  readonly planSkipped?: string;
  /** Set when plan ran as `terraform test` with these data sources overridden by stand-in values. */
  readonly planWithOverriddenData?: string[];
}

/**
 * The pipeline over every stack of an outdir: producers first (so stand-in states exist), then
 * `init` / `validate` / `plan` per stack, several stacks at once. A stack reading data sources that
 * need credentials (an existing VPC's DNS attributes) is planned by `terraform test` with those
 * data sources overridden by stand-in values; one reading data sources without stand-ins skips plan
 * and says why.
 */
export async function runPipeline(outdir: string, parallel = 3): Promise<StackPipelineResult[] | { skipReason: string }> {
  const toolchain = await terraformToolchain();
  if ('skipReason' in toolchain) return toolchain;
  const stacks = stackNames(outdir);
  for (const stack of stacks) writeStandInRemoteStates(outdir, stack);
  return inParallel(
    stacks.map((stack) => async () => {
      const dir = join(outdir, 'stacks', stack);
      const bound = credentialBoundDataSources(readStack(outdir, stack));
      const withoutStandIn = bound.filter((address) => !DATA_STAND_INS[address.split('.')[1]]);
      if (withoutStandIn.length) {
        const steps = await initValidatePlan(toolchain, dir, { plan: false });
        return { stack, steps, planSkipped: `reads ${withoutStandIn.join(', ')}, which needs AWS credentials at plan` };
      }
      if (bound.length === 0) return { stack, steps: await initValidatePlan(toolchain, dir, { plan: true }) };
      writeTerraformTest(dir, 'offline_plan', offlinePlanTest(bound));
      const steps = await initValidatePlan(toolchain, dir, { plan: false });
      if (steps.every((s) => s.ok)) steps.push({ ...(await terraform(toolchain, dir, ['test', '-filter=tests/offline_plan.tftest.hcl'])), command: 'plan' });
      return { stack, steps, planWithOverriddenData: bound };
    }),
    parallel,
  );
}

/** One line per stack for the test log. */
export function describePipeline(results: StackPipelineResult[]): string {
  return results
    .map((r) => {
      const steps = r.steps.map(
        (s) =>
          `${s.command} ${s.ok ? 'ok' : 'FAILED'} ${s.seconds.toFixed(1)}s${s.command === 'plan' && s.ok ? ` (${/Plan: [^\n]*|Success! [^\n]*/.exec(s.output)?.[0] ?? 'no changes'})` : ''}`,
      );
      const note = r.planSkipped
        ? ` | plan skipped: ${r.planSkipped}`
        : r.planWithOverriddenData
          ? ` (plan via terraform test, stand-in values for ${r.planWithOverriddenData.join(', ')})`
          : '';
      return `${r.stack}: ${steps.join(' | ')}${note}`;
    })
    .join('\n');
}

/** The directory holding a stack's files. */
export function stackDir(outdir: string, stack: string): string {
  return join(outdir, 'stacks', stack);
}

/**
 * Runs the pipeline on an outdir, logs one line per stack, fails with the
 * Terraform output of the first failed step, and asserts every stack ran init, validate and plan.
 */
export async function expectPipelinePasses(outdir: string, header: string): Promise<StackPipelineResult[]> {
  const results = await runPipeline(outdir);
  if ('skipReason' in results) throw new Error(results.skipReason);
  console.log(`${header}\n${describePipeline(results)}`);
  for (const r of results) {
    const failed = r.steps.find((s) => !s.ok);
    if (failed) throw new Error(`${r.stack}: terraform ${failed.command} failed:\n${failed.output}`);
    expect({ stack: r.stack, commands: r.steps.map((s) => s.command), planSkipped: r.planSkipped }).toEqual({
      stack: r.stack,
      commands: ['init', 'validate', 'plan'],
      planSkipped: undefined,
    });
  }
  return results;
}
/** What a saved plan (`tfplan`) creates: resource changes by address, and output names. */
export interface PlannedStack {
  readonly changes: { address: string; actions: string[]; after: unknown }[];
  readonly outputs: string[];
}

/** Reads the saved plan of a stack directory with `terraform show -json tfplan`. */
export async function showPlan(toolchain: { terraform: string }, dir: string): Promise<PlannedStack> {
  const show = await terraform(toolchain, dir, ['show', '-json', 'tfplan']);
  if (!show.ok) throw new Error(`${dir}: terraform show failed:\n${show.output}`);
  const parsed = JSON.parse(show.output.slice(show.output.indexOf('{'))) as TfJson;
  return {
    changes: (parsed.resource_changes as TfJson[])
      .map((c) => ({ address: c.address, actions: c.change.actions, after: c.change.after }))
      .sort((a, b) => a.address.localeCompare(b.address)),
    outputs: Object.keys(parsed.planned_values.outputs ?? {}).sort(),
  };
}
