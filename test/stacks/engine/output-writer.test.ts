import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { Guardrails } from '../../../modules/guardrails/guardrails';
import { buildStacks, synthesizeToDirectory } from '../../../stacks/build-app';
import { parseConfig } from '../../../stacks/config';
import { stackJson } from '../../../stacks/engine/stack-json';
import { synthesizeStackFiles } from '../../../stacks/engine/stack-files';
import { writeOutput } from '../../../stacks/engine/output-writer';
import { defaultConfig, exampleConfigJson } from '../../helpers/configs';
import { fileHashes } from '../../helpers/pipeline';

function tempOut(): string {
  return join(mkdtempSync(join(tmpdir(), 'pls-writer-')), 'cdktf.out');
}

const twoEnvironments = (names: string[]): ReturnType<typeof parseConfig> => {
  const raw = exampleConfigJson('multi-env.json');
  return parseConfig({ ...raw, environments: raw.environments.filter((e: { name: string }) => names.includes(e.name)) }, 'multi-env subset');
};

describe('the output synthesizeToDirectory writes', () => {
  it.each(['default.json', 'multi-env.json', 'audit.json'])(
    'GIVEN %s and a guardrail suppression (an info annotation) THEN synthesizeStackFiles and writeOutput write what cdktf App.synth writes, byte for byte but for annotation stack traces',
    (file) => {
      const config = parseConfig(exampleConfigJson(file), file);
      const build = (outdir: string): { app: App; stacks: TerraformStack[] } => {
        const app = new App({ outdir, skipBackendValidation: false });
        const built = buildStacks(app, config);
        Guardrails.suppress(built[0].admin.keys[0], 'PLS_KMS_DELETION_WINDOW', 'Annotation fixture for the manifest comparison');
        return { app, stacks: built.flatMap((s) => [s.app, s.admin]) };
      };
      const cdktfOut = tempOut();
      build(cdktfOut).app.synth();

      const ours = tempOut();
      const { app, stacks } = build(mkdtempSync(join(tmpdir(), 'pls-scratch-')));
      stacks.forEach((s) => s.prepareStack());
      const files = stacks.map((s) => synthesizeStackFiles(s, app.manifest, { hcl: false, skipValidation: false }));
      writeOutput(ours, app.manifest.version, files);

      const manifest = JSON.parse(readFileSync(join(ours, 'manifest.json'), 'utf8'));
      expect(manifest.stacks[stacks[1].node.id].annotations).toEqual([expect.objectContaining({ level: '@cdktf/info' })]);
      // Without annotations, the whole output is byte for byte the same, manifest included.
      const plainCdktf = tempOut();
      const plainApp = new App({ outdir: plainCdktf, skipBackendValidation: false });
      buildStacks(plainApp, config);
      plainApp.synth();
      const plainOurs = tempOut();
      synthesizeToDirectory(config, plainOurs);
      expect(fileHashes(plainOurs)).toEqual(fileHashes(plainCdktf));

      const withoutTraces = (dir: string): unknown =>
        JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'), (key, value) => (key === 'stacktrace' ? typeof value : value));
      expect(withoutTraces(ours)).toEqual(withoutTraces(cdktfOut));
      // Stack traces differ with the call site of each build; everything else is byte for byte.
      const stackFiles = (dir: string): Record<string, string> => Object.fromEntries(Object.entries(fileHashes(dir)).filter(([f]) => f !== 'manifest.json'));
      expect(stackFiles(ours)).toEqual(stackFiles(cdktfOut));
    },
  );

  it('GIVEN an earlier output WHEN synthesized again THEN the links in the stack folders stay as they are, and so do Terraform files there', () => {
    const out = tempOut();
    synthesizeToDirectory(defaultConfig(), out);
    const stackFile = join(out, 'stacks', 'app-vpc', 'cdk.tf.json');
    expect(readlinkSync(stackFile)).toBe('../../.synth/current/cdk.tf.json/app-vpc');
    const link = lstatSync(stackFile);
    const target = statSync(stackFile);
    mkdirSync(join(out, 'stacks', 'app-vpc', '.terraform'));
    writeFileSync(join(out, 'stacks', 'app-vpc', '.terraform.lock.hcl'), '# lock');
    synthesizeToDirectory(defaultConfig(), out);
    expect(lstatSync(stackFile).ino).toBe(link.ino);
    // Unchanged content is hard-linked from the generation before, not written again.
    expect(statSync(stackFile).ino).toBe(target.ino);
    expect(readdirSync(join(out, '.synth', 'generations'))).toHaveLength(1);
    expect(existsSync(join(out, 'stacks', 'app-vpc', '.terraform'))).toBe(true);
    expect(readFileSync(join(out, 'stacks', 'app-vpc', '.terraform.lock.hcl'), 'utf8')).toBe('# lock');
  });

  it('GIVEN an earlier output of more stacks THEN the folders of stacks no longer in the config are removed (they hold only synthesized files) and the output is what a fresh synth writes', () => {
    const out = tempOut();
    synthesizeToDirectory(twoEnvironments(['dev', 'prod']), out);
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual(['dev-admin-vpc', 'dev-app-vpc', 'prod-admin-vpc', 'prod-app-vpc']);
    synthesizeToDirectory(twoEnvironments(['dev']), out);
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual(['dev-admin-vpc', 'dev-app-vpc']);
    const fresh = tempOut();
    synthesizeToDirectory(twoEnvironments(['dev']), fresh);
    expect(fileHashes(out)).toEqual(fileHashes(fresh));
  });

  it('GIVEN a JSON output WHEN synthesized as HCL THEN cdk.tf.json is removed (Terraform would read both), and back again', () => {
    const out = tempOut();
    synthesizeToDirectory(defaultConfig(), out);
    synthesizeToDirectory(defaultConfig(), out, { hcl: true });
    expect(readdirSync(join(out, 'stacks', 'admin-vpc')).sort()).toEqual(['cdk.tf', 'metadata.json']);
    synthesizeToDirectory(defaultConfig(), out);
    expect(readdirSync(join(out, 'stacks', 'admin-vpc')).sort()).toEqual(['cdk.tf.json']);
  });
});

describe('stackJson', () => {
  it.each(['default.json', 'multi-env.json', 'three-accounts.json', 'existing-vpcs-fips.json', 'audit.json'])(
    'GIVEN %s THEN every stack is what cdktf TerraformStack.toTerraform returns',
    (file) => {
      const stacks = buildStacks(Testing.app(), parseConfig(exampleConfigJson(file), file)).flatMap((s) => [s.app, s.admin]);
      for (const stack of stacks) expect(JSON.stringify(stackJson(stack))).toBe(JSON.stringify(TerraformStack.prototype.toTerraform.call(stack)));
    },
  );

  it('GIVEN a stack override that holds a reference THEN it is resolved, as cdktf does', () => {
    const [{ admin }] = buildStacks(Testing.app(), defaultConfig());
    admin.addOverride('output.vpc_copy', { value: admin.vpc.vpcId });
    const json = stackJson(admin) as { output: Record<string, { value: string }> };
    expect(json.output.vpc_copy.value).toMatch(/^\$\{aws_vpc\.vpc_[A-Z0-9]+\.id\}$/);
    expect(JSON.stringify(json)).toBe(JSON.stringify(TerraformStack.prototype.toTerraform.call(admin)));
  });
});
