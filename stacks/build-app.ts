import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { App } from 'cdktf';
import { AdminVpcStack } from './admin-vpc-stack';
import { AppVpcStack } from './app-vpc-stack';
import { StacksConfig } from './config';
import { WriteOptions, writeOutput, WriteSummary } from './engine/output-writer';
import { StackFiles, synthesizeStackFiles } from './engine/stack-files';
import { withoutTokenStackTraces } from './engine/token-stack-traces';

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

/** The stacks of a config, synthesized but not written. */
export interface SynthesizedApp {
  readonly stacks: EnvironmentStacks[];
  /** The cdktf version the manifest names. */
  readonly version: string;
  readonly files: StackFiles[];
}

/**
 * Builds the stacks of `config` and synthesizes them in memory: what `App.synth` does (every stack
 * prepared, then synthesized in order, then the App's own validations), with nothing written.
 */
export function synthesizeInMemory(config: StacksConfig, options: SynthesizeOptions = {}): SynthesizedApp {
  const hcl = options.hcl ?? false;
  // The App creates its outdir and a stacks/ folder in it; nothing else is written there.
  const scratch = mkdtempSync(join(tmpdir(), 'pls-app-'));
  try {
    return withoutTokenStackTraces(() => {
      const app = new App({ outdir: scratch, hclOutput: hcl, skipBackendValidation: false });
      // cdktf 0.21 stacks pick JSON or HCL from SYNTH_HCL_OUTPUT when constructed, whatever the App option says.
      const previous = process.env.SYNTH_HCL_OUTPUT;
      process.env.SYNTH_HCL_OUTPUT = String(hcl);
      let stacks: EnvironmentStacks[];
      try {
        stacks = buildStacks(app, config);
      } finally {
        if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
        else process.env.SYNTH_HCL_OUTPUT = previous;
      }
      const all = stacks.flatMap((s) => [s.app, s.admin]);
      all.forEach((stack) => stack.prepareStack());
      const files = all.map((stack) => synthesizeStackFiles(stack, app.manifest, { hcl, skipValidation: app.skipValidation }));
      const problems = app.node.validate();
      if (problems.length > 0) throw new Error(`App-level validation failed with the following errors:\n  ${problems.join('\n  ')}`);
      return { stacks, version: app.manifest.version, files };
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Synthesizes every stack and only then writes `outdir` (see `writeOutput`: unchanged files are left
 * as they are), so a failing construct, guardrail or validation writes nothing. Returns the stacks
 * and what the writer did. `write` are the writer's options (default: node's fs, flushed to disk, no
 * empty folders left). What the app entry (`runSynth`) runs.
 */
export function synthesizeToDirectory(
  config: StacksConfig,
  outdir: string,
  options: SynthesizeOptions = {},
  write: WriteOptions = {},
): { readonly stacks: EnvironmentStacks[]; readonly summary: WriteSummary } {
  const synthesized = synthesizeInMemory(config, options);
  const summary = writeOutput(resolve(outdir), synthesized.version, synthesized.files, write);
  return { stacks: synthesized.stacks, summary };
}
