import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { basename, dirname, join, resolve } from 'path';
import { App, TerraformStack } from 'cdktf';
import { AdminVpcStack } from './admin-vpc-stack';
import { AppVpcStack } from './app-vpc-stack';
import { StacksConfig } from './config';

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

/**
 * Synthesizes every stack into a staging directory beside `outdir` and only then replaces
 * `outdir`, so a failing construct, guardrail or validation leaves an earlier output untouched.
 */
export function synthesizeToDirectory(config: StacksConfig, outdir: string, options: SynthesizeOptions = {}): EnvironmentStacks[] {
  const target = resolve(outdir);
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}.staging-`));
  try {
    const app = new App({ outdir: staging, hclOutput: options.hcl ?? false, skipBackendValidation: false });
    // cdktf 0.21 stacks pick JSON or HCL from SYNTH_HCL_OUTPUT when constructed, whatever the App option says.
    const previous = process.env.SYNTH_HCL_OUTPUT;
    process.env.SYNTH_HCL_OUTPUT = String(options.hcl ?? false);
    let stacks: EnvironmentStacks[];
    try {
      stacks = buildStacks(app, config);
    } finally {
      if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
      else process.env.SYNTH_HCL_OUTPUT = previous;
    }
    app.synth();
    if (options.hcl) for (const stack of stacks.flatMap((s) => [s.app, s.admin])) repairHclTerraformBlock(staging, stack);
    const old = `${staging}.old`;
    if (existsSync(target)) renameSync(target, old);
    renameSync(staging, target);
    rmSync(old, { recursive: true, force: true });
    return stacks;
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
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
