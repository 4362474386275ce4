import { Aspects, TerraformStack } from 'cdktf';
import { KmsKey, KmsKeyConfig } from '@cdktf/provider-aws/lib/kms-key';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import {
  GUARDRAIL_PACKS,
  GuardrailPackName,
  guardrailCodes,
  Guardrails,
  GuardrailsProps,
  isResourceRule,
  packCodes,
  packOfCode,
  stackGuardrailViolations,
} from '../../../modules/guardrails/guardrails';
import { POLICY_RULES, RESOURCE_RULES } from '../../../modules/guardrails/rules';
import { testStack } from '../../helpers/assertions';
import { codes, guardrailErrors } from '../../helpers/guardrails';

const KEY_POLICY_NOT_PRINCIPAL = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'EnableIamPolicies', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' },
    { Sid: 'DenyOthers', Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:Decrypt', Resource: '*' },
  ],
});
/** A key that breaks one rule of each of the kms, terraform and iam packs. */
const badKey: KmsKeyConfig = { enableKeyRotation: true, deletionWindowInDays: 3, policy: KEY_POLICY_NOT_PRINCIPAL };

/** A stack with one Guardrails Aspect per props, holding a key, a secret and a group that each break their pack's rules. */
function stackWith(...aspects: GuardrailsProps[]): TerraformStack {
  const stack = testStack();
  for (const props of aspects) Aspects.of(stack).add(new Guardrails(props));
  new KmsKey(stack, 'key', badKey);
  new SecretsmanagerSecret(stack, 'secret', { name: 'app/db', recoveryWindowInDays: 0, lifecycle: { preventDestroy: true } });
  new SecurityGroup(stack, 'group', { vpcId: 'vpc-0a1b2c3d' });
  return stack;
}

