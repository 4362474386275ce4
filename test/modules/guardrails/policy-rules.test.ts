import { accountOnlyEndpointPolicy, appKmsEndpointPolicy, appSecretsEndpointPolicy, keyPolicy, secretPolicy } from '../../../modules/iam/access-policies';
import { validatePolicyDocument, validatePolicyJson } from '../../../modules/iam/policy-validation';
import { PolicyKind } from '../../../modules/iam/policy-document';
import { POLICY_RULES } from '../../../modules/guardrails/rules';
import { ACCOUNT_READ, codes, policyFindings, Statement } from '../../helpers/guardrails';

const VPCE = 'vpce-0a1b2c3d4e5f60718';
const VPC = 'vpc-0a1b2c3d4e5f60718';
const ROOT = { AWS: 'arn:aws:iam::111122223333:root' };

/** A Deny on the secret value outside one endpoint, as the secret preset writes it. */
const DENY_OUTSIDE_ENDPOINT: Statement = {
  Sid: 'DenyOutsideEndpoint',
  Effect: 'Deny',
  Principal: '*',
  Action: 'secretsmanager:GetSecretValue',
  Resource: '*',
  Condition: { StringNotEquals: { 'aws:SourceVpce': VPCE } },
};

describe('policy rules registry', () => {
  it('GIVEN POLICY_RULES THEN every rule has a unique PLS_ code and a description', () => {
    const all = POLICY_RULES.map((r) => r.code);
    expect(new Set(all).size).toBe(all.length);
    for (const rule of POLICY_RULES) {
      expect(rule.code).toMatch(/^PLS_POLICY_[A-Z_]+$/);
      expect(rule.description.length).toBeGreaterThan(10);
    }
  });
});

describe('the default access presets', () => {
  const model = {
    partition: 'aws',
    region: 'us-west-2',
    accountId: '111122223333',
    adminVpcId: VPC,
    appSecretsManagerEndpointIds: [VPCE],
    appKmsEndpointIds: ['vpce-0123456789abcdef0'],
    managementExemptPrincipalArns: ['arn:aws:iam::111122223333:role/break-glass'],
  };
  const scope = { partition: 'aws', region: 'us-west-2', accountId: '111122223333', principalArns: ['arn:aws:iam::111122223333:role/app'] };

  it.each([
    ['secret policy', secretPolicy(model)],
    ['key policy', keyPolicy(model)],
    ['app Secrets Manager endpoint policy', appSecretsEndpointPolicy(scope, ['app/db-password'])],
    ['app KMS endpoint policy', appKmsEndpointPolicy(scope, ['alias/app-data'])],
    ['admin endpoint policy', accountOnlyEndpointPolicy('secretsmanager', scope)],
  ])('GIVEN the %s with concrete vpc/vpce ids WHEN every policy rule runs THEN nothing is reported', (_name, doc) => {
    expect(validatePolicyDocument(doc, 'preset')).toEqual([]);
  });
});

describe('PLS_POLICY_PRINCIPAL_REQUIRED', () => {
  it('GIVEN a resource policy statement with a Principal THEN it passes', () => {
    expect(policyFindings([ACCOUNT_READ])).toEqual([]);
  });

  it('GIVEN a resource policy statement without Principal THEN it is rejected', () => {
    const noPrincipal = { ...ACCOUNT_READ, Principal: undefined };
    expect(policyFindings([noPrincipal])).toEqual([
      expect.stringMatching(/^\[PLS_POLICY_PRINCIPAL_REQUIRED\] test\.policy: Statement\[0\] \(Sid "AllowAccountRead"\) has no Principal/),
    ]);
  });
});

describe('PLS_POLICY_SIZE', () => {
  const resources = (n: number) => Array.from({ length: n }, (_, i) => `arn:aws:secretsmanager:us-west-2:111122223333:secret:app/s${i}-??????`);

  it('GIVEN an endpoint policy under 20,480 characters THEN it passes', () => {
    expect(policyFindings([{ ...ACCOUNT_READ, Resource: resources(50) }], 'endpoint')).toEqual([]);
  });

  it('GIVEN an endpoint policy over 20,480 characters THEN it is rejected with its size', () => {
    expect(policyFindings([{ ...ACCOUNT_READ, Resource: resources(400) }], 'endpoint')).toEqual([
      expect.stringMatching(/^\[PLS_POLICY_SIZE\] test\.policy: policy is \d+ characters .* over the endpoint policy limit of 20480 characters/),
    ]);
  });
});

