/**
 * `cdktf-privatelink-secrets/policy`: the IAM policy model. Statements, documents (rendered at synth,
 * held to the size limit of their kind), condition helpers, the ready-made secret, key and endpoint
 * policies, and the synth-time policy checks. Constructs are not needed to use it.
 */
export * from '../iam/policy-statement';
export * from '../iam/policy-document';
export * from '../iam/policy-conditions';
export * from '../iam/access-policies';
export * from '../iam/policy-validation';
export { GuardrailError } from '../core/errors';
