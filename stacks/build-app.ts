import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { mkdir, writeFile } from 'fs/promises';
import { basename, dirname, join, resolve } from 'path';
import { App, Manifest, TerraformStack } from 'cdktf';
import { AdminVpcStack } from './admin-vpc-stack';
import { AppVpcStack } from './app-vpc-stack';
import { StacksConfig } from './config';
import { stackName } from './environment-stack';
import { withoutTokenStackTraces } from './token-stack-traces';

/** The two stacks of one environment. */
export interface EnvironmentStacks {
  readonly app: AppVpcStack;
  readonly admin: AdminVpcStack;
}

/** Adds the app and admin stacks of every environment to `app`. */
export function buildStacks(app: App, config: StacksConfig): EnvironmentStacks[] {
  return config.environments.map((env) => {
    const appStack = new AppVpcStack(app, env);
    const adminStack = new AdminVpcStack(app, env, appStack);
    return { app: appStack, admin: adminStack };
  });
}

/** Options of {@link synthesizeToDirectory}. */
export interface SynthesizeOptions {
  /** Write HCL (`cdk.tf`) instead of JSON. @default false */
  readonly hcl?: boolean;
}

/** Where a synth failed: building the constructs, or synthesizing them. */
export type SynthPhase = 'build' | 'synth';

/** An error of {@link buildAndSynthesize}, with the phase it came from. */
export class SynthPhaseError extends Error {
  constructor(
    public readonly phase: SynthPhase,
    public readonly cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause));
  }
}

/** An App that writes into `outdir`, holding the stacks of a config. */
interface BuiltApp {
  readonly app: App;
  readonly stacks: EnvironmentStacks[];
  readonly hcl: boolean;
}

