import { parseConfig } from '../../../stacks/config';
import { defaultConfigJson, exampleConfigJson, problemsOf } from '../../helpers/configs';

/**
 * Issue 11 items 2 and 6 at the config loader: exemptions are exact principals, admitted principal
 * patterns are never as wide as the account, and network sources are canonical CIDRs in private
 * address space (unless opted in with a reason) that never add up to a whole address space.
 */

const E = 'environments[0]';
const ACCOUNT = 'arn:aws:iam::111122223333';

function withEnv(edit: (env: any) => void): any {
  const raw = defaultConfigJson();
  edit(raw.environments[0]);
  return raw;
}

describe('exemptions are exact IAM role or user ARNs', () => {
  it.each<[string, string]>([
    [
      `${ACCOUNT}:role/*`,
      'without "*" or "?": this principal is exempted by ARN, and a pattern exempts every principal it matches (this one matches every role of the account)',
    ],
    [`${ACCOUNT}:role/break-glass-?`, 'without "*" or "?"'],
    [`${ACCOUNT}:*`, '(this one matches every principal of the account)'],
    [
      'arn:aws:sts::111122223333:assumed-role/break-glass/alice',
      `expected the IAM role ARN, not an STS session ARN: aws:PrincipalArn holds the role's ARN and never a session's, so this entry would match no call; did you mean "${ACCOUNT}:role/break-glass"`,
    ],
    ['arn:aws:sts::111122223333:federated-user/alice', 'not an STS ARN: aws:PrincipalArn never holds one'],
    [`${ACCOUNT}:group/admins`, 'not a group: a group is never the principal of a call'],
    [`${ACCOUNT}:root`, 'not the account root: it stands for every principal of the account'],
    [`${ACCOUNT}:role/`, 'expected an exact IAM role or user ARN "arn:<partition>:iam::<12-digit account>:role|user/<path/name>"'],
  ])('GIVEN breakGlassPrincipalArns [%s] THEN the loader refuses it, saying why', (arn, why) => {
    const problems = problemsOf(withEnv((e) => (e.breakGlassPrincipalArns = [arn])));
    expect(problems).toEqual([expect.stringContaining(`${E}.breakGlassPrincipalArns[0]: found ${JSON.stringify(arn)}; `)]);
    expect(problems[0]).toContain(why);
  });

  it.each<[string, string]>([
    ['deployRoleArn', `${ACCOUNT}:role/platform-*`],
    ['deployRoleArn', `${ACCOUNT}:user/platform-deploy`],
    ['deployRoleArn', 'arn:aws:sts::111122223333:assumed-role/platform-deploy/ci'],
  ])('GIVEN %s %s THEN the loader refuses it (an exact role)', (field, arn) => {
    expect(problemsOf(withEnv((e) => (e[field] = arn)))).toEqual([
      expect.stringMatching(new RegExp(`^${E.replace(/[[\]]/g, '\\$&')}\\.${field}: found "${arn.replace(/[*?]/g, '\\$&')}"; expected `)),
    ]);
  });

  it('GIVEN audit.ignoredRoleArns with a pattern THEN the loader refuses it: an ignored role goes unseen by the alarm, so it is an exemption', () => {
    expect(problemsOf(withEnv((e) => (e.audit = { ignoredRoleArns: [`${ACCOUNT}:role/*`] })))).toEqual([
      expect.stringMatching(/^environments\[0\]\.audit\.ignoredRoleArns\[0\]: found ".*role\/\*"; expected an exact IAM role ARN .*every role of the account/),
    ]);
  });

  it('GIVEN exact roles and users with paths THEN they are accepted', () => {
    const raw = withEnv((e) => {
      e.breakGlassPrincipalArns = [`${ACCOUNT}:role/ops/break-glass`, `${ACCOUNT}:user/emergency.operator@corp`];
      e.deployRoleArn = `${ACCOUNT}:role/service-role/platform-deploy`;
    });
    expect(() => parseConfig(raw)).not.toThrow();
  });
});