describe('PLS_POLICY_SID', () => {
  it('GIVEN unique Sids and a statement without Sid THEN it passes', () => {
    const noSid = { ...ACCOUNT_READ, Sid: undefined };
    expect(policyFindings([ACCOUNT_READ, { ...ACCOUNT_READ, Sid: 'Other' }, noSid])).toEqual([]);
  });

  it.each([
    ['an empty Sid', [{ ...ACCOUNT_READ, Sid: '' }], /Statement\[0\] has an empty Sid \(found ""\)/],
    ['a whitespace-only Sid', [{ ...ACCOUNT_READ, Sid: '   ' }], /Statement\[0\] has an empty Sid \(found " {3}"\)/],
    ['a duplicate Sid', [ACCOUNT_READ, ACCOUNT_READ], /Statement\[1\] repeats Sid "AllowAccountRead" of Statement\[0\]/],
  ])('GIVEN %s THEN it is rejected', (_name, statements, message) => {
    const findings = policyFindings(statements as Statement[]);
    expect(codes(findings)).toEqual(['PLS_POLICY_SID']);
    expect(findings[0]).toMatch(message);
  });
});

describe('PLS_POLICY_NOT_PRINCIPAL', () => {
  it('GIVEN a Deny that exempts principals with ArnNotLike aws:PrincipalArn THEN it passes', () => {
    const deny = { ...DENY_OUTSIDE_ENDPOINT, Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/app' } } };
    expect(policyFindings([ACCOUNT_READ, deny])).toEqual([]);
  });

  it('GIVEN a statement with NotPrincipal THEN it is rejected with the value and the fix', () => {
    const findings = policyFindings([{ ...DENY_OUTSIDE_ENDPOINT, Principal: undefined, NotPrincipal: ROOT }]);
    expect(findings).toEqual([
      expect.stringMatching(/^\[PLS_POLICY_NOT_PRINCIPAL\] .*uses NotPrincipal \(found \{"AWS":"arn:aws:iam::111122223333:root"\}\); use "Principal": "\*"/),
    ]);
  });
});

describe('PLS_POLICY_UNKNOWN_ACTION', () => {
  it.each([
    ['"*" alone', '*'],
    ['a service wildcard', 'kms:*'],
    ['a pattern matching several actions', 'kms:GenerateDataKey*'],
    ['a "?" pattern', 'secretsmanager:Get?ecretValue'],
    ['another spelling case', 'SecretsManager:getsecretvalue'],
    ['a Terraform reference', '${var.action}'],
  ])('GIVEN %s as Action THEN it passes', (_name, action) => {
    expect(policyFindings([{ ...ACCOUNT_READ, Action: action }])).toEqual([]);
  });

  it('GIVEN known actions in NotAction THEN it passes', () => {
    expect(policyFindings([{ ...DENY_OUTSIDE_ENDPOINT, Action: undefined, NotAction: ['secretsmanager:Describe*', 'secretsmanager:ListSecrets'] }])).toEqual(
      [],
    );
  });

  it.each([
    ['a misspelt action', 'Action', 'kms:Decrypts', /Action: found "kms:Decrypts", which is not a kms action; did you mean "kms:Decrypt"\?/],
    ['an unknown service prefix', 'Action', 'secretmanager:GetSecretValue', /"secretmanager" is not an IAM service prefix; did you mean "secretsmanager"\?/],
    ['a wildcard matching nothing', 'NotAction', 'kms:Frobnicate*', /NotAction: found "kms:Frobnicate\*", which matches no kms action/],
    ['no service prefix', 'Action', 'GetSecretValue', /found "GetSecretValue"; expected "service:Action"/],
    ['a wildcard service prefix', 'Action', '*:GetSecretValue', /wildcard in the service prefix/],
  ])('GIVEN %s THEN it is rejected with the value', (_name, element, action, message) => {
    const statement = element === 'Action' ? { ...ACCOUNT_READ, Action: action } : { ...DENY_OUTSIDE_ENDPOINT, Action: undefined, NotAction: action };
    const findings = policyFindings([statement]);
    expect(codes(findings)).toEqual(['PLS_POLICY_UNKNOWN_ACTION']);
    expect(findings[0]).toMatch(message);
  });
});

describe('PLS_POLICY_UNKNOWN_CONDITION_OPERATOR', () => {
  it.each(['StringEquals', 'ForAnyValue:StringEquals', 'ForAllValues:StringLikeIfExists', 'ArnLikeIfExists', 'Null'])(
    'GIVEN operator %s THEN it passes',
    (operator) => {
      const allow = { ...ACCOUNT_READ, Condition: { [operator]: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/app' } } };
      expect(policyFindings([allow]).filter((f) => f.includes('OPERATOR'))).toEqual([]);
    },
  );

  it.each([
    ['StringEqual', /found unknown operator "StringEqual"; did you mean "StringEquals"\?/],
    ['ForSomeValues:StringEquals', /found unknown operator "ForSomeValues:StringEquals"/],
    ['NullIfExists', /found unknown operator "NullIfExists".*not "NullIfExists"/],
  ])('GIVEN operator %s THEN it is rejected', (operator, message) => {
    const findings = policyFindings([{ ...ACCOUNT_READ, Condition: { [operator]: { 'aws:PrincipalAccount': '111122223333' } } }]);
    expect(codes(findings)).toEqual(['PLS_POLICY_UNKNOWN_CONDITION_OPERATOR']);
    expect(findings[0]).toMatch(message);
  });
});

describe('PLS_POLICY_UNKNOWN_CONDITION_KEY', () => {
  it.each([
    'aws:PrincipalAccount',
    'aws:PrincipalTag/team',
    'aws:RequestTag/${TagKey}',
    'kms:ViaService',
    'kms:ResourceAliases',
    'kms:CallerAccount',
    'kms:EncryptionContext:purpose',
    'secretsmanager:ResourceTag/env',
    'secretsmanager:SecretId',
  ])('GIVEN condition key %s THEN it passes', (key) => {
    expect(policyFindings([{ ...ACCOUNT_READ, Condition: { StringEquals: { [key]: 'x' } } }])).toEqual([]);
  });

  it.each([
    ['aws:SourceVpcee', /found unknown condition key "aws:SourceVpcee"; did you mean "aws:SourceVpce"\?/],
    ['kms:ViaServices', /found unknown condition key "kms:ViaServices"; did you mean "kms:ViaService"\?/],
    ['aws:PrincipalTag/', /found unknown condition key "aws:PrincipalTag\/"/],
    ['nosuchservice:Key', /found unknown condition key "nosuchservice:Key"; expected a global key/],
  ])('GIVEN condition key %s THEN it is rejected', (key, message) => {
    const findings = policyFindings([{ ...ACCOUNT_READ, Condition: { StringEquals: { [key]: 'x' } } }]);
    expect(codes(findings)).toEqual(['PLS_POLICY_UNKNOWN_CONDITION_KEY']);
    expect(findings[0]).toMatch(message);
  });
});

describe('PLS_POLICY_PUBLIC_PRINCIPAL', () => {
  const publicAllow = (principal: unknown, condition?: unknown): Statement => ({ ...ACCOUNT_READ, Principal: principal, Condition: condition });

  it.each([
    ['StringEquals aws:PrincipalAccount', { StringEquals: { 'aws:PrincipalAccount': '111122223333' } }],
    ['StringEquals aws:SourceVpce', { StringEquals: { 'aws:SourceVpce': VPCE } }],
    ['ArnLike aws:PrincipalArn', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/*' } }],
    ['StringEquals kms:CallerAccount', { StringEquals: { 'kms:CallerAccount': '111122223333' } }],
  ])('GIVEN Principal "*" restricted by %s THEN it passes', (_name, condition) => {
    expect(policyFindings([publicAllow('*', condition)])).toEqual([]);
  });

  it('GIVEN a Deny for Principal "*" without condition THEN this rule does not apply', () => {
    expect(policyFindings([ACCOUNT_READ, { ...DENY_OUTSIDE_ENDPOINT, Condition: undefined }])).toEqual([]);
  });

  it.each([
    ['Principal "*" and no condition', publicAllow('*'), /allows Principal "\*" with no restricting condition; name the principals/],
    ['{"AWS": "*"} and no condition', publicAllow({ AWS: '*' }), /allows Principal \{"AWS":"\*"\} with no restricting condition/],
    ['{"AWS": ["*"]} and an unrelated condition', publicAllow({ AWS: ['*'] }, { Bool: { 'aws:SecureTransport': 'true' } }), /no restricting condition/],
    [
      'an IfExists condition, which also matches requests without the key',
      publicAllow('*', { StringEqualsIfExists: { 'aws:SourceVpce': VPCE } }),
      /\(found StringEqualsIfExists aws:SourceVpce, which also match requests without the key or any value\)/,
    ],
    ['a condition value of "*"', publicAllow('*', { StringLike: { 'aws:PrincipalAccount': '*' } }), /found StringLike aws:PrincipalAccount/],
  ])('GIVEN an Allow with %s THEN it is rejected', (_name, statement, message) => {
    const findings = policyFindings([statement]);
    expect(codes(findings)).toEqual(['PLS_POLICY_PUBLIC_PRINCIPAL']);
    expect(findings[0]).toMatch(message);
  });
});

describe('PLS_POLICY_NEGATED_ALLOW', () => {
  it('GIVEN negated operators on a Deny and Null false on an Allow THEN it passes', () => {
    const allow = { ...ACCOUNT_READ, Condition: { Null: { 'aws:SourceVpce': 'false' } } };
    expect(policyFindings([allow, DENY_OUTSIDE_ENDPOINT])).toEqual([]);
  });

  it.each([
    [
      'StringNotEquals',
      { StringNotEquals: { 'aws:SourceVpce': VPCE } },
      /is an Allow with negated condition StringNotEquals on aws:SourceVpce: it also matches requests without aws:SourceVpce/,
    ],
    [
      'ArnNotLikeIfExists',
      { ArnNotLikeIfExists: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/x' } },
      /negated condition ArnNotLikeIfExists on aws:PrincipalArn/,
    ],
    ['ForAnyValue:StringNotLike', { 'ForAnyValue:StringNotLike': { 'aws:PrincipalTag/team': 'x*' } }, /negated condition ForAnyValue:StringNotLike/],
    ['NotIpAddress', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, /negated condition NotIpAddress on aws:SourceIp/],
    [
      'Null true',
      { Null: { 'aws:SourceVpce': 'true' } },
      /is an Allow with Null aws:SourceVpce = true: it grants exactly the requests that lack aws:SourceVpce/,
    ],
  ])('GIVEN an Allow with %s THEN it is rejected', (_name, condition, message) => {
    const findings = policyFindings([{ ...ACCOUNT_READ, Condition: condition }]);
    expect(codes(findings)).toEqual(['PLS_POLICY_NEGATED_ALLOW']);
    expect(findings[0]).toMatch(message);
  });
});

describe('PLS_POLICY_SOURCE_VPC_OPERATOR', () => {
  it.each([
    ['StringEquals aws:SourceVpce', { StringEquals: { 'aws:SourceVpce': [VPCE, 'vpce-1a2b3c4d'] } }],
    ['StringEqualsIfExists aws:SourceVpc', { StringEqualsIfExists: { 'aws:SourceVpc': VPC } }],
    ['Null aws:SourceVpc', { Null: { 'aws:SourceVpc': 'false' } }],
  ])('GIVEN %s THEN it passes', (_name, condition) => {
    expect(policyFindings([{ ...ACCOUNT_READ, Condition: condition }])).toEqual([]);
  });

  it.each([
    ['StringLike aws:SourceVpce', { StringLike: { 'aws:SourceVpce': VPCE } }, /Condition StringLike aws:SourceVpce: found a wildcard operator \(StringLike\)/],
    ['ArnEquals aws:SourceVpc', { ArnEquals: { 'aws:SourceVpc': VPC } }, /found a wildcard operator \(ArnEquals\)/],
    ['NumericEquals aws:SourceVpc', { NumericEquals: { 'aws:SourceVpc': '1' } }, /found a NumericEquals operator; the key holds a string id/],
    ['Bool aws:SourceVpce', { Bool: { 'aws:SourceVpce': 'true' } }, /found a Bool operator/],
    [
      'a wildcard value under StringEquals',
      { StringEquals: { 'aws:SourceVpce': 'vpce-*' } },
      /found wildcard value\(s\) "vpce-\*"; use StringEquals \(Allow\) or StringNotEquals \(Deny\) with the exact vpce- ids/,
    ],
  ])('GIVEN %s THEN it is rejected', (_name, condition, message) => {
    const findings = policyFindings([{ ...ACCOUNT_READ, Condition: condition }]);
    expect(codes(findings)).toEqual(['PLS_POLICY_SOURCE_VPC_OPERATOR']);
    expect(findings[0]).toMatch(message);
  });
});

describe('PLS_POLICY_SOURCE_VPC_ID', () => {
  it.each([
    ['well-formed ids', VPCE, VPC],
    ['Terraform references', '${aws_vpc_endpoint.app.id}', '${data.terraform_remote_state.app.outputs.vpc_id}'],
    ['cdktf tokens', '${TfToken[TOKEN.12]}', '${TfToken[TOKEN.13]}'],
  ])('GIVEN %s THEN it passes', (_name, vpce, vpc) => {
    expect(policyFindings([{ ...DENY_OUTSIDE_ENDPOINT, Condition: { StringNotEquals: { 'aws:SourceVpce': vpce, 'aws:SourceVpc': vpc } } }])).toEqual([]);
  });

  it.each([
    [
      'a vpc id on aws:SourceVpce',
      'aws:SourceVpce',
      VPC,
      /aws:SourceVpce: found "vpc-0a1b2c3d4e5f60718", a vpc- id where a vpce- id belongs; use the VPC endpoint id here, or condition on aws:SourceVpc instead/,
    ],
    ['a vpce id on aws:SourceVpc', 'aws:SourceVpc', VPCE, /aws:SourceVpc: found "vpce-0a1b2c3d4e5f60718", a vpce- id where a vpc- id belongs/],
    ['a malformed vpce id', 'aws:SourceVpce', 'vpce-123', /found "vpce-123"; expected a vpce- id \("vpce-" followed by 8 or 17 lower-case hex digits\)/],
  ])('GIVEN %s THEN it is rejected', (_name, key, value, message) => {
    const findings = policyFindings([{ ...DENY_OUTSIDE_ENDPOINT, Condition: { StringNotEquals: { [key]: value } } }]);
    expect(codes(findings)).toEqual(['PLS_POLICY_SOURCE_VPC_ID']);
    expect(findings[0]).toMatch(message);
  });
});

describe('PLS_POLICY_SOURCE_IP_WITH_ENDPOINT', () => {
  it('GIVEN aws:SourceIp in a policy without endpoint conditions THEN it passes', () => {
    expect(policyFindings([{ ...DENY_OUTSIDE_ENDPOINT, Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }])).toEqual([]);
  });

  it('GIVEN aws:VpcSourceIp next to aws:SourceVpce THEN it passes', () => {
    expect(
      policyFindings([
        { ...DENY_OUTSIDE_ENDPOINT, Condition: { StringNotEquals: { 'aws:SourceVpce': VPCE }, NotIpAddress: { 'aws:VpcSourceIp': '10.0.0.0/8' } } },
      ]),
    ).toEqual([]);
  });

  it('GIVEN aws:SourceIp in one statement and aws:SourceVpce in another THEN it is rejected and says why', () => {
    const ipDeny = { ...DENY_OUTSIDE_ENDPOINT, Sid: 'DenyOutsideOffice', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } };
    const findings = policyFindings([DENY_OUTSIDE_ENDPOINT, ipDeny]);
    expect(codes(findings)).toEqual(['PLS_POLICY_SOURCE_IP_WITH_ENDPOINT']);
    expect(findings[0]).toMatch(
      /Statement\[1\] \(Sid "DenyOutsideOffice"\) Condition NotIpAddress aws:SourceIp sits in a policy that also uses endpoint conditions \(aws:SourceVpce in Statement\[0\].*\): requests through a VPC endpoint carry no aws:SourceIp/,
    );
  });
});

describe('PLS_POLICY_KMS_DENY_NO_SERVICE_EXEMPTION', () => {
  const keyAdmin: Statement = { Sid: 'EnableIamPolicies', Effect: 'Allow', Principal: ROOT, Action: 'kms:*', Resource: '*' };
  const SM = 'secretsmanager.us-west-2.amazonaws.com';
  const keyDeny = (condition: Record<string, unknown>, action: unknown = ['kms:Decrypt', 'kms:GenerateDataKey*']): Statement => ({
    Sid: 'DenyOutsideEndpoint',
    Effect: 'Deny',
    Principal: '*',
    Action: action,
    Resource: '*',
    Condition: { StringNotEquals: { 'aws:SourceVpce': VPCE }, ...condition },
  });
  const keyFindings = (deny: Statement, kind: 'key' | 'resource' = 'key', region?: string) =>
    validatePolicyJson(JSON.stringify({ Version: '2012-10-17', Statement: [keyAdmin, deny] }), kind, 'test.policy', region);

  it.each([
    ['StringNotEquals kms:ViaService Secrets Manager of the region', { StringNotEquals: { 'aws:SourceVpce': VPCE, 'kms:ViaService': SM } }, 'us-west-2'],
    ['the same with IfExists', { StringNotEqualsIfExists: { 'kms:ViaService': SM } }, 'us-west-2'],
    [
      'the China partition suffix',
      { StringNotEquals: { 'aws:SourceVpce': VPCE, 'kms:ViaService': 'secretsmanager.cn-north-1.amazonaws.com.cn' } },
      'cn-north-1',
    ],
    ['the exemption, region unknown', { StringNotEquals: { 'aws:SourceVpce': VPCE, 'kms:ViaService': SM } }, undefined],
    [
      'a region from a Terraform reference',
      { StringNotEquals: { 'aws:SourceVpce': VPCE, 'kms:ViaService': 'secretsmanager.${var.region}.amazonaws.com' } },
      undefined,
    ],
  ])('GIVEN a key policy usage Deny exempting exactly %s THEN it passes', (_name, condition, region) => {
    expect(keyFindings(keyDeny(condition), 'key', region)).toEqual([]);
  });

  it('GIVEN a key policy Deny of key reads only (no usage) without exemption THEN this rule does not apply', () => {
    expect(keyFindings(keyDeny({}, ['kms:DescribeKey', 'kms:GetKeyPolicy']))).toEqual([]);
  });

  it('GIVEN a secret policy Deny of Secrets Manager actions THEN this rule does not apply', () => {
    expect(policyFindings([ACCOUNT_READ, DENY_OUTSIDE_ENDPOINT], 'resource')).toEqual([]);
  });

  it.each([
    [
      'no exemption',
      keyDeny({}),
      /Statement\[1\] \(Sid "DenyOutsideEndpoint"\) denies key usage \(kms:decrypt, .*\) without exempting Secrets Manager acting for the caller; .*add "StringNotEquals": \{"kms:ViaService": "secretsmanager\.us-west-2\.amazonaws\.com"\}/,
    ],
    [
      'Bool aws:ViaAWSService false (every service)',
      keyDeny({ Bool: { 'aws:ViaAWSService': 'false' } }),
      /found Bool aws:ViaAWSService = \["false"\]: it is not StringNotEquals on kms:ViaService\); this lets other services \(S3, EBS, …\) use the key/,
    ],
    ['Bool aws:PrincipalIsAWSService false', keyDeny({ Bool: { 'aws:PrincipalIsAWSService': false } }), /found Bool aws:PrincipalIsAWSService = \["false"\]/],
    [
      'Null kms:ViaService true (any service)',
      keyDeny({ Null: { 'kms:ViaService': 'true' } }),
      /found Null kms:ViaService = \["true"\]: it is not StringNotEquals on kms:ViaService/,
    ],
    [
      'a kms:ViaService wildcard',
      keyDeny({ StringNotLike: { 'kms:ViaService': 'secretsmanager.*.amazonaws.com' } }),
      /found StringNotLike kms:ViaService = .*: it is not StringNotEquals on kms:ViaService/,
    ],
    [
      'another service next to Secrets Manager',
      keyDeny({ StringNotEquals: { 'aws:SourceVpce': VPCE, 'kms:ViaService': [SM, 's3.us-west-2.amazonaws.com'] } }),
      /it names 2 services; expected Secrets Manager alone/,
    ],
    [
      'S3 instead of Secrets Manager',
      keyDeny({ StringNotEquals: { 'aws:SourceVpce': VPCE, 'kms:ViaService': 's3.us-west-2.amazonaws.com' } }),
      /not secretsmanager\.<region>\.<DNS suffix>/,
    ],
    [
      'Secrets Manager of another region',
      keyDeny({ StringNotEquals: { 'aws:SourceVpce': VPCE, 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } }),
      /the policy is for region us-west-2/,
    ],
    [
      'the wrong partition suffix',
      keyDeny({ StringNotEquals: { 'aws:SourceVpce': VPCE, 'kms:ViaService': 'secretsmanager.cn-north-1.amazonaws.com' } }),
      /the DNS suffix of cn-north-1 is amazonaws\.com\.cn/,
    ],
    [
      'the exact exemption plus aws:CalledVia',
      keyDeny({
        StringNotEquals: { 'aws:SourceVpce': VPCE, 'kms:ViaService': SM },
        'ForAnyValue:StringNotEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' },
      }),
      /ForAnyValue:StringNotEquals aws:CalledVia/,
    ],
    ['kms:* with no exemption', keyDeny({}, 'kms:*'), /denies key usage/],
    ['NotAction leaving usage denied', keyDeny({}, undefined), /denies key usage/],
  ])('GIVEN a key policy usage Deny with %s THEN it is rejected', (_name, deny, message) => {
    const statement = deny.Action === undefined ? { ...deny, NotAction: 'kms:DescribeKey' } : deny;
    const findings = keyFindings(statement, 'key', 'us-west-2');
    expect(codes(findings)).toContain('PLS_POLICY_KMS_DENY_NO_SERVICE_EXEMPTION');
    expect(findings.find((f) => f.includes('PLS_POLICY_KMS_DENY_NO_SERVICE_EXEMPTION'))).toMatch(message);
  });

  it('GIVEN an all-kms usage Deny in a resource policy without exemption THEN it is rejected too', () => {
    expect(codes(keyFindings(keyDeny({}), 'resource'))).toEqual(['PLS_POLICY_KMS_DENY_NO_SERVICE_EXEMPTION']);
  });

  it('GIVEN the keyPolicy preset of a China region THEN its exemption names the China DNS suffix and passes with the region known', () => {
    const doc = keyPolicy({
      partition: 'aws-cn',
      region: 'cn-north-1',
      accountId: '111122223333',
      adminVpcId: VPC,
      appSecretsManagerEndpointIds: [VPCE],
      appKmsEndpointIds: [VPCE],
      managementExemptPrincipalArns: ['arn:aws-cn:iam::111122223333:role/break-glass'],
    });
    expect(doc.render()).toContain('"kms:ViaService":"secretsmanager.cn-north-1.amazonaws.com.cn"');
    expect(validatePolicyDocument(doc, 'preset')).toEqual([]);
  });
});

describe('PLS_POLICY_MANAGEMENT_DENY_SERVICE_EXEMPTION', () => {
  const managementDeny = (action: unknown, condition: Record<string, unknown>): Statement => ({
    Sid: 'DenyManagementOutsideAdminVpc',
    Effect: 'Deny',
    Principal: '*',
    Action: action,
    Resource: '*',
    Condition: { StringNotEquals: { 'aws:SourceVpc': VPC }, ...condition },
  });

  it.each([
    [
      'a key management Deny with only the principal exemption',
      'key',
      ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion'],
      { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/break-glass' } },
    ],
    ['a secret management Deny without exemption', 'resource', ['secretsmanager:Put*', 'secretsmanager:Update*'], {}],
    ['a Deny of reads with a service exemption (not management)', 'resource', ['secretsmanager:DescribeSecret'], { Bool: { 'aws:ViaAWSService': 'false' } }],
  ])('GIVEN %s THEN it passes', (_name, kind, action, condition) => {
    const statements = kind === 'key' ? [{ Sid: 'EnableIamPolicies', Effect: 'Allow', Principal: ROOT, Action: 'kms:*', Resource: '*' }] : [ACCOUNT_READ];
    expect(policyFindings([...statements, managementDeny(action, condition)], kind as 'key')).toEqual([]);
  });

  it.each([
    [
      'Bool aws:ViaAWSService false on key management',
      ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion'],
      { Bool: { 'aws:ViaAWSService': 'false' } },
      /found Bool aws:ViaAWSService = \["false"\]/,
    ],
    [
      'the Secrets Manager kms:ViaService exemption on key management',
      ['kms:Disable*'],
      { StringNotEquals: { 'aws:SourceVpc': VPC, 'kms:ViaService': 'secretsmanager.us-west-2.amazonaws.com' } },
      /kms:disablekey.*found StringNotEquals kms:ViaService/,
    ],
    [
      'aws:CalledVia on secret management',
      ['secretsmanager:PutSecretValue'],
      { 'ForAnyValue:StringNotEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' } },
      /secretsmanager:putsecretvalue.*found ForAnyValue:StringNotEquals aws:CalledVia/,
    ],
    [
      'Null aws:CalledVia true on secret management',
      ['secretsmanager:DeleteSecret'],
      { Null: { 'aws:CalledVia': 'true' } },
      /found Null aws:CalledVia = \["true"\]/,
    ],
    [
      'aws:PrincipalIsAWSService on a tagging Deny',
      ['secretsmanager:TagResource'],
      { Bool: { 'aws:PrincipalIsAWSService': 'false' } },
      /Bool aws:PrincipalIsAWSService/,
    ],
  ])('GIVEN %s THEN it is rejected', (_name, action, condition, message) => {
    const findings = policyFindings([ACCOUNT_READ, managementDeny(action, condition)], 'resource');
    expect(codes(findings)).toEqual(['PLS_POLICY_MANAGEMENT_DENY_SERVICE_EXEMPTION']);
    expect(findings[0]).toMatch(/Statement\[1\] \(Sid "DenyManagementOutsideAdminVpc"\) denies key or secret management \(/);
    expect(findings[0]).toMatch(message);
    expect(findings[0]).toMatch(/remove the exemption/);
  });

  it('GIVEN one key policy Deny of both usage and administration with the Secrets Manager exemption THEN administration is refused the exemption: split it', () => {
    const deny = managementDeny(['kms:Decrypt', 'kms:PutKeyPolicy'], {
      StringNotEquals: { 'aws:SourceVpc': VPC, 'kms:ViaService': 'secretsmanager.us-west-2.amazonaws.com' },
    });
    const findings = policyFindings([{ Sid: 'EnableIamPolicies', Effect: 'Allow', Principal: ROOT, Action: 'kms:*', Resource: '*' }, deny], 'key');
    expect(codes(findings)).toEqual(['PLS_POLICY_MANAGEMENT_DENY_SERVICE_EXEMPTION']);
    expect(findings[0]).toMatch(/put key usage, which needs the Secrets Manager exemption, in a statement of its own/);
  });
});

describe('PLS_POLICY_TRUST_RESOURCE', () => {
  const assume: Statement = { Sid: 'CloudTrailAssumes', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'sts:AssumeRole' };

  it('GIVEN a trust policy without Resource THEN it passes', () => {
    expect(policyFindings([assume], 'trust')).toEqual([]);
  });

  it('GIVEN a Resource in a resource policy THEN this rule does not apply', () => {
    expect(policyFindings([{ ...assume, Action: 'secretsmanager:DescribeSecret', Resource: '*' }], 'resource')).toEqual([]);
  });

  it.each([
    [
      'Resource',
      { Resource: '*' },
      /Statement\[0\] \(Sid "CloudTrailAssumes"\) has Resource \(found "\*"\); a trust policy names no Resource, IAM refuses it with MalformedPolicyDocument: remove it/,
    ],
    ['NotResource', { NotResource: 'arn:aws:iam::111122223333:role/x' }, /has NotResource \(found "arn:aws:iam::111122223333:role\/x"\)/],
  ])('GIVEN a trust policy with %s THEN it is rejected', (_name, extra, message) => {
    const findings = policyFindings([{ ...assume, ...extra }], 'trust');
    expect(codes(findings)).toEqual(['PLS_POLICY_TRUST_RESOURCE']);
    expect(findings[0]).toMatch(message);
  });
});

describe('PLS_POLICY_GRAMMAR', () => {
  const assume: Statement = { Sid: 'Assume', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' };
  const identity: Statement = { Sid: 'Deliver', Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: 'arn:aws:logs:us-west-2:111122223333:log-group:x:*' };

  it.each([
    ['an identity policy with Resource and no Principal', 'identity', [identity]],
    [
      'a trust policy assuming with tags, source identity and web identity',
      'trust',
      [{ ...assume, Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity', 'sts:AssumeRoleWithWebIdentity'] }],
    ],
    ['a key policy statement with Principal and Resource', 'key', [{ ...assume, Action: 'kms:DescribeKey', Resource: '*' }]],
    [
      'an endpoint policy with NotResource',
      'endpoint',
      [{ ...ACCOUNT_READ, Resource: undefined, NotResource: 'arn:aws:secretsmanager:*:999988887777:secret:*' }],
    ],
  ])('GIVEN %s THEN it passes', (_name, kind, statements) => {
    expect(policyFindings(statements as Statement[], kind as PolicyKind)).toEqual([]);
  });

  it.each([
    [
      'an identity policy naming a Principal',
      'identity',
      { ...identity, Principal: '*' },
      /Statement\[0\] \(Sid "Deliver"\) names a Principal; an identity policy .* names none: remove it/,
    ],
    [
      'an identity policy without Resource',
      'identity',
      { ...identity, Resource: undefined },
      /Statement\[0\] \(Sid "Deliver"\) has no Resource; an identity policy statement needs one/,
    ],
    [
      'a resource policy without Resource',
      'resource',
      { ...ACCOUNT_READ, Resource: undefined },
      /has no Resource; a resource policy statement needs one \(e\.g\. "Resource": "\*"\)/,
    ],
    ['an endpoint policy without Resource', 'endpoint', { ...ACCOUNT_READ, Resource: undefined }, /has no Resource; an endpoint policy statement needs one/],
    ['a key policy without Resource', 'key', { ...assume, Action: 'kms:DescribeKey' }, /has no Resource; a key policy statement needs one/],
    [
      'a trust policy granting another action',
      'trust',
      { ...assume, Action: ['sts:AssumeRole', 'sts:GetSessionToken'] },
      /has Action \["sts:GetSessionToken"\]; a trust policy grants only sts:AssumeRole/,
    ],
    ['a trust policy with NotAction', 'trust', { ...assume, Action: undefined, NotAction: 'iam:*' }, /has NotAction; a trust policy grants only/],
    ['both Action and NotAction', 'resource', { ...ACCOUNT_READ, NotAction: 'kms:*' }, /has both Action and NotAction; expected one of them/],
    ['neither Action nor NotAction', 'resource', { ...ACCOUNT_READ, Action: undefined }, /has neither Action nor NotAction/],
    ['an Effect other than Allow or Deny', 'resource', { ...ACCOUNT_READ, Effect: 'allow' }, /has Effect "allow"; expected "Allow" or "Deny"/],
  ])('GIVEN %s THEN it is rejected', (_name, kind, statement, message) => {
    const findings = policyFindings([statement as Statement], kind as PolicyKind);
    expect(codes(findings)).toContain('PLS_POLICY_GRAMMAR');
    expect(findings.find((f) => f.startsWith('[PLS_POLICY_GRAMMAR]'))).toMatch(message);
  });

  it('GIVEN Version 2008-10-17 THEN it is rejected (no policy variables)', () => {
    const findings = validatePolicyJson(JSON.stringify({ Version: '2008-10-17', Statement: [ACCOUNT_READ] }), 'resource', 'test.policy');
    expect(findings).toEqual(['[PLS_POLICY_GRAMMAR] test.policy: has Version "2008-10-17"; expected "2012-10-17" (the only version with policy variables)']);
  });
});
