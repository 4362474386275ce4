import { arn, EnvironmentScope } from './aws-identifiers';
import { PolicyDocument } from './policy-document';
import { allOf, exceptAwsServices, exceptPrincipals, outsideEndpoints, outsideVpcs, principalsIn } from './policy-conditions';
import { PolicyStatement } from './policy-statement';

/**
 * The facts the admin/app access model is built from. Ids may be Terraform references.
 */
export interface AccessModel extends EnvironmentScope {
  /** The admin VPC: management actions are only allowed from here. */
  readonly adminVpcId: string;
  /** Secrets Manager endpoint(s) of the app VPC: secret values only through these. */
  readonly appSecretsManagerEndpointIds: readonly string[];
  /** KMS endpoint(s) of the app VPC: key usage (decrypt, encrypt, data keys) only through these. */
  readonly appKmsEndpointIds: readonly string[];
  /** Principals that may manage secrets and keys from anywhere (break-glass, the deploy role). Never empty. */
  readonly managementExemptPrincipalArns: readonly string[];
}

/** Actions that change a secret, its value, policy, rotation or tags. */
export const SECRET_MANAGEMENT_ACTIONS = [
  'secretsmanager:Put*',
  'secretsmanager:Update*',
  'secretsmanager:Delete*',
  'secretsmanager:Restore*',
  'secretsmanager:RotateSecret',
  'secretsmanager:CancelRotateSecret',
  'secretsmanager:TagResource',
  'secretsmanager:UntagResource',
  'secretsmanager:ReplicateSecretToRegions',
  'secretsmanager:RemoveRegionsFromReplication',
  'secretsmanager:StopReplicationToReplica',
];
/** Actions that read a secret's value. */
export const SECRET_VALUE_ACTIONS = ['secretsmanager:GetSecretValue'];
/** Actions that read metadata only. */
export const SECRET_READ_ACTIONS = ['secretsmanager:DescribeSecret', 'secretsmanager:ListSecretVersionIds', 'secretsmanager:GetResourcePolicy'];
/** Cryptographic use of a key. */
export const KEY_USAGE_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'];
/** Administration of a key: policy, state, deletion, grants, tags, rotation. */
export const KEY_MANAGEMENT_ACTIONS = [
  'kms:Create*',
  'kms:Put*',
  'kms:Update*',
  'kms:Enable*',
  'kms:Disable*',
  'kms:Revoke*',
  'kms:Retire*',
  'kms:Delete*',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:ImportKeyMaterial',
  'kms:ReplicateKey',
  'kms:RotateKeyOnDemand',
  'kms:TagResource',
  'kms:UntagResource',
];

/** `arn:<partition>:iam::<account>:root`: the account, so identity policies apply. */
export function accountRoot(partition: string, accountId: string): string {
  return arn({ partition, service: 'iam', region: '', account: accountId, resource: 'root' });
}

/** ARN pattern of a secret by name (Secrets Manager appends `-` and six random characters). */
export function secretArnPattern(partition: string, region: string, accountId: string, name: string): string {
  return arn({ partition, service: 'secretsmanager', region, account: accountId, resource: `secret:${name}-??????` });
}

/** Options of {@link secretPolicy}. */
export interface SecretPolicyOptions {
  /**
   * Execution roles of the secret's rotation Lambda, which runs in the admin VPC (rotation is
   * management). Each role is exempt from `DenySecretValueOutsideAppEndpoint` and instead may read
   * the value only from the admin VPC (`DenyRotationValueAccessOutsideAdminVpc`); it writes the
   * value and moves its stages from the admin VPC like any admin principal. Exact role ARNs: a
   * pattern would widen the exemption.
   * @default - none: no principal reads the value outside the app VPC's Secrets Manager endpoint
   */
  readonly rotationRoleArns?: readonly string[];
}

/**
 * Secret resource policy of the admin/app model: the value only through the app VPC's Secrets
 * Manager endpoint (the rotation roles: only from the admin VPC); management only from the admin
 * VPC, except the exempt principals; metadata reads from anywhere in the account. Without rotation
 * roles the document is exactly the plain model.
 */
