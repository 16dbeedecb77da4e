import { BlockList, isIP, isIPv4 } from 'node:net';

/**
 * Which webhook targets the gateway may call when `gateway.allowPrivateWebhooks` is off: only
 * public addresses. Anything else would let a team holding a gateway key make the gateway call
 * services that only it can reach (loopback, the private network, cloud metadata at
 * 169.254.169.254).
 */

const nonPublicIPv4 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address 255.255.255.255
] as const) {
  nonPublicIPv4.addSubnet(network, prefix, 'ipv4');
}

/**
 * IPv6 is judged the other way round: only global unicast (2000::/3) can be public. That leaves
 * out ::, ::1, unique-local fc00::/7, link-local fe80::/10, the old site-local fec0::/10 and
 * multicast ff00::/8 without listing them. The forms that carry an IPv4 address are judged by it.
 */
const globalUnicastIPv6 = new BlockList();
globalUnicastIPv6.addSubnet('2000::', 3, 'ipv6');
const nonPublicGlobalIPv6 = new BlockList();
nonPublicGlobalIPv6.addSubnet('2001:db8::', 32, 'ipv6'); // documentation

/** Whether `address` (an IPv4 or IPv6 literal, without brackets) is a public one. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !nonPublicIPv4.check(address, 'ipv4');
  if (family !== 6) return false;
  const groups = ipv6Groups(address);
  const embedded = embeddedIPv4(groups);
  if (embedded !== undefined) return isPublicAddress(embedded);
  const canonical = groups.map((group) => group.toString(16)).join(':');
  return globalUnicastIPv6.check(canonical, 'ipv6') && !nonPublicGlobalIPv6.check(canonical, 'ipv6');
}

/**
 * The IPv4 address an IPv6 address stands for, where the packet would in the end go to it:
 * IPv4-mapped ::ffff:a.b.c.d (the socket speaks IPv4), NAT64 64:ff9b::a.b.c.d (the translator
 * forwards to it) and 6to4 2002:aabb:ccdd:: (the relay forwards to a.b.c.d).
 */
function embeddedIPv4(groups: readonly number[]): string | undefined {
  const zeros = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  if (zeros(0, 5) && groups[5] === 0xffff) return dotted(groups[6]!, groups[7]!);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return dotted(groups[6]!, groups[7]!);
  if (groups[0] === 0x2002) return dotted(groups[1]!, groups[2]!);
  return undefined;
}

function dotted(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The eight 16-bit groups of a valid IPv6 literal (`::` expanded, a trailing a.b.c.d converted). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (isIPv4(tail)) {
    const [a, b, c, d] = tail.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  const before = parse(head);
  const after = rest === undefined ? [] : parse(rest);
  return [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
}

/**
 * Why the host of a webhook URL is refused before any DNS is asked, or undefined: an IP literal
 * that is not public, or `localhost` and its subdomains (RFC 6761: they always mean this machine).
 * Other names are judged when the delivery connects, by the addresses they resolve to then.
 * `hostname` is as `URL` gives it: lowercase, IPv4 in dotted form, IPv6 in brackets.
 */
export function refusedHost(hostname: string): string | undefined {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname.replace(/\.+$/, '');
  if (isIP(host) !== 0) return isPublicAddress(host) ? undefined : `${host} is not a public address`;
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is this machine`;
  return undefined;
}

/** How an operator lets webhooks reach non-public addresses; quoted in every refusal. */
export const allowPrivateWebhooksHint =
  'set gateway.allowPrivateWebhooks: true in spendwall.yaml to allow it';
