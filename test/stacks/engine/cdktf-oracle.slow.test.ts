import { execFile } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, relative } from 'path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { runtimeJsonWriter } from '../../../stacks/engine/runtime-json';
import { writeFleetConfig } from '../../../tools/bench/fleet-config';
import { exampleConfigNames } from '../../helpers/configs';
import { ensureBuilt, ROOT, sourceFiles } from '../../helpers/dist';
import { firstDifference, outputFiles, withoutCallSites } from '../../helpers/output-compare';
import { synthProcess } from '../../helpers/processes';

/**
 * The oracle: the synth engine (`node dist/app/launch.js`, as users run it) against plain cdktf
 * (`new App({ outdir })` holding the same stacks with the Guardrails Aspect, written by
 * `app.synth()` in a fresh process with none of the engine's overrides or patches:
 * test/helpers/plain-cdktf-synth.ts), for every example config and a 20-environment fleet.
 *
 * JSON output: manifest.json and every stack file byte for byte, read through the engine's links.
 * The one difference allowed: the stack traces of annotations in manifest.json, which name the
 * program that built the stacks (file paths and lines of the app bundle, esbuild's `_` before
 * class names, and the callers of `buildStacks`); they are compared by function name up to
 * `buildStacks` (`withoutCallSites`).
 *
 * HCL output (SYNTH_HCL_OUTPUT=true): manifest.json and every metadata.json the same way; the
 * cdk.tf files differ on purpose: cdktf 0.21 renders these stacks into text that is no HCL (the
 * stack's `terraform.required_version` override as `0 = "required_version"`, JSON policies with
 * references as quoted strings with unescaped quotes), which is why the engine renders its own
 * (stacks/engine/hcl/). The test asserts exactly that: each of cdktf's cdk.tf fails to parse, and each
 * of the engine's parses.
 */

const OUT = mkdtempSync(join(tmpdir(), 'pls-oracle-'));
const FLEET = writeFleetConfig(join(OUT, 'fleet-20.json'), 20);
const CONFIGS: [string, string][] = [
  ...exampleConfigNames().map((name): [string, string] => [name, join(ROOT, 'stacks', 'config', name)]),
  ['fleet-20.json', FLEET],
];

/** What the oracle process reports about itself (see plain-cdktf-synth.ts). */
interface OracleReport {
  readonly stacks: number;
  readonly hclOutput: boolean;
  readonly engineStacks: string[];
  readonly withoutGuardrailsAspect: string[];
  readonly referenceResolvePatched: boolean;
  readonly stackTracesPatched: boolean;
}

/** Plain cdktf's synth of `config` into `outdir`, in a fresh process. */
function plainCdktfSynth(config: string, outdir: string, hcl: boolean): Promise<OracleReport> {
  const script = join(ROOT, 'dist', 'test', 'helpers', 'plain-cdktf-synth.js');
  return new Promise((done, fail) =>
    execFile(
      process.execPath,
      [script, config, outdir],
      { env: { ...process.env, SYNTH_HCL_OUTPUT: String(hcl) }, encoding: 'utf8' },
      (error, stdout, stderr) => (error ? fail(new Error(`plain cdktf synth of ${config} failed: ${stderr}`)) : done(JSON.parse(stdout) as OracleReport)),
    ),
  );
}

/** The engine's synth of `config` into `outdir`, as users run it. */
async function engineSynth(config: string, outdir: string, hcl: boolean): Promise<void> {
  const run = await synthProcess(OUT, { STACKS_CONFIG: config, CDKTF_OUTDIR: outdir, SYNTH_HCL_OUTPUT: String(hcl) });
  if (run.code !== 0) throw new Error(`engine synth of ${config} exited ${run.code}: ${run.stderr}`);
}

/** True when `text` parses as HCL (cdktf's own HCL parser, @cdktf/hcl2json). */
async function parsesAsHcl(text: string): Promise<boolean> {
  try {
    await parseHcl('cdk.tf', text);
    return true;
  } catch {
    return false;
  }
}

const comparable = (file: string, text: string) => (file === 'manifest.json' ? withoutCallSites(text) : text);

beforeAll(() => ensureBuilt([...sourceFiles('stacks'), ...sourceFiles('modules'), 'test/helpers/plain-cdktf-synth']), 180000);

describe.each([false, true])('the synth engine against plain cdktf App.synth() (HCL output: %s)', (hcl) => {
  it.each(CONFIGS)('GIVEN %s THEN the engine writes what plain cdktf writes', async (name, config) => {
    const plain = join(OUT, `plain-${hcl}-${name}`);
    const engine = join(OUT, `engine-${hcl}-${name}`);
    const [report] = await Promise.all([plainCdktfSynth(config, plain, hcl), engineSynth(config, engine, hcl)]);
    // The oracle is plain cdktf: no engine override in any stack, no process-wide patch, the Guardrails Aspect on every stack.
    expect(report).toEqual({
      stacks: report.stacks,
      hclOutput: hcl,
      engineStacks: [],
      withoutGuardrailsAspect: [],
      referenceResolvePatched: false,
      stackTracesPatched: false,
    });
    expect(report.stacks).toBeGreaterThanOrEqual(2);
    const hclFiles = (file: string) => hcl && file.endsWith('/cdk.tf');
    expect(firstDifference(plain, engine, { expected: 'plain cdktf', actual: 'engine', comparable, skip: hclFiles })).toBeUndefined();
    const stackFiles = outputFiles(plain).filter(hclFiles);
    expect(stackFiles).toHaveLength(hcl ? report.stacks : 0);
    for (const file of stackFiles) {
      expect([file, await parsesAsHcl(readFileSync(join(plain, file), 'utf8'))]).toEqual([file, false]);
      expect([file, await parsesAsHcl(readFileSync(join(engine, file), 'utf8'))]).toEqual([file, true]);
    }
  });
});

