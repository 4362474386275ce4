import { Fn, TerraformLocal, TerraformResource, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsSecurityGroup } from '@cdktf/provider-aws/lib/data-aws-security-group';
import { SecurityGroup, SecurityGroupConfig, SecurityGroupIngress } from '@cdktf/provider-aws/lib/security-group';
import { SecurityGroupRule } from '@cdktf/provider-aws/lib/security-group-rule';
import { VpcEndpoint, VpcEndpointConfig } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcEndpointSecurityGroupAssociation } from '@cdktf/provider-aws/lib/vpc-endpoint-security-group-association';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule, VpcSecurityGroupIngressRuleConfig } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { EndpointSecurityGroup } from '../../../modules/ec2/endpoint-security-group';
import {
  belongsToEndpointSecurityGroup,
  Guardrails,
  guardrailViolations,
  stackGuardrailViolations,
  synthesizedConfig,
} from '../../../modules/guardrails/guardrails';
import { codes, exampleConfigGroupScope, guardedStack, guardrailErrors } from '../../helpers/guardrails';

const postgresIngress: SecurityGroupIngress = {
  protocol: 'tcp',
  fromPort: 5432,
  toPort: 5432,
  cidrBlocks: ['10.20.0.0/16'],
  description: 'PostgreSQL from the app VPC',
};
/** A described PostgreSQL group of the user's own stack: tcp/5432 from the app VPC, and its own inline egress. */
const postgresGroup: SecurityGroupConfig = {
  vpcId: 'vpc-0a1b2c3d',
  description: 'PostgreSQL: tcp/5432 from the app VPC',
  ingress: [postgresIngress],
  egress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['10.20.0.0/16'], description: 'HTTPS to the endpoints' }],
};
const postgresRule: VpcSecurityGroupIngressRuleConfig = {
  securityGroupId: 'sg-0db0db0db0db0db00',
  ipProtocol: 'tcp',
  fromPort: 5432,
  toPort: 5432,
  cidrIpv4: '10.20.0.0/16',
  description: 'PostgreSQL from the app VPC',
};
const endpointConfig: Omit<VpcEndpointConfig, 'securityGroupIds'> = {
  vpcId: 'vpc-0a1b2c3d',
  serviceName: 'com.amazonaws.us-west-2.secretsmanager',
  vpcEndpointType: 'Interface',
};
/** Both endpoint rules, sorted as `codes` returns them. */
const ENDPOINT_RULES = ['PLS_INGRESS_PORT', 'PLS_SG_INLINE_EGRESS'];

function endpointUsing(s: Construct, ids: string[] | string, id = 'endpoint'): VpcEndpoint {
  return new VpcEndpoint(s, id, { ...endpointConfig, securityGroupIds: ids as string[] });
}

function errorsOf(build: (stack: TerraformStack) => void): string[] {
  const stack = guardedStack();
  build(stack);
  return guardrailErrors(stack);
}

