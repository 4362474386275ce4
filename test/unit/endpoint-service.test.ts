import { EndpointService } from '../../modules/endpoint-service';

describe('EndpointService', () => {
  it.each([
    ['us-west-2', EndpointService.SECRETS_MANAGER, 'com.amazonaws.us-west-2.secretsmanager'],
    ['us-west-2', EndpointService.KMS, 'com.amazonaws.us-west-2.kms'],
    ['us-west-2', EndpointService.KMS_FIPS, 'com.amazonaws.us-west-2.kms-fips'],
    ['cn-north-1', EndpointService.KMS, 'cn.com.amazonaws.cn-north-1.kms'],
    ['us-gov-west-1', EndpointService.SECRETS_MANAGER, 'com.amazonaws.us-gov-west-1.secretsmanager'],
  ])('GIVEN region %s WHEN naming %o THEN the service name is %s', (region, service, expected) => {
    expect(service.serviceName(region)).toBe(expected);
  });

  it('GIVEN KMS_FIPS THEN its IAM prefix is kms, its port 443 and private DNS on by default', () => {
    expect(EndpointService.KMS_FIPS.iamPrefix).toBe('kms');
    expect(EndpointService.KMS_FIPS.port).toBe(443);
    expect(EndpointService.KMS_FIPS.privateDnsDefault).toBe(true);
  });

  it('GIVEN any other service by short name THEN the name and public hostname follow the partition', () => {
    const ssm = EndpointService.of('ssm');
    expect(ssm.serviceName('cn-northwest-1')).toBe('cn.com.amazonaws.cn-northwest-1.ssm');
    expect(ssm.publicHostname('cn-northwest-1')).toBe('ssm.cn-northwest-1.amazonaws.com.cn');
  });
});
