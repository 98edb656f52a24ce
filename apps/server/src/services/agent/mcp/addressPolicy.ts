import { BlockList, isIP } from 'node:net';

/**
 * Address ranges an MCP server URL from a project must not reach: the server's own host, the networks
 * it sits on, and cloud metadata endpoints. Each range carries what a person would call it.
 */
const ranges: { prefix: string; bits: number; family: 'ipv4' | 'ipv6'; kind: string }[] = [
  { prefix: '0.0.0.0', bits: 8, family: 'ipv4', kind: 'an unspecified ("this host") address' },
  { prefix: '10.0.0.0', bits: 8, family: 'ipv4', kind: 'a private address' },
  { prefix: '100.64.0.0', bits: 10, family: 'ipv4', kind: 'a shared (carrier-grade NAT) address' },
  { prefix: '127.0.0.0', bits: 8, family: 'ipv4', kind: 'a loopback address' },
  { prefix: '169.254.0.0', bits: 16, family: 'ipv4', kind: 'a link-local (cloud metadata) address' },
  { prefix: '172.16.0.0', bits: 12, family: 'ipv4', kind: 'a private address' },
  { prefix: '192.0.0.0', bits: 24, family: 'ipv4', kind: 'a protocol-assignment address' },
  { prefix: '192.168.0.0', bits: 16, family: 'ipv4', kind: 'a private address' },
  { prefix: '198.18.0.0', bits: 15, family: 'ipv4', kind: 'a benchmarking address' },
  { prefix: '224.0.0.0', bits: 4, family: 'ipv4', kind: 'a multicast address' },
  { prefix: '240.0.0.0', bits: 4, family: 'ipv4', kind: 'a reserved address' },
  { prefix: '::', bits: 128, family: 'ipv6', kind: 'an unspecified address' },
  { prefix: '::1', bits: 128, family: 'ipv6', kind: 'a loopback address' },
  { prefix: 'fc00::', bits: 7, family: 'ipv6', kind: 'a unique-local (private) address' },
  { prefix: 'fe80::', bits: 10, family: 'ipv6', kind: 'a link-local address' },
  { prefix: 'fec0::', bits: 10, family: 'ipv6', kind: 'a site-local address' },
  { prefix: 'ff00::', bits: 8, family: 'ipv6', kind: 'a multicast address' },
];

const lists = ranges.map((range) => {
  const list = new BlockList();
  list.addSubnet(range.prefix, range.bits, range.family);
  return { list, range };
});

/**
 * Why `address` (an IP literal) is off limits, e.g. "a loopback address", or null when it is a public
 * address. IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4) are judged by that address.
 */
export function forbiddenAddressKind(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return 'not an IP address';
  if (family === 6) {
    const embedded = embeddedIpv4(bare);
    if (embedded !== null) return forbiddenAddressKind(embedded);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const { list, range } of lists) {
    if (range.family === type && list.check(bare, type)) return range.kind;
  }
  return null;
}

/** The IPv4 address inside `::ffff:a.b.c.d`, `64:ff9b::/96` (NAT64) or `2002::/16` (6to4), if any. */
function embeddedIpv4(address: string): string | null {
  const groups = expandIpv6(address);
  if (groups === null) return null;
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups;
  const mapped = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && (g5 === 0xffff || g5 === 0);
  // `::` and `::1` are IPv6 addresses of their own, not IPv4-compatible ones.
  if (mapped && !(g5 === 0 && g6 === 0)) return ipv4(g6, g7);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return ipv4(g6, g7);
  if (g0 === 0x2002) return ipv4(g1, g2);
  return null;
}

function ipv4(high: number | undefined, low: number | undefined): string {
  const h = high ?? 0;
  const l = low ?? 0;
  return `${h >> 8}.${h & 0xff}.${l >> 8}.${l & 0xff}`;
}

/** Eight 16-bit groups; a trailing dotted IPv4 part counts as two. */
function expandIpv6(address: string): number[] | null {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1] !== undefined) {
    const parts = dotted[1].split('.').map(Number);
    const [a = 0, b = 0, c = 0, d = 0] = parts;
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  const missing = 8 - front.length - back.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return null;
  return [...front, ...new Array<number>(missing).fill(0), ...back];
}
