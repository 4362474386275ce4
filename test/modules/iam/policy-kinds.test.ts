import { PolicyDocument, PolicyKind } from '../../../modules/iam/policy-document';
import { PolicyStatement } from '../../../modules/iam/policy-statement';
import { validatePolicyDocument, validatePolicyJson } from '../../../modules/iam/policy-validation';
import { GuardrailError } from '../../../modules/core/errors';
import { parseConfig } from '../../../stacks/config';
import { TfJson } from '../../helpers/assertions';
import { defaultConfigJson, exampleConfigJson } from '../../helpers/configs';
import { synthesizeConfig } from '../../helpers/policies';

/**
 * "Policies IAM accepts" (issue 11 item 7): each kind of document renders what IAM takes for that
 * kind (a trust policy has no Resource), and every policy the stacks generate passes the grammar
 * and the other policy rules of its kind.
 */

/** Where each generated resource holds a policy, and which kind of policy it is. */
const POLICY_ATTRIBUTES_BY_KIND: Readonly<Record<string, readonly [attribute: string, kind: PolicyKind]>> = {
  aws_kms_key: ['policy', 'key'],
  aws_secretsmanager_secret_policy: ['policy', 'resource'],
  aws_vpc_endpoint: ['policy', 'endpoint'],
  aws_iam_role: ['assume_role_policy', 'trust'],
  aws_iam_role_policy: ['policy', 'identity'],
  aws_s3_bucket_policy: ['policy', 'resource'],
  aws_sns_topic_policy: ['policy', 'resource'],
};

function generatedPolicies(stacks: Record<string, TfJson>): { where: string; kind: PolicyKind; text: string }[] {
  return Object.entries(stacks).flatMap(([stack, json]) =>
    Object.entries(POLICY_ATTRIBUTES_BY_KIND).flatMap(([type, [attribute, kind]]) =>
      Object.entries<TfJson>(json.resource?.[type] ?? {})
        .filter(([, body]) => typeof body[attribute] === 'string')
        .map(([name, body]) => ({ where: `${stack} ${type}.${name}.${attribute}`, kind, text: body[attribute] as string })),
    ),
  );
}

const trustStatement = () =>
  new PolicyStatement({
    sid: 'CloudTrailAssumes',
    principal: { Service: ['cloudtrail.amazonaws.com'] },
    actions: ['sts:AssumeRole'],
  });

