import { App, Aspects, ref } from 'cdktf';
import { Guardrails } from '../../modules/guardrails/guardrails';
import { buildStacks } from '../../stacks/build-app';
import { loadConfig } from '../../stacks/config';
import { EnvironmentStack, PLAIN_CDKTF_CONTEXT } from '../../stacks/engine/environment-stack';
import { tokenStackTraceCapture } from '../../stacks/engine/token-stack-traces';

// The oracle of test/stacks/engine/cdktf-oracle.slow.test.ts, as a fresh process (run compiled:
// node dist/test/helpers/plain-cdktf-synth.js CONFIG OUTDIR, with SYNTH_HCL_OUTPUT as for the app):
// the stacks of CONFIG in a plain cdktf App with the Guardrails Aspect, written by app.synth(),
// with none of the synth engine's overrides or patches. Prints what it checked of that as JSON.
const [configFile, outdir] = process.argv.slice(2);
const referenceResolve: unknown = (Object.getPrototypeOf(ref('oracle')) as { resolve: unknown }).resolve;
const captureStackTrace = tokenStackTraceCapture();

const app = new App({ outdir, context: { [PLAIN_CDKTF_CONTEXT]: true } });
const stacks = buildStacks(app, loadConfig(configFile)).flatMap((s): EnvironmentStack[] => [s.app, s.admin]);
app.synth();

const report = {
  stacks: stacks.length,
  hclOutput: app.hclOutput,
  // The engine's overrides are off in every stack, and each has the Guardrails Aspect.
  engineStacks: stacks.filter((s) => s.engine).map((s) => s.node.id),
  withoutGuardrailsAspect: stacks.filter((s) => !Aspects.of(s).all.some((a) => a instanceof Guardrails)).map((s) => s.node.id),
  // No process-wide patch: cdktf's Reference token and its token stack traces are its own.
  referenceResolvePatched: (Object.getPrototypeOf(ref('oracle')) as { resolve: unknown }).resolve !== referenceResolve,
  stackTracesPatched: tokenStackTraceCapture() !== captureStackTrace || tokenStackTraceCapture()().length === 0,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
