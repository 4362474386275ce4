import { policyPrincipalRequired } from './policy-principal-required';
import { PolicyRule } from './policy-rule';
import { policySize } from './policy-size';

export * from './policy-rule';
export { policyPrincipalRequired, policySize };

/** Every policy rule, run on every policy the modules render and by the guardrails Aspect. */
export const POLICY_RULES: readonly PolicyRule[] = [policyPrincipalRequired, policySize];
