/**
 * `cdktf-privatelink-secrets/guardrails`: the `Guardrails` aspect that checks a stack at synth, the
 * policy and resource rules it runs, and how a construct suppresses a rule with a reason.
 */
export * from '../guardrails';
export * from '../guardrail-suppressions';
export * from '../rules';
export { GuardrailError } from '../errors';