describe('policy kinds', () => {
  it('GIVEN a trust document WHEN rendered THEN its statements carry no Resource, and the same statement in a resource policy does', () => {
    const trust = new PolicyDocument({ kind: 'trust', statements: [trustStatement()] });
    expect(trust.toJSON().Statement).toEqual([
      { Sid: 'CloudTrailAssumes', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(validatePolicyDocument(trust, 'trust')).toEqual([]);
    expect(new PolicyDocument({ kind: 'resource', statements: [trustStatement()] }).toJSON().Statement).toEqual([expect.objectContaining({ Resource: '*' })]);
  });

  it('GIVEN a statement with explicit resources WHEN added to a trust document THEN it is refused, naming the statement and the resources', () => {
    const statement = new PolicyStatement({
      sid: 'Assume',
      principal: { AWS: ['arn:aws:iam::111122223333:root'] },
      actions: ['sts:AssumeRole'],
      resources: ['*'],
    });
    let error: unknown;
    try {
      new PolicyDocument({ kind: 'trust' }).addStatements(statement);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GuardrailError);
    expect((error as GuardrailError).message).toBe(
      '[PLS_POLICY_TRUST_RESOURCE] PolicyStatement "Assume".resources: found ["*"]; a trust policy names no Resource (IAM refuses it with MalformedPolicyDocument): leave resources out',
    );
  });

  it('GIVEN a statement with a principal WHEN added to an identity document THEN it is refused, naming the statement and the principal', () => {
    expect(() => new PolicyDocument({ kind: 'identity', statements: [trustStatement()] })).toThrow(
      /^\[PLS_POLICY_GRAMMAR\] PolicyStatement "CloudTrailAssumes"\.principal: found \{"Service":\["cloudtrail\.amazonaws\.com"\]\}; an identity policy names no Principal/,
    );
  });

  it('GIVEN a trust document granting another action THEN the grammar check reports it', () => {
    const doc = new PolicyDocument({
      kind: 'trust',
      statements: [new PolicyStatement({ sid: 'Wide', principal: { AWS: ['arn:aws:iam::111122223333:root'] }, actions: ['sts:AssumeRole', 'iam:PassRole'] })],
    });
    expect(validatePolicyDocument(doc, 'role.assumeRolePolicy')).toEqual([
      '[PLS_POLICY_GRAMMAR] role.assumeRolePolicy: Statement[0] (Sid "Wide") has Action ["iam:PassRole"]; a trust policy grants only sts:AssumeRole, sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity, sts:TagSession, sts:SetSourceIdentity',
    ]);
  });
});

describe.each([
  ['the default config with audit', () => ({ ...defaultConfigJson(), environments: [{ ...defaultConfigJson().environments[0], audit: {} }] })],
  ['stacks/config/audit.json', () => exampleConfigJson('audit.json')],
  ['stacks/config/multi-env.json', () => exampleConfigJson('multi-env.json')],
  ['stacks/config/existing-vpcs-fips.json', () => exampleConfigJson('existing-vpcs-fips.json')],
  ['stacks/config/three-accounts.json', () => exampleConfigJson('three-accounts.json')],
])('every policy generated for %s', (_name, raw) => {
  const policies = generatedPolicies(synthesizeConfig(parseConfig(raw(), 'config')).stacks);

  it('GIVEN the synthesized stacks THEN each policy passes the grammar and every other policy rule of its kind', () => {
    expect(policies.length).toBeGreaterThan(0);
    expect(policies.flatMap((p) => validatePolicyJson(p.text, p.kind, p.where))).toEqual([]);
  });

  it('GIVEN the synthesized stacks THEN no trust policy names a Resource (IAM refuses one at CreateRole)', () => {
    for (const trust of policies.filter((p) => p.kind === 'trust')) {
      for (const statement of JSON.parse(trust.text).Statement)
        expect([trust.where, statement.Resource, statement.NotResource]).toEqual([trust.where, undefined, undefined]);
    }
  });
});

describe('the audit delivery role trust policy', () => {
  const raw = { ...defaultConfigJson(), environments: [{ ...defaultConfigJson().environments[0], audit: {} }] };
  const trust = generatedPolicies(synthesizeConfig(parseConfig(raw, 'config')).stacks).filter((p) => p.kind === 'trust');

  it('GIVEN audit on THEN the delivery role has a trust policy for CloudTrail only, without Resource', () => {
    expect(trust).toHaveLength(1);
    expect(JSON.parse(trust[0].text).Statement).toEqual([
      {
        Sid: 'CloudTrailOfThisTrail',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceArn': expect.stringMatching(/^arn:aws:cloudtrail:us-west-2:111122223333:trail\//) } },
      },
    ]);
  });

  it('GIVEN the same trust policy with the Resource it used to carry THEN the trust-resource rule refuses it', () => {
    const withResource = JSON.parse(trust[0].text);
    withResource.Statement[0].Resource = '*';
    expect(validatePolicyJson(JSON.stringify(withResource), 'trust', 'deliveryRole.assumeRolePolicy')).toEqual([
      expect.stringMatching(
        /^\[PLS_POLICY_TRUST_RESOURCE\] deliveryRole\.assumeRolePolicy: Statement\[0\] \(Sid "CloudTrailOfThisTrail"\) has Resource \(found "\*"\)/,
      ),
    ]);
  });
});

describe('PolicyStatement JSON', () => {
  it('GIVEN statements serialized by JSON.stringify (which passes a key to toJSON) THEN each keeps its Resource', () => {
    const statements = [trustStatement(), trustStatement()];
    expect(JSON.parse(JSON.stringify({ Statement: statements })).Statement.map((s: Record<string, unknown>) => s.Resource)).toEqual(['*', '*']);
    expect(JSON.parse(JSON.stringify(trustStatement())).Resource).toBe('*');
  });
});
