import { Construct } from 'constructs';
import { appKmsEndpointPolicy, appSecretsEndpointPolicy } from '../modules/iam/access-policies';
import { EndpointVpc } from '../modules/ec2/endpoint-vpc';
import { ServiceEndpoints } from '../modules/ec2/service-endpoints';
import { EnvironmentConfig } from './config';
import { addEndpointOutputs } from './endpoint-outputs';
import { EnvironmentStack, stackName } from './engine/environment-stack';
import { vpcFromConfig } from './vpc-from-config';

/**
 * The app VPC of an environment: the VPC (created or existing) and its Secrets Manager and KMS
 * endpoints, whose policies admit only the environment's listed secrets and keys. Applications
 * here read secret values and decrypt; nothing here manages them.
 */
export class AppVpcStack extends EnvironmentStack {
  public readonly vpc: EndpointVpc;
  public readonly endpoints: ServiceEndpoints;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, { env, side: 'app' });
    const cfg = env.appVpc;
    this.vpc = vpcFromConfig(this, cfg, env.region, stackName(env, 'app'));
    const scopeOfPolicies = { partition: this.partition, region: env.region, accountId: env.accountId, principalArns: cfg.principalArns };
    this.endpoints = new ServiceEndpoints(this, 'endpoints', {
      vpc: this.vpc,
      region: env.region,
      fips: env.fips,
      allowedCidrs: cfg.allowedCidrs,
      sourceSecurityGroupIds: cfg.sourceSecurityGroupIds,
      prefixListIds: cfg.prefixListIds,
      publicSources: cfg.publicSources,
      secretsManagerPolicy: appSecretsEndpointPolicy(
        scopeOfPolicies,
        env.secrets.map((s) => s.name),
      ),
      kmsPolicy: appKmsEndpointPolicy(
        scopeOfPolicies,
        env.keys.map((k) => k.alias),
      ),
      endpointOptions: { privateDnsEnabled: cfg.privateDns, ipAddressType: cfg.ipAddressType },
    });
    addEndpointOutputs(this, this.endpoints, this.vpc.vpcId);
  }
}
