/**
 * Who a client is, for the per-client limits (call requests, ENDs, streams, connections),
 * from its address: an IPv4 address as it is, an IPv6 address by its network prefix. One
 * host is given a whole /64 by its provider and can rotate through it freely, so counting
 * exact IPv6 addresses would give it billions of allowances. Runs on any runtime.
 */

/** How many leading bits of an IPv6 address name one client, by default. */
export const DEFAULT_IPV6_PREFIX_LENGTH = 64;

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail included), or `null`. */
function ipv6Groups(address: string): number[] | null {
  let text = address;
  const tail = IPV4.exec(text.slice(text.lastIndexOf(':') + 1));
  const tailGroups: number[] = [];
  if (tail) {
    const bytes = tail.slice(1).map(Number);
    if (bytes.some((byte) => byte > 255)) return null;
    tailGroups.push((bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!);
    text = text.slice(0, text.lastIndexOf(':') + 1) + '0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const wanted = 8 - (tail ? 1 : 0);
  const missing = wanted - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const hex = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (tail) hex.pop();
  if (hex.some((group) => !/^[0-9a-f]{1,4}$/i.test(group))) return null;
  return [...hex.map((group) => parseInt(group, 16)), ...tailGroups];
}

/**
 * The identity of the client at `address`: `203.0.113.7` for IPv4 (and IPv4-mapped IPv6),
 * `2001:db8:1:2:0:0:0:0/64` for IPv6 with the default prefix; `null` with no address. Anything
 * else a platform passes is used as it is.
 */
export function clientIdentity(address: string | null | undefined, ipv6PrefixLength = DEFAULT_IPV6_PREFIX_LENGTH): string | null {
  if (!address) return null;
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (IPV4.test(bare)) return bare;
  if (!bare.includes(':')) return address;
  const groups = ipv6Groups(bare);
  if (!groups) return address;
  // ::ffff:a.b.c.d is an IPv4 client on a dual-stack socket.
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.');
  }
  const kept = groups.map((group, index) => {
    const bitsBefore = index * 16;
    if (bitsBefore >= ipv6PrefixLength) return 0;
    const keep = Math.min(16, ipv6PrefixLength - bitsBefore);
    return group & ((0xffff << (16 - keep)) & 0xffff);
  });
  return `${kept.map((group) => group.toString(16)).join(':')}/${ipv6PrefixLength}`;
}

/** Checks a configured prefix length. */
export function checkIpv6PrefixLength(value: number, where: string): void {
  if (!(Number.isInteger(value) && value >= 1 && value <= 128)) {
    throw new TypeError(`${where}: ipv6PrefixLength must be a whole number from 1 to 128 (got ${value}).`);
  }
}