function build(config: StacksConfig, outdir: string, options: SynthesizeOptions): BuiltApp {
  const hcl = options.hcl ?? false;
  const app = new App({ outdir, hclOutput: hcl, skipBackendValidation: false });
  // cdktf 0.21 stacks pick JSON or HCL from SYNTH_HCL_OUTPUT when constructed, whatever the App option says.
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = String(hcl);
  try {
    return { app, stacks: buildStacks(app, config), hcl };
  } catch (e) {
    throw new SynthPhaseError('build', e);
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
}

/** Synthesizes the stacks of `built` in order, `before` each one: what `App.synth` does, except the manifest write. */
async function synthesize(built: BuiltApp, before?: (stack: TerraformStack) => Promise<void>): Promise<Manifest> {
  const { app, hcl } = built;
  const all = built.stacks.flatMap((s) => [s.app, s.admin]);
  try {
    all.forEach((stack) => stack.prepareStack());
    const session = { outdir: app.outdir, skipValidation: app.skipValidation, manifest: app.manifest };
    for (const stack of all) {
      if (before) await before(stack);
      stack.synthesizer.synthesize(session);
    }
    const problems = app.node.validate();
    if (problems.length > 0) throw new Error(`App-level validation failed with the following errors:\n  ${problems.join('\n  ')}`);
    if (hcl) all.forEach((stack) => repairHclTerraformBlock(app.outdir, stack));
  } catch (e) {
    throw new SynthPhaseError('synth', e);
  }
  return app.manifest;
}

/** Stacks whose folders and files are being created at once (each in order, so the first stacks are ready first). */
const FILE_CREATION_LANES = 2;

/**
 * Creates the folder and the (empty) files of each stack of `config` in the background, in config
 * order, one promise per stack name. Creating a file costs several times writing it on ext4, so
 * this lets the creating overlap the synthesis of the stacks before it.
 */
function createStackFiles(config: StacksConfig, outdir: string, hcl: boolean): Map<string, Promise<void>> {
  const files = hcl ? ['cdk.tf', Manifest.stackMetadataPath] : ['cdk.tf.json'];
  const names = config.environments.flatMap((env) => [stackName(env, 'app'), stackName(env, 'admin')]);
  const ready = new Map<string, Promise<void>>();
  for (let lane = 0; lane < FILE_CREATION_LANES; lane += 1) {
    let previous = Promise.resolve();
    for (let i = lane; i < names.length; i += FILE_CREATION_LANES) {
      const dir = join(outdir, Manifest.stacksFolder, names[i]);
      previous = previous.then(async () => {
        await mkdir(dir);
        for (const file of files) await writeFile(join(dir, file), '');
      });
      ready.set(names[i], previous);
    }
  }
  return ready;
}

/**
 * Builds the stacks of `config` in an App that writes into `outdir` (an existing directory with
 * its `stacks/` folder) and synthesizes them, while the stack folders and files are created in the
 * background. The manifest is returned unwritten, so that several threads can each synthesize some
 * stacks of one output. Errors come wrapped in a {@link SynthPhaseError}.
 */
export async function buildAndSynthesize(config: StacksConfig, outdir: string, options: SynthesizeOptions = {}): Promise<Manifest> {
  const files = createStackFiles(config, outdir, options.hcl ?? false);
  try {
    return await withoutTokenStackTraces(() => synthesize(build(config, outdir, options), (stack) => files.get(stack.node.id) ?? Promise.resolve()));
  } finally {
    await Promise.allSettled(files.values());
  }
}

/** Creates an empty staging directory (with its `stacks/` folder) beside `target`. */
export function createStaging(target: string): string {
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}.staging-`));
  mkdirSync(join(staging, Manifest.stacksFolder));
  return staging;
}

/** Puts the finished `staging` directory in place of `target` (two renames), then deletes the old output. */
export function replaceDirectory(staging: string, target: string): void {
  const old = `${staging}.old`;
  if (existsSync(target)) renameSync(target, old);
  renameSync(staging, target);
  rmSync(old, { recursive: true, force: true });
}

/**
 * Synthesizes every stack into a staging directory beside `outdir` and only then replaces
 * `outdir`, so a failing construct, guardrail or validation leaves an earlier output untouched.
 * Returns the stacks. The app entry uses `synthesizeFleet` (fleet-synth.ts), which writes the same
 * output faster (file creation in the background, several threads for large fleets).
 */
export function synthesizeToDirectory(config: StacksConfig, outdir: string, options: SynthesizeOptions = {}): EnvironmentStacks[] {
  const target = resolve(outdir);
  const staging = createStaging(target);
  try {
    return withoutTokenStackTraces(() => {
      const built = build(config, staging, options);
      built.app.synth();
      if (built.hcl) built.stacks.flatMap((s) => [s.app, s.admin]).forEach((stack) => repairHclTerraformBlock(staging, stack));
      replaceDirectory(staging, target);
      return built.stacks;
    });
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e instanceof SynthPhaseError ? e.cause : e;
  }
}

/**
 * Escapes the double quotes of a one-line HCL string body that cdktf left raw because it holds an
 * interpolation (cdktf's escapeQuotes skips any string containing `${`): quotes outside `${…}` get a
 * backslash, the interpolations stay as they are.
 */
export function escapeHclTemplate(body: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i];
    if (depth === 0 && c === '$' && body[i + 1] === '{') {
      depth = 1;
      out += '${';
      i += 1;
      continue;
    }
    if (depth > 0) {
      if (c === '{') depth += 1;
      if (c === '}') depth -= 1;
      out += c;
      continue;
    }
    out += c === '"' && body[i - 1] !== '\\' ? '\\"' : c;
  }
  return out;
}

/**
 * Repairs two cdktf 0.21 HCL rendering bugs in a stack's cdk.tf: plain attributes of the
 * `terraform` block (`required_version`) come out as `<index> = "<name>"` (renderTerraform passes
 * the key list, not the values), and strings holding an interpolation keep their inner quotes raw
 * (policies with references). The values come from the stack's JSON form.
 */
export function repairHclTerraformBlock(outdir: string, stack: TerraformStack): void {
  const file = join(outdir, 'stacks', stack.node.id, 'cdk.tf');
  const terraformBlock = (stack.toTerraform() as { terraform?: Record<string, unknown> }).terraform ?? {};
  const hcl = readFileSync(file, 'utf8')
    .replace(/^(\s*)\d+ = "([a-z_]+)"$/gm, (line, indent: string, key: string) =>
      typeof terraformBlock[key] === 'string' ? `${indent}${key} = ${JSON.stringify(terraformBlock[key])}` : line,
    )
    .replace(
      /^(\s*(?:"[^"]+"|[\w-]+) = |\s*)"(.*\$\{.*)"(,?)$/gm,
      (_line, lead: string, body: string, comma: string) => `${lead}"${escapeHclTemplate(body)}"${comma}`,
    );
  writeFileSync(file, hcl);
}
