import { IConstruct } from 'constructs';
import { suppressionsOf } from '../guardrails/guardrail-suppressions';
import { PolicyDocument, PolicyKind } from './policy-document';
import { POLICY_RULES, PolicyJson, PolicyRule } from '../guardrails/rules';

/**
 * Runs the policy rules (every one unless `rules` names some) on a rendered policy; returns messages
 * prefixed with `where` and the rule code. `region`, when known, lets rules check region-specific values.
 */
export function validatePolicyJson(text: string, kind: PolicyKind, where: string, region?: string, rules: readonly PolicyRule[] = POLICY_RULES): string[] {
  let policy: PolicyJson;
  try {
    policy = JSON.parse(text) as PolicyJson;
  } catch (e) {
    return [`[PLS_POLICY_JSON] ${where}: not valid JSON (${(e as Error).message})`];
  }
  if (!policy || typeof policy !== 'object' || policy.Statement === undefined) {
    return [`[PLS_POLICY_JSON] ${where}: found no Statement; expected {"Version": "2012-10-17", "Statement": [...]}`];
  }
  return rules.flatMap((rule) => rule.check({ policy, text, kind, region }).map((m) => `[${rule.code}] ${where}: ${m}`));
}

/**
 * Validates a {@link PolicyDocument} as it renders now (tokens left unresolved). With `scope`, codes
 * suppressed on it or above it (`Guardrails.suppress`) are left out.
 */
export function validatePolicyDocument(doc: PolicyDocument, where: string, scope?: IConstruct): string[] {
  if (doc.isEmpty) return [];
  const suppressed = new Set(scope ? suppressionsOf(scope).map((s) => s.code) : []);
  return validatePolicyJson(doc.render(), doc.kind, where, doc.region).filter((message) => !suppressed.has(/^\[([A-Z_]+)\]/.exec(message)?.[1] ?? ''));
}
