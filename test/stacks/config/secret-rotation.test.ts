import { Testing } from 'cdktf';
import { buildStacks } from '../../../stacks/build-app';
import { parseConfig } from '../../../stacks/config';
import { configJsonSchema } from '../../../stacks/config-json-schema';
import { defaultConfigJson, exampleConfigJson, problemsOf } from '../../helpers/configs';

/** `secrets[i].rotation.roleArn`: the rotation Lambda's execution role, checked where it is written. */

const E = 'environments[0]';
const S = `${E}.secrets[0].rotation`;
const LAMBDA = 'arn:aws:lambda:us-west-2:111122223333:function:rotate-db';
const ROLE = 'arn:aws:iam::111122223333:role/db-rotation';

/** The default config with `rotation` on its secret. */
function withRotation(rotation: Record<string, unknown>): any {
  const raw = defaultConfigJson();
  raw.environments[0].secrets[0].rotation = rotation;
  return raw;
}

describe('config: secrets[i].rotation.roleArn', () => {
  it('GIVEN rotation with a Lambda and a role of the account THEN the config is accepted and keeps the role', () => {
    const config = parseConfig(withRotation({ lambdaArn: LAMBDA, roleArn: ROLE, automaticallyAfterDays: 30 }));
    expect(config.environments[0].secrets[0].rotation).toEqual({ lambdaArn: LAMBDA, roleArn: ROLE, automaticallyAfterDays: 30 });
  });

  it('GIVEN rotation without roleArn THEN the loader asks for it at its path', () => {
    expect(problemsOf(withRotation({ lambdaArn: LAMBDA }))).toEqual([`${S}.roleArn: found nothing; expected a string (required field)`]);
  });

  it('GIVEN a role of another account THEN the loader names the account the Lambda runs in', () => {
    expect(problemsOf(withRotation({ lambdaArn: LAMBDA, roleArn: 'arn:aws:iam::444455556666:role/db-rotation' }))).toEqual([
      `${S}.roleArn: found "arn:aws:iam::444455556666:role/db-rotation"; expected a principal of account 111122223333 (the rotation Lambda runs in this account's admin VPC, and the secret policy names its role)`,
    ]);
  });

  it('GIVEN a role ARN of another partition than the region THEN the loader names the partition', () => {
    expect(problemsOf(withRotation({ lambdaArn: LAMBDA, roleArn: 'arn:aws-us-gov:iam::111122223333:role/db-rotation' }))).toEqual([
      `${S}.roleArn: found "arn:aws-us-gov:iam::111122223333:role/db-rotation"; expected an ARN in partition "aws" (region us-west-2); write "arn:aws:…"`,
    ]);
  });

  it.each([
    ['a user', 'arn:aws:iam::111122223333:user/rotation', 'expected an exact IAM role ARN "arn:<partition>:iam::<12-digit account>:role/<path/name>"'],
    [
      'a wildcard',
      'arn:aws:iam::111122223333:role/rotation-*',
      'expected an exact IAM role ARN such as "arn:aws:iam::111122223333:role/name", without "*" or "?"',
    ],
    ['an STS session', 'arn:aws:sts::111122223333:assumed-role/db-rotation/lambda', 'expected the IAM role ARN, not an STS session ARN'],
    ['a Lambda function', LAMBDA, 'expected an exact IAM role ARN "arn:<partition>:iam::<12-digit account>:role/<path/name>"'],
    ['not an ARN', 'db-rotation', 'expected an exact IAM role ARN "arn:<partition>:iam::<12-digit account>:role/<path/name>"'],
  ])('GIVEN %s as roleArn THEN the loader expects an exact role ARN', (_what, roleArn, expected) => {
    expect(problemsOf(withRotation({ lambdaArn: LAMBDA, roleArn }))).toEqual([
      expect.stringContaining(`${S}.roleArn: found ${JSON.stringify(roleArn)}; ${expected}`),
    ]);
  });

  const APP = 'an app principal would be denied the value through the app endpoint';
  const EXEMPT = 'an exempt principal would let the Lambda manage secrets from anywhere';
  const ADMIN = 'an admin principal that is also a rotation role reads secret values through the admin endpoint';
  it.each([
    ['an app principal', 'arn:aws:iam::111122223333:role/app', 'appVpc.principalArns[0] ("arn:aws:iam::111122223333:role/app") is it', APP],
    [
      'a break-glass principal',
      'arn:aws:iam::111122223333:role/break-glass',
      'breakGlassPrincipalArns[0] ("arn:aws:iam::111122223333:role/break-glass") is it',
      EXEMPT,
    ],
    [
      'an admin principal',
      'arn:aws:iam::111122223333:role/secret-admin',
      'adminVpc.principalArns[0] ("arn:aws:iam::111122223333:role/secret-admin") is it',
      ADMIN,
    ],
  ])('GIVEN %s as the rotation role THEN the loader asks for a role of its own', (_what, roleArn, taken, why) => {
    expect(problemsOf(withRotation({ lambdaArn: LAMBDA, roleArn }))).toEqual([
      `${S}.roleArn: found ${JSON.stringify(roleArn)}; expected a role of the rotation Lambda's own, playing no other part: ${taken} (${why})`,
    ]);
  });

  it.each([
    ['adminVpc', 'arn:aws:iam::111122223333:role/secret-*', ADMIN],
    ['adminVpc', 'arn:aws:iam::111122223333:role/secret-rot?tion', ADMIN],
    ['appVpc', 'arn:aws:iam::111122223333:role/*-rotation', APP],
  ])('GIVEN a %s principal pattern %s that matches the rotation role THEN the loader refuses the rotation role', (side, pattern, why) => {
    const raw = withRotation({ lambdaArn: LAMBDA, roleArn: 'arn:aws:iam::111122223333:role/secret-rotation' });
    raw.environments[0][side].principalArns = [pattern];
    expect(problemsOf(raw)).toEqual([
      `${S}.roleArn: found "arn:aws:iam::111122223333:role/secret-rotation"; expected a role of the rotation Lambda's own, playing no other part: ${side}.principalArns[0] (${JSON.stringify(pattern)}) matches it (${why})`,
    ]);
  });

  it('GIVEN admin and app patterns that do not match the rotation role THEN the config is accepted', () => {
    const raw = withRotation({ lambdaArn: LAMBDA, roleArn: 'arn:aws:iam::111122223333:role/rotation/secret-rotation' });
    raw.environments[0].adminVpc.principalArns = ['arn:aws:iam::111122223333:role/admins/*', 'arn:aws:iam::111122223333:role/secret-?dmin'];
    raw.environments[0].appVpc.principalArns = ['arn:aws:iam::111122223333:role/app-*'];
    expect(() => parseConfig(raw)).not.toThrow();
  });

  it('GIVEN the deploy role as the rotation role THEN the loader asks for a role of its own', () => {
    const raw = withRotation({ lambdaArn: LAMBDA, roleArn: 'arn:aws:iam::111122223333:role/platform-deploy' });
    raw.environments[0].deployRoleArn = 'arn:aws:iam::111122223333:role/platform-deploy';
    expect(problemsOf(raw)).toEqual([
      expect.stringMatching(
        /^environments\[0\]\.secrets\[0\]\.rotation\.roleArn: found .*; expected a role of the rotation Lambda's own, playing no other part: deployRoleArn /,
      ),
    ]);
  });

  it('GIVEN one rotation role for two secrets THEN the config is accepted (one Lambda may rotate several secrets)', () => {
    const raw = withRotation({ lambdaArn: LAMBDA, roleArn: ROLE });
    raw.environments[0].secrets.push({ name: 'app/other-password', rotation: { lambdaArn: LAMBDA, roleArn: ROLE } });
    expect(() => parseConfig(raw)).not.toThrow();
  });

  it('GIVEN the JSON Schema THEN rotation requires lambdaArn and roleArn, and roleArn is a role ARN pattern', () => {
    const rotation = (configJsonSchema() as any).properties.environments.items.properties.secrets.items.properties.rotation;
    expect([...rotation.required].sort()).toEqual(['lambdaArn', 'roleArn']);
    expect(new RegExp(rotation.properties.roleArn.pattern).test(ROLE)).toBe(true);
    expect(new RegExp(rotation.properties.roleArn.pattern).test('arn:aws:iam::111122223333:role/rotation-*')).toBe(false);
  });

  it('GIVEN multi-env.json THEN its rotated secrets name their roles and default.json rotates nothing', () => {
    const multi = parseConfig(exampleConfigJson('multi-env.json'), 'multi-env.json');
    expect(multi.environments.flatMap((e) => e.secrets.filter((s) => s.rotation).map((s) => [s.name, s.rotation!.roleArn]))).toEqual([
      ['staging/db-password', 'arn:aws:iam::111122223333:role/service-role/staging-db-rotation'],
      ['prod/db-password', 'arn:aws:iam::444455556666:role/prod-db-rotation'],
    ]);
    expect(parseConfig(defaultConfigJson()).environments[0].secrets.some((s) => s.rotation)).toBe(false);
  });
});

