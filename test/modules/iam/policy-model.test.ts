import { PolicyDocument } from '../../../modules/iam/policy-document';
import { PolicyStatement } from '../../../modules/iam/policy-statement';

describe('PolicyStatement / PolicyDocument', () => {
  it('GIVEN values in any order WHEN rendered THEN keys are in a fixed order and values sorted and deduplicated', () => {
    const a = new PolicyStatement({
      sid: 'S',
      principal: { AWS: ['arn:aws:iam::111122223333:role/b', 'arn:aws:iam::111122223333:role/a'] },
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:Decrypt'],
      conditions: { StringEquals: { 'aws:SourceVpce': ['vpce-2', 'vpce-1'] }, Bool: { 'aws:ViaAWSService': 'false' } },
    });
    expect(JSON.stringify(a.toJSON())).toBe(
      '{"Sid":"S","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/a","arn:aws:iam::111122223333:role/b"]},"Action":["kms:Decrypt","kms:Encrypt"],"Resource":"*","Condition":{"Bool":{"aws:ViaAWSService":"false"},"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}}}',
    );
  });

  it('GIVEN the same statements built twice THEN the documents render byte-identical', () => {
    const build = () =>
      new PolicyDocument({
        kind: 'endpoint',
        statements: [
          new PolicyStatement({
            sid: 'A',
            principal: '*',
            actions: ['secretsmanager:*'],
            conditions: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } },
          }),
        ],
      }).render();
    expect(build()).toBe(build());
  });

  it('GIVEN addCondition on an existing operator and key THEN values merge', () => {
    const s = new PolicyStatement({ actions: ['kms:Decrypt'], conditions: { StringEquals: { k: 'a' } } }).addCondition('StringEquals', 'k', ['b']);
    expect(s.conditions).toEqual({ StringEquals: { k: ['a', 'b'] } });
  });

  it('GIVEN a statement added after the lazy token was taken THEN the rendered document includes it', () => {
    const doc = new PolicyDocument({ kind: 'resource' });
    const before = doc.render;
    doc.addStatements(new PolicyStatement({ sid: 'Late', principal: '*', actions: ['kms:Decrypt'] }));
    expect(before.call(doc)).toContain('"Sid":"Late"');
  });

  it.each<[string, () => unknown, RegExp]>([
    [
      'actions and notActions together',
      () => new PolicyStatement({ actions: ['kms:Decrypt'], notActions: ['kms:Encrypt'] }),
      /PLS_POLICY_ACTION_AND_NOTACTION/,
    ],
    ['no action', () => new PolicyStatement({ actions: [] }), /PLS_POLICY_NO_ACTION/],
    ['an unknown effect', () => new PolicyStatement({ actions: ['kms:Decrypt'], effect: 'Maybe' as 'Allow' }), /PLS_POLICY_EFFECT.*"Maybe"/],
  ])('rejects %s', (_label, build, message) => {
    expect(build).toThrow(message);
  });
});
