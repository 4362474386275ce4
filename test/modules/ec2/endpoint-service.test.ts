import { EndpointService } from '../../../modules/ec2/endpoint-service';

/*
 * Expected names come from AWS's documentation, not from our code (paraphrased, with the page named):
 * - Secrets Manager User Guide, "Using an AWS Secrets Manager VPC endpoint": the service name is
 *   `com.amazonaws.<region>.secretsmanager`.
 * - AWS KMS Developer Guide, "Connecting to AWS KMS through a VPC endpoint": `com.amazonaws.<region>.kms`,
 *   and `com.amazonaws.<region>.kms-fips` for the FIPS endpoint. The China-regions edition of that page
 *   (https://docs.amazonaws.cn/en_us/kms/latest/developerguide/kms-vpc-endpoint.html) gives the same
 *   template, `com.amazonaws.region.kms`, with no `cn.` prefix. In China only some services take the
 *   `cn.com.amazonaws` prefix: `aws ec2 describe-vpc-endpoint-services` in cn-north-1 lists, among
 *   others, `cn.com.amazonaws.cn-north-1.ec2`, `.ecr.api`, `.lambda`, `.monitoring`, `.s3`.
 * - AWS CDK's InterfaceVpcEndpointAwsService test, from that list: ECR in cn-north-1 is
 *   `cn.com.amazonaws.cn-north-1.ecr.api`.
 */
describe('EndpointService', () => {
  it.each([
    ['us-west-2', EndpointService.SECRETS_MANAGER, 'com.amazonaws.us-west-2.secretsmanager'],
    ['us-west-2', EndpointService.KMS, 'com.amazonaws.us-west-2.kms'],
    ['us-west-2', EndpointService.KMS_FIPS, 'com.amazonaws.us-west-2.kms-fips'],
    ['cn-north-1', EndpointService.KMS, 'com.amazonaws.cn-north-1.kms'],
    ['cn-north-1', EndpointService.SECRETS_MANAGER, 'com.amazonaws.cn-north-1.secretsmanager'],
    ['cn-northwest-1', EndpointService.KMS, 'com.amazonaws.cn-northwest-1.kms'],
    ['cn-northwest-1', EndpointService.SECRETS_MANAGER, 'com.amazonaws.cn-northwest-1.secretsmanager'],
    ['us-gov-west-1', EndpointService.SECRETS_MANAGER, 'com.amazonaws.us-gov-west-1.secretsmanager'],
    ['us-gov-west-1', EndpointService.KMS_FIPS, 'com.amazonaws.us-gov-west-1.kms-fips'],
  ])('GIVEN region %s WHEN naming %o THEN the service name is %s', (region, service, expected) => {
    expect(service.serviceName(region)).toBe(expected);
  });

  it('GIVEN KMS_FIPS THEN its IAM prefix is kms, its port 443 and private DNS on by default', () => {
    expect(EndpointService.KMS_FIPS.iamPrefix).toBe('kms');
    expect(EndpointService.KMS_FIPS.port).toBe(443);
    expect(EndpointService.KMS_FIPS.privateDnsDefault).toBe(true);
  });

  it.each([
    ['cn-north-1', 'ecr.api', 'cn.com.amazonaws.cn-north-1.ecr.api'],
    ['cn-north-1', 'sts', 'cn.com.amazonaws.cn-north-1.sts'],
    ['cn-northwest-1', 'ec2', 'cn.com.amazonaws.cn-northwest-1.ec2'],
    ['cn-northwest-1', 'ssm', 'com.amazonaws.cn-northwest-1.ssm'],
    ['us-west-2', 'sts', 'com.amazonaws.us-west-2.sts'],
  ])('GIVEN EndpointService.of in %s for %s THEN the prefix comes from AWS data per service: %s', (region, shortName, expected) => {
    expect(EndpointService.of(shortName).serviceName(region)).toBe(expected);
  });

  it('GIVEN any other service by short name THEN the public hostname follows the partition DNS suffix', () => {
    expect(EndpointService.of('ssm').publicHostname('cn-northwest-1')).toBe('ssm.cn-northwest-1.amazonaws.com.cn');
  });
});