describe('the oracle comparison (negative control)', () => {
  /** A manifest as cdktf writes it, with an annotation whose stack trace runs through buildStacks. */
  const MANIFEST = runtimeJsonWriter()({
    version: '0.21.0',
    stacks: {
      'app-vpc': {
        annotations: [
          {
            constructPath: 'app-vpc/endpoints/security-group',
            level: '@cdktf/info',
            message: 'Guardrail PLS_PUBLIC_INGRESS suppressed: the VPC block',
            stacktrace: [
              '_Annotations.addInfo (/p/dist/app/main.js:5:14)',
              'new AppVpcStack (/p/dist/app/main.js:10:2)',
              '/p/dist/app/main.js:20:4',
              'Array.map (<anonymous>)',
              'buildStacks (/p/dist/app/main.js:30:6)',
              'Object.<anonymous> (/p/dist/test/helpers/plain-cdktf-synth.js:40:8)',
            ],
          },
        ],
        name: 'app-vpc',
      },
    },
  });
  const STACK = runtimeJsonWriter()({ resource: { aws_vpc: { vpc: { cidr_block: '10.0.0.0/16', enable_dns_support: true } } } });

  /** Two outputs alike (manifest.json and one stack file), the second behind links as the engine writes it. */
  function outputs(): { plain: string; engine: string; file: string } {
    const dir = mkdtempSync(join(OUT, 'control-'));
    const generation = join(dir, 'engine', '.synth', 'generations', '1');
    mkdirSync(join(generation, 'stacks', 'app-vpc'), { recursive: true });
    mkdirSync(join(dir, 'engine', 'stacks', 'app-vpc'), { recursive: true });
    mkdirSync(join(dir, 'plain', 'stacks', 'app-vpc'), { recursive: true });
    symlinkSync('generations/1', join(dir, 'engine', '.synth', 'current'));
    for (const [file, text] of [
      ['manifest.json', MANIFEST],
      ['stacks/app-vpc/cdk.tf.json', STACK],
    ]) {
      writeFileSync(join(dir, 'plain', file), text);
      writeFileSync(join(generation, file), text);
      symlinkSync(relative(dirname(join(dir, 'engine', file)), join(dir, 'engine', '.synth', 'current', file)), join(dir, 'engine', file));
    }
    return { plain: join(dir, 'plain'), engine: join(dir, 'engine'), file: join(generation, 'stacks', 'app-vpc', 'cdk.tf.json') };
  }

  it('GIVEN one changed byte in a stack file THEN it names the file, the line and both lines', () => {
    const { plain, engine, file } = outputs();
    expect(firstDifference(plain, engine, { comparable })).toBeUndefined();
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf('"cidr_block"');
    const line = text.slice(0, at).split('\n').length;
    writeFileSync(file, `${text.slice(0, at + 1)}C${text.slice(at + 2)}`);
    expect(firstDifference(plain, engine, { comparable })).toBe(
      `stacks/app-vpc/cdk.tf.json line ${line}: expected ${JSON.stringify(text.split('\n')[line - 1])}, actual ${JSON.stringify(text.split('\n')[line - 1].replace('"cidr_block"', '"Cidr_block"'))}`,
    );
  });

  it('GIVEN a file only one output has THEN it names it', () => {
    const { plain, engine } = outputs();
    expect(firstDifference(plain, engine)).toBeUndefined();
    writeFileSync(join(engine, 'stacks', 'app-vpc', 'extra.tf.json'), '{}');
    expect(firstDifference(plain, engine)).toMatch(/^stacks\/app-vpc\/extra\.tf\.json: only in the actual output/);
  });

  it('GIVEN a manifest that differs beyond the callers in the stack traces, or only in formatting THEN it is a difference', () => {
    const { plain, engine } = outputs();
    const manifest = MANIFEST;
    // Another caller of buildStacks: allowed.
    writeFileSync(join(engine, 'manifest.json'), manifest.replace(/"Object\.<anonymous> \([^"]*\)"/g, '"main (elsewhere.js:1:1)"'));
    expect(firstDifference(plain, engine, { comparable })).toBeUndefined();
    // The class names as cdktf has them, where the bundle has esbuild's: allowed.
    writeFileSync(
      join(plain, 'manifest.json'),
      manifest.replace('_Annotations.addInfo (/p/dist/app/main.js:5:14)', 'Annotations.addInfo (/p/node_modules/cdktf/lib/annotations.js:49:14)'),
    );
    expect(firstDifference(plain, engine, { comparable })).toBeUndefined();
    // Another function below buildStacks: a difference.
    writeFileSync(join(engine, 'manifest.json'), manifest.replace(/"new AppVpcStack \(/, '"new OtherStack ('));
    expect(firstDifference(plain, engine, { comparable })).toMatch(
      /^manifest\.json line \d+: expected "\s+\\"new AppVpcStack\\",", actual "\s+\\"new OtherStack\\","$/,
    );
    // Another message: a difference.
    writeFileSync(join(engine, 'manifest.json'), manifest.replace('suppressed:', 'suppressed;'));
    expect(firstDifference(plain, engine, { comparable })).toMatch(/^manifest\.json line \d+: .*suppressed;/);
    // The same JSON formatted otherwise: a difference.
    writeFileSync(join(engine, 'manifest.json'), JSON.stringify(JSON.parse(manifest)));
    expect(firstDifference(plain, engine, { comparable })).toMatch(/^manifest\.json line 1: /);
  });
});