describe('admitted principal patterns are narrower than the account', () => {
  it.each<[string, string]>([
    [`${ACCOUNT}:*`, 'this one matches every principal of the account'],
    [`${ACCOUNT}:role/*`, 'this one matches every role of the account'],
    [`${ACCOUNT}:user/*`, 'this one matches every user of the account'],
    [`${ACCOUNT}:role/?*`, 'this one matches every role of the account'],
    [`${ACCOUNT}:role/*/*`, 'this one matches every role of the account'],
    [`${ACCOUNT}:r*/app`, 'roles and users alike'],
    ['*', 'this one matches every principal of every account'],
    ['arn:aws:sts::111122223333:assumed-role/app/i-0abc', 'not an STS session ARN'],
    [`${ACCOUNT}:group/apps`, 'not a group'],
  ])('GIVEN appVpc.principalArns [%s] THEN the loader refuses it: %s', (arn, why) => {
    const problems = problemsOf(withEnv((e) => (e.appVpc.principalArns = [arn])));
    expect(problems).toEqual([expect.stringContaining(`${E}.appVpc.principalArns[0]: found ${JSON.stringify(arn)}; expected `)]);
    expect(problems[0]).toContain(why);
  });

  it('GIVEN adminVpc.principalArns with an account-wide pattern THEN the loader refuses it there too', () => {
    expect(problemsOf(withEnv((e) => (e.adminVpc.principalArns = [`${ACCOUNT}:role/*`])))).toEqual([
      `${E}.adminVpc.principalArns[0]: found "${ACCOUNT}:role/*"; expected a narrower pattern: this one matches every role of the account, and the endpoint policy would admit them all; name the roles, or a path or prefix of yours such as "role/team-a/*"`,
    ]);
  });

  it('GIVEN narrow patterns (a path, a prefix) THEN they are accepted', () => {
    const raw = withEnv((e) => (e.appVpc.principalArns = [`${ACCOUNT}:role/apps/*`, `${ACCOUNT}:role/app-?`, `${ACCOUNT}:user/batch-*`]));
    expect(() => parseConfig(raw)).not.toThrow();
  });
});

