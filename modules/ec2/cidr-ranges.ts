/**
 * IPv4 and IPv6 CIDRs as numbers (bigint): strict parsing in the form the AWS provider accepts
 * (`net.ParseCIDR` with the network address written as Go writes it back), private address space,
 * and the union of a set of ranges. Shared by the config loader, {@link EndpointSecurityGroup} and
 * the ingress guardrails, so each refuses the same inputs with the same words.
 */

/** Address family of a CIDR. */
export type IpFamily = 'ipv4' | 'ipv6';

/** A parsed CIDR: the block from `first` to `last`, both included. */
export interface CidrRange {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
  readonly prefix: number;
  /** The canonical text (`10.20.0.0/16`, `2600:1f14:abc:de00::/56`). */
  readonly text: string;
}

/** Why a text is not a CIDR the AWS provider accepts: the `expected …` part of a message, with the corrected form when there is one. */
export interface CidrProblem {
  /** `PLS_BAD_CIDR`. */
  readonly code: 'PLS_BAD_CIDR';
  /** What is expected instead (no leading "expected "). */
  readonly expected: string;
  /** The corrected CIDR, when the text names one unambiguously. */
  readonly suggestion?: string;
}

const BITS: Record<IpFamily, number> = { ipv4: 32, ipv6: 128 };

/** Private address space: RFC 1918, RFC 6598 shared address space (100.64.0.0/10), IPv6 unique local addresses (fc00::/7). */
export const PRIVATE_ADDRESS_SPACE: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

function ipv4Text(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}

/** RFC 5952 text, as Go's net.IP.String writes it: lower case, no leading zeros, the longest run (≥ 2, first on a tie) of zero groups as "::". */
function ipv6Text(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`;
}

function rangeOf(family: IpFamily, address: bigint, prefix: number): CidrRange {
  const hostBits = BigInt(BITS[family] - prefix);
  const first = (address >> hostBits) << hostBits;
  const last = first + (1n << hostBits) - 1n;
  return { family, first, last, prefix, text: `${family === 'ipv4' ? ipv4Text(first) : ipv6Text(first)}/${prefix}` };
}

function ipv4Value(address: string): bigint | undefined {
  const octets = address.split('.');
  if (octets.length !== 4 || !octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)) return undefined;
  return octets.reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}

function ipv6Value(address: string): bigint | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(address)) return undefined;
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (![...head, ...tail].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  return [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail].reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/**
 * Parses a CIDR strictly: an IPv4 or IPv6 network address and a prefix length, written as the AWS
 * provider writes it back (no leading zeros, no host bits, IPv6 in RFC 5952 form); anything else is
 * a {@link CidrProblem} that names the corrected form when there is one.
 */
export function parseCidr(text: string): CidrRange | CidrProblem {
  const bad = (expected: string, suggestion?: string): CidrProblem => ({ code: 'PLS_BAD_CIDR', expected, suggestion });
  const slash = text.split('/');
  const family: IpFamily = text.includes(':') ? 'ipv6' : 'ipv4';
  if (slash.length !== 2 || !/^\d{1,3}$/.test(slash[1])) {
    return bad(`an IPv4 or IPv6 CIDR (address "/" prefix length) such as "10.0.0.0/16"`);
  }
  const prefix = Number(slash[1]);
  const address = family === 'ipv4' ? ipv4Value(slash[0]) : ipv6Value(slash[0]);
  if (address === undefined || prefix > BITS[family]) {
    return family === 'ipv4'
      ? bad('an IPv4 CIDR with four decimal octets ≤ 255 and a prefix ≤ 32, such as "10.0.0.0/16"')
      : bad('an IPv6 CIDR with hexadecimal groups and a prefix ≤ 128, such as "fd00:ec2::/56"');
  }
  const range = rangeOf(family, address, prefix);
  if (range.text === text) return range;
  const why: string[] = [];
  if (range.first !== address) why.push(`host bits set below /${prefix}: the network address of the block is ${range.text.split('/')[0]}`);
  if (family === 'ipv4' && /(^|[./])0\d/.test(text)) why.push('leading zeros, which some tools read as octal');
  if (family === 'ipv6' && range.first === address)
    why.push('the address not in its canonical form (lower case, no leading zeros, the longest run of zero groups as "::")');
  if (why.length === 0) why.push('a form the provider writes differently');
  return bad(`a CIDR written as the AWS provider accepts it: this one has ${why.join(' and ')}; did you mean "${range.text}"?`, range.text);
}

/** True when `value` is a {@link CidrProblem}. */
export function isCidrProblem(value: CidrRange | CidrProblem): value is CidrProblem {
  return 'code' in value;
}

const PRIVATE_RANGES = PRIVATE_ADDRESS_SPACE.map((c) => parseCidr(c) as CidrRange);

/** True when the whole range lies in private address space ({@link PRIVATE_ADDRESS_SPACE}). */
export function isPrivateRange(range: CidrRange): boolean {
  return PRIVATE_RANGES.some((p) => p.family === range.family && p.first <= range.first && range.last <= p.last);
}

/**
 * The address families whose whole address space the ranges cover together (`0.0.0.0/1` and
 * `128.0.0.0/1` cover every IPv4 address, as `0.0.0.0/0` does), each with the CIDRs that do it.
 */
export function familiesCoveredEntirely(ranges: readonly CidrRange[]): { family: IpFamily; cidrs: string[] }[] {
  return (['ipv4', 'ipv6'] as const).flatMap((family) => {
    const own = ranges.filter((r) => r.family === family).sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    let next = 0n; // first address not yet covered
    for (const r of own) {
      if (r.first > next) break;
      if (r.last + 1n > next) next = r.last + 1n;
    }
    return own.length && next === 1n << BigInt(BITS[family]) ? [{ family, cidrs: own.map((r) => r.text) }] : [];
  });
}

/** "every IPv4 address" / "every IPv6 address", for messages. */
export function everyAddressOf(family: IpFamily): string {
  return `every ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address, as ${family === 'ipv4' ? '0.0.0.0/0' : '::/0'} would`;
}

/** `private address space (10.0.0.0/8, …): <cidr> reaches outside it`, for the `expected …` of a public source. */
export function privateSpaceExpectation(range: CidrRange): string {
  const own = PRIVATE_ADDRESS_SPACE.filter((c) => c.includes(':') === (range.family === 'ipv6'));
  return `private address space (${own.join(', ')}): ${range.text} reaches outside it`;
}
