import { copyFileSync } from 'fs';
import { join, relative } from 'path';
import fc from 'fast-check';
import { parseConfig } from '../../../stacks/config';
import { hostileConfig, hostileTexts } from '../../helpers/hostile-config';
import { PlannedStack, showPlan, stackDir, synthToTemp, writeStandInRemoteStates } from '../../helpers/pipeline';
import { terraform, toolchainOrReportSkip, writeOfflineOverride } from '../../helpers/terraform';

/**
 * Config text is data, proven by real Terraform: hostile text in every free-text field of a config
 * (descriptions, tag keys and values, a rotation schedule, an alarm action ARN, the state path) is
 * synthesized as JSON and as HCL, planned offline, and the planned values equal the text exactly.
 * One generated batch per run: a plan costs seconds, so many values share one stack.
 */

type Changes = PlannedStack['changes'];
const afterOf = (changes: Changes, type: string) => changes.filter((c) => c.address.startsWith(`${type}.`)).map((c) => c.after as Record<string, any>);

/** Plans the admin stack of a synthesized project (the app stack's state is a stand-in at the path its remote state names). */
async function planAdmin(toolchain: { terraform: string; pluginDir: string }, outdir: string): Promise<PlannedStack> {
  const dir = stackDir(outdir, 'admin-vpc');
  writeOfflineOverride(dir);
  for (const args of [
    ['init', '-input=false', `-plugin-dir=${toolchain.pluginDir}`],
    ['plan', '-input=false', '-lock=false', '-refresh=false', '-out=tfplan'],
  ]) {
    const step = await terraform(toolchain, dir, args);
    if (!step.ok) throw new Error(`${outdir}: terraform ${step.command} failed:\n${step.output}`);
  }
  return showPlan(toolchain, dir);
}

describe('hostile config text through synth and real terraform plan', () => {
  it('GIVEN generated hostile text in every free-text field WHEN synthesized as JSON and as HCL and planned THEN every planned value is the text exactly', async () => {
    const toolchain = await toolchainOrReportSkip('hostile text plan');
    if (!toolchain) return;
    await fc.assert(
      fc.asyncProperty(hostileTexts(30), async (texts) => {
        const config = hostileConfig(texts, 10);
        const validated = parseConfig(config.raw, 'hostile.json');
        const json = synthToTemp(validated);
        const hcl = synthToTemp(validated, { hcl: true });
        // The stand-in app state lands where the (hostile) state path says, relative to each project.
        for (const path of writeStandInRemoteStates(json.outdir, 'admin-vpc')) copyFileSync(path, join(hcl.project, relative(json.project, path)));
        const [fromJson, fromHcl] = await Promise.all([planAdmin(toolchain, json.outdir), planAdmin(toolchain, hcl.outdir)]);
        for (const plan of [fromJson, fromHcl]) {
          const secrets = afterOf(plan.changes, 'aws_secretsmanager_secret');
          expect(Object.fromEntries(secrets.filter((s) => s.description !== null).map((s) => [s.name, s.description]))).toEqual(config.secretDescriptions);
          for (const secret of secrets) expect(secret.tags_all).toEqual({ ...config.tags, ManagedBy: 'cdktf-privatelink-secrets', Stack: 'admin-vpc' });
          const keys = plan.changes.filter((c) => c.address.startsWith('aws_kms_key.') && !c.address.includes('audit'));
          expect(keys.map((k) => (k.after as { description: string }).description).sort()).toEqual(Object.values(config.keyDescriptions).sort());
          expect(afterOf(plan.changes, 'aws_secretsmanager_secret_rotation')[0].rotation_rules).toEqual([
            expect.objectContaining({ schedule_expression: config.scheduleExpression }),
          ]);
          expect(afterOf(plan.changes, 'aws_cloudwatch_metric_alarm')[0].alarm_actions).toEqual(expect.arrayContaining(config.alarmActionArns));
        }
        // AND the HCL plans exactly what the JSON plans.
        expect(fromHcl).toEqual(fromJson);
      }),
      // No shrinking: each run costs two plans; the failing batch is printed as it is.
      { numRuns: 1, endOnFailure: true },
    );
  });
});
