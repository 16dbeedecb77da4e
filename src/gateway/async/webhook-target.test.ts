import { describe, expect, it } from 'vitest';
import { isPublicAddress, refusedHost } from './webhook-target.js';

/** Each non-public range by its first and last address, and the public neighbours just outside. */
const notPublic = [
  // IPv4
  ['0.0.0.0', 'this network'],
  ['0.255.255.255', 'this network, last'],
  ['10.0.0.0', 'private 10/8'],
  ['10.255.255.255', 'private 10/8, last'],
  ['100.64.0.0', 'CGNAT 100.64/10'],
  ['100.127.255.255', 'CGNAT, last'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.255', 'loopback, last'],
  ['169.254.0.0', 'link-local'],
  ['169.254.169.254', 'cloud metadata'],
  ['169.254.255.255', 'link-local, last'],
  ['172.16.0.0', 'private 172.16/12'],
  ['172.31.255.255', 'private 172.16/12, last'],
  ['192.0.0.0', 'IETF protocol assignments'],
  ['192.0.0.255', 'IETF protocol assignments, last'],
  ['192.0.2.0', 'TEST-NET-1'],
  ['192.0.2.255', 'TEST-NET-1, last'],
  ['192.168.0.0', 'private 192.168/16'],
  ['192.168.255.255', 'private 192.168/16, last'],
  ['198.18.0.0', 'benchmarking'],
  ['198.19.255.255', 'benchmarking, last'],
  ['198.51.100.0', 'TEST-NET-2'],
  ['198.51.100.255', 'TEST-NET-2, last'],
  ['203.0.113.0', 'TEST-NET-3'],
  ['203.0.113.255', 'TEST-NET-3, last'],
  ['224.0.0.0', 'multicast'],
  ['239.255.255.255', 'multicast, last'],
  ['240.0.0.0', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  // IPv6
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['fc00::', 'unique-local'],
  ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'unique-local, last'],
  ['fe80::', 'link-local'],
  ['fe80::1%eth0', 'link-local with a zone'],
  ['febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'link-local, last'],
  ['fec0::1', 'old site-local'],
  ['ff00::', 'multicast'],
  ['ff02::1', 'multicast, all nodes'],
  ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'multicast, last'],
  ['2001:db8::', 'documentation'],
  ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', 'documentation, last'],
  ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
  ['::ffff:7f00:1', 'IPv4-mapped loopback, hex (as URL writes it)'],
  ['::FFFF:A9FE:A9FE', 'IPv4-mapped metadata, upper case'],
  ['::ffff:10.1.2.3', 'IPv4-mapped private'],
  ['0:0:0:0:0:ffff:c0a8:1', 'IPv4-mapped private, spelled out'],
  ['64:ff9b::7f00:1', 'NAT64 of loopback'],
  ['64:ff9b::10.0.0.1', 'NAT64 of private'],
  ['2002:a9fe:a9fe::1', '6to4 of cloud metadata'],
  ['::7f00:1', 'IPv4-compatible (deprecated)'],
  ['100::1', 'discard-only'],
  // Not an address at all
  ['localhost', 'a name'],
  ['', 'empty'],
  ['256.0.0.1', 'out of range'],
] as const;

const isPublic = [
  ['8.8.8.8', 'Google DNS'],
  ['1.1.1.1', 'Cloudflare DNS'],
  ['1.0.0.0', 'just after this network'],
  ['9.255.255.255', 'just before 10/8'],
  ['11.0.0.0', 'just after 10/8'],
  ['100.63.255.255', 'just before CGNAT'],
  ['100.128.0.0', 'just after CGNAT'],
  ['126.255.255.255', 'just before loopback'],
  ['128.0.0.0', 'just after loopback'],
  ['169.253.255.255', 'just before link-local'],
  ['169.255.0.0', 'just after link-local'],
  ['172.15.255.255', 'just before 172.16/12'],
  ['172.32.0.0', 'just after 172.16/12'],
  ['192.0.1.255', 'between 192.0.0/24 and TEST-NET-1'],
  ['192.0.3.0', 'just after TEST-NET-1'],
  ['192.167.255.255', 'just before 192.168/16'],
  ['192.169.0.0', 'just after 192.168/16'],
  ['198.17.255.255', 'just before benchmarking'],
  ['198.20.0.0', 'just after benchmarking'],
  ['198.51.99.255', 'just before TEST-NET-2'],
  ['198.51.101.0', 'just after TEST-NET-2'],
  ['203.0.112.255', 'just before TEST-NET-3'],
  ['203.0.114.0', 'just after TEST-NET-3'],
  ['223.255.255.255', 'just before multicast'],
  ['2606:4700::1111', 'Cloudflare DNS'],
  ['2001:4860:4860::8888', 'Google DNS'],
  ['2000::', 'first global unicast'],
  ['3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'last global unicast'],
  ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', 'just before documentation'],
  ['2001:db9::', 'just after documentation'],
  ['::ffff:8.8.8.8', 'IPv4-mapped public'],
  ['::ffff:808:808', 'IPv4-mapped public, hex'],
  ['64:ff9b::1.1.1.1', 'NAT64 of a public address (IPv6-only networks reach IPv4 this way)'],
  ['2002:808:808::1', '6to4 of a public address'],
] as const;

describe('isPublicAddress', () => {
  it.each(notPublic)('%s is not public (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(isPublic)('%s is public (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('refusedHost (the accept-time check, on URL.hostname)', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1 is not a public address'],
    ['[::1]', '::1 is not a public address'],
    ['[::ffff:7f00:1]', '::ffff:7f00:1 is not a public address'],
    ['169.254.169.254', '169.254.169.254 is not a public address'],
    ['localhost', 'localhost is this machine'],
    ['localhost.', 'localhost is this machine'],
    ['api.localhost', 'api.localhost is this machine'],
  ])('refuses %s', (hostname, reason) => {
    expect(refusedHost(hostname)).toBe(reason);
  });

  it.each(['hooks.example.com', '8.8.8.8', '[2606:4700::1111]', 'localhost.example.com', 'mylocalhost'])(
    'leaves %s to the delivery (a name is not resolved here)',
    (hostname) => {
      expect(refusedHost(hostname)).toBeUndefined();
    },
  );
});
