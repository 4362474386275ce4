import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { accountOnlyEndpointPolicy, AccessModel, keyPolicy, secretPolicy } from '../modules/iam/access-policies';
import { AuditTrail } from '../modules/cloudtrail/audit-trail';
import { CustomerManagedKey } from '../modules/kms/customer-managed-key';
import { EndpointVpc } from '../modules/ec2/endpoint-vpc';
import { ProtectedSecret } from '../modules/secretsmanager/protected-secret';
import { ServiceEndpoints } from '../modules/ec2/service-endpoints';
import { AppVpcStack } from './app-vpc-stack';
import { constructIdOf } from './construct-ids';
import { auditFromConfig } from './audit-from-config';
import { EnvironmentConfig } from './config';
import { addEndpointOutputs } from './endpoint-outputs';
import { EnvironmentStack, stackName } from './engine/environment-stack';
import { vpcFromConfig } from './vpc-from-config';

/**
 * The admin VPC of an environment: its endpoints (for the account's principals), and the
 * environment's customer-managed keys and secrets, with key and secret policies that allow
 * management only from this VPC and value access only through the app VPC's endpoints. Reads those
 * endpoint ids from the app stack's state ({@link EnvironmentStack.valueFrom}; deploy the app stack first).
 */
export class AdminVpcStack extends EnvironmentStack {
  public readonly vpc: EndpointVpc;
  public readonly endpoints: ServiceEndpoints;
  public readonly keys: CustomerManagedKey[];
  public readonly secrets: ProtectedSecret[];
  public readonly accessModel: AccessModel;
  /** The audit trail and alarm, when the environment has `audit`. */
  public readonly audit?: AuditTrail;

  constructor(scope: Construct, env: EnvironmentConfig, app: AppVpcStack) {
    super(scope, { env, side: 'admin' });
    const cfg = env.adminVpc;
    this.vpc = vpcFromConfig(this, cfg, env.region, stackName(env, 'admin'));
    const exempt = [...env.breakGlassPrincipalArns, ...(env.deployRoleArn ? [env.deployRoleArn] : [])];
    const endpointScope = {
      partition: this.partition,
      region: env.region,
      accountId: env.accountId,
      principalArns: cfg.principalArns?.length ? [...cfg.principalArns, ...exempt] : undefined,
    };
    // Rotation Lambdas run in this VPC and call Secrets Manager (not KMS: Secrets Manager does the crypto) through its endpoint.
    const rotationRoles = env.secrets.flatMap((s) => (s.rotation ? [s.rotation.roleArn] : []));
    const secretsManagerScope = { ...endpointScope, principalArns: endpointScope.principalArns && [...endpointScope.principalArns, ...rotationRoles] };
    this.endpoints = new ServiceEndpoints(this, 'endpoints', {
      vpc: this.vpc,
      region: env.region,
      fips: env.fips,
      allowedCidrs: cfg.allowedCidrs,
      sourceSecurityGroupIds: cfg.sourceSecurityGroupIds,
      prefixListIds: cfg.prefixListIds,
      publicSources: cfg.publicSources,
      secretsManagerPolicy: accountOnlyEndpointPolicy('secretsmanager', secretsManagerScope),
      kmsPolicy: accountOnlyEndpointPolicy('kms', endpointScope),
      endpointOptions: { privateDnsEnabled: cfg.privateDns, ipAddressType: cfg.ipAddressType },
    });
    addEndpointOutputs(this, this.endpoints, this.vpc.vpcId);

    const appSecretsManagerEndpointId = this.valueFrom(app, app.endpoints.secretsManager.endpointId);
    const appKmsEndpointId = this.valueFrom(app, app.endpoints.kms.endpointId);
    this.accessModel = {
      partition: this.partition,
      region: env.region,
      accountId: env.accountId,
      adminVpcId: this.vpc.vpcId,
      appSecretsManagerEndpointIds: [appSecretsManagerEndpointId],
      appKmsEndpointIds: [appKmsEndpointId],
      managementExemptPrincipalArns: exempt,
    };
    this.keys = env.keys.map(
      (k) =>
        new CustomerManagedKey(this, `key-${constructIdOf(k.alias)}`, {
          alias: k.alias,
          description: k.description,
          deletionWindowInDays: k.deletionWindowInDays,
          enableKeyRotation: k.enableKeyRotation,
          rotationPeriodInDays: k.rotationPeriodInDays,
          policy: keyPolicy(this.accessModel),
        }),
    );
    this.secrets = env.secrets.map((s) => {
      const key = this.keys.find((k) => k.alias === (s.kmsKeyAlias ?? env.keys[0].alias))!;
      return new ProtectedSecret(this, `secret-${constructIdOf(s.name)}`, {
        name: s.name,
        description: s.description,
        kmsKey: key,
        region: env.region,
        recoveryWindowInDays: s.recoveryWindowInDays,
        rotation: s.rotation,
        policy: secretPolicy(this.accessModel, { rotationRoleArns: s.rotation ? [s.rotation.roleArn] : [] }),
      });
    });
    for (const key of this.keys) {
      new TerraformOutput(this, `key_arn_${constructIdOf(key.alias).replace(/-/g, '_')}`, { value: key.keyArn, description: `ARN of ${key.alias}` });
    }
    for (const secret of this.secrets) {
      new TerraformOutput(this, `secret_arn_${constructIdOf(secret.name).replace(/-/g, '_')}`, {
        value: secret.secretArn,
        description: `ARN of secret ${secret.name}`,
      });
    }
    this.audit = auditFromConfig(this, env, {
      endpointIds: [this.endpoints.secretsManager.endpointId, this.endpoints.kms.endpointId, appSecretsManagerEndpointId, appKmsEndpointId],
      adminEndpointIds: [this.endpoints.secretsManager.endpointId, this.endpoints.kms.endpointId],
      keys: this.keys,
      secretNames: env.secrets.map((s) => s.name),
    });
  }
}
