import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, call, TerraformOutput, TerraformStack, Testing, Token } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { buildStacks, EnvironmentStacks } from '../../../stacks/build-app';
import { synthesizeStackFiles } from '../../../stacks/engine/stack-files';
import { defaultConfig } from '../../helpers/configs';

/**
 * Our engine against the runtime installed as `cdktf` (cdktf 0.21 in the default lane, CDK Terrain in
 * the cdktn lane, tools/cdktn-lane.sh): the same bytes, the same validations, the same refusals, on
 * whichever runtime runs the suite.
 */

const RUNTIME = (JSON.parse(readFileSync(require.resolve('cdktf/package.json'), 'utf8')) as { name: string }).name;
const work = mkdtempSync(join(tmpdir(), 'pls-parity-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let apps = 0;

/** A fresh App writing to its own folder. */
function newApp(): App {
  apps += 1;
  return new App({ outdir: join(work, `app-${apps}`), skipBackendValidation: false });
}

/** What the runtime's own `App.synth` writes for a stack: its cdk.tf.json, or the error it throws. */
function runtimeSynth(app: App, stack: TerraformStack): string {
  try {
    app.synth();
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
  return readFileSync(join(app.outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8');
}

/** What our engine (stacks/engine/stack-files.ts, after every stack's prepareStack, as synthesizeInMemory runs it) makes of it. */
function engineSynth(app: App, stack: TerraformStack): string {
  try {
    app.node
      .findAll()
      .filter(TerraformStack.isStack)
      .forEach((s) => s.prepareStack());
    const { files, manifest } = synthesizeStackFiles(stack, app.manifest, { hcl: false, skipValidation: false });
    return files[manifest.synthesizedStackPath];
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

/** A plain stack whose security group has empty rule lists (`ingress = []` removes every rule: an empty list is meaningful). */
function stackWithEmptyLists(app: App): TerraformStack {
  const stack = new TerraformStack(app, 'lists');
  new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
  new SecurityGroup(stack, 'closed', { name: 'closed', ingress: [], egress: [] });
  return stack;
}

/** The default config's stacks with `change` applied to the first environment. */
function defaultStacks(app: App, change: (stacks: EnvironmentStacks) => void): EnvironmentStacks {
  const [stacks] = buildStacks(app, defaultConfig());
  change(stacks);
  return stacks;
}

describe(`our engine against the runtime's App.synth (${RUNTIME})`, () => {
  it('GIVEN a stack with empty lists THEN our cdk.tf.json is byte for byte what the runtime writes (its own serializer)', () => {
    const runtimeApp = newApp();
    const expected = runtimeSynth(runtimeApp, stackWithEmptyLists(runtimeApp));
    expect(expected).toMatch(/"ingress": \[\s*\]/);
    const engineApp = newApp();
    expect(engineSynth(engineApp, stackWithEmptyLists(engineApp))).toBe(expected);
  });

  it('GIVEN the default config THEN both stacks are byte for byte what the runtime writes', () => {
    const runtimeApp = newApp();
    const runtime = defaultStacks(runtimeApp, () => undefined);
    const engineApp = newApp();
    const engine = defaultStacks(engineApp, () => undefined);
    // The runtime's App.synth writes every stack at once: synthesize it once and read both.
    const expectedAdmin = runtimeSynth(runtimeApp, runtime.admin);
    const expectedApp = readFileSync(join(runtimeApp.outdir, 'stacks', runtime.app.node.id, 'cdk.tf.json'), 'utf8');
    expect(engineSynth(engineApp, engine.app)).toBe(expectedApp);
    expect(engineSynth(engineApp, engine.admin)).toBe(expectedAdmin);
  });

  it('GIVEN a Terraform function the default target versions do not all have THEN our engine fails exactly when the runtime does', () => {
    // cdktn validates Terraform functions against the target versions (issensitive needs Terraform 1.8,
    // OpenTofu 1.7; the default targets start at 1.5.7 and 1.6.0); cdktf 0.21 has no such check.
    const withFunction = (stacks: EnvironmentStacks): void => {
      new TerraformOutput(stacks.admin, 'sensitive', { value: call('issensitive', [Token.asString(stacks.admin.provider.region)]) });
    };
    const runtimeApp = newApp();
    const runtimeResult = runtimeSynth(runtimeApp, defaultStacks(runtimeApp, withFunction).admin);
    const engineApp = newApp();
    const engineResult = engineSynth(engineApp, defaultStacks(engineApp, withFunction).admin);
    if (RUNTIME === 'cdktn') expect(runtimeResult).toMatch(/^error: .*issensitive/s);
    else expect(runtimeResult).toMatch(/^\{/);
    expect(engineResult).toBe(runtimeResult);
  });

  it("GIVEN another stack's attribute used directly THEN the runtime's App.synth, Testing.synth with and without validations and our engine all fail with PLS_FOREIGN_REFERENCE", () => {
    const leak = (stacks: EnvironmentStacks): void => {
      new TerraformOutput(stacks.admin, 'leaked', { value: stacks.app.endpoints.kms.endpointId });
    };
    const foreign = /\[PLS_FOREIGN_REFERENCE\] stack admin-vpc: found a reference to aws_vpc_endpoint\.endpoints_kms_endpoint_D3932F39\.id of stack app-vpc/;
    const runtimeApp = newApp();
    expect(runtimeSynth(runtimeApp, defaultStacks(runtimeApp, leak).admin)).toMatch(foreign);
    const engineApp = newApp();
    expect(engineSynth(engineApp, defaultStacks(engineApp, leak).admin)).toMatch(foreign);
    for (const validations of [true, false]) {
      const { admin } = defaultStacks(new App({ outdir: Testing.app().outdir }), leak);
      expect(() => Testing.synth(admin, validations)).toThrow(foreign);
    }
  });
});