describe('network inputs', () => {
  it.each<[string, string, string]>([
    ['10.20.5.0/16', 'host bits set below /16', 'did you mean "10.20.0.0/16"?'],
    ['010.0.0.0/8', 'leading zeros', 'did you mean "10.0.0.0/8"?'],
    ['10.0.0.0/016', 'leading zeros', 'did you mean "10.0.0.0/16"?'],
    ['FD00:EC2::/56', 'canonical form', 'did you mean "fd00:ec2::/56"?'],
  ])('GIVEN allowedCidrs [%s] THEN the loader refuses it with the corrected form', (cidr, why, suggestion) => {
    const problems = problemsOf(withEnv((e) => (e.adminVpc.allowedCidrs = [cidr])));
    expect(problems).toEqual([expect.stringContaining(`${E}.adminVpc.allowedCidrs[0]: found ${JSON.stringify(cidr)}; expected `)]);
    expect(problems[0]).toContain(why);
    expect(problems[0]).toContain(suggestion);
  });

  it.each<[string, string]>([
    ['10.20.5.0/16', 'did you mean "10.20.0.0/16"?'],
    ['010.20.0.0/16', 'did you mean "10.20.0.0/16"?'],
    ['10.20.0.0/8', 'expected an IPv4 CIDR from /16 to /24'],
  ])('GIVEN create.cidrBlock %s THEN the loader refuses it', (cidr, expected) => {
    const problems = problemsOf(withEnv((e) => (e.appVpc.create.cidrBlock = cidr)));
    expect(problems).toEqual([expect.stringContaining(`${E}.appVpc.create.cidrBlock: found ${JSON.stringify(cidr)}; expected `)]);
    expect(problems[0]).toContain(expected);
  });

  it('GIVEN public sources without an opt-in THEN each is refused at its path; a created VPC with a public CIDR and no allowedCidrs too', () => {
    const raw = withEnv((e) => {
      e.adminVpc.allowedCidrs = ['10.10.0.0/16', '203.0.113.0/24', '2600:1f14:abc:de00::/56'];
      e.appVpc.create.cidrBlock = '11.20.0.0/16';
    });
    expect(problemsOf(raw)).toEqual([
      `${E}.adminVpc.allowedCidrs[1]: found "203.0.113.0/24"; expected private address space (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10): 203.0.113.0/24 reaches outside it; to admit it anyway, add "publicSources": { "reason": "…" } to this VPC entry`,
      `${E}.adminVpc.allowedCidrs[2]: found "2600:1f14:abc:de00::/56"; expected private address space (fc00::/7): 2600:1f14:abc:de00::/56 reaches outside it; to admit it anyway, add "publicSources": { "reason": "…" } to this VPC entry`,
      `${E}.appVpc.create.cidrBlock: found "11.20.0.0/16"; expected private address space (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10): 11.20.0.0/16 reaches outside it; to admit it anyway, add "publicSources": { "reason": "…" } to this VPC entry`,
    ]);
  });

  it('GIVEN public sources with a written reason THEN they are accepted; a reason too short or an opt-in nothing needs is refused', () => {
    const ok = withEnv((e) => {
      e.adminVpc.allowedCidrs = ['10.10.0.0/16', '2600:1f14:abc:de00::/56'];
      e.adminVpc.publicSources = { reason: "the VPC's Amazon-provided IPv6 block" };
    });
    expect(parseConfig(ok).environments[0].adminVpc.publicSources).toEqual({ reason: "the VPC's Amazon-provided IPv6 block" });
    ok.environments[0].adminVpc.publicSources.reason = 'ipv6';
    expect(problemsOf(ok)).toEqual([
      `${E}.adminVpc.publicSources.reason: found "ipv6"; expected a written reason of at least 10 characters saying why these endpoints admit public address space`,
    ]);
    const unneeded = withEnv((e) => {
      e.appVpc.publicSources = { reason: 'just in case we need it' };
      e.adminVpc = {
        vpcId: 'vpc-0a1b2c3d',
        subnets: [{ subnetId: 'subnet-0a1b2c3d', availabilityZone: 'us-west-2a' }],
        sourceSecurityGroupIds: ['sg-0a1b2c3d'],
      };
      e.adminVpc.publicSources = { reason: 'just in case we need it' };
    });
    expect(problemsOf(unneeded)).toEqual([
      `${E}.adminVpc.publicSources: found {"reason":"just in case we need it"}; expected no publicSources: no CIDR source here is outside private address space, so the opt-in would only hide a later public one`,
      `${E}.appVpc.publicSources: found {"reason":"just in case we need it"}; expected no publicSources: no CIDR source here is outside private address space, so the opt-in would only hide a later public one`,
    ]);
  });

  it.each<[string, string[], string]>([
    ['two IPv4 halves', ['0.0.0.0/1', '128.0.0.0/1'], 'IPv4'],
    ['four IPv4 quarters and a VPC range', ['10.0.0.0/16', '0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2', '192.0.0.0/2'], 'IPv4'],
    ['IPv6 halves', ['::/1', '8000::/1'], 'IPv6'],
  ])('GIVEN %s opted in as public THEN the loader still refuses them: they add up to every address', (_label, cidrs, family) => {
    const raw = withEnv((e) => {
      e.adminVpc.allowedCidrs = cidrs;
      e.adminVpc.publicSources = { reason: 'partners reach us over the internet' };
    });
    expect(problemsOf(raw)).toEqual([
      `${E}.adminVpc.allowedCidrs: found ${JSON.stringify(cidrs)}; expected ranges that leave out part of the address space: together these admit every ${family} address, as ${family === 'IPv4' ? '0.0.0.0/0' : '::/0'} would`,
    ]);
  });

  it('GIVEN existing-vpcs-fips.json THEN its Amazon-provided IPv6 block is admitted through a written publicSources reason', () => {
    const raw = exampleConfigJson('existing-vpcs-fips.json');
    expect(raw.environments[0].adminVpc.publicSources.reason).toMatch(/Amazon-provided IPv6/);
    delete raw.environments[0].adminVpc.publicSources;
    expect(problemsOf(raw)).toEqual([
      expect.stringMatching(/^environments\[0\]\.adminVpc\.allowedCidrs\[2\]: found "2600:1f14:abc:de00::\/56"; expected private address space/),
    ]);
  });
});
