import { EndpointSecurityGroup, EndpointSecurityGroupProps } from '../../../modules/ec2/endpoint-security-group';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { suppressionsOf } from '../../../modules/guardrails/guardrail-suppressions';
import { onlyResource, resourcesOf, synthJson, testStack } from '../../helpers/assertions';
import { guardedStack, guardrailErrors } from '../../helpers/guardrails';

function group(props: Partial<EndpointSecurityGroupProps>) {
  const stack = testStack();
  new EndpointSecurityGroup(stack, 'sg', { vpcId: 'vpc-0a1b2c3d4e5f60718', ...props });
  return stack;
}

describe('EndpointSecurityGroup', () => {
  it('GIVEN IPv4 and IPv6 CIDRs, a source group and a prefix list WHEN synthesized THEN one described tcp/443 ingress rule per source and no egress', () => {
    const json = synthJson(
      group({
        allowedCidrs: ['10.10.0.0/16', '100.64.0.0/16', 'fd00:ec2:abc:de00::/56'],
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
    expect(rules.map(source).sort()).toEqual(['10.10.0.0/16', '100.64.0.0/16', 'fd00:ec2:abc:de00::/56', 'pl-0a1b2c3d', 'sg-0a1b2c3d4e5f60718']);
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
      [
        'host bits',
        { allowedCidrs: ['10.20.5.0/16'] },
        /PLS_BAD_CIDR\] allowedCidrs\[0\]: found "10.20.5.0\/16"; expected .*host bits.*did you mean "10\.20\.0\.0\/16"/,
      ],
      ['leading zeros', { allowedCidrs: ['10.0.0.0/8', '010.0.0.0/8'] }, /PLS_BAD_CIDR\] allowedCidrs\[1\]: .*leading zeros.*did you mean "10\.0\.0\.0\/8"/],
      ['an IPv6 CIDR not in canonical form', { allowedCidrs: ['FD00::/8'] }, /PLS_BAD_CIDR\] allowedCidrs\[0\]: .*did you mean "fd00::\/8"/],
      [
        'a public IPv4 source',
        { allowedCidrs: ['10.0.0.0/8', '8.8.8.0/24'] },
        /PLS_PUBLIC_INGRESS\] allowedCidrs\[1\]: found "8.8.8.0\/24"; expected private address space \(10\.0\.0\.0\/8, 172\.16\.0\.0\/12, 192\.168\.0\.0\/16, 100\.64\.0\.0\/10\)/,
      ],
      [
        'a public IPv6 source',
        { allowedCidrs: ['2600:1f14:abc:de00::/56'] },
        /PLS_PUBLIC_INGRESS\] allowedCidrs\[0\]: .*expected private address space \(fc00::\/7\).*publicSources/,
      ],
      [
        'two halves of the IPv4 space, opted in as public',
        { allowedCidrs: ['0.0.0.0/1', '128.0.0.0/1'], publicSources: { reason: 'partner networks over the internet' } },
        /PLS_OPEN_INGRESS\] allowedCidrs: found \["0.0.0.0\/1","128.0.0.0\/1"\]; expected ranges that leave out part of the address space: together these admit every IPv4 address/,
      ],
      [
        'IPv6 ranges adding up to ::/0',
        { allowedCidrs: ['::/1', '8000::/2', 'c000::/2'], publicSources: { reason: 'partner networks over the internet' } },
        /PLS_OPEN_INGRESS\] allowedCidrs: .*every IPv6 address/,
      ],
      [
        'a public-sources opt-in without a reason',
        { allowedCidrs: ['8.8.8.0/24'], publicSources: { reason: '  ' } },
        /PLS_PUBLIC_INGRESS\] publicSources.reason: found " {2}"; expected a written reason/,
      ],
    ])('%s', (_label, props, message) => {
      expect(() => group(props)).toThrow(message);
    });
  });

  it('GIVEN a public source opted in with a reason WHEN synthesized with the guardrails THEN it passes, and the reason is kept as a PLS_PUBLIC_INGRESS suppression', () => {
    const stack = guardedStack();
    const sg = new EndpointSecurityGroup(stack, 'sg', {
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      allowedCidrs: ['10.0.0.0/16', '2600:1f14:abc:de00::/56'],
      publicSources: { reason: "the VPC's Amazon-provided IPv6 block" },
    });
    expect(guardrailErrors(stack)).toEqual([]);
    expect(suppressionsOf(sg.ingressRules[1])).toEqual([{ code: 'PLS_PUBLIC_INGRESS', reason: "the VPC's Amazon-provided IPv6 block", path: sg.node.path }]);
  });

  it('GIVEN the VPC CIDR as an unresolved reference THEN the group admits it (checked at plan by the provider)', () => {
    const stack = testStack();
    const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });
    new EndpointSecurityGroup(stack, 'sg', { vpcId: vpc.id, allowedCidrs: [vpc.cidrBlock] });
    expect(resourcesOf(synthJson(stack), 'aws_vpc_security_group_ingress_rule')[0].cidr_ipv4).toMatch(/^\$\{aws_vpc\.vpc\.cidr_block\}$/);
  });
});