describe('guardrail packs', () => {
  it('GIVEN the packs THEN every rule object is in exactly one pack, and together they hold every code', () => {
    const rules = GUARDRAIL_PACKS.flatMap((p) => p.rules);
    expect(new Set(rules).size).toBe(rules.length);
    expect(new Set(rules)).toEqual(new Set([...RESOURCE_RULES, ...POLICY_RULES]));
    expect(GUARDRAIL_PACKS.flatMap(packCodes).sort()).toEqual(guardrailCodes());
    expect(GUARDRAIL_PACKS.map((p) => p.name)).toEqual(['ec2', 'kms', 'secretsmanager', 'iam', 'terraform']);
    for (const pack of GUARDRAIL_PACKS) expect(pack.description.length).toBeGreaterThan(10);
    expect(packOfCode('PLS_POLICY_JSON')?.name).toBe('iam');
    expect(packOfCode('PLS_INGRESS_PORT')?.name).toBe('ec2');
    expect(packOfCode('PLS_NOPE')).toBeUndefined();
  });

  it('GIVEN the packs THEN resource rules of a pack cover only resource types of its service', () => {
    const prefixes: Record<GuardrailPackName, RegExp> = {
      ec2: /^aws_(security_group|vpc_security_group_(ingress|egress)_rule|security_group_rule|vpc_endpoint)$/,
      kms: /^aws_kms_/,
      secretsmanager: /^aws_secretsmanager_/,
      iam: /^$/,
      terraform: /^aws_(kms_key|secretsmanager_secret)$/,
    };
    for (const pack of GUARDRAIL_PACKS) {
      for (const rule of pack.rules.filter(isResourceRule))
        rule.resourceTypes.forEach((t) => expect([pack.name, t]).toEqual([pack.name, expect.stringMatching(prefixes[pack.name])]));
    }
    expect(GUARDRAIL_PACKS.find((p) => p.name === 'iam')!.rules.some(isResourceRule)).toBe(false);
  });

  it('GIVEN no packs THEN the Aspect runs every pack, and every rule fires', () => {
    expect(new Guardrails().packs).toBe(GUARDRAIL_PACKS);
    expect(codes(guardrailErrors(stackWith({})))).toEqual([
      'PLS_KMS_DELETION_WINDOW',
      'PLS_POLICY_KMS_DENY_NO_SERVICE_EXEMPTION',
      'PLS_POLICY_NOT_PRINCIPAL',
      'PLS_PREVENT_DESTROY',
      'PLS_SECRET_NO_CMK',
      'PLS_SECRET_RECOVERY_WINDOW',
      'PLS_SG_DESCRIPTION',
    ]);
  });

  it.each<[GuardrailPackName[], string[]]>([
    [['kms'], ['PLS_KMS_DELETION_WINDOW']],
    [['terraform'], ['PLS_PREVENT_DESTROY']],
    [['iam'], ['PLS_POLICY_KMS_DENY_NO_SERVICE_EXEMPTION', 'PLS_POLICY_NOT_PRINCIPAL']],
    [['secretsmanager'], ['PLS_SECRET_NO_CMK', 'PLS_SECRET_RECOVERY_WINDOW']],
    [['ec2'], ['PLS_SG_DESCRIPTION']],
    [
      ['kms', 'secretsmanager'],
      ['PLS_KMS_DELETION_WINDOW', 'PLS_SECRET_NO_CMK', 'PLS_SECRET_RECOVERY_WINDOW'],
    ],
  ])('GIVEN packs %j THEN exactly the rules of those packs run', (packs, expected) => {
    expect(codes(guardrailErrors(stackWith({ packs })))).toEqual(expected);
  });

  it('GIVEN the iam pack off THEN a policy that is not JSON passes, and fails with it on', () => {
    const build = (packs: GuardrailPackName[]) => {
      const stack = testStack();
      Aspects.of(stack).add(new Guardrails({ packs }));
      new KmsKey(stack, 'key', { ...badKey, deletionWindowInDays: 30, lifecycle: { preventDestroy: true }, policy: '{"Version": ' });
      return guardrailErrors(stack);
    };
    expect(build(['kms', 'terraform'])).toEqual([]);
    expect(codes(build(['iam']))).toEqual(['PLS_POLICY_JSON']);
  });

  it('GIVEN two Aspects with overlapping packs THEN each rule runs once, for the union of the packs', () => {
    const errors = guardrailErrors(stackWith({ packs: ['kms'] }, { packs: ['kms', 'terraform'] }));
    expect(errors.map((e) => /\[(PLS_[A-Z_]+)\]/.exec(e)?.[1]).sort()).toEqual(['PLS_KMS_DELETION_WINDOW', 'PLS_PREVENT_DESTROY']);
  });

  it('GIVEN packs THEN the checks on the JSON (the app engine) honour them too', () => {
    const stack = stackWith();
    const json = TerraformStack.prototype.toTerraform.call(stack);
    expect(codes(stackGuardrailViolations(stack, json, [GUARDRAIL_PACKS.find((p) => p.name === 'kms')!]))).toEqual(['PLS_KMS_DELETION_WINDOW']);
    expect(codes(stackGuardrailViolations(stack, json))).toHaveLength(7);
  });

  it.each<[string, unknown, RegExp]>([
    [
      'an unknown name',
      ['kms', 's3'],
      /\[PLS_GUARDRAIL_PACK\] packs\[1\]: found "s3"; expected one of the guardrail packs: ec2, kms, secretsmanager, iam, terraform/,
    ],
    ['a name in another case', ['KMS'], /\[PLS_GUARDRAIL_PACK\] packs\[0\]: found "KMS"/],
    ['an empty list', [], /\[PLS_GUARDRAIL_PACK\] packs: found \[\]; expected a non-empty list of guardrail pack names/],
    ['a string instead of a list', 'kms', /\[PLS_GUARDRAIL_PACK\] packs: found "kms"; expected a non-empty list/],
  ])('GIVEN %s THEN new Guardrails throws naming the field, the value and the known packs', (_name, packs, message) => {
    expect(() => new Guardrails({ packs: packs as GuardrailPackName[] })).toThrow(message);
  });

  it('GIVEN a suppression of a code whose pack is not selected THEN it is accepted and inert; an unknown code still throws', () => {
    const stack = stackWith({ packs: ['kms'] });
    Guardrails.suppress(stack, 'PLS_SECRET_NO_CMK', 'Secrets of this stack are checked by the secretsmanager pack elsewhere');
    expect(codes(guardrailErrors(stack))).toEqual(['PLS_KMS_DELETION_WINDOW']);
    expect(() => Guardrails.suppress(stack, 'PLS_S3_PUBLIC', 'A code of no pack at all, so a typo')).toThrow(
      /\[PLS_SUPPRESSION_CODE\] code: found "PLS_S3_PUBLIC"; expected a guardrail code: PLS_BAD_CIDR, /,
    );
  });
});
