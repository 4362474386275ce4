import { arnLike, decideAccess, EvaluationRequest, evaluatePolicy, globMatch } from '../../../modules/iam/policy-evaluator';
import { PolicyJson } from '../../../modules/guardrails/rules/policy-rule';

const ROLE = 'arn:aws:iam::111122223333:role/app';

function request(changes: Partial<EvaluationRequest> = {}): EvaluationRequest {
  return {
    principalArn: ROLE,
    principalAccount: '111122223333',
    action: 'secretsmanager:GetSecretValue',
    resource: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:app/db-password-AbCdEf',
    context: { 'aws:SourceVpce': 'vpce-0aaaaaaaaaaaaaaaa' },
    ...changes,
  };
}

function policy(statement: Record<string, unknown>): PolicyJson {
  return { Version: '2012-10-17', Statement: [{ Sid: 'S', Effect: 'Allow', Principal: '*', Action: '*', Resource: '*', ...statement }] };
}

function matches(statement: Record<string, unknown>, changes: Partial<EvaluationRequest> = {}): boolean {
  return evaluatePolicy(policy(statement), request(changes)).allows.length === 1;
}

describe('policy evaluator', () => {
  it.each<[string, Record<string, unknown>, Partial<EvaluationRequest>, boolean]>([
    ['StringEquals on the value', { Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0aaaaaaaaaaaaaaaa' } } }, {}, true],
    ['StringEquals on another value', { Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0bbbbbbbbbbbbbbbb' } } }, {}, false],
    ['StringEquals on an absent key', { Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-0aaaaaaaaaaaaaaaa' } } }, {}, false],
    ['StringNotEquals on an absent key (negated operators match absent keys)', { Condition: { StringNotEquals: { 'aws:SourceVpc': 'vpc-0a' } } }, {}, true],
    [
      'StringNotEquals listing the value',
      { Condition: { StringNotEquals: { 'aws:SourceVpce': ['vpce-0bbbbbbbbbbbbbbbb', 'vpce-0aaaaaaaaaaaaaaaa'] } } },
      {},
      false,
    ],
    ['condition key names in another case', { Condition: { StringEquals: { 'AWS:sourcevpce': 'vpce-0aaaaaaaaaaaaaaaa' } } }, {}, true],
    ['StringLike with a wildcard', { Condition: { StringLike: { 'aws:SourceVpce': 'vpce-0a*' } } }, {}, true],
    [
      'ArnLike on the principal ARN',
      { Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/*' } } },
      { context: { 'aws:PrincipalArn': ROLE } },
      true,
    ],
    [
      'ArnNotLike on the principal ARN',
      { Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/app' } } },
      { context: { 'aws:PrincipalArn': ROLE } },
      false,
    ],
    ['ArnNotLike on an absent key', { Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/app' } } }, { context: {} }, true],
    ['ArnEquals on the exact principal ARN', { Condition: { ArnEquals: { 'aws:PrincipalArn': ROLE } } }, { context: { 'aws:PrincipalArn': ROLE } }, true],
    [
      'ArnEquals on another principal ARN',
      { Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/other' } } },
      { context: { 'aws:PrincipalArn': ROLE } },
      false,
    ],
    [
      'ArnEquals with a wildcard (IAM matches it like ArnLike)',
      { Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/*' } } },
      { context: { 'aws:PrincipalArn': ROLE } },
      true,
    ],
    [
      'ArnNotEquals on the exact principal ARN',
      { Condition: { ArnNotEquals: { 'aws:PrincipalArn': ROLE } } },
      { context: { 'aws:PrincipalArn': ROLE } },
      false,
    ],
    [
      'ArnNotEquals on another principal ARN',
      { Condition: { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/other' } } },
      { context: { 'aws:PrincipalArn': ROLE } },
      true,
    ],
    ['ArnNotEquals on an absent key', { Condition: { ArnNotEquals: { 'aws:PrincipalArn': ROLE } } }, { context: {} }, true],
    ['Bool true against "false"', { Condition: { Bool: { 'aws:ViaAWSService': 'false' } } }, { context: { 'aws:ViaAWSService': 'true' } }, false],
    ['Bool on an absent key', { Condition: { Bool: { 'aws:ViaAWSService': 'false' } } }, { context: {} }, false],
    [
      'ForAnyValue:StringEquals with one alias of several',
      { Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/b' } } },
      { context: { 'kms:ResourceAliases': ['alias/a', 'alias/b'] } },
      true,
    ],
    [
      'ForAnyValue:StringEquals with none',
      { Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/c' } } },
      { context: { 'kms:ResourceAliases': ['alias/a'] } },
      false,
    ],
    [
      'every condition must hold',
      { Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0aaaaaaaaaaaaaaaa', 'aws:PrincipalAccount': '999999999999' } } },
      {},
      false,
    ],
    ['an action wildcard, case-insensitively', { Action: 'SecretsManager:Get*' }, {}, true],
    ['NotAction excluding the action', { Action: undefined, NotAction: 'secretsmanager:GetSecretValue' }, {}, false],
    ['a resource pattern with ?', { Resource: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:app/db-password-??????' }, {}, true],
    ['a resource pattern of another secret', { Resource: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:other-??????' }, {}, false],
    ['a specific resource for an account-level action', { Resource: 'arn:aws:secretsmanager:*:*:secret:*' }, { resource: '*' }, false],
    ['the account root as principal (delegation to identity policies)', { Principal: { AWS: 'arn:aws:iam::111122223333:root' } }, {}, true],
    ['another account as principal', { Principal: { AWS: '444455556666' } }, {}, false],
    ['the caller by ARN', { Principal: { AWS: [ROLE] } }, {}, true],
    ['a service principal for a role caller', { Principal: { Service: 'cloudtrail.amazonaws.com' } }, {}, false],
    ['a service principal for that service', { Principal: { Service: 'cloudtrail.amazonaws.com' } }, { servicePrincipal: 'cloudtrail.amazonaws.com' }, true],
  ])('GIVEN %s WHEN evaluated THEN the statement matches: %s', (_, statement, changes, expected) => {
    expect(matches(statement, changes)).toBe(expected);
  });

  it('GIVEN ArnLike THEN each of the six ARN parts is matched on its own, so * does not cross a colon', () => {
    expect(arnLike('arn:aws:iam::*:role/app', ROLE)).toBe(true);
    expect(arnLike('arn:aws:iam::111122223333:*', ROLE)).toBe(true);
    expect(arnLike('arn:*:role/app', ROLE)).toBe(false);
    expect(globMatch('arn:*:role/app', ROLE)).toBe(true);
  });

  it('GIVEN an operator the evaluator does not know WHEN evaluated THEN it says so rather than guessing', () => {
    expect(() => matches({ Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } })).toThrow(
      /PLS_EVALUATOR_OPERATOR\] S\.Condition: found operator "NumericLessThan"; expected one the access report evaluates/,
    );
    expect(() => matches({ Principal: undefined, NotPrincipal: { AWS: ROLE } })).toThrow(/PLS_EVALUATOR_NOT_PRINCIPAL/);
  });

  it('GIVEN a required policy with no Allow and an optional one with a Deny WHEN decided THEN both reasons are given; with neither it is allowed', () => {
    const endpoint: PolicyJson = { Statement: [{ Sid: 'Other', Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] };
    const secret: PolicyJson = {
      Statement: [
        {
          Sid: 'DenyOutside',
          Effect: 'Deny',
          Principal: '*',
          Action: 'secretsmanager:GetSecretValue',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-0bbbbbbbbbbbbbbbb' } },
        },
      ],
    };
    expect(
      decideAccess(request(), [
        { name: 'endpoint', policy: endpoint, allow: 'required' },
        { name: 'secret', policy: secret, allow: 'optional' },
      ]),
    ).toEqual({ allowed: false, reasons: ['endpoint: no Allow', 'secret: DenyOutside'] });
    expect(decideAccess(request({ context: { 'aws:SourceVpce': 'vpce-0bbbbbbbbbbbbbbbb' } }), [{ name: 'secret', policy: secret, allow: 'optional' }])).toEqual(
      { allowed: true, reasons: [] },
    );
  });
});
