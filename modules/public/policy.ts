/**
 * `cdktf-privatelink-secrets/policy`: the IAM policy model. Statements, documents (rendered at synth,
 * held to the size limit of their kind), condition helpers, the ready-made secret, key and endpoint
 * policies, and the synth-time policy checks. Constructs are not needed to use it.
 */
export * from '../policy-statement';
export * from '../policy-document';
export * from '../policy-conditions';
export * from '../access-policies';
export * from '../policy-validation';
export { GuardrailError } from '../errors';
