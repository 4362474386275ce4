import { Aspects, Testing, TerraformStack } from 'cdktf';
import { PolicyKind } from '../../modules/policy-document';
import { validatePolicyJson } from '../../modules/policy-validation';
import { Guardrails } from '../../modules/guardrails';
import { testStack } from '../helpers/assertions';

/** A policy statement as raw IAM JSON (so tests can write what PolicyStatement refuses to build). */
export type Statement = Record<string, unknown>;

/** Every policy rule's findings for a policy, each `[CODE] where: message`. */
export function policyFindings(statements: Statement[], kind: PolicyKind = 'resource'): string[] {
  return validatePolicyJson(JSON.stringify({ Version: '2012-10-17', Statement: statements }), kind, 'test.policy');
}

/** The codes of findings, deduplicated and sorted. */
export function codes(findings: readonly string[]): string[] {
  return [...new Set(findings.map((f) => /\[(PLS_[A-Z0-9_]+)\]/.exec(f)?.[1] ?? f))].sort();
}

/** A test stack (with an AWS provider) that carries the guardrails Aspect. */
export function guardedStack(): TerraformStack {
  const stack = testStack();
  Aspects.of(stack).add(new Guardrails());
  return stack;
}

/** Synthesizes with validations and returns the guardrail error lines (empty when synth passes). */
export function guardrailErrors(stack: TerraformStack): string[] {
  try {
    Testing.synth(stack, true);
    return [];
  } catch (e) {
    const lines = (e as Error).message.split('\n').map((l) => l.trim());
    const found = lines.filter((l) => /\[PLS_[A-Z0-9_]+\]/.test(l));
    if (found.length === 0) throw e;
    return found;
  }
}

/** A statement that passes every policy rule in a resource policy: the account may read metadata. */
export const ACCOUNT_READ: Statement = {
  Sid: 'AllowAccountRead',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::111122223333:root' },
  Action: ['secretsmanager:DescribeSecret'],
  Resource: '*',
};
