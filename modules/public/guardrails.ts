/**
 * `cdktf-privatelink-secrets/guardrails`: the `Guardrails` aspect that checks a stack at synth, the
 * policy and resource rules it runs, the packs they come in (`GUARDRAIL_PACKS`), how a construct
 * suppresses a rule with a reason, and how a security group is marked as an endpoint group.
 */
export * from '../guardrails/guardrails';
export * from '../guardrails/guardrail-suppressions';
export * from '../guardrails/guardrail-packs';
export * from '../guardrails/rules';
export { GuardrailError } from '../core/errors';