describe('endpoint rules run on endpoint security groups only', () => {
  it('GIVEN a described PostgreSQL group on 5432 with inline egress beside an endpoint with its own group THEN synth passes', () => {
    const stack = guardedStack();
    new SecurityGroup(stack, 'postgres', postgresGroup);
    const endpoints = new EndpointSecurityGroup(stack, 'endpoints', { vpcId: 'vpc-0a1b2c3d', allowedCidrs: ['10.20.0.0/16'] });
    endpointUsing(stack, [endpoints.securityGroupId]);
    expect(guardrailErrors(stack)).toEqual([]);
    const json = JSON.parse(Testing.synth(stack, true));
    expect(Object.keys(json.resource.aws_security_group)).toHaveLength(2);
  });

  it('GIVEN the same group named by an aws_vpc_endpoint by reference THEN synth fails with both endpoint rules', () => {
    const errors = errorsOf((s) => endpointUsing(s, [new SecurityGroup(s, 'postgres', postgresGroup).id]));
    expect(codes(errors)).toEqual(ENDPOINT_RULES);
    expect(errors.join('\n')).toMatch(/\[test\/postgres\] \[PLS_INGRESS_PORT\] aws_security_group\.ingress\[0\]\.from_port\/to_port: found 5432–5432/);
  });

  it('GIVEN a rule on a group outside the stack THEN it fails when an endpoint names the same literal id, and passes when not', () => {
    const named = errorsOf((s) => {
      endpointUsing(s, ['sg-0db0db0db0db0db00']);
      new VpcSecurityGroupIngressRule(s, 'postgres-rule', postgresRule);
    });
    expect(codes(named)).toEqual(['PLS_INGRESS_PORT']);
    expect(named[0]).toMatch(/\[test\/postgres-rule\] \[PLS_INGRESS_PORT\] aws_vpc_security_group_ingress_rule\.from_port\/to_port: found 5432–5432/);
    const other = errorsOf((s) => {
      endpointUsing(s, ['sg-0e0e0e0e0e0e0e0e0']);
      new VpcSecurityGroupIngressRule(s, 'postgres-rule', postgresRule);
    });
    expect(other).toEqual([]);
  });

  it('GIVEN the group named by an aws_vpc_endpoint_security_group_association THEN synth fails with both endpoint rules', () => {
    const errors = errorsOf((s) => {
      const group = new SecurityGroup(s, 'postgres', postgresGroup);
      new VpcEndpointSecurityGroupAssociation(s, 'association', { vpcEndpointId: 'vpce-0a1b2c3d4e5f60718', securityGroupId: group.id });
    });
    expect(codes(errors)).toEqual(ENDPOINT_RULES);
  });

  it.each([
    ['the group itself', (group: SecurityGroup) => group],
    ['a scope above it', (group: SecurityGroup) => group.node.scope!],
  ])('GIVEN the group marked through %s THEN synth fails with both endpoint rules', (_name, target) => {
    const errors = errorsOf((s) => Guardrails.markEndpointSecurityGroup(target(new SecurityGroup(new Construct(s, 'db'), 'postgres', postgresGroup))));
    expect(codes(errors)).toEqual(ENDPOINT_RULES);
  });

  it('GIVEN a mark on something that is no construct THEN it throws naming the field', () => {
    expect(() => Guardrails.markEndpointSecurityGroup('sg-0a1b2c3d' as unknown as Construct)).toThrow(
      /\[PLS_ENDPOINT_GROUP_MARK\] scope: found "sg-0a1b2c3d"; expected a construct/,
    );
  });

  it('GIVEN ingress rule resources THEN each follows its security_group_id', () => {
    const stack = guardedStack();
    const db = new SecurityGroup(stack, 'postgres', { ...postgresGroup, ingress: [], egress: [] });
    const endpoints = new EndpointSecurityGroup(stack, 'endpoints', { vpcId: 'vpc-0a1b2c3d', allowedCidrs: ['10.20.0.0/16'] });
    const plain = new SecurityGroup(stack, 'endpoint-group', { vpcId: 'vpc-0a1b2c3d', description: 'Endpoints' });
    endpointUsing(stack, [plain.id]);
    new VpcSecurityGroupIngressRule(stack, 'db-5432', { ...postgresRule, securityGroupId: db.id });
    new SecurityGroupRule(stack, 'db-5432-classic', { ...classicRule(db.id) });
    new VpcSecurityGroupIngressRule(stack, 'esg-22', { ...postgresRule, securityGroupId: endpoints.securityGroupId, fromPort: 22, toPort: 22 });
    new VpcSecurityGroupIngressRule(stack, 'plain-5432', { ...postgresRule, securityGroupId: plain.id });
    new SecurityGroupRule(stack, 'plain-5432-classic', classicRule(plain.id));
    const errors = guardrailErrors(stack);
    expect(errors.map((e) => /^\[([^\]]+)\]/.exec(e)?.[1]).sort()).toEqual(['test/esg-22', 'test/plain-5432', 'test/plain-5432-classic']);
    expect(codes(errors)).toEqual(['PLS_INGRESS_PORT']);
  });

  it('GIVEN a non-endpoint group THEN the general rules still apply: open ingress and descriptions', () => {
    const errors = errorsOf((s) => {
      new SecurityGroup(s, 'postgres', { ...postgresGroup, ingress: [{ ...postgresIngress, cidrBlocks: ['0.0.0.0/0'] }] });
      new VpcSecurityGroupIngressRule(s, 'rule', { ...postgresRule, cidrIpv4: undefined, cidrIpv6: '::/0', description: undefined });
    });
    expect(codes(errors)).toEqual(['PLS_OPEN_INGRESS', 'PLS_SG_DESCRIPTION']);
    expect(errors.join('\n')).toMatch(/\[test\/postgres\] \[PLS_OPEN_INGRESS\] aws_security_group\.ingress\[0\]\.cidr_blocks\[0\]: found "0\.0\.0\.0\/0"/);
    expect(errors.join('\n')).toMatch(/\[test\/rule\] \[PLS_OPEN_INGRESS\] aws_vpc_security_group_ingress_rule\.cidr_ipv6: found "::\/0"/);
  });

  it('GIVEN a mixed stack THEN the checks on its JSON (the app engine) report what the per-resource Aspect reports', () => {
    const stack = guardedStack();
    new SecurityGroup(stack, 'postgres', postgresGroup);
    const endpoint = new SecurityGroup(stack, 'endpoint-group', postgresGroup);
    endpointUsing(stack, [endpoint.id]);
    new VpcSecurityGroupIngressRule(stack, 'rule', { ...postgresRule, securityGroupId: endpoint.id });
    const perResource = stack.node
      .findAll()
      .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c))
      .flatMap((r) => guardrailViolations(r).map((m) => `[${r.node.path}] ${m}`));
    expect(codes(perResource)).toEqual(ENDPOINT_RULES);
    expect(perResource.every((m) => !m.startsWith('[test/postgres]'))).toBe(true);
    expect(stackGuardrailViolations(stack, TerraformStack.prototype.toTerraform.call(stack))).toEqual(perResource);
  });
});

