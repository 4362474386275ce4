import { TerraformOutput, Token } from 'cdktf';
import { Construct } from 'constructs';
import { InterfaceEndpoint } from '../modules/ec2/interface-endpoint';
import { ServiceEndpoints } from '../modules/ec2/service-endpoints';

/**
 * Outputs of a stack's endpoints: for each service the endpoint id and ARN, all DNS entries
 * (regional first, then zonal, then the private-DNS name), the ready-to-paste `--endpoint-url`
 * and the network interface ids; and the shared security group id.
 */
export function addEndpointOutputs(scope: Construct, endpoints: ServiceEndpoints, vpcId: string): void {
  new TerraformOutput(scope, 'vpc_id', { value: vpcId, description: 'VPC holding the endpoints' });
  new TerraformOutput(scope, 'endpoint_security_group_id', {
    value: endpoints.securityGroup.securityGroupId,
    description: 'Security group of the endpoints (tcp/443 ingress only)',
  });
  const add = (prefix: string, endpoint: InterfaceEndpoint) => {
    const label = endpoint.service.shortName;
    new TerraformOutput(scope, `${prefix}_endpoint_id`, {
      value: endpoint.endpointId,
      description: `${label} interface endpoint id (CloudTrail vpcEndpointId)`,
    });
    new TerraformOutput(scope, `${prefix}_endpoint_arn`, { value: endpoint.endpointArn, description: `${label} interface endpoint ARN` });
    new TerraformOutput(scope, `${prefix}_endpoint_url`, {
      value: endpoint.endpointUrl,
      description: `aws ${endpoint.service.iamPrefix === 'kms' ? 'kms' : 'secretsmanager'} ... --endpoint-url value`,
    });
    new TerraformOutput(scope, `${prefix}_dns_names`, {
      value: Token.asList(`\${[for entry in ${endpoint.vpcEndpoint.fqn}.dns_entry : entry.dns_name]}`),
      description: `${label} endpoint DNS names: regional, zonal, and the private DNS name when on`,
    });
    new TerraformOutput(scope, `${prefix}_network_interface_ids`, {
      value: endpoint.vpcEndpoint.networkInterfaceIds,
      description: `${label} endpoint network interfaces`,
    });
  };
  add('secretsmanager', endpoints.secretsManager);
  add('kms', endpoints.kms);
}