export function secretPolicy(model: AccessModel, options: SecretPolicyOptions = {}): PolicyDocument {
  const rotationRoles = options.rotationRoleArns ?? [];
  const valueOutsideApp = new PolicyStatement({
    sid: 'DenySecretValueOutsideAppEndpoint',
    effect: 'Deny',
    principal: '*',
    actions: SECRET_VALUE_ACTIONS,
    conditions: outsideEndpoints(model.appSecretsManagerEndpointIds),
  });
  const rotation: PolicyStatement[] = [];
  if (rotationRoles.length) {
    // Operators of one statement are ANDed: denied when outside the app endpoint AND not a rotation role.
    for (const [operator, keys] of Object.entries(exceptPrincipals(rotationRoles))) {
      for (const [key, values] of Object.entries(keys)) valueOutsideApp.addCondition(operator, key, values);
    }
    rotation.push(
      new PolicyStatement({
        sid: 'DenyRotationValueAccessOutsideAdminVpc',
        effect: 'Deny',
        principal: '*',
        actions: SECRET_VALUE_ACTIONS,
        conditions: allOf(principalsIn(rotationRoles), outsideVpcs([model.adminVpcId])),
      }),
    );
  }
  return new PolicyDocument({
    kind: 'resource',
    statements: [
      new PolicyStatement({
        sid: 'AllowReadMetadataFromAccount',
        principal: { AWS: [accountRoot(model.partition, model.accountId)] },
        actions: SECRET_READ_ACTIONS,
      }),
      valueOutsideApp,
      ...rotation,
      new PolicyStatement({
        sid: 'DenyManagementOutsideAdminVpc',
        effect: 'Deny',
        principal: '*',
        actions: SECRET_MANAGEMENT_ACTIONS,
        conditions: allOf(outsideVpcs([model.adminVpcId]), exceptPrincipals(model.managementExemptPrincipalArns)),
      }),
    ],
  });
}

/**
 * KMS key policy of the admin/app model: the account delegates to IAM (so the key can never be
 * orphaned); usage only through the app VPC's KMS endpoint; administration only from the admin VPC,
 * except the exempt principals; AWS services acting for a caller (Secrets Manager) exempt.
 */
export function keyPolicy(model: AccessModel): PolicyDocument {
  return new PolicyDocument({
    kind: 'key',
    statements: [
      new PolicyStatement({
        sid: 'EnableIamPolicies',
        principal: { AWS: [accountRoot(model.partition, model.accountId)] },
        actions: ['kms:*'],
      }),
      new PolicyStatement({
        sid: 'DenyKeyUsageOutsideAppEndpoint',
        effect: 'Deny',
        principal: '*',
        actions: KEY_USAGE_ACTIONS,
        conditions: allOf(outsideEndpoints(model.appKmsEndpointIds), exceptAwsServices()),
      }),
      new PolicyStatement({
        sid: 'DenyKeyAdministrationOutsideAdminVpc',
        effect: 'Deny',
        principal: '*',
        actions: KEY_MANAGEMENT_ACTIONS,
        conditions: allOf(outsideVpcs([model.adminVpcId]), exceptPrincipals(model.managementExemptPrincipalArns), exceptAwsServices()),
      }),
    ],
  });
}

/** Props of an endpoint policy preset. */
export interface EndpointPolicyScope extends EnvironmentScope {
  /** Only these principals may use the endpoint. @default - any principal of the account */
  readonly principalArns?: readonly string[];
}

function accountStatement(sid: string, scope: EndpointPolicyScope, actions: readonly string[], resources: readonly string[] = ['*']): PolicyStatement {
  const statement = new PolicyStatement({
    sid,
    principal: '*',
    actions,
    resources,
    conditions: { StringEquals: { 'aws:PrincipalAccount': scope.accountId } },
  });
  if (scope.principalArns?.length) statement.addCondition('ArnLike', 'aws:PrincipalArn', scope.principalArns);
  return statement;
}

/** Endpoint policy admitting any action on any resource, for principals of the account only. */
export function accountOnlyEndpointPolicy(iamPrefix: string, scope: EndpointPolicyScope): PolicyDocument {
  return new PolicyDocument({ kind: 'endpoint', statements: [accountStatement('AllowAccountPrincipals', scope, [`${iamPrefix}:*`])] });
}

/** App Secrets Manager endpoint policy: only the listed secrets of the account, only read actions. */
export function appSecretsEndpointPolicy(scope: EndpointPolicyScope, secretNames: readonly string[]): PolicyDocument {
  const doc = new PolicyDocument({ kind: 'endpoint' });
  if (secretNames.length) {
    doc.addStatements(
      accountStatement(
        'AllowListedSecrets',
        scope,
        [...SECRET_VALUE_ACTIONS, ...SECRET_READ_ACTIONS],
        secretNames.map((n) => secretArnPattern(scope.partition, scope.region, scope.accountId, n)),
      ),
    );
  }
  doc.addStatements(accountStatement('AllowListSecrets', scope, ['secretsmanager:ListSecrets']));
  return doc;
}

/** App KMS endpoint policy: only keys of the account behind the listed aliases, only usage actions. */
export function appKmsEndpointPolicy(scope: EndpointPolicyScope, aliases: readonly string[]): PolicyDocument {
  const doc = new PolicyDocument({ kind: 'endpoint' });
  const keys = arn({ partition: scope.partition, service: 'kms', region: scope.region, account: scope.accountId, resource: 'key/*' });
  const statement = accountStatement('AllowListedKeys', scope, [...KEY_USAGE_ACTIONS, 'kms:DescribeKey'], [keys]);
  if (aliases.length) {
    statement.addCondition('ForAnyValue:StringEquals', 'kms:ResourceAliases', aliases);
    doc.addStatements(statement);
  }
  doc.addStatements(accountStatement('AllowListKeysAndAliases', scope, ['kms:ListAliases', 'kms:ListKeys']));
  return doc;
}
