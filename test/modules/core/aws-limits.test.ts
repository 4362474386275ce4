import { codePointLength, lambdaPlaceProblem, scheduleExpressionProblem, tagKeyProblem, tagValueProblem } from '../../../modules/core/aws-limits';
import { CustomerManagedKey } from '../../../modules/kms/customer-managed-key';
import { GuardrailError } from '../../../modules/core/errors';
import { PolicyDocument } from '../../../modules/iam/policy-document';
import { PolicyStatement } from '../../../modules/iam/policy-statement';
import { PrivateVpc } from '../../../modules/ec2/private-vpc';
import { ProtectedSecret } from '../../../modules/secretsmanager/protected-secret';
import { ConfigError, parseConfig } from '../../../stacks/config';
import { testStack } from '../../helpers/assertions';
import { defaultConfigJson } from '../../helpers/configs';

const root = 'arn:aws:iam::111122223333:root';
const LAMBDA = 'arn:aws:lambda:us-west-2:111122223333:function:rotate-db';
const ROLE = 'arn:aws:iam::111122223333:role/db-rotation';

function problemsOf(raw: unknown): readonly string[] {
  try {
    parseConfig(raw);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems;
  }
}

function thrown(build: () => unknown): GuardrailError {
  try {
    build();
  } catch (e) {
    if (e instanceof GuardrailError) return e;
    throw e;
  }
  throw new Error('expected a GuardrailError');
}

describe('Secrets Manager rotation schedules', () => {
  // Examples from "Schedule expressions in Secrets Manager rotation" (Secrets Manager User Guide).
  it.each([
    'rate(4 hours)',
    'rate(1 day)',
    'rate(10 days)',
    'rate(12 hours)',
    'cron(0 4/12 * * ? *)',
    'cron(0 8 ? * SUN *)',
    'cron(0 16 1,15 * ? *)',
    'cron(0 9 L * ? *)',
    'cron(0 10 ? * 2#1 *)',
    'cron(0 8 ? * 6L *)',
    'cron(0 0 ? JAN-MAR MON-FRI *)',
  ])('GIVEN %s (a schedule AWS documents) THEN it is accepted', (expression) => {
    expect(scheduleExpressionProblem(expression)).toBeUndefined();
  });

  it.each([
    ['rate(3 hours)', 'from 4 to 23'],
    ['rate(24 hours)', 'from 4 to 23'],
    ['rate(0 days)', 'from 1 to 999'],
    ['rate(1000 days)', 'from 1 to 999'],
    ['rate(1 week)', 'rate(<whole number> hours|days)'],
    ['rate(1.5 days)', 'rate(<whole number> hours|days)'],
    ['rate(10  days)', 'rate(<whole number> hours|days)'],
    ['cron(30 4 * * ? *)', '0 in the cron Minutes field'],
    ['cron(0 4 * * ? 2027)', '* in the cron Year field'],
    ['cron(0 4 * * *)', 'six cron fields'],
    ['cron(0 24 * * ? *)', 'cron Hours field of 0–23'],
    ['cron(0 4 32 * ? *)', 'cron Day-of-month field of 1–31'],
    ['cron(0 4 ? 13 MON *)', 'cron Month field of 1–12 or JAN–DEC'],
    ['cron(0 4 ? * 8 *)', 'cron Day-of-week field of 1–7 or SUN–SAT'],
    ['cron(0 4 * * MON *)', '? in exactly one of'],
    ['cron(0 4 ? * ? *)', '? in exactly one of'],
    ['cron(0 4 ? ? MON *)', 'no ? in the cron Month field'],
    ['0 4 * * ? *', 'a rate() or cron() expression'],
    ['at(2027-01-01T00:00:00)', 'a rate() or cron() expression'],
  ])('GIVEN %s THEN it is refused with a valid example', (expression, expected) => {
    const problem = scheduleExpressionProblem(expression);
    expect(problem).toContain(expected);
    expect(problem).toContain('such as "rate(10 days)"');
  });

  it('GIVEN a ProtectedSecret with a schedule Secrets Manager does not parse THEN it throws naming the prop', () => {
    const stack = testStack();
    const error = thrown(
      () =>
        new ProtectedSecret(stack, 'secret', {
          name: 'app/db-password',
          kmsKey: CustomerManagedKey.fromKeyArn(stack, 'key', 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
          policy: new PolicyDocument({
            kind: 'resource',
            statements: [new PolicyStatement({ sid: 'Read', principal: { AWS: [root] }, actions: ['secretsmanager:DescribeSecret'] })],
          }),
          rotation: { lambdaArn: LAMBDA, roleArn: ROLE, scheduleExpression: 'rate(30 minutes)' },
        }),
    );
    expect(error.code).toBe('PLS_SECRET_ROTATION_SCHEDULE');
    expect(error.field).toBe('rotation.scheduleExpression');
    expect(error.message).toContain('found "rate(30 minutes)"; expected');
  });
});

describe('tag limits', () => {
  it('GIVEN astral-plane letters THEN lengths count code points, as AWS does, not UTF-16 units', () => {
    expect(codePointLength('𝒜'.repeat(128))).toBe(128);
    expect(tagKeyProblem('𝒜'.repeat(128))).toBeUndefined();
    expect(tagValueProblem('𝒜'.repeat(256))).toBeUndefined();
    expect(tagKeyProblem('𝒜'.repeat(129))).toContain('(this one has 129)');
    expect(tagValueProblem('𝒜'.repeat(257))).toContain('(this one has 257)');
  });

  it.each(['aws:cost', 'AWS:cost', 'Aws:Cost'])('GIVEN the key %s THEN the reserved prefix is refused in any letter case', (key) => {
    expect(tagKeyProblem(key)).toContain('not starting with "aws:"');
  });

  it.each(['Team', 'cost-center', 'app/db', 'a=b+c@d', 'Équipe données', '日本語 1', 'x:y_z.w'])('GIVEN the key %s THEN it is accepted', (key) => {
    expect(tagKeyProblem(key)).toBeUndefined();
  });

  it.each(['a,b', 'a;b', '${x}', '"q"', 'tab\there', 'emoji 😀', 'a#b', 'a*b'])(
    'GIVEN the value %s THEN characters AWS refuses in tags are refused',
    (value) => {
      expect(tagValueProblem(value)).toContain('expected a tag value of Unicode letters, digits, spaces and _ . : / = + - @ only');
    },
  );

  it('GIVEN a config with 47 tags and no environment name THEN 47 + ManagedBy, Stack and Name pass; 48 do not', () => {
    const raw = defaultConfigJson();
    raw.environments[0].tags = Object.fromEntries(Array.from({ length: 47 }, (_, i) => [`T${i}`, 'v']));
    expect(problemsOf(raw)).toEqual([]);
    raw.environments[0].tags.T47 = 'v';
    expect(problemsOf(raw)).toEqual([
      expect.stringMatching(/^environments\[0\]\.tags: found .*; expected at most 50 tags per resource, counting the 3 the stack adds \(this gives 51\)/),
    ]);
  });

  it("GIVEN a named environment with existing VPCs THEN Environment counts and Name does not; a config key that is one of the stack's counts once", () => {
    const raw = defaultConfigJson();
    const env = raw.environments[0];
    env.name = 'dev';
    for (const [side, n] of [
      ['adminVpc', 1],
      ['appVpc', 2],
    ] as const) {
      env[side] = {
        vpcId: `vpc-${n}b2c3d4e`,
        subnets: [{ subnetId: `subnet-${n}b2c3d4e`, availabilityZone: 'us-west-2a' }],
        allowedCidrs: ['10.0.0.0/16'],
        principalArns: env[side].principalArns,
      };
    }
    env.tags = { ...Object.fromEntries(Array.from({ length: 47 }, (_, i) => [`T${i}`, 'v'])), Stack: 'mine' };
    expect(problemsOf(raw)).toEqual([]);
    env.tags.T47 = 'v';
    expect(problemsOf(raw)).toEqual([
      expect.stringMatching(/expected at most 50 tags per resource, counting the 2 the stack adds \(this gives 51\): ManagedBy, Stack, Environment are/),
    ]);
  });

  it('GIVEN module tags AWS refuses THEN the module throws a GuardrailError naming the prop and the key', () => {
    const keyPolicy = () =>
      new PolicyDocument({ kind: 'key', statements: [new PolicyStatement({ sid: 'EnableIamPolicies', principal: { AWS: [root] }, actions: ['kms:*'] })] });
    const error = thrown(() => new CustomerManagedKey(testStack(), 'key', { alias: 'alias/app-data', policy: keyPolicy(), tags: { 'aws:owner': 'me' } }));
    expect(error.code).toBe('PLS_TAG');
    expect(error.field).toBe('tags["aws:owner"]');
    const count = thrown(
      () =>
        new PrivateVpc(testStack(), 'vpc', {
          cidrBlock: '10.10.0.0/16',
          availabilityZones: ['us-west-2a'],
          region: 'us-west-2',
          tags: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`T${i}`, 'v'])),
        }),
    );
    expect(count.code).toBe('PLS_TAG_COUNT');
    expect(count.message).toContain('counting the 1 the stack adds (this gives 51)');
  });
});

