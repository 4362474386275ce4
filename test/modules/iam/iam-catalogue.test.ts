import {
  actionAccessLevels,
  actionsWithoutResource,
  conditionKeyNames,
  expandActionPattern,
  isKnownConditionKey,
  isKnownServicePrefix,
  loadedCatalogueServices,
  serviceActions,
} from '../../../modules/iam/iam-catalogue';

describe('IAM catalogue', () => {
  // First in the file: nothing has been read yet in this module registry.
  it('GIVEN lookups on kms only WHEN they run THEN only the kms files are read', () => {
    expect(loadedCatalogueServices()).toEqual({ actions: [], conditionKeys: [] });
    expect(expandActionPattern('kms:Decrypt')).toEqual(['kms:Decrypt']);
    expect(isKnownConditionKey('kms:ViaService')).toBe(true);
    expect(isKnownConditionKey('aws:SourceVpce')).toBe(true);
    expect(loadedCatalogueServices()).toEqual({ actions: ['kms'], conditionKeys: ['kms'] });
  });

  it('GIVEN the same pattern twice THEN the cached expansion is returned', () => {
    expect(expandActionPattern('kms:Create*')).toBe(expandActionPattern('KMS:create*'));
  });

  it.each([
    ['kms', true],
    ['secretsmanager', true],
    ['SecretsManager', true],
    ['secretmanager', false],
    ['', false],
  ])('GIVEN service prefix %j THEN known is %s', (prefix, known) => {
    expect(isKnownServicePrefix(prefix)).toBe(known);
  });

  it('GIVEN wildcard patterns THEN they expand case-insensitively to the catalogue spelling, sorted', () => {
    expect(expandActionPattern('kms:Create*')).toEqual(['kms:CreateAlias', 'kms:CreateCustomKeyStore', 'kms:CreateGrant', 'kms:CreateKey']);
    expect(expandActionPattern('SECRETSMANAGER:get?ecretvalue')).toEqual(['secretsmanager:GetSecretValue']);
    expect(expandActionPattern('kms:GenerateDataKey*')).toEqual(
      expect.arrayContaining([
        'kms:GenerateDataKey',
        'kms:GenerateDataKeyPair',
        'kms:GenerateDataKeyPairWithoutPlaintext',
        'kms:GenerateDataKeyWithoutPlaintext',
      ]),
    );
    expect(expandActionPattern('secretsmanager:*')).toEqual([...serviceActions('secretsmanager').values()].sort());
    expect(expandActionPattern('secretsmanager:*').length).toBeGreaterThan(20);
  });

  it.each(['kms:Frobnicate*', 'kms:Decrypts', 'nosuchservice:Get*', 'GetSecretValue', '*', '*:Get*'])('GIVEN %s THEN the expansion is empty', (pattern) => {
    expect(expandActionPattern(pattern)).toEqual([]);
  });

  it.each([
    'aws:PrincipalAccount',
    'aws:principalorgid',
    'aws:PrincipalTag/team',
    'aws:RequestTag/${TagKey}',
    'aws:ResourceTag/env',
    'aws:ViaAWSService',
    'aws:SourceVpc',
    'kms:ViaService',
    'kms:ResourceAliases',
    'kms:CallerAccount',
    'kms:EncryptionContext:purpose',
    'secretsmanager:SecretId',
    'secretsmanager:ResourceTag/env',
    's3:ExistingObjectTag/classification',
    'saml:aud',
    'token.actions.githubusercontent.com:sub',
  ])('GIVEN condition key %s THEN it is known', (key) => {
    expect(isKnownConditionKey(key)).toBe(true);
  });

  it.each(['aws:SourceVpcs', 'aws:PrincipalTag/', 'aws:', 'kms:ViaServices', 'secretsmanager:', 'nosuchservice:Key', 'NoColon'])(
    'GIVEN condition key %s THEN it is unknown',
    (key) => {
      expect(isKnownConditionKey(key)).toBe(false);
    },
  );

  it('GIVEN a prefix THEN conditionKeyNames lists its keys in the catalogue spelling', () => {
    expect(conditionKeyNames('kms')).toEqual(expect.arrayContaining(['kms:ViaService', 'kms:CallerAccount']));
    expect(conditionKeyNames('aws')).toEqual(expect.arrayContaining(['aws:SourceVpce', 'aws:PrincipalArn']));
  });

  it('GIVEN Secrets Manager and KMS THEN the actions that name no resource are those the catalogue lists without a resource type', () => {
    expect(actionsWithoutResource('SecretsManager')).toEqual([
      'secretsmanager:BatchGetSecretValue',
      'secretsmanager:GetRandomPassword',
      'secretsmanager:ListSecrets',
    ]);
    const kms = actionsWithoutResource('kms');
    expect(kms).toEqual(expect.arrayContaining(['kms:CreateKey', 'kms:GenerateRandom', 'kms:ListAliases', 'kms:ListKeys', 'kms:ListRetirableGrants']));
    expect(kms).not.toContain('kms:Decrypt');
    expect(kms).not.toContain('kms:CreateAlias');
    expect(actionsWithoutResource('nosuchservice')).toEqual([]);
  });

  it.each([
    ['kms:PutKeyPolicy', ['Permissions management', 'Write']],
    ['KMS:decrypt', ['Write']],
    ['secretsmanager:TagResource', ['Tagging', 'Write']],
    ['secretsmanager:GetSecretValue', ['Read']],
    ['secretsmanager:NoSuchAction', []],
    ['kms:*', []],
  ])('GIVEN %s THEN its access levels are %j', (action, levels) => {
    expect(actionAccessLevels(action)).toEqual(levels);
  });
});
