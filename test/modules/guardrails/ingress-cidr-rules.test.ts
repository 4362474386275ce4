import { Testing, TerraformStack } from 'cdktf';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SecurityGroupRule } from '@cdktf/provider-aws/lib/security-group-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Guardrails, stackGuardrailViolations } from '../../../modules/guardrails/guardrails';
import { testStack } from '../../helpers/assertions';
import { codes, guardedStack, guardrailErrors } from '../../helpers/guardrails';

/**
 * The ingress CIDR guardrails on resources written directly (bypassing EndpointSecurityGroup and the
 * config): PLS_BAD_CIDR (host bits, leading zeros, non-canonical IPv6), PLS_PUBLIC_INGRESS (sources
 * outside private address space), PLS_OPEN_INGRESS (ranges of one resource adding up to everything).
 */

const ingress = { protocol: 'tcp', fromPort: 443, toPort: 443, description: 'HTTPS to endpoints' };
const rule = { securityGroupId: 'sg-0a1b2c3d', ipProtocol: 'tcp', fromPort: 443, toPort: 443, description: 'HTTPS to endpoints' };
const sgRule = { securityGroupId: 'sg-0a1b2c3d', type: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, description: 'HTTPS to endpoints' };

function errorsOf(build: (stack: TerraformStack) => void): string[] {
  const stack = guardedStack();
  build(stack);
  return guardrailErrors(stack);
}

describe('PLS_BAD_CIDR', () => {
  it.each<[string, (s: TerraformStack) => void, RegExp]>([
    [
      'host bits in an ingress rule',
      (s) => new VpcSecurityGroupIngressRule(s, 'r', { ...rule, cidrIpv4: '10.20.5.0/16' }),
      /\[PLS_BAD_CIDR\] aws_vpc_security_group_ingress_rule\.cidr_ipv4: found "10\.20\.5\.0\/16"; expected .*did you mean "10\.20\.0\.0\/16"\?/,
    ],
    [
      'leading zeros in an inline block',
      (s) => new SecurityGroup(s, 'g', { vpcId: 'vpc-0a1b2c3d', description: 'endpoints', ingress: [{ ...ingress, cidrBlocks: ['010.0.0.0/8'] }] }),
      /\[PLS_BAD_CIDR\] aws_security_group\.ingress\[0\]\.cidr_blocks\[0\]: found "010\.0\.0\.0\/8"; .*leading zeros.*did you mean "10\.0\.0\.0\/8"/,
    ],
    [
      'upper-case IPv6 in a security group rule',
      (s) => new SecurityGroupRule(s, 'r', { ...sgRule, ipv6CidrBlocks: ['FD00::/8'] }),
      /\[PLS_BAD_CIDR\] aws_security_group_rule\.ipv6_cidr_blocks\[0\]: .*did you mean "fd00::\/8"/,
    ],
  ])('GIVEN %s THEN synth fails with the corrected form', (_label, build, message) => {
    const errors = errorsOf(build);
    expect(codes(errors)).toEqual(['PLS_BAD_CIDR']);
    expect(errors[0]).toMatch(message);
  });
});

describe('PLS_PUBLIC_INGRESS', () => {
  it.each<[string, (s: TerraformStack) => void, RegExp]>([
    [
      'a public IPv4 range in an ingress rule',
      (s) => new VpcSecurityGroupIngressRule(s, 'r', { ...rule, cidrIpv4: '8.8.8.0/24' }),
      /\[PLS_PUBLIC_INGRESS\] aws_vpc_security_group_ingress_rule\.cidr_ipv4: found "8\.8\.8\.0\/24"; expected private address space \(10\.0\.0\.0\/8, 172\.16\.0\.0\/12, 192\.168\.0\.0\/16, 100\.64\.0\.0\/10\)/,
    ],
    [
      'a global IPv6 range in an inline block',
      (s) => new SecurityGroup(s, 'g', { vpcId: 'vpc-0a1b2c3d', description: 'endpoints', ingress: [{ ...ingress, ipv6CidrBlocks: ['2600:1f14::/56'] }] }),
      /\[PLS_PUBLIC_INGRESS\] aws_security_group\.ingress\[0\]\.ipv6_cidr_blocks\[0\]: found "2600:1f14::\/56"; expected private address space \(fc00::\/7\)/,
    ],
    [
      'a range straddling 10.0.0.0/8',
      (s) => new SecurityGroupRule(s, 'r', { ...sgRule, cidrBlocks: ['10.0.0.0/7'] }),
      /\[PLS_PUBLIC_INGRESS\] aws_security_group_rule\.cidr_blocks\[0\]: found "10\.0\.0\.0\/7"/,
    ],
  ])('GIVEN %s THEN synth fails', (_label, build, message) => {
    const errors = errorsOf(build);
    expect(codes(errors)).toEqual(['PLS_PUBLIC_INGRESS']);
    expect(errors[0]).toMatch(message);
  });

  it('GIVEN RFC 1918, shared address space and ULA sources THEN synth passes', () => {
    expect(
      errorsOf(
        (s) =>
          new SecurityGroupRule(s, 'r', {
            ...sgRule,
            cidrBlocks: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'],
            ipv6CidrBlocks: ['fd00::/8'],
          }),
      ),
    ).toEqual([]);
  });

  it('GIVEN a public range with PLS_PUBLIC_INGRESS suppressed for a written reason THEN synth passes', () => {
    expect(
      errorsOf((s) => {
        const r = new VpcSecurityGroupIngressRule(s, 'r', { ...rule, cidrIpv6: '2600:1f14::/56' });
        Guardrails.suppress(r, 'PLS_PUBLIC_INGRESS', "the VPC's Amazon-provided IPv6 block");
      }),
    ).toEqual([]);
  });
});

