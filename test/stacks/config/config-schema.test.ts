import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Testing } from 'cdktf';
import { buildStacks } from '../../../stacks/build-app';
import { formatJsonPath, loadConfig, parseConfig } from '../../../stacks/config';
import { defaultConfigJson, problemsOf } from '../../helpers/configs';

describe('config loader messages', () => {
  it('GIVEN path parts WHEN formatted THEN array indexes use [n] and keys that are not identifiers are quoted', () => {
    expect(formatJsonPath(['environments', 0, 'adminVpc', 'subnets', 1, 'availabilityZone'])).toBe('environments[0].adminVpc.subnets[1].availabilityZone');
    expect(formatJsonPath(['environments', 0, 'tags', 'cost center'])).toBe('environments[0].tags["cost center"]');
    expect(formatJsonPath([])).toBe('(root)');
  });

  it('GIVEN an unknown field WHEN parsed THEN the problem names the field path, its value and the fields allowed there', () => {
    const raw = defaultConfigJson();
    raw.environments[0].keys[0].rotation = true;
    expect(problemsOf(raw)).toEqual([
      'environments[0].keys[0].rotation: found true; expected no field "rotation" here (fields here: alias, description, deletionWindowInDays, enableKeyRotation, rotationPeriodInDays)',
    ]);
  });

  it('GIVEN a file that is not there or not JSON WHEN loaded THEN the single problem says so with a found / expected message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pls-config-'));
    expect(() => loadConfig(join(dir, 'absent.json'))).toThrow(/\(file\): found no readable file at .*absent\.json \(ENOENT\); expected a JSON config file/);
    writeFileSync(join(dir, 'broken.json'), '{\n  "environments": [\n    { "name": "x" }\n  ],\n  oops\n}');
    expect(() => loadConfig(join(dir, 'broken.json'))).toThrow(/\(file\): found invalid JSON at line 5, column 3 .*; expected one JSON document/);
  });
});

describe('config checks that keep module errors out of synth', () => {
  it('GIVEN more than 16 Availability Zones for a created VPC THEN the loader rejects them at the JSON path (the CIDR split needs /28 or larger subnets)', () => {
    const raw = defaultConfigJson();
    raw.environments[0].appVpc.create = { cidrBlock: '10.20.0.0/24', availabilityZones: 'abcdefghijklmnopq'.split('').map((l) => `us-west-2${l}`) };
    expect(problemsOf(raw)).toEqual([
      expect.stringMatching(/^environments\[0\]\.appVpc\.create\.availabilityZones: found \[.*; expected at most 16 Availability Zones/),
    ]);
  });

  it('GIVEN allowedCidrs [] for a created VPC and no other source THEN the loader rejects it (the endpoints would admit no one)', () => {
    const raw = defaultConfigJson();
    raw.environments[0].appVpc.allowedCidrs = [];
    expect(problemsOf(raw)).toEqual([expect.stringMatching(/^environments\[0\]\.appVpc\.allowedCidrs: found \[\]; expected at least one CIDR/)]);
  });

  it('GIVEN two environments in one account and region with the same secret name or key alias THEN the second is rejected; in another region both are fine', () => {
    const raw = defaultConfigJson();
    raw.environments[0].name = 'blue';
    raw.environments.push({ ...JSON.parse(JSON.stringify(raw.environments[0])), name: 'green' });
    raw.environments[1].adminVpc.create.cidrBlock = '10.30.0.0/16';
    expect(problemsOf(raw)).toEqual([
      'environments[1].secrets[0].name: found "app/db-password"; expected a secret name not used by another environment in account 111122223333 and us-west-2 (environments[0].secrets[0].name has it)',
      'environments[1].keys[0].alias: found "alias/app-data"; expected a key alias not used by another environment in account 111122223333 and us-west-2 (environments[0].keys[0].alias has it)',
    ]);
    raw.environments[1] = JSON.parse(JSON.stringify(raw.environments[1]).replace(/us-west-2/g, 'us-east-2'));
    expect(() => parseConfig(raw)).not.toThrow();
  });

  it('GIVEN long secret names THEN the largest count the loader accepts synthesizes with validations, and one more is rejected at environments[0].secrets', () => {
    const withSecrets = (n: number) => {
      const raw = defaultConfigJson();
      raw.environments[0].secrets = Array.from({ length: n }, (_, i) => ({ name: `s${i}/${'x'.repeat(300)}` }));
      return raw;
    };
    const accepted = (n: number) => {
      try {
        parseConfig(withSecrets(n));
        return true;
      } catch {
        return false;
      }
    };
    let n = 1;
    while (accepted(n + 1)) n += 1;
    expect(n).toBeGreaterThan(10);
    expect(problemsOf(withSecrets(n + 1))).toEqual([
      expect.stringMatching(
        /^environments\[0\]\.secrets: found .*; expected fewer or shorter entries \(the app Secrets Manager endpoint policy would be \d+ characters/,
      ),
    ]);
    const app = Testing.app();
    for (const { app: appStack, admin } of buildStacks(app, parseConfig(withSecrets(n)))) {
      expect(() => Testing.synth(appStack, true)).not.toThrow();
      expect(() => Testing.synth(admin, true)).not.toThrow();
    }
  });
});
