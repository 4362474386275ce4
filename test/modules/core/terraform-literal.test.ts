import fc from 'fast-check';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { PolicyDocument } from '../../../modules/iam/policy-document';
import { PolicyStatement } from '../../../modules/iam/policy-statement';
import { terraformLiteral, terraformLiteralMap } from '../../../modules/core/terraform-literal';
import { onlyResource, synthJson, testStack } from '../../helpers/assertions';
import { hostileText, literalTemplateValue } from '../../helpers/terraform-template';

describe('terraformLiteral', () => {
  it('GIVEN any text without cdktf tokens WHEN escaped THEN Terraform reads it back as exactly that text, never as an expression', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText(20), fc.string({ unit: 'binary', maxLength: 60 })), (text) => {
        expect(literalTemplateValue(terraformLiteral(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['${file("/etc/hostname")}', '$${file("/etc/hostname")}'],
    ['100%{free}', '100%%{free}'],
    ['$${already}', '$$${already}'],
    ['%%{x}', '%%%{x}'],
    ['no template $ or % or {}', 'no template $ or % or {}'],
  ])('GIVEN %j WHEN escaped THEN %j (hclwrite escapes)', (text, escaped) => {
    expect(terraformLiteral(text)).toBe(escaped);
  });

  it('GIVEN text around a reference WHEN synthesized THEN the reference stays an expression and the text is escaped, a "$" before it included', () => {
    const stack = testStack();
    const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });
    new Vpc(stack, 'other', {
      cidrBlock: '10.1.0.0/16',
      tags: terraformLiteralMap({ a: `\${x} of ${vpc.id}`, b: `cost $${vpc.id}`, c: `$$${vpc.id}%`, [`k\${y}`]: 'v' }),
    });
    const tags = synthJson(stack).resource.aws_vpc.other.tags;
    expect(tags).toEqual({
      a: '$${x} of ${aws_vpc.vpc.id}',
      b: 'cost ${"$"}${aws_vpc.vpc.id}',
      c: '${"$"}${"$"}${aws_vpc.vpc.id}%',
      'k$${y}': 'v',
    });
  });

  it('GIVEN an IAM policy variable in a statement WHEN the document is rendered for Terraform THEN AWS receives "${aws:username}" as written', () => {
    const doc = new PolicyDocument({
      kind: 'identity',
      statements: [
        new PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: ['arn:aws:secretsmanager:us-west-2:111122223333:secret:${aws:username}/*'],
        }),
      ],
    });
    expect(doc.terraformJson()).toContain('secret:$${aws:username}/*');
    expect(literalTemplateValue(doc.terraformJson())).toBe(doc.render());
  });

  it('GIVEN a tag holding a template WHEN synthesized THEN cdk.tf.json holds the escaped text', () => {
    const stack = testStack();
    const text = 'Set ${DB_HOST} to 100%{free}';
    const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16', tags: terraformLiteralMap({ Name: text }) });
    expect(vpc).toBeDefined();
    expect(literalTemplateValue(onlyResource(synthJson(stack), 'aws_vpc').tags.Name)).toBe(text);
  });
});