describe('PLS_OPEN_INGRESS over the ranges of one resource', () => {
  it.each<[string, (s: TerraformStack) => void, RegExp]>([
    [
      'two IPv4 halves in one rule',
      (s) => new SecurityGroupRule(s, 'r', { ...sgRule, cidrBlocks: ['0.0.0.0/1', '128.0.0.0/1'] }),
      /\[PLS_OPEN_INGRESS\] aws_security_group_rule\.cidr_blocks\[0\], cidr_blocks\[1\]: found \["0\.0\.0\.0\/1","128\.0\.0\.0\/1"\]; expected ranges that leave out part of the address space: together they admit every IPv4 address/,
    ],
    [
      'IPv6 quarters spread over inline blocks',
      (s) =>
        new SecurityGroup(s, 'g', {
          vpcId: 'vpc-0a1b2c3d',
          description: 'endpoints',
          ingress: [
            { ...ingress, ipv6CidrBlocks: ['::/1'] },
            { ...ingress, ipv6CidrBlocks: ['8000::/2', 'c000::/2'] },
          ],
        }),
      /\[PLS_OPEN_INGRESS\] aws_security_group\..*every IPv6 address/,
    ],
  ])('GIVEN %s THEN synth fails, even with public sources allowed', (_label, build, message) => {
    const errors = errorsOf((s) => {
      build(s);
      Guardrails.suppress(s, 'PLS_PUBLIC_INGRESS', 'test: only the whole-space rule is under test');
    });
    expect(codes(errors)).toEqual(['PLS_OPEN_INGRESS']);
    expect(errors[0]).toMatch(message);
  });

  it('GIVEN halves that leave one address out THEN PLS_OPEN_INGRESS does not fire', () => {
    const errors = errorsOf((s) => {
      new SecurityGroupRule(s, 'r', { ...sgRule, cidrBlocks: ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3'] });
      Guardrails.suppress(s, 'PLS_PUBLIC_INGRESS', 'test: only the whole-space rule is under test');
    });
    expect(errors).toEqual([]);
  });
});

describe('PLS_OPEN_INGRESS across the ingress rules of one security group', () => {
  const build = (cidrs: string[]) => (s: TerraformStack) => {
    const group = new SecurityGroup(s, 'g', { vpcId: 'vpc-0a1b2c3d', description: 'endpoints' });
    cidrs.forEach((cidr, i) =>
      i % 2 === 0
        ? new VpcSecurityGroupIngressRule(s, `r${i}`, { ...rule, securityGroupId: group.id, cidrIpv4: cidr })
        : new SecurityGroupRule(s, `r${i}`, { ...sgRule, securityGroupId: group.id, cidrBlocks: [cidr] }),
    );
    new VpcSecurityGroupIngressRule(s, 'other-group', { ...rule, cidrIpv4: '10.0.0.0/8' });
    Guardrails.suppress(s, 'PLS_PUBLIC_INGRESS', 'test: only the whole-space rule is under test');
  };

  it('GIVEN rules of one group whose ranges add up to every IPv4 address THEN each public one is refused, naming the group', () => {
    const errors = errorsOf(build(['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/2']));
    expect(codes(errors)).toEqual(['PLS_OPEN_INGRESS']);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(
      /aws_vpc_security_group_ingress_rule\.cidr_ipv4: found \["0\.0\.0\.0\/1"\]; expected ranges that leave out part of the address space: with the other ingress rules of security group \$\{aws_security_group\.g\.id\} it admits every IPv4 address/,
    );
  });

  it('GIVEN the same ranges split over two groups, or one address left out THEN PLS_OPEN_INGRESS does not fire', () => {
    expect(errorsOf(build(['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3']))).toEqual([]);
    expect(
      errorsOf((s) => {
        new VpcSecurityGroupIngressRule(s, 'a', { ...rule, securityGroupId: 'sg-0a1b2c3d', cidrIpv4: '0.0.0.0/1' });
        new VpcSecurityGroupIngressRule(s, 'b', { ...rule, securityGroupId: 'sg-1b2c3d4e', cidrIpv4: '128.0.0.0/1' });
        Guardrails.suppress(s, 'PLS_PUBLIC_INGRESS', 'test: only the whole-space rule is under test');
      }),
    ).toEqual([]);
  });

  it('GIVEN the same rules checked on the synthesized JSON (as EnvironmentStack does) THEN the same problems are found', () => {
    const stack = testStack();
    build(['0.0.0.0/1', '128.0.0.0/1'])(stack);
    const lines = stackGuardrailViolations(stack, JSON.parse(Testing.synth(stack)));
    expect(lines).toHaveLength(2);
    expect(
      lines.every((l) =>
        /\[PLS_OPEN_INGRESS\] .*with the other ingress rules of security group \$\{aws_security_group\.g\.id\} it admits every IPv4 address/.test(l),
      ),
    ).toBe(true);
  });
});
