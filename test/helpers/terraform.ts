import { execFile } from 'child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'fs';
import { homedir } from 'os';
import { delimiter, join } from 'path';
import { promisify } from 'util';

const run = promisify(execFile);

/** The AWS provider version @cdktf/provider-aws 20.1.0 was generated from. */
export const AWS_PROVIDER_VERSION = '5.100.0';
const PROVIDER_PATH = ['registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER_VERSION];

/** Where the Terraform checks run from, or why they cannot. */
export type TerraformToolchain = { terraform: string; pluginDir: string; version: string } | { skipReason: string };

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `terraform` on PATH (or TERRAFORM_BIN). */
export function findTerraform(): string | undefined {
  if (process.env.TERRAFORM_BIN) return existsSync(process.env.TERRAFORM_BIN) ? process.env.TERRAFORM_BIN : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'terraform');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function holdsProvider(dir: string): boolean {
  return isDir(join(dir, ...PROVIDER_PATH));
}

/**
 * A plugin directory holding hashicorp/aws 5.100.0: TF_PLUGIN_DIR if set; else Terraform's usual
 * user directories; else a shallow scan (three levels) of the filesystem for a directory that
 * contains `registry.terraform.io/hashicorp/aws/5.100.0`.
 */
export function findPluginDir(): string | undefined {
  if (process.env.TF_PLUGIN_DIR) return holdsProvider(process.env.TF_PLUGIN_DIR) ? process.env.TF_PLUGIN_DIR : undefined;
  const usual = [join(homedir(), '.terraform.d', 'plugins'), join(homedir(), '.local', 'share', 'terraform', 'plugins')];
  const found = usual.find(holdsProvider);
  if (found) return found;
  const skip = new Set(['proc', 'sys', 'dev', 'run', 'tmp', 'node_modules', '.git', 'lost+found']);
  let frontier = ['/'];
  for (let depth = 0; depth < 3; depth += 1) {
    const next: string[] = [];
    for (const dir of frontier) {
      let entries: string[];
      try {
        entries = readdirSync(dir);
      } catch {
        continue;
      }
      for (const entry of entries.sort()) {
        if (skip.has(entry)) continue;
        const path = join(dir, entry);
        if (!isDir(path)) continue;
        if (holdsProvider(path)) return path;
        next.push(path);
      }
    }
    frontier = next;
  }
  return undefined;
}

let cached: Promise<TerraformToolchain> | undefined;

/** Finds Terraform and the provider mirror once per process. */
export function terraformToolchain(): Promise<TerraformToolchain> {
  cached ??= (async () => {
    const terraform = findTerraform();
    if (!terraform) return { skipReason: 'no terraform binary on PATH (set TERRAFORM_BIN)' };
    const pluginDir = findPluginDir();
    if (!pluginDir) return { skipReason: `no local mirror holding hashicorp/aws ${AWS_PROVIDER_VERSION} (set TF_PLUGIN_DIR)` };
    const { stdout } = await run(terraform, ['version'], { env: terraformEnv() });
    return { terraform, pluginDir, version: stdout.split('\n')[0] };
  })();
  return cached;
}

/**
 * Environment for Terraform runs: no CLI config file, no telemetry, no prompts, no colour. `GOGC=400`
 * (unless set) lets Terraform and the AWS provider, both Go programs, collect garbage less often:
 * each provider start builds the whole AWS schema, and this cuts the CPU of a validate or plan by
 * about a fifth (measured: plan 3.5 → 2.9 CPU s) for about 40 MB more memory per process.
 */
export function terraformEnv(): NodeJS.ProcessEnv {
  return { GOGC: '400', ...process.env, TF_CLI_CONFIG_FILE: '', TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_INPUT: '0' };
}

/**
 * The override a pipeline test adds beside cdk.tf.json: local state in the stack directory, dummy
 * credentials, and every check that would call AWS skipped (account id lookup, metadata API).
 *
 * `assume_role` (a stack's deployRoleArn) cannot be dropped by an override: an override file replaces
 * nested blocks of a type only with blocks it holds itself, and `null` or `[]` holds none, so the
 * original block stays and plan calls STS AssumeRole. The override therefore replaces it with one
 * block whose empty `role_arn` the AWS provider (5.100) treats as "assume no role" (with a warning
 * that role_arn is required). A stack without `assume_role` gets the same inert block.
 */
export const OFFLINE_OVERRIDE = {
  terraform: { backend: { local: { path: 'terraform.tfstate' } } },
  provider: {
    aws: {
      access_key: 'AKIAIOSFODNN7EXAMPLE',
      secret_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
      allowed_account_ids: null,
      assume_role: [{ role_arn: '' }],
      max_retries: 1,
    },
  },
};

/** Result of one Terraform command. */
export interface TerraformStep {
  readonly command: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly output: string;
}

/** Runs `terraform <args>` in `cwd`; never throws, returns output and status. */
export async function terraform(toolchain: { terraform: string }, cwd: string, args: string[]): Promise<TerraformStep> {
  const started = Date.now();
  try {
    const { stdout, stderr } = await run(toolchain.terraform, [...args, '-no-color'], { cwd, env: terraformEnv(), maxBuffer: 64 * 1024 * 1024 });
    return { command: args[0], ok: true, seconds: (Date.now() - started) / 1000, output: stdout + stderr };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    return { command: args[0], ok: false, seconds: (Date.now() - started) / 1000, output: `${err.stdout ?? ''}${err.stderr ?? err.message}` };
  }
}

/** Writes the offline override file into a stack directory. */
export function writeOfflineOverride(stackDir: string): void {
  writeFileSync(join(stackDir, 'zz_offline_override.tf.json'), JSON.stringify(OFFLINE_OVERRIDE, null, 2));
}

/** Runs `init` (from the mirror), `validate` and, unless told not to, `plan` (saved as `tfplan`) in a stack directory. */
export async function initValidatePlan(
  toolchain: { terraform: string; pluginDir: string },
  stackDir: string,
  options: { plan: boolean },
): Promise<TerraformStep[]> {
  writeOfflineOverride(stackDir);
  const steps: TerraformStep[] = [];
  // -plugin-dir links the mirror's unpacked provider into .terraform (a symlink, about 40 KB per stack): no copy of the
  // ~700 MB binary, so TF_PLUGIN_CACHE_DIR would gain nothing. init still hashes the binary for the lock file (~0.4 CPU s).
  const init = await terraform(toolchain, stackDir, ['init', '-input=false', '-backend=true', `-plugin-dir=${toolchain.pluginDir}`]);
  steps.push(init);
  if (!init.ok) return steps;
  const validate = await terraform(toolchain, stackDir, ['validate']);
  steps.push(validate);
  if (!validate.ok || !options.plan) return steps;
  steps.push(await terraform(toolchain, stackDir, ['plan', '-input=false', '-lock=false', '-refresh=false', '-out=tfplan']));
  return steps;
}

/** Runs `tasks` with at most `limit` at once, keeping result order. */
export async function inParallel<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * The toolchain, or undefined after reporting why the Terraform checks cannot run here. Where
 * REQUIRE_TERRAFORM=1 (CI) a missing toolchain fails the test instead of skipping it.
 */
export async function toolchainOrReportSkip(what: string): Promise<{ terraform: string; pluginDir: string; version: string } | undefined> {
  const toolchain = await terraformToolchain();
  if (!('skipReason' in toolchain)) return toolchain;
  if (process.env.REQUIRE_TERRAFORM === '1') throw new Error(`${what}: REQUIRE_TERRAFORM=1 but ${toolchain.skipReason}`);
  console.warn(`SKIPPED ${what}: ${toolchain.skipReason}`);
  return undefined;
}