function classicRule(securityGroupId: string) {
  return { securityGroupId, type: 'ingress', protocol: 'tcp', fromPort: 5432, toPort: 5432, cidrBlocks: ['10.20.0.0/16'], description: 'PostgreSQL' };
}

describe('an endpoint group cannot be made to look like another group', () => {
  it.each<[string, (s: TerraformStack, group: SecurityGroup) => void]>([
    ['inside concat(...)', (s, g) => endpointUsing(s, Fn.concat([[g.id], ['sg-0e0e0e0e0e0e0e0e0']]) as unknown as string[])],
    ['inside tolist(...)', (s, g) => endpointUsing(s, Fn.tolist([g.id]) as unknown as string[])],
    ['through a local', (s, g) => endpointUsing(s, new TerraformLocal(s, 'groups', [g.id]).asList)],
    ['through a variable (undecidable: every group)', (s) => endpointUsing(s, new TerraformVariable(s, 'groups', { type: 'list(string)' }).listValue)],
    ['through a data source (undecidable: every group)', (s) => endpointUsing(s, [new DataAwsSecurityGroup(s, 'shared', { name: 'shared' }).id])],
    ['inside element(...)', (s, g) => endpointUsing(s, [Fn.element([g.id, 'sg-0e0e0e0e0e0e0e0e0'], 0) as string])],
    [
      'through an escape-hatch override',
      (s, g) => {
        endpointUsing(s, ['sg-0e0e0e0e0e0e0e0e0']).addOverride('security_group_ids', [`\${${g.terraformResourceType}.${g.friendlyUniqueId}.id}`]);
      },
    ],
    ['in a second endpoint', (s, g) => [endpointUsing(s, ['sg-0e0e0e0e0e0e0e0e0']), endpointUsing(s, [g.id], 'second')]],
  ])('GIVEN the group named %s THEN both endpoint rules run on it', (_name, name) => {
    const errors = errorsOf((s) => name(s, new SecurityGroup(s, 'postgres', postgresGroup)));
    expect(codes(errors)).toEqual(ENDPOINT_RULES);
  });

  it.each<[string, (s: TerraformStack, group: string) => string]>([
    ['through a local', (s, g) => new TerraformLocal(s, 'group', g).asString],
    ['through lookup(...)', (_s, g) => Fn.lookup({ a: g }, 'a', g) as string],
    ['through a variable', (s) => new TerraformVariable(s, 'group', { type: 'string' }).stringValue],
  ])('GIVEN a rule whose group is given %s while the stack has an endpoint group THEN the endpoint rule runs on it', (_name, group) => {
    const errors = errorsOf((s) => {
      const endpoints = new EndpointSecurityGroup(s, 'endpoints', { vpcId: 'vpc-0a1b2c3d', allowedCidrs: ['10.20.0.0/16'] });
      new VpcSecurityGroupIngressRule(s, 'rule', { ...postgresRule, securityGroupId: group(s, endpoints.securityGroupId) });
    });
    expect(codes(errors)).toEqual(['PLS_INGRESS_PORT']);
  });

  it('GIVEN a rule whose group is a variable in a stack without any endpoint group THEN it is no endpoint rule', () => {
    const stack = guardedStack();
    const rule = new VpcSecurityGroupIngressRule(stack, 'rule', {
      ...postgresRule,
      securityGroupId: new TerraformVariable(stack, 'group', { type: 'string' }).stringValue,
    });
    expect(belongsToEndpointSecurityGroup(rule, synthesizedConfig(rule)!, { resourcesOfType: () => [], resources: () => [rule] })).toBe(false);
    expect(guardrailErrors(stack)).toEqual([]);
  });
});

