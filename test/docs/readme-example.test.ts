import { readFileSync } from 'fs';
import { join } from 'path';
import { runLibraryExample } from '../helpers/doc-examples';

const stackJson = (outdir: string, stack: string) => JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));

describe('library examples (docs/library.md)', () => {
  it('GIVEN the library example of docs/library.md (linked from the README) WHEN it runs THEN it synthesizes endpoints whose KMS policy holds the late statement', () => {
    const json = stackJson(runLibraryExample('## Example'), 'endpoints');
    const endpoints = Object.values<any>(json.resource.aws_vpc_endpoint);
    expect(endpoints.map((e) => e.service_name).sort()).toEqual(['com.amazonaws.eu-central-1.kms', 'com.amazonaws.eu-central-1.secretsmanager']);
    const kms = endpoints.find((e) => e.service_name.endsWith('.kms'));
    expect(JSON.parse(kms.policy).Statement.map((s: any) => s.Sid)).toEqual(['AllowAccountResources', 'AllowCallsWithoutResource', 'DenyKeyDeletion']);
  });

  it('GIVEN the grant example WHEN it runs THEN the role policy holds exactly the reader statements of the secret and the decrypt grant of the imported key', () => {
    const json = stackJson(runLibraryExample('## Granting access'), 'grants');
    const secret = Object.keys(json.resource.aws_secretsmanager_secret)[0];
    const key = Object.keys(json.resource.aws_kms_key)[0];
    const [rolePolicy] = Object.values<any>(json.resource.aws_iam_role_policy);
    expect(rolePolicy.role).toMatch(/^\$\{aws_iam_role\.[^.]+\.name\}$/);
    expect(JSON.parse(rolePolicy.policy).Statement).toEqual([
      { Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: `\${aws_secretsmanager_secret.${secret}.arn}` },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: `\${aws_kms_key.${key}.arn}`,
        Condition: {
          StringEquals: {
            'kms:EncryptionContext:SecretARN': `\${aws_secretsmanager_secret.${secret}.arn}`,
            'kms:ViaService': 'secretsmanager.eu-central-1.amazonaws.com',
          },
        },
      },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
    ]);
  });
});
