import { existsSync, mkdtempSync, renameSync, rmSync } from 'fs';
import { basename, dirname, join, resolve } from 'path';
import { App } from 'cdktf';
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
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}.staging-`));
  try {
    const app = new App({ outdir: staging, hclOutput: options.hcl ?? false, skipBackendValidation: false });
    const stacks = buildStacks(app, config);
    app.synth();
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
