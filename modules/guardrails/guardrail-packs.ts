import { invalidValue } from '../core/errors';
import {
  endpointIpAddressType,
  endpointPrivateDnsVpc,
  ingressCidrForm,
  ingressOpenCidr,
  ingressPort,
  ingressPublicCidr,
  kmsKeyBypassLockout,
  kmsKeyDeletionWindow,
  kmsKeyRotation,
  POLICY_RULES,
  PolicyRule,
  preventDestroy,
  ResourceRule,
  secretCustomerManagedKey,
  secretPolicyBlockPublic,
  secretRecoveryWindow,
  securityGroupDescription,
  securityGroupInlineEgress,
} from './rules';

/** The names of the guardrail packs, one per AWS service (and `terraform` for lifecycle meta-arguments). */
export type GuardrailPackName = 'ec2' | 'kms' | 'secretsmanager' | 'iam' | 'terraform';

/** A resource rule or a policy rule. */
export type GuardrailRule = ResourceRule | PolicyRule;

/** A named group of guardrails that a {@link Guardrails} Aspect runs or leaves out as a whole. */
export interface GuardrailPack {
  /** The pack's name, as given in `new Guardrails({ packs: [...] })`. */
  readonly name: GuardrailPackName;
  /** One line on what the pack covers. */
  readonly description: string;
  /** The rule objects of the pack, each in exactly one pack. */
  readonly rules: readonly GuardrailRule[];
  /** Codes the pack reports without a rule object (`PLS_POLICY_JSON`, raised by `validatePolicyJson`). @default - none */
  readonly extraCodes?: readonly string[];
}

/** True for a resource rule (it names resource types), false for a policy rule. */
export function isResourceRule(rule: GuardrailRule): rule is ResourceRule {
  return Array.isArray((rule as ResourceRule).resourceTypes);
}

/** Security groups, their ingress rules and interface VPC endpoints (all EC2 API resources). */
export const EC2_PACK: GuardrailPack = {
  name: 'ec2',
  description: 'Security groups, ingress rules and interface VPC endpoints',
  rules: [
    securityGroupDescription,
    securityGroupInlineEgress,
    ingressPort,
    ingressCidrForm,
    ingressOpenCidr,
    ingressPublicCidr,
    endpointPrivateDnsVpc,
    endpointIpAddressType,
  ],
};

/** KMS keys. */
export const KMS_PACK: GuardrailPack = {
  name: 'kms',
  description: 'KMS keys: deletion window, rotation, lockout safety check',
  rules: [kmsKeyDeletionWindow, kmsKeyRotation, kmsKeyBypassLockout],
};

/** Secrets Manager secrets and secret policies. */
export const SECRETSMANAGER_PACK: GuardrailPack = {
  name: 'secretsmanager',
  description: 'Secrets Manager secrets and secret policies: customer-managed key, recovery window, block_public_policy',
  rules: [secretCustomerManagedKey, secretRecoveryWindow, secretPolicyBlockPublic],
};

/** The policy rules, on the policy attributes of keys, secret policies and endpoints. */
export const IAM_PACK: GuardrailPack = {
  name: 'iam',
  description: 'IAM policy documents: key policies, secret policies and endpoint policies',
  rules: POLICY_RULES,
  extraCodes: ['PLS_POLICY_JSON'],
};

/** Terraform lifecycle meta-arguments. */
export const TERRAFORM_PACK: GuardrailPack = {
  name: 'terraform',
  description: 'Terraform lifecycle: prevent_destroy on keys and secrets',
  rules: [preventDestroy],
};

/** Every pack, the default of `new Guardrails()`. */
export const GUARDRAIL_PACKS: readonly GuardrailPack[] = [EC2_PACK, KMS_PACK, SECRETSMANAGER_PACK, IAM_PACK, TERRAFORM_PACK];

/** Every code a pack can report: its rules' codes and its extra codes. */
export function packCodes(pack: GuardrailPack): string[] {
  return [...pack.rules.map((r) => r.code), ...(pack.extraCodes ?? [])];
}

/** The pack that holds a code, if any. */
export function packOfCode(code: string): GuardrailPack | undefined {
  return GUARDRAIL_PACKS.find((p) => packCodes(p).includes(code));
}

/**
 * The packs named in `names` (in {@link GUARDRAIL_PACKS} order, each once); every pack when `names` is
 * undefined. Throws `PLS_GUARDRAIL_PACK` naming `field[i]` for a name that is no pack, and for an
 * empty list (an Aspect that checks nothing is a mistake).
 */
export function selectGuardrailPacks(names: readonly GuardrailPackName[] | undefined, field = 'packs'): readonly GuardrailPack[] {
  if (names === undefined) return GUARDRAIL_PACKS;
  const known = GUARDRAIL_PACKS.map((p) => p.name).join(', ');
  if (!Array.isArray(names) || names.length === 0) {
    throw invalidValue('PLS_GUARDRAIL_PACK', field, names, `a non-empty list of guardrail pack names (${known}); leave it out for every pack`);
  }
  names.forEach((name, i) => {
    if (!GUARDRAIL_PACKS.some((p) => p.name === name)) throw invalidValue('PLS_GUARDRAIL_PACK', `${field}[${i}]`, name, `one of the guardrail packs: ${known}`);
  });
  return GUARDRAIL_PACKS.filter((p) => names.includes(p.name));
}
