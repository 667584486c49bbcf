// The SSRF guard: a webhook may only reach public unicast addresses. The host is resolved, every
// address it resolves to is checked (IPv4 and IPv6, with IPv4 embedded in IPv6 unwrapped), and
// the caller connects to the checked address itself, so a second DNS answer cannot rebind it.
// WEBHOOK_ALLOW_PRIVATE_NETWORKS opens private, loopback and link-local ranges (and plain http to
// them) for development; unspecified, multicast and reserved addresses stay closed regardless.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export type AddressClass = 'public' | 'private' | 'forbidden';

type Range = readonly [prefix: readonly number[], bits: number, cls: Exclude<AddressClass, 'public'>];

/** IPv4 ranges as bytes: RFC 1918, loopback, link-local, CGNAT, IETF and documentation blocks. */
const ipv4Ranges: readonly Range[] = [
  [[0], 8, 'forbidden'], // "this network", 0.0.0.0
  [[10], 8, 'private'],
  [[100, 64], 10, 'private'], // carrier-grade NAT
  [[127], 8, 'private'], // loopback
  [[169, 254], 16, 'private'], // link-local (cloud metadata lives here)
  [[172, 16], 12, 'private'],
  [[192, 0, 0], 24, 'private'], // IETF protocol assignments
  [[192, 0, 2], 24, 'forbidden'], // documentation
  [[192, 88, 99], 24, 'forbidden'], // 6to4 relay anycast
  [[192, 168], 16, 'private'],
  [[198, 18], 15, 'private'], // benchmarking
  [[198, 51, 100], 24, 'forbidden'], // documentation
  [[203, 0, 113], 24, 'forbidden'], // documentation
  [[224], 4, 'forbidden'], // multicast
  [[240], 4, 'forbidden'], // reserved, broadcast
];

/** IPv6 ranges as bytes; ranges that embed an IPv4 address are unwrapped before these apply. */
const ipv6Ranges: readonly Range[] = [
  [[0x01, 0x00], 64, 'forbidden'], // discard-only 100::/64
  [[0x20, 0x01, 0x0d, 0xb8], 32, 'forbidden'], // documentation 2001:db8::/32
  [[0x20, 0x01, 0x00, 0x00], 32, 'private'], // Teredo (the IPv4 inside is obfuscated)
  [[0xfc], 7, 'private'], // unique local fc00::/7
  [[0xfe, 0x80], 10, 'private'], // link-local fe80::/10
  [[0xfe, 0xc0], 10, 'private'], // site-local fec0::/10 (deprecated)
  [[0xff], 8, 'forbidden'], // multicast
];

export function classifyAddress(ip: string): AddressClass {
  const family = isIP(ip);
  if (family === 4) return classifyBytes(ipv4Bytes(ip), ipv4Ranges);
  if (family !== 6) return 'forbidden';
  const bytes = ipv6Bytes(ip);
  if (bytes.every((byte, i) => byte === (i === 15 ? 1 : 0))) return 'private'; // ::1
  if (bytes.every((byte) => byte === 0)) return 'forbidden'; // ::
  const embedded = embeddedIpv4(bytes);
  if (embedded !== undefined) return classifyBytes(embedded, ipv4Ranges);
  return classifyBytes(bytes, ipv6Ranges);
}

function classifyBytes(bytes: readonly number[], ranges: readonly Range[]): AddressClass {
  for (const [prefix, bits, cls] of ranges) {
    if (matches(bytes, prefix, bits)) return cls;
  }
  return 'public';
}

function matches(bytes: readonly number[], prefix: readonly number[], bits: number): boolean {
  for (let bit = 0; bit < bits; bit += 1) {
    const index = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if (((bytes[index] ?? 0) & mask) !== ((prefix[index] ?? 0) & mask)) return false;
  }
  return true;
}

function ipv4Bytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** The 16 bytes of an IPv6 address (`::` expanded, a trailing dotted quad included). */
export function ipv6Bytes(ip: string): number[] {
  const zone = ip.indexOf('%');
  const text = (zone >= 0 ? ip.slice(0, zone) : ip).toLowerCase();
  const [head = '', tail] = text.split('::');
  const groups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (group.includes('.')) {
            const [a = 0, b = 0, c = 0, d = 0] = ipv4Bytes(group);
            return [(a << 8) | b, (c << 8) | d];
          }
          return [Number.parseInt(group, 16)];
        });
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return words.flatMap((word) => [word >> 8, word & 0xff]);
}

/** The IPv4 address inside an IPv4-mapped, IPv4-compatible, NAT64 or 6to4 IPv6 address. */
function embeddedIpv4(bytes: readonly number[]): number[] | undefined {
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((byte) => byte === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12); // ::ffff:a.b.c.d
  if (zeros(0, 12)) return bytes.slice(12); // ::a.b.c.d (deprecated IPv4-compatible)
  if (matches(bytes, [0x00, 0x64, 0xff, 0x9b], 96)) return bytes.slice(12); // 64:ff9b::/96
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6); // 2002::/16
  return undefined;
}

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
};

export interface GuardPolicy {
  readonly allowPrivateNetworks: boolean;
}

/** A checked destination: connect to `address` (never resolve `url.hostname` again). */
export interface Target {
  readonly url: URL;
  /** The host name without IPv6 brackets (for SNI and certificate checks). */
  readonly hostname: string;
  readonly address: string;
  readonly family: 4 | 6;
}

export type TargetCheck =
  | { readonly ok: true; readonly target: Target }
  /** `retryable`: the name did not resolve (may be temporary); otherwise the address is refused. */
  | { readonly ok: false; readonly reason: string; readonly retryable: boolean };

export async function checkTarget(
  rawUrl: string,
  policy: GuardPolicy,
  resolve: Resolver,
): Promise<TargetCheck> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return refuse('the address is not a valid URL');
  }
  const plainHttp = url.protocol === 'http:';
  if (url.protocol !== 'https:' && !(plainHttp && policy.allowPrivateNetworks)) {
    return refuse('the address must start with https://');
  }
  if (url.username !== '' || url.password !== '')
    return refuse('the address may not contain a user name or password');
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: readonly ResolvedAddress[];
  if (isIP(hostname) !== 0) {
    addresses = [{ address: hostname, family: isIP(hostname) === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await resolve(hostname);
    } catch {
      return { ok: false, reason: `the host name ${hostname} could not be resolved`, retryable: true };
    }
  }
  const first = addresses[0];
  if (first === undefined)
    return { ok: false, reason: `the host name ${hostname} has no address`, retryable: true };
  for (const { address } of addresses) {
    const cls = classifyAddress(address);
    // The address itself is not echoed: it would map a private network for whoever asks.
    if (cls === 'forbidden') return refuse(`${hostname} is or resolves to a reserved or multicast address`);
    if (cls === 'private' && !policy.allowPrivateNetworks) {
      return refuse(`${hostname} is or resolves to a private, loopback or link-local address`);
    }
    if (cls === 'public' && plainHttp)
      return refuse('plain http is allowed only to private networks; use https://');
  }
  return { ok: true, target: { url, hostname, address: first.address, family: first.family } };
}

function refuse(reason: string): TargetCheck {
  return { ok: false, reason, retryable: false };
}
