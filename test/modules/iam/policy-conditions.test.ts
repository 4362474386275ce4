import {
  allOf,
  exceptPrincipals,
  exceptSecretsManagerFor,
  fromEndpoints,
  fromVpcs,
  outsideEndpoints,
  outsideVpcs,
  principalsIn,
  secretsManagerViaService,
} from '../../../modules/iam/policy-conditions';
import { PolicyStatement } from '../../../modules/iam/policy-statement';

describe('policy condition helpers', () => {
  it('GIVEN endpoint and VPC ids THEN exact-match operators on aws:SourceVpce / aws:SourceVpc', () => {
    expect(fromEndpoints(['vpce-0a1b2c3d'])).toEqual({ StringEquals: { 'aws:SourceVpce': ['vpce-0a1b2c3d'] } });
    expect(outsideEndpoints(['vpce-0a1b2c3d4e5f60718'])).toEqual({ StringNotEquals: { 'aws:SourceVpce': ['vpce-0a1b2c3d4e5f60718'] } });
    expect(fromVpcs(['vpc-0a1b2c3d'])).toEqual({ StringEquals: { 'aws:SourceVpc': ['vpc-0a1b2c3d'] } });
    expect(outsideVpcs(['vpc-0a1b2c3d'])).toEqual({ StringNotEquals: { 'aws:SourceVpc': ['vpc-0a1b2c3d'] } });
  });

  it('GIVEN Terraform references THEN they are kept for apply time, unchecked', () => {
    expect(outsideEndpoints(['${aws_vpc_endpoint.kms.id}'])).toEqual({ StringNotEquals: { 'aws:SourceVpce': ['${aws_vpc_endpoint.kms.id}'] } });
  });

  it.each<[string, () => unknown, RegExp]>([
    [
      'a vpc id where an endpoint id belongs',
      () => outsideEndpoints(['vpc-0a1b2c3d']),
      /PLS_BAD_RESOURCE_ID\] endpointIds\[0\]: found "vpc-0a1b2c3d".*this is a vpc- id/,
    ],
    [
      'an endpoint id where a vpc id belongs',
      () => fromVpcs(['vpce-0a1b2c3d']),
      /PLS_BAD_RESOURCE_ID\] vpcIds\[0\]: found "vpce-0a1b2c3d".*this is a vpce- id/,
    ],
    ['a wildcard endpoint id', () => fromEndpoints(['vpce-*']), /PLS_BAD_RESOURCE_ID\] endpointIds\[0\]/],
  ])('rejects %s', (_label, build, message) => {
    expect(build).toThrow(message);
  });

  it('GIVEN several parts WHEN combined with allOf THEN a statement renders them ANDed, values of one key merged', () => {
    const conditions = allOf(
      outsideVpcs(['vpc-0a1b2c3d']),
      exceptPrincipals(['arn:aws:iam::111122223333:role/break-glass']),
      exceptPrincipals(['arn:aws:iam::111122223333:role/deploy']),
      exceptSecretsManagerFor('us-west-2'),
    );
    const statement = new PolicyStatement({ sid: 'D', effect: 'Deny', principal: '*', actions: ['kms:Decrypt'], conditions });
    expect(statement.toJSON().Condition).toEqual({
      ArnNotEquals: { 'aws:PrincipalArn': ['arn:aws:iam::111122223333:role/break-glass', 'arn:aws:iam::111122223333:role/deploy'] },
      StringNotEquals: { 'aws:SourceVpc': 'vpc-0a1b2c3d', 'kms:ViaService': 'secretsmanager.us-west-2.amazonaws.com' },
    });
    expect(principalsIn(['arn:aws:iam::111122223333:role/app'])).toEqual({ ArnEquals: { 'aws:PrincipalArn': ['arn:aws:iam::111122223333:role/app'] } });
  });

  it.each([
    ['us-west-2', 'secretsmanager.us-west-2.amazonaws.com'],
    ['cn-north-1', 'secretsmanager.cn-north-1.amazonaws.com.cn'],
    ['us-gov-west-1', 'secretsmanager.us-gov-west-1.amazonaws.com'],
  ])('GIVEN region %s THEN the Secrets Manager exemption names exactly %s, the DNS suffix of its partition', (region, expected) => {
    expect(secretsManagerViaService(region)).toBe(expected);
    expect(exceptSecretsManagerFor(region)).toEqual({ StringNotEquals: { 'kms:ViaService': [expected] } });
  });

  it('GIVEN a malformed region THEN the Secrets Manager exemption is refused, naming the region', () => {
    expect(() => exceptSecretsManagerFor('us-west')).toThrow(/PLS_BAD_REGION\] region: found "us-west"/);
  });
});
