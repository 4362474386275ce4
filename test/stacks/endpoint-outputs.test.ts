import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { endpointIdsFromTerraformOutputs } from '../../modules/cloudtrail/cloudtrail-audit';
import { defaultConfig } from '../helpers/configs';
import { readStack, synthToTemp, TfJson } from '../helpers/pipeline';
import { terraformEnv, terraformToolchain } from '../helpers/terraform';

const { outdir } = synthToTemp(defaultConfig());
const stacks: Record<string, TfJson> = { 'app-vpc': readStack(outdir, 'app-vpc'), 'admin-vpc': readStack(outdir, 'admin-vpc') };

/** The address of the stack's endpoint for a service. */
function endpointAddress(json: TfJson, service: 'secretsmanager' | 'kms'): string {
  const [name] = Object.entries<TfJson>(json.resource.aws_vpc_endpoint).find(([, e]) => String(e.service_name).endsWith(`.${service}`))!;
  return `aws_vpc_endpoint.${name}`;
}

/** A stand-in value per output, as `terraform apply` would leave them: each endpoint's id is one vpce- id wherever it is output. */
function appliedOutputs(json: TfJson): Record<string, { value: unknown; type: unknown; sensitive?: boolean }> {
  return Object.fromEntries(
    Object.entries<TfJson>(json.output).map(([name, o]) => {
      const endpoint = /^\$\{(aws_vpc_endpoint\.[^.]+)\.id\}$/.exec(String(o.value));
      if (endpoint)
        return [
          name,
          { value: `vpce-${createHash('sha256').update(endpoint[1]).digest('hex').slice(0, 17)}`, type: 'string', sensitive: o.sensitive ?? false },
        ];
      if (/dns_names$|network_interface_ids$/.test(name)) return [name, { value: [`${name}-0`, `${name}-1`], type: ['list', 'string'] }];
      return [name, { value: `${name}-value`, type: 'string', sensitive: o.sensitive ?? false }];
    }),
  );
}

describe.each(['app-vpc', 'admin-vpc'])('endpoint outputs of %s (default config)', (stack) => {
  const json = stacks[stack];

  it.each(['secretsmanager', 'kms'] as const)(
    'GIVEN the %s endpoint THEN its id, ARN, --endpoint-url, DNS names and interfaces are outputs of this stack’s own endpoint',
    (service) => {
      const address = endpointAddress(json, service);
      const out = json.output;
      expect(out[`${service}_endpoint_id`]).toEqual({ value: `\${${address}.id}`, description: expect.stringContaining('CloudTrail vpcEndpointId') });
      expect(out[`${service}_endpoint_arn`].value).toBe(`\${${address}.arn}`);
      expect(out[`${service}_endpoint_url`].value).toBe(`https://\${${address}.dns_entry[0].dns_name}`);
      expect(out[`${service}_endpoint_url`].description).toContain('--endpoint-url');
      expect(out[`${service}_dns_names`].value).toBe(`\${[for entry in ${address}.dns_entry : entry.dns_name]}`);
      expect(out[`${service}_network_interface_ids`].value).toBe(`\${tolist(${address}.network_interface_ids)}`);
    },
  );

  it('GIVEN the stack THEN its VPC and endpoint security group are outputs too', () => {
    const [vpc] = Object.keys(json.resource.aws_vpc);
    const [sg] = Object.keys(json.resource.aws_security_group);
    expect(json.output.vpc_id.value).toBe(`\${aws_vpc.${vpc}.id}`);
    expect(json.output.endpoint_security_group_id.value).toBe(`\${aws_security_group.${sg}.id}`);
  });

  it('GIVEN terraform output -json of the applied stack WHEN the audit reads it THEN it expects exactly the two endpoint ids of the stack', async () => {
    const outputs = appliedOutputs(json);
    const ids = [outputs.secretsmanager_endpoint_id.value, outputs.kms_endpoint_id.value].sort();
    const toolchain = await terraformToolchain();
    let printed: unknown = outputs;
    if ('skipReason' in toolchain) {
      console.warn(`terraform output -json not run (${toolchain.skipReason}); reading the outputs as the state holds them`);
      expect(process.env.REQUIRE_TERRAFORM).not.toBe('1');
    } else {
      // The real `terraform output -json`, on a state holding the stack's outputs (no AWS call needed).
      const dir = mkdtempSync(join(tmpdir(), 'pls-outputs-'));
      const state = { version: 4, terraform_version: '1.10.0', serial: 1, lineage: '00000000-0000-4000-8000-000000000001', outputs, resources: [] };
      writeFileSync(join(dir, 'terraform.tfstate'), JSON.stringify(state));
      printed = JSON.parse(
        execFileSync(toolchain.terraform, ['output', '-json', '-state=terraform.tfstate'], { cwd: dir, env: terraformEnv(), encoding: 'utf8' }),
      );
      expect(Object.keys(printed as object).sort()).toEqual(Object.keys(json.output).sort());
    }
    expect(ids[0]).not.toBe(ids[1]);
    expect(endpointIdsFromTerraformOutputs(printed)).toEqual(ids);
  });
});
