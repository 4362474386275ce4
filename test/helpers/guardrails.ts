import { Aspects, TerraformResource, Testing, TerraformStack } from 'cdktf';
import { PolicyKind } from '../../modules/iam/policy-document';
import { validatePolicyJson } from '../../modules/iam/policy-validation';
import { belongsToEndpointSecurityGroup, Guardrails, synthesizedConfig } from '../../modules/guardrails/guardrails';
import { parseConfig } from '../../stacks/config';
import { buildStacks } from '../../stacks/build-app';
import { exampleConfigJson } from './configs';
import { testStack } from './assertions';

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

const GROUP_TYPES = ['aws_security_group', 'aws_vpc_security_group_ingress_rule', 'aws_security_group_rule'];

/**
 * Builds the stacks of an example config (stacks/config/<name>) with the Guardrails Aspect on each,
 * and returns, per stack, the security groups and ingress rules that are not endpoint groups (the
 * endpoint rules would skip them) and whether `Testing.synth(stack, true)` passed.
 */
export function exampleConfigGroupScope(name: string): { stack: string; groups: number; notEndpoint: string[]; synth: string }[] {
  const stacks = buildStacks(Testing.app(), parseConfig(exampleConfigJson(name), name)).flatMap((e) => [e.app, e.admin]);
  return stacks.map((stack) => {
    Aspects.of(stack).add(new Guardrails());
    const all = stack.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c));
    const view = {
      resources: () => all,
      resourcesOfType: (type: string) => all.filter((c) => c.terraformResourceType === type).map((c) => synthesizedConfig(c)!),
    };
    const groups = all.filter((r) => GROUP_TYPES.includes(r.terraformResourceType));
    let synth = 'passed';
    try {
      Testing.synth(stack, true);
    } catch (e) {
      synth = (e as Error).message;
    }
    return {
      stack: stack.node.id,
      groups: groups.length,
      notEndpoint: groups.filter((r) => !belongsToEndpointSecurityGroup(r, synthesizedConfig(r)!, view)).map((r) => r.node.path),
      synth,
    };
  });
}