describe('config: secret policy size with a rotation role', () => {
  /** The default config with n long break-glass principals (they grow every secret policy), and rotation when `rotate`. */
  function withBreakGlass(n: number, rotate: boolean): any {
    const raw = defaultConfigJson();
    const env = raw.environments[0];
    env.breakGlassPrincipalArns = Array.from({ length: n }, (_, i) => `arn:aws:iam::111122223333:role/break-glass-${i}-${'x'.repeat(40)}`);
    delete env.adminVpc.principalArns; // so the admin endpoint policy does not list them too
    if (rotate) env.secrets[0].rotation = { lambdaArn: LAMBDA, roleArn: `arn:aws:iam::111122223333:role/${'r'.repeat(60)}` };
    return raw;
  }
  const accepted = (raw: any) => {
    try {
      parseConfig(raw);
      return true;
    } catch {
      return false;
    }
  };
  const largest = (rotate: boolean) => {
    let n = 1;
    while (accepted(withBreakGlass(n + 1, rotate))) n += 1;
    return n;
  };

  it('GIVEN the most break-glass principals a plain secret policy holds THEN adding rotation is rejected at breakGlassPrincipalArns (the rotation statement counts)', () => {
    const n = largest(false);
    expect(n).toBeGreaterThan(10);
    expect(problemsOf(withBreakGlass(n, true))).toEqual([
      expect.stringMatching(
        /^environments\[0\]\.breakGlassPrincipalArns: found .*; expected fewer or shorter entries \(the secret policies would be \d+ characters/,
      ),
    ]);
  });

  it('GIVEN the most break-glass principals the loader accepts with rotation THEN the stacks synthesize with every validation (the loader is not looser than synth)', () => {
    const n = largest(true);
    expect(n).toBeLessThan(largest(false));
    for (const { app, admin } of buildStacks(Testing.app(), parseConfig(withBreakGlass(n, true)))) {
      expect(() => Testing.synth(app, true)).not.toThrow();
      expect(() => Testing.synth(admin, true)).not.toThrow();
    }
  });
});
