import { arn, EnvironmentScope } from '../core/aws-identifiers';
import { GuardrailError, invalidValue } from '../core/errors';
import { actionsWithoutResource } from './iam-catalogue';
import { PolicyDocument } from './policy-document';
import { allOf, exceptPrincipals, exceptSecretsManagerFor, outsideEndpoints, outsideVpcs, principalsIn } from './policy-conditions';
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
  /**
   * Principals that may manage secrets and keys from anywhere (break-glass, the deploy role). Never
   * empty. Exact IAM role or user ARNs of `accountId` (no `*` or `?`, no STS session ARNs, no
   * groups): a pattern would widen the exemption, a session ARN never equals `aws:PrincipalArn`.
   */
  readonly managementExemptPrincipalArns: readonly string[];
}

const EXACT_PRINCIPAL = /^arn:([a-z-]+):iam::(\d{12}):(role|user)\/(?:[\x21-\x7e]+\/)?[\w+=,.@-]{1,64}$/;

/**
 * Why `value` is not an exact IAM role or user ARN (`arn:<partition>:iam::<account>:role/...` or
 * `user/...`) of the scope's partition and account, as the `expected ...` part of an error; undefined
 * when it is one. No `*` or `?`, no `arn:...:sts::...:assumed-role/...` session, no group, no root.
 * Terraform references (`${...}`) are left to apply time.
 */
export function exactPrincipalArnProblem(value: unknown, scope: EnvironmentScope): string | undefined {
  const example = `"arn:${scope.partition}:iam::${scope.accountId}:role/<name>"`;
  if (typeof value === 'string' && value.includes('${')) return undefined;
  if (typeof value !== 'string') return `an exact IAM role or user ARN such as ${example}`;
  if (/[*?]/.test(value)) {
    return `an exact IAM role or user ARN without "*" or "?" such as ${example}: a pattern widens the exemption to every principal it matches`;
  }
  const session = /^arn:([a-z-]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(value);
  if (session) {
    return `the role's own ARN ("arn:${session[1]}:iam::${session[2]}:role/${session[3]}", with its path if it has one), not an STS session ARN: aws:PrincipalArn holds the role ARN, so a session ARN never matches`;
  }
  const match = EXACT_PRINCIPAL.exec(value);
  if (!match) {
    const kind = /^arn:[a-z-]+:iam::\d{12}:(group|root|policy|instance-profile)/.exec(value)?.[1];
    const hint = kind ? ` (an IAM ${kind} is not a principal a condition on aws:PrincipalArn can name)` : '';
    return `an exact IAM role or user ARN such as ${example}${hint}`;
  }
  if (match[1] !== scope.partition) return `an ARN in partition "${scope.partition}" (the partition of the region)`;
  if (match[2] !== scope.accountId) return `a role or user of the environment's account ${scope.accountId}, not of account ${match[2]}`;
  return undefined;
}

/**
 * Throws a {@link GuardrailError} (`PLS_EXEMPT_PRINCIPAL`) naming `field[i]` for the first ARN that is
 * not an exact IAM role or user ARN of the scope's account (see {@link exactPrincipalArnProblem}).
 */
export function assertExactPrincipalArns(arns: readonly string[], scope: EnvironmentScope, field: string): void {
  arns.forEach((value, i) => {
    const problem = exactPrincipalArnProblem(value, scope);
    if (problem) throw invalidValue('PLS_EXEMPT_PRINCIPAL', `${field}[${i}]`, value, problem);
  });
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
   * value and moves its stages from the admin VPC like any admin principal. Exact IAM role ARNs of
   * the account (checked as {@link AccessModel.managementExemptPrincipalArns}): a pattern would widen
   * the exemption.
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
export function secretPolicy(model: AccessModel, options: SecretPolicyOptions = {}): PolicyDocument<'resource'> {
  const rotationRoles = options.rotationRoleArns ?? [];
  assertExactPrincipalArns(model.managementExemptPrincipalArns, model, 'managementExemptPrincipalArns');
  assertExactPrincipalArns(rotationRoles, model, 'rotationRoleArns');
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
 * orphaned); usage only through the app VPC's KMS endpoint, or by Secrets Manager of the region
 * acting for the caller (`kms:ViaService`; no other service); administration only from the admin
 * VPC, except the exempt principals (no service is exempt: a CloudFormation stack acting for the
 * caller is refused outside the admin VPC like the caller).
 */
export function keyPolicy(model: AccessModel): PolicyDocument<'key'> {
  assertExactPrincipalArns(model.managementExemptPrincipalArns, model, 'managementExemptPrincipalArns');
  return new PolicyDocument({
    kind: 'key',
    region: model.region,
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
        conditions: allOf(outsideEndpoints(model.appKmsEndpointIds), exceptSecretsManagerFor(model.region)),
      }),
      new PolicyStatement({
        sid: 'DenyKeyAdministrationOutsideAdminVpc',
        effect: 'Deny',
        principal: '*',
        actions: KEY_MANAGEMENT_ACTIONS,
        conditions: allOf(outsideVpcs([model.adminVpcId]), exceptPrincipals(model.managementExemptPrincipalArns)),
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

/** The account's own resources of a service, as ARN patterns (the data perimeter of an endpoint). */
export function accountResourceArns(iamPrefix: string, scope: EnvironmentScope): string[] {
  const at = (resource: string) => arn({ partition: scope.partition, service: iamPrefix, region: scope.region, account: scope.accountId, resource });
  switch (iamPrefix) {
    case 'secretsmanager':
      return [at('secret:*')];
    case 'kms':
      return [at('key/*'), at('alias/*')];
    default:
      throw new GuardrailError('PLS_ENDPOINT_PERIMETER', 'iamPrefix', `found ${JSON.stringify(iamPrefix)}; expected "secretsmanager" or "kms"`);
  }
}

/**
 * Actions of a service that name no resource (`ListSecrets`, `GetRandomPassword`, `CreateKey`,
 * `ListKeys`, `ListAliases`, …), from the IAM catalogue: an endpoint admits them on `*`, since
 * there is no resource to scope. `secretsmanager:BatchGetSecretValue` is left out: it returns secret
 * values, and which secrets it reads is only decided per secret by `GetSecretValue`.
 */
export function resourcelessActions(iamPrefix: string): string[] {
  return actionsWithoutResource(iamPrefix).filter((a) => a !== 'secretsmanager:BatchGetSecretValue');
}

/**
 * Endpoint policy admitting principals of the account to every action of the service, on the
 * account's own resources only (data perimeter: nothing reaches another account's secrets or keys
 * through the endpoint), plus the actions that name no resource.
 */
export function accountOnlyEndpointPolicy(iamPrefix: string, scope: EndpointPolicyScope): PolicyDocument<'endpoint'> {
  return new PolicyDocument({
    kind: 'endpoint',
    statements: [
      accountStatement('AllowAccountResources', scope, [`${iamPrefix}:*`], accountResourceArns(iamPrefix, scope)),
      accountStatement('AllowCallsWithoutResource', scope, resourcelessActions(iamPrefix)),
    ],
  });
}

/** App Secrets Manager endpoint policy: only the listed secrets of the account, only read actions. */
export function appSecretsEndpointPolicy(scope: EndpointPolicyScope, secretNames: readonly string[]): PolicyDocument<'endpoint'> {
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
export function appKmsEndpointPolicy(scope: EndpointPolicyScope, aliases: readonly string[]): PolicyDocument<'endpoint'> {
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
