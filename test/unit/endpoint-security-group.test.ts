import { EndpointSecurityGroup, EndpointSecurityGroupProps } from '../../modules/endpoint-security-group';
import { onlyResource, resourcesOf, synthJson, testStack } from '../helpers/assertions';

function group(props: Partial<EndpointSecurityGroupProps>) {
  const stack = testStack();
  new EndpointSecurityGroup(stack, 'sg', { vpcId: 'vpc-0a1b2c3d4e5f60718', ...props });
  return stack;
}

describe('EndpointSecurityGroup', () => {
  it('GIVEN IPv4 and IPv6 CIDRs, a source group and a prefix list WHEN synthesized THEN one described tcp/443 ingress rule per source and no egress', () => {
    const json = synthJson(
      group({
        allowedCidrs: ['10.10.0.0/16', '100.64.0.0/16', '2600:1f14:abc:de00::/56'],
        sourceSecurityGroupIds: ['sg-0a1b2c3d4e5f60718'],
        prefixListIds: ['pl-0a1b2c3d'],
        tags: { Team: 'platform' },
      }),
    );
    const rules = resourcesOf(json, 'aws_vpc_security_group_ingress_rule');
    expect(rules).toHaveLength(5);
    for (const rule of rules) {
      expect(rule).toEqual(expect.objectContaining({ ip_protocol: 'tcp', from_port: 443, to_port: 443, tags: { Team: 'platform' } }));
      expect(rule.description).toMatch(/^HTTPS to endpoints from /);
    }
    const source = (r: any) => r.cidr_ipv4 ?? r.cidr_ipv6 ?? r.referenced_security_group_id ?? r.prefix_list_id;
    expect(rules.map(source).sort()).toEqual(['10.10.0.0/16', '100.64.0.0/16', '2600:1f14:abc:de00::/56', 'pl-0a1b2c3d', 'sg-0a1b2c3d4e5f60718']);
    expect(rules.find((r) => r.cidr_ipv6)?.cidr_ipv4).toBeUndefined();
    const sg = onlyResource(json, 'aws_security_group');
    expect(sg.description).toBeTruthy();
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    expect(resourcesOf(json, 'aws_vpc_security_group_egress_rule')).toHaveLength(0);
  });

  describe('rejects', () => {
    it.each<[string, Partial<EndpointSecurityGroupProps>, RegExp]>([
      ['no source at all', {}, /PLS_NO_INGRESS_SOURCE/],
      ['0.0.0.0/0', { allowedCidrs: ['10.0.0.0/8', '0.0.0.0/0'] }, /PLS_OPEN_INGRESS\] allowedCidrs\[1\]: found "0.0.0.0\/0"/],
      ['::/0', { allowedCidrs: ['::/0'] }, /PLS_OPEN_INGRESS\] allowedCidrs\[0\]/],
      ['a malformed CIDR', { allowedCidrs: ['10.0.0.300/16'] }, /PLS_BAD_CIDR\] allowedCidrs\[0\]: found "10.0.0.300\/16"/],
      ['a CIDR without prefix', { allowedCidrs: ['10.0.0.1'] }, /PLS_BAD_CIDR/],
      ['a port other than 443', { allowedCidrs: ['10.0.0.0/8'], port: 8443 }, /PLS_INGRESS_PORT\] port: found 8443; expected 443/],
      ['an empty description', { allowedCidrs: ['10.0.0.0/8'], description: ' ' }, /PLS_SG_DESCRIPTION/],
      ['a duplicate source', { allowedCidrs: ['10.0.0.0/8', '10.0.0.0/8'] }, /PLS_INGRESS_DUPLICATE\] allowedCidrs\[1\]/],
      ['a vpc id as source group', { sourceSecurityGroupIds: ['vpc-0a1b2c3d'] }, /PLS_BAD_RESOURCE_ID\] sourceSecurityGroupIds\[0\].*this is a vpc- id/],
      ['a malformed prefix list', { prefixListIds: ['pl-xyz'] }, /PLS_BAD_RESOURCE_ID\] prefixListIds\[0\]/],
    ])('%s', (_label, props, message) => {
      expect(() => group(props)).toThrow(message);
    });
  });
});