describe('the rotation Lambda', () => {
  const scope = { partition: 'aws', region: 'us-west-2', accountId: '111122223333' };
  it('GIVEN a function of the environment (with or without a qualifier) THEN it is accepted', () => {
    expect(lambdaPlaceProblem(LAMBDA, scope)).toBeUndefined();
    expect(lambdaPlaceProblem(`${LAMBDA}:live`, scope)).toBeUndefined();
  });
  it.each([
    'arn:aws:lambda:eu-west-1:111122223333:function:rotate-db',
    'arn:aws:lambda:us-west-2:444455556666:function:rotate-db',
    'arn:aws-cn:lambda:us-west-2:111122223333:function:rotate-db',
  ])('GIVEN %s THEN it is refused with an ARN of the right place', (arn) => {
    expect(lambdaPlaceProblem(arn, scope)).toContain('"arn:aws:lambda:us-west-2:111122223333:function:rotate"');
  });
});

describe('one subnet, one VPC', () => {
  it('GIVEN the same subnet id in adminVpc and appVpc THEN the app entry is refused at its path', () => {
    const raw = defaultConfigJson();
    const env = raw.environments[0];
    env.adminVpc = {
      vpcId: 'vpc-1b2c3d4e',
      subnets: [{ subnetId: 'subnet-1b2c3d4e', availabilityZone: 'us-west-2a' }],
      allowedCidrs: ['10.0.0.0/16'],
      principalArns: env.adminVpc.principalArns,
    };
    env.appVpc = { ...env.adminVpc, vpcId: 'vpc-2b2c3d4e', principalArns: env.appVpc.principalArns };
    expect(problemsOf(raw)).toEqual([
      'environments[0].appVpc.subnets[0].subnetId: found "subnet-1b2c3d4e"; expected a subnet of the app VPC only: adminVpc.subnets[0] has it too (a subnet belongs to one VPC)',
    ]);
  });
});
