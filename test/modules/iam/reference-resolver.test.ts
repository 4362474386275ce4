import { parseConfig } from '../../../stacks/config';
import { defaultConfig, exampleConfigJson } from '../../helpers/configs';
import { ReferenceResolver, synthesizeConfig, synthesizedPolicies } from '../../helpers/policies';

describe('stand-in ids for the Terraform references in synthesized policies', () => {
  const multiEnv = parseConfig(exampleConfigJson('multi-env.json'), 'multi-env.json');
  const synthesized = synthesizeConfig(multiEnv);
  const environments = synthesizedPolicies(multiEnv, synthesized);

  it('GIVEN the admin stacks WHEN synthesized THEN their policies read the app endpoint ids through remote state, not by a local address', () => {
    for (const { admin, app } of synthesized.environments) {
      const policies = Object.values<any>(synthesized.stacks[admin].resource.aws_secretsmanager_secret_policy).map((r) => r.policy as string);
      for (const policy of policies) {
        expect(policy).toContain(`\${data.terraform_remote_state.cross-stack-reference-input-${app}.outputs.cross-stack-output-aws_vpc_endpoint`);
        expect(policy).not.toMatch(/\$\{aws_vpc_endpoint\./);
      }
    }
  });

  it('GIVEN every environment WHEN resolved THEN the secret and key policies hold exactly the ids of that environment’s app endpoints and admin VPC', () => {
    for (const env of environments) {
      for (const secret of env.secrets) {
        const text = JSON.stringify(secret.policy);
        expect(text).toContain(`"aws:SourceVpce":"${env.app.secretsmanager.id}"`);
        expect(text).toContain(`"aws:SourceVpc":"${env.admin.vpcId}"`);
      }
      for (const key of env.keys) {
        const text = JSON.stringify(key.policy);
        expect(text).toContain(`"aws:SourceVpce":"${env.app.kms.id}"`);
        expect(text).toContain(`"aws:SourceVpc":"${env.admin.vpcId}"`);
      }
    }
  });

  it('GIVEN the resolved policies THEN no Terraform reference is left and every stand-in id has the shape AWS gives it', () => {
    for (const env of environments) {
      const all = [...env.keys, ...env.secrets, env.app.secretsmanager, env.app.kms, env.admin.secretsmanager, env.admin.kms];
      for (const p of all) expect(JSON.stringify(p.policy)).not.toContain('${');
      for (const e of [env.app.secretsmanager, env.app.kms, env.admin.secretsmanager, env.admin.kms]) expect(e.id).toMatch(/^vpce-[0-9a-f]{17}$/);
      for (const side of [env.app, env.admin]) expect(side.vpcId).toMatch(/^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/);
    }
  });

  it('GIVEN three environments with the same construct ids THEN every endpoint and VPC gets its own id, and existing VPCs keep theirs', () => {
    const endpointIds = environments.flatMap((e) => [e.app.secretsmanager.id, e.app.kms.id, e.admin.secretsmanager.id, e.admin.kms.id]);
    expect(new Set(endpointIds).size).toBe(12);
    const vpcIds = environments.flatMap((e) => [e.app.vpcId, e.admin.vpcId]);
    expect(new Set(vpcIds).size).toBe(6);
    const staging = environments.find((e) => e.label === 'staging')!;
    expect([staging.admin.vpcId, staging.app.vpcId]).toEqual(['vpc-0f1e2d3c4b5a69788', 'vpc-1e2d3c4b5a6978877']);
  });

  it('GIVEN the same reference WHEN resolved twice or from the producing stack THEN the id is the same', () => {
    const resolver = new ReferenceResolver(synthesized.stacks);
    const { app, admin } = synthesized.environments[0];
    const output = Object.keys(synthesized.stacks[app].output).find((o) => o.startsWith('cross-stack-output-aws_vpc_endpointendpoints_kms'))!;
    const remote = `data.terraform_remote_state.cross-stack-reference-input-${app}.outputs.${output}`;
    const local = /^\$\{(.*)\}$/.exec(synthesized.stacks[app].output[output].value as string)![1];
    expect(resolver.resolveExpression(admin, remote)).toBe(resolver.resolveExpression(app, local));
    expect(resolver.resolveExpression(admin, remote)).toBe(resolver.resolveExpression(admin, remote));
    expect(resolver.resolveExpression(admin, remote)).toBe(environments[0].app.kms.id);
  });

  it('GIVEN a reference with no stand-in rule WHEN resolved THEN it throws naming the stack and the reference', () => {
    const resolver = new ReferenceResolver(synthesizeConfig(defaultConfig()).stacks);
    expect(() => resolver.resolve('admin-vpc', '{"Resource":"${aws_kms_key.key.arn}"}')).toThrow(
      /stack admin-vpc: no stand-in for the reference \$\{aws_kms_key\.key\.arn\}/,
    );
    expect(() => resolver.resolve('admin-vpc', '${aws_vpc.not_there.id}')).toThrow(/stack admin-vpc: aws_vpc.not_there.id names no resource of the stack/);
    expect(() => resolver.resolve('admin-vpc', '${data.terraform_remote_state.cross-stack-reference-input-app-vpc.outputs.cross-stack-output-nope}')).toThrow(
      /stack app-vpc has no output cross-stack-output-nope/,
    );
  });
});
