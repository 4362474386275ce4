import { App, Testing, TerraformOutput, TerraformStack } from 'cdktf';
import { buildStacks } from '../../stacks/build-app';
import { defaultConfig } from '../helpers/configs';

describe('values of another stack', () => {
  it('GIVEN the default config THEN the admin stack reads the app endpoints through remote state, with an output in the app stack and a dependency', () => {
    const app = Testing.app();
    const [{ app: appStack, admin }] = buildStacks(app, defaultConfig());
    const adminJson = JSON.parse(Testing.synth(admin, true));
    const appJson = JSON.parse(Testing.synth(appStack, true));
    expect(Object.keys(adminJson.data.terraform_remote_state)).toEqual(['cross-stack-reference-input-app-vpc']);
    const outputs = Object.keys(appJson.output).filter((o) => o.startsWith('cross-stack-output-'));
    expect(outputs.sort()).toEqual([
      'cross-stack-output-aws_vpc_endpointendpoints_kms_endpoint_D3932F39id',
      'cross-stack-output-aws_vpc_endpointendpoints_secretsmanager_endpoint_1E09783Did',
    ]);
    for (const o of outputs)
      expect(JSON.stringify(adminJson.resource)).toContain(`data.terraform_remote_state.cross-stack-reference-input-app-vpc.outputs.${o}`);
    expect(admin.dependencies).toEqual([appStack]);
    expect(appStack.dependencies).toEqual([]);
  });

  it("GIVEN an app attribute used in the admin stack without valueFrom THEN synth fails with PLS_FOREIGN_REFERENCE instead of resolving to the admin stack's own endpoint", () => {
    const [{ app: appStack, admin }] = buildStacks(new App({ outdir: Testing.app().outdir }), defaultConfig());
    new TerraformOutput(admin, 'leaked', { value: appStack.endpoints.kms.endpointId });
    // Both stacks have aws_vpc_endpoint.endpoints_kms_endpoint_D3932F39: unguarded, this would be the admin endpoint's id.
    expect(() => Testing.synth(admin, true)).toThrow(
      /\[PLS_FOREIGN_REFERENCE\] stack admin-vpc: found a reference to aws_vpc_endpoint\.endpoints_kms_endpoint_D3932F39\.id of stack app-vpc; expected .*valueFrom/,
    );
    // The same value read through valueFrom is fine.
    new TerraformOutput(admin, 'read', { value: admin.valueFrom(appStack, appStack.endpoints.kms.endpointId) });
    admin.node.tryRemoveChild('leaked');
    expect(JSON.parse(Testing.synth(admin, true)).output.read.value).toMatch(
      /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-app-vpc\.outputs\./,
    );
  });

  it('GIVEN a plain cdktf stack THEN the guard leaves its references alone', () => {
    const app = Testing.app();
    const [{ app: appStack }] = buildStacks(app, defaultConfig());
    const plain = new TerraformStack(app, 'plain');
    new TerraformOutput(plain, 'leaked', { value: appStack.endpoints.kms.endpointId });
    expect(JSON.parse(Testing.synth(plain)).output.leaked.value).toBe('${aws_vpc_endpoint.endpoints_kms_endpoint_D3932F39.id}');
  });

  it('GIVEN a value that is not one attribute of another stack THEN valueFrom throws PLS_CROSS_STACK_VALUE', () => {
    const [{ app: appStack, admin }] = buildStacks(Testing.app(), defaultConfig());
    expect(() => admin.valueFrom(appStack, 'vpce-0123456789abcdef0')).toThrow(
      /\[PLS_CROSS_STACK_VALUE\] admin-vpc\.valueFrom\(app-vpc\): found "vpce-0123456789abcdef0"/,
    );
    expect(() => admin.valueFrom(admin, admin.endpoints.kms.endpointId)).toThrow(/PLS_CROSS_STACK_VALUE/);
  });
});
