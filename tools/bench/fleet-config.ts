import { writeFileSync } from 'fs';
import { hasKmsFips } from '../../modules/core/aws-identifiers';

/**
 * A fleet config for the benchmark: `count` environments (two stacks each) that together use every
 * shape the config allows — created and existing VPCs, FIPS, three partitions, local and S3
 * backends, a deploy role, tags, several keys and secrets, rotation — so the synth does the same
 * kinds of work a real fleet does. Deterministic: environment `i` is always the same.
 */
export function fleetConfig(count: number): { environments: Record<string, unknown>[] } {
  const regions = ['us-west-2', 'us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-gov-west-1', 'cn-north-1'];
  const environments = Array.from({ length: count }, (_, i) => {
    const region = regions[i % regions.length];
    const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
    const accountId = String(100000000000 + i * 7919).padStart(12, '0');
    const role = (name: string) => `arn:${partition}:iam::${accountId}:role/${name}`;
    const hex = (kind: number, n: number) => (kind * 0x1000000 + i * 0x100 + n).toString(16).padStart(8, '0').slice(-8);
    const existing = i % 3 === 2;
    const azs = [`${region}a`, `${region}b`, ...(i % 2 ? [`${region}c`] : [])];
    const vpc = (side: number, principal: string) =>
      existing
        ? {
            vpcId: `vpc-${hex(side, 0)}`,
            subnets: azs.map((availabilityZone, n) => ({ subnetId: `subnet-${hex(side, n + 1)}`, availabilityZone })),
            allowedCidrs: [`10.${side}.${i % 250}.0/24`],
            sourceSecurityGroupIds: i % 2 ? [`sg-${hex(side, 9)}`] : undefined,
            enableDnsSupport: true,
            enableDnsHostnames: true,
            verifyDnsAttributesAtPlan: i % 6 !== 5,
            principalArns: [role(principal)],
          }
        : {
            create: { cidrBlock: `10.${(side - 1) * 100 + (i % 100)}.0.0/16`, availabilityZones: azs },
            principalArns: [role(principal)],
          };
    const keys = [
      { alias: 'alias/app-data', description: 'Encrypts the app secrets' },
      ...(i % 4 === 0 ? [{ alias: 'alias/reports', rotationPeriodInDays: 180 }] : []),
    ];
    const secrets = [
      { name: 'app/db-password', description: 'Database password of the app', kmsKeyAlias: 'alias/app-data' },
      { name: 'app/api-token', recoveryWindowInDays: 7 },
      ...(i % 4 === 0
        ? [
            {
              name: 'reports/signing-key',
              kmsKeyAlias: 'alias/reports',
              rotation: {
                lambdaArn: `arn:${partition}:lambda:${region}:${accountId}:function:rotate-signing-key`,
                roleArn: role('signing-key-rotation'),
                automaticallyAfterDays: 30,
              },
            },
          ]
        : []),
    ];
    return {
      name: `env-${String(i).padStart(3, '0')}`,
      accountId,
      region,
      ...(i % 2 ? { deployRoleArn: role('deploy') } : {}),
      breakGlassPrincipalArns: [role('break-glass')],
      fips: i % 5 === 1 && hasKmsFips(region), // kms-fips only where AWS offers it
      tags: { CostCentre: `cc-${i % 7}`, Owner: 'platform' },
      ...(i % 3 === 1 ? { backend: { s3: { bucket: `tfstate-${accountId}`, keyPrefix: 'fleet' } } } : {}),
      adminVpc: vpc(1, 'secret-admin'),
      appVpc: vpc(2, 'app'),
      secrets,
      keys,
    };
  });
  return { environments };
}

/** Writes `fleetConfig(count)` as JSON to `file`. */
export function writeFleetConfig(file: string, count: number): string {
  writeFileSync(file, `${JSON.stringify(fleetConfig(count), null, 2)}\n`);
  return file;
}