describe('egress rule resources on endpoint security groups', () => {
  const egressRule = (groupId: string) => ({
    securityGroupId: groupId,
    ipProtocol: 'tcp',
    fromPort: 443,
    toPort: 443,
    cidrIpv4: '10.20.0.0/16',
    description: 'HTTPS out',
  });

  it('GIVEN an EndpointSecurityGroup with an aws_vpc_security_group_egress_rule added on its id THEN synth fails with PLS_SG_INLINE_EGRESS on the rule', () => {
    const errors = errorsOf((s) => {
      const endpoints = new EndpointSecurityGroup(s, 'endpoints', { vpcId: 'vpc-0a1b2c3d', allowedCidrs: ['10.20.0.0/16'] });
      endpointUsing(s, [endpoints.securityGroupId]);
      new VpcSecurityGroupEgressRule(s, 'out', egressRule(endpoints.securityGroupId));
    });
    expect(errors).toEqual([
      expect.stringMatching(
        /^\[test\/out\] \[PLS_SG_INLINE_EGRESS\] aws_vpc_security_group_egress_rule\.security_group_id: found an egress rule on an endpoint security group \("\$\{aws_security_group\.endpoints_[^"]*\.id\}"\); expected none/,
      ),
    ]);
  });

  it('GIVEN an aws_security_group_rule of type egress on a group an endpoint names THEN it fails, and one of type ingress on 443 passes', () => {
    const withRule = (type: 'egress' | 'ingress') =>
      errorsOf((s) => {
        const group = new SecurityGroup(s, 'endpoint-group', { vpcId: 'vpc-0a1b2c3d', description: 'Interface endpoints: tcp/443' });
        endpointUsing(s, [group.id]);
        new SecurityGroupRule(s, 'rule', {
          type,
          securityGroupId: group.id,
          protocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          cidrBlocks: ['10.20.0.0/16'],
          description: 'HTTPS',
        });
      });
    expect(codes(withRule('egress'))).toEqual(['PLS_SG_INLINE_EGRESS']);
    expect(withRule('ingress')).toEqual([]);
  });

  it('GIVEN an egress rule resource on a group of the stack no endpoint uses, or on a literal id no endpoint names THEN synth passes', () => {
    expect(
      errorsOf((s) => {
        const postgres = new SecurityGroup(s, 'postgres', postgresGroup);
        const endpoints = new EndpointSecurityGroup(s, 'endpoints', { vpcId: 'vpc-0a1b2c3d', allowedCidrs: ['10.20.0.0/16'] });
        endpointUsing(s, [endpoints.securityGroupId]);
        new VpcSecurityGroupEgressRule(s, 'postgres-out', egressRule(postgres.id));
        new VpcSecurityGroupEgressRule(s, 'other-out', egressRule('sg-0db0db0db0db0db00'));
      }),
    ).toEqual([]);
  });

  it('GIVEN an egress rule resource on the literal id an endpoint names THEN synth fails', () => {
    const errors = errorsOf((s) => {
      endpointUsing(s, ['sg-0db0db0db0db0db00']);
      new VpcSecurityGroupEgressRule(s, 'out', egressRule('sg-0db0db0db0db0db00'));
    });
    expect(codes(errors)).toEqual(['PLS_SG_INLINE_EGRESS']);
  });
});

describe('the default config', () => {
  it('GIVEN default.json THEN every group and ingress rule is an endpoint group, and every stack passes Testing.synth(stack, true) (every example config: scope-examples.slow.test.ts)', () => {
    const stacks = exampleConfigGroupScope('default.json');
    expect(stacks.map((s) => ({ ...s, groups: s.groups > 0 }))).toEqual(
      stacks.map((s) => ({ stack: s.stack, groups: true, notEndpoint: [], synth: 'passed' })),
    );
  });
});
