import { exactPrincipalPattern, exactPrincipalProblem, principalMatches, principalPatternProblem } from '../../../modules/iam/principal-arns';

const A = 'arn:aws:iam::111122223333';

describe('exactPrincipalProblem', () => {
  it.each([`${A}:role/break-glass`, `${A}:role/service-role/db-rotation`, `${A}:user/ops/alice@corp`, 'arn:aws-us-gov:iam::111122223333:role/x'])(
    'GIVEN the exact principal %s THEN there is no problem, and the JSON Schema pattern agrees',
    (arn) => {
      expect(exactPrincipalProblem(arn)).toBeUndefined();
      expect(new RegExp(exactPrincipalPattern(['role', 'user'])).test(arn)).toBe(true);
    },
  );

  it.each<[string, RegExp]>([
    [`${A}:role/*`, /without "\*" or "\?".*every role of the account/],
    [`${A}:role/ops-?`, /without "\*" or "\?"[^(]*$/],
    [`${A}:user/*`, /every user of the account/],
    ['arn:aws:sts::111122223333:assumed-role/ops/alice', /not an STS session ARN.*did you mean "arn:aws:iam::111122223333:role\/ops"/],
    [`${A}:group/ops`, /not a group/],
    [`${A}:root`, /not the account root/],
    [`${A}:role/ops/`, /expected an exact IAM role or user ARN "arn:<partition>:iam::<12-digit account>:role\|user\/<path\/name>"/],
    [`${A}:policy/ops`, /expected an exact IAM role or user ARN/],
  ])('GIVEN %s THEN the problem says why', (arn, why) => {
    expect(exactPrincipalProblem(arn)).toMatch(why);
    expect(new RegExp(exactPrincipalPattern(['role', 'user'])).test(arn)).toBe(false);
  });

  it('GIVEN a user where only roles are allowed THEN it is a problem', () => {
    expect(exactPrincipalProblem(`${A}:user/deploy`, ['role'])).toMatch(
      /expected an exact IAM role ARN "arn:<partition>:iam::<12-digit account>:role\/<path\/name>"/,
    );
  });
});

describe('principalPatternProblem', () => {
  it.each([`${A}:role/app`, `${A}:role/apps/*`, `${A}:role/app-*`, `${A}:user/batch-?`, `${A}:role/*/app`])(
    'GIVEN the narrow pattern %s THEN there is no problem',
    (arn) => {
      expect(principalPatternProblem(arn)).toBeUndefined();
    },
  );

  it.each<[string, RegExp]>([
    ['*', /every principal of every account/],
    ['**', /every principal of every account/],
    [`${A}:*`, /matches every principal of the account/],
    [`${A}:role/*`, /matches every role of the account/],
    [`${A}:role/?*`, /matches every role of the account/],
    [`${A}:role//*`, /matches every role of the account/],
    [`${A}:*/app`, /roles and users alike/],
    [`${A}:policy/app`, /expected "role\/<name or pattern>" or "user\/<name or pattern>"/],
    ['arn:aws:sts::111122223333:assumed-role/app/s', /not an STS session ARN/],
  ])('GIVEN %s THEN it is refused: %s', (arn, why) => {
    expect(principalPatternProblem(arn)).toMatch(why);
  });
});

describe('principalMatches', () => {
  it.each<[string, string, boolean]>([
    [`${A}:role/secret-*`, `${A}:role/secret-rotation`, true],
    [`${A}:role/secret-?otation`, `${A}:role/secret-rotation`, true],
    [`${A}:role/*-rotation`, `${A}:role/rotation/db-rotation`, true],
    [`${A}:role/secret-admin`, `${A}:role/secret-rotation`, false],
    [`${A}:role/admins/*`, `${A}:role/rotation/secret-rotation`, false],
    ['arn:aws:iam::444455556666:role/*', `${A}:role/secret-rotation`, false],
  ])('%s matches %s: %s', (pattern, arn, expected) => {
    expect(principalMatches(pattern, arn)).toBe(expected);
  });
});
