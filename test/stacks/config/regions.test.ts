import { KNOWN_REGIONS, hasKmsFips } from '../../../modules/core/aws-identifiers';
import { parseConfig } from '../../../stacks/config';
import { defaultConfigJson, problemsOf } from '../../helpers/configs';

/** Moves the default config to `region` (AZs follow). */
function inRegion(region: string, fips?: boolean): any {
  const raw = defaultConfigJson();
  const env = raw.environments[0];
  env.region = region;
  if (fips !== undefined) env.fips = fips;
  for (const side of [env.adminVpc, env.appVpc]) if (side.create) side.create.availabilityZones = [`${region}a`, `${region}b`];
  return raw;
}

describe('regions and kms-fips from AWS data (botocore endpoints.json)', () => {
  it.each(['us-west-9', 'eu-north-7', 'cn-south-1', 'us-gov-central-1', 'sa-west-1'])(
    'GIVEN the region-shaped but non-existent %s THEN the loader refuses it at environments[0].region',
    (region) => {
      expect(problemsOf(inRegion(region))).toEqual([
        expect.stringMatching(new RegExp(`^environments\\[0\\]\\.region: found "${region}"; expected an AWS region that exists`)),
      ]);
    },
  );

  it('GIVEN a non-existent S3 backend region THEN the loader refuses it at its path', () => {
    const raw = defaultConfigJson();
    raw.environments[0].backend = { s3: { bucket: 'state-bucket-111122223333', region: 'us-east-7' } };
    expect(problemsOf(raw)).toEqual([expect.stringMatching(/^environments\[0\]\.backend\.s3\.region: found "us-east-7"; expected an AWS region that exists/)]);
  });

  it.each(['ap-southeast-7', 'mx-central-1', 'ca-west-1', 'us-gov-east-1', 'cn-northwest-1'])(
    'GIVEN the real region %s (newer than the old pattern knew, or in another partition) THEN it loads',
    (region) => {
      const raw = inRegion(region);
      const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
      expect(() => parseConfig(JSON.parse(JSON.stringify(raw).replaceAll('arn:aws:', `arn:${partition}:`)))).not.toThrow();
    },
  );

  it.each(['cn-north-1', 'cn-northwest-1', 'ap-east-2', 'ap-southeast-6'])(
    'GIVEN fips: true in %s, which has no kms-fips endpoint THEN it is refused at environments[0].fips',
    (region) => {
      const partition = region.startsWith('cn-') ? 'aws-cn' : 'aws';
      const raw = JSON.parse(JSON.stringify(inRegion(region, true)).replaceAll('arn:aws:', `arn:${partition}:`));
      expect(problemsOf(raw)).toEqual([
        expect.stringMatching(new RegExp(`^environments\\[0\\]\\.fips: found true; expected false: AWS offers no kms-fips endpoint in ${region}`)),
      ]);
    },
  );

  it.each(['us-east-1', 'us-west-2', 'ca-central-1', 'eu-central-1', 'us-gov-west-1'])('GIVEN fips: true in %s (kms-fips offered) THEN it loads', (region) => {
    const partition = region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
    const raw = JSON.parse(JSON.stringify(inRegion(region, true)).replaceAll('arn:aws:', `arn:${partition}:`));
    expect(() => parseConfig(raw)).not.toThrow();
  });

  it('GIVEN the data THEN every partition has regions and the China regions offer no kms-fips', () => {
    expect(KNOWN_REGIONS).toEqual(expect.arrayContaining(['us-east-1', 'cn-north-1', 'us-gov-west-1']));
    expect(KNOWN_REGIONS).not.toContain('aws-global');
    expect(hasKmsFips('cn-north-1')).toBe(false);
    expect(hasKmsFips('us-gov-west-1')).toBe(true);
  });
});
