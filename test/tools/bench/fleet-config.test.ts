import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseConfig } from '../../../stacks/config';
import { fleetConfig, writeFleetConfig } from '../../../tools/bench/fleet-config';
import { readStack, stackNames, synthToTemp } from '../../helpers/pipeline';

describe('benchmark fleet config generator', () => {
  it('GIVEN 12 generated environments WHEN validated by the config schema THEN they are accepted, with 12 distinct names', () => {
    const config = parseConfig(fleetConfig(12), 'fleet-12');
    expect(config.environments).toHaveLength(12);
    expect(new Set(config.environments.map((e) => e.name)).size).toBe(12);
  });

  it('GIVEN 12 generated environments THEN they cover created and existing VPCs, three partitions, S3 and local state, FIPS, deploy roles and rotation', () => {
    const envs = parseConfig(fleetConfig(12), 'fleet-12').environments;
    expect(envs.some((e) => e.adminVpc.create) && envs.some((e) => e.adminVpc.vpcId)).toBe(true);
    expect(new Set(envs.map((e) => e.breakGlassPrincipalArns[0].split(':')[1]))).toEqual(new Set(['aws', 'aws-cn', 'aws-us-gov']));
    expect(envs.some((e) => e.backend && 's3' in e.backend) && envs.some((e) => !e.backend)).toBe(true);
    expect(envs.some((e) => e.fips)).toBe(true);
    expect(envs.some((e) => e.deployRoleArn) && envs.some((e) => !e.deployRoleArn)).toBe(true);
    expect(envs.some((e) => e.secrets.some((s) => s.rotation))).toBe(true);
  });

  it('GIVEN the same count twice THEN the generated configs are identical (runs are comparable)', () => {
    expect(JSON.stringify(fleetConfig(7))).toBe(JSON.stringify(fleetConfig(7)));
  });

  it('GIVEN a written fleet file WHEN read back THEN it holds the generated config', () => {
    const file = writeFleetConfig(join(mkdtempSync(join(tmpdir(), 'pls-fleet-')), 'fleet.json'), 3);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(fleetConfig(3));
  });

  it('GIVEN 6 generated environments WHEN synthesized THEN there are 12 stacks, each with its environment region on its provider', () => {
    const config = parseConfig(fleetConfig(6), 'fleet-6');
    const { outdir } = synthToTemp(config);
    expect(stackNames(outdir)).toHaveLength(12);
    for (const env of config.environments) {
      for (const side of ['admin', 'app']) {
        expect(readStack(outdir, `${env.name}-${side}-vpc`).provider.aws[0].region).toBe(env.region);
      }
    }
  });
});
