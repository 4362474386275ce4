import fc from 'fast-check';
import { CidrRange, familiesCoveredEntirely, isCidrProblem, isPrivateRange, parseCidr } from '../../../modules/ec2/cidr-ranges';

function range(text: string): CidrRange {
  const parsed = parseCidr(text);
  if (isCidrProblem(parsed)) throw new Error(`${text}: ${parsed.expected}`);
  return parsed;
}

describe('parseCidr', () => {
  it.each([
    '10.20.0.0/16',
    '0.0.0.0/0',
    '192.168.1.7/32',
    '2600:1f14:abc:de00::/56',
    '::/0',
    'fd00:ec2::/56',
    '2001:db8:0:1::/64',
    '2001:db8:0:0:1::/128',
    '2001:db8::1:0:0:1/128',
  ])('GIVEN the canonical %s THEN it parses to itself', (text) => {
    expect(range(text).text).toBe(text);
  });

  it.each<[string, string, RegExp]>([
    ['10.20.5.0/16', '10.20.0.0/16', /host bits set below \/16: the network address of the block is 10\.20\.0\.0; did you mean "10\.20\.0\.0\/16"\?/],
    ['010.0.0.0/8', '10.0.0.0/8', /leading zeros, which some tools read as octal; did you mean "10\.0\.0\.0\/8"\?/],
    ['10.0.0.0/08', '10.0.0.0/8', /leading zeros/],
    ['010.1.0.0/8', '10.0.0.0/8', /host bits .* and leading zeros/],
    ['2600:1f14:abc:de12::/56', '2600:1f14:abc:de00::/56', /host bits set below \/56/],
    ['FD00::/8', 'fd00::/8', /canonical form .*did you mean "fd00::\/8"/],
    ['2001:0db8:0:0:0:0:0:0/32', '2001:db8::/32', /canonical form/],
    ['2001:db8::1:0:0:0/128', '2001:db8:0:0:1::/128', /canonical form/],
    ['2001:db8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1/128', /canonical form/],
  ])('GIVEN %s THEN it is refused with the corrected form %s', (text, suggestion, message) => {
    const parsed = parseCidr(text);
    expect(isCidrProblem(parsed) && parsed.suggestion).toBe(suggestion);
    expect(isCidrProblem(parsed) && parsed.expected).toMatch(message);
  });

  it.each([
    '10.0.0.300/16',
    '10.0.0.0',
    '10.0.0/16',
    '10.0.0.0/33',
    '1.2.3.4/-1',
    ' 10.0.0.0/8',
    '::1::/64',
    '2001:db8::/129',
    'g::/64',
    '1:2:3:4:5:6:7:8:9/64',
    '::ffff:1.2.3.4/128',
  ])('GIVEN the malformed %s THEN it is refused without a suggestion', (text) => {
    const parsed = parseCidr(text);
    expect(isCidrProblem(parsed)).toBe(true);
    expect(isCidrProblem(parsed) && parsed.suggestion).toBeUndefined();
  });

  it('GIVEN any IPv4 address and prefix THEN the block is the address with its host bits cleared, and its text parses back to itself', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }), (n, prefix) => {
        const text = `${[24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.')}/${prefix}`;
        const parsed = parseCidr(text);
        const block = isCidrProblem(parsed) ? range(parsed.suggestion!) : parsed;
        const size = 2n ** BigInt(32 - prefix);
        expect(block.first).toBe((BigInt(n) / size) * size);
        expect(block.last - block.first + 1n).toBe(size);
        expect(range(block.text).text).toBe(block.text);
      }),
    );
  });
});

describe('isPrivateRange', () => {
  it.each<[string, boolean]>([
    ['10.0.0.0/8', true],
    ['172.16.0.0/12', true],
    ['172.31.255.0/24', true],
    ['192.168.0.0/16', true],
    ['100.64.0.0/10', true],
    ['100.127.0.0/16', true],
    ['fd00:ec2::/56', true],
    ['fc00::/7', true],
    ['8.0.0.0/7', false],
    ['10.0.0.0/7', false],
    ['172.32.0.0/16', false],
    ['100.128.0.0/16', false],
    ['0.0.0.0/1', false],
    ['2600:1f14::/56', false],
    ['fe80::/10', false],
  ])('%s → %s', (text, expected) => {
    expect(isPrivateRange(range(text))).toBe(expected);
  });
});

describe('familiesCoveredEntirely', () => {
  it.each<[string[], string[]]>([
    [['0.0.0.0/1', '128.0.0.0/1'], ['ipv4']],
    [['128.0.0.0/1', '0.0.0.0/2', '64.0.0.0/2'], ['ipv4']],
    [['0.0.0.0/0'], ['ipv4']],
    [['::/1', '8000::/1', '10.0.0.0/8'], ['ipv6']],
    [
      ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/2', '::/1', '8000::/2', 'c000::/2'],
      ['ipv4', 'ipv6'],
    ],
    [['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3'], []],
    [['0.0.0.0/1', '128.0.0.1/32', '128.0.0.0/1'].slice(0, 2), []],
    [['::/1', '0.0.0.0/1'], []],
    [['10.0.0.0/8', '10.0.0.0/16'], []],
  ])('%j covers every address of %j', (cidrs, families) => {
    expect(familiesCoveredEntirely(cidrs.map(range)).map((f) => f.family)).toEqual(families);
  });

  it('GIVEN the /0 split into 2^k blocks with one left out THEN nothing is covered; with all of them THEN IPv4 is', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.nat(), (k, pick) => {
        const blocks = Array.from({ length: 2 ** k }, (_, i) => range(`${(i * 2 ** (8 - k)) % 256}.0.0.0/${k}`));
        expect(familiesCoveredEntirely(blocks)).toHaveLength(1);
        const missing = pick % blocks.length;
        expect(familiesCoveredEntirely(blocks.filter((_, i) => i !== missing))).toEqual([]);
      }),
    );
  });
});
