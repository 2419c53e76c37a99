// Where webhooks may be sent. A URL is checked when it is registered (scheme, credentials, length,
// literal addresses) and every resolved address is checked again when the connection is made (a
// name can resolve anywhere, and can change between the check and the connection).
import net from 'node:net';
import { AppError } from '../../errors/app-error.ts';

export const MAX_URL_LENGTH = 2048;

export interface TargetPolicy {
  /** https only (production) or http and https (sandbox). */
  httpsOnly: boolean;
  /** Sandbox mode: loopback receivers (127.0.0.0/8, ::1) are allowed so local receivers work. */
  allowLoopback: boolean;
}

function blockList(entries: Array<[string, number, 'ipv4' | 'ipv6']>): net.BlockList {
  const list = new net.BlockList();
  for (const [address, prefix, type] of entries) list.addSubnet(address, prefix, type);
  return list;
}

const LOOPBACK = blockList([
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
]);

// Never a webhook target, in any mode.
const REFUSED: Array<{ reason: string; list: net.BlockList }> = [
  {
    reason: 'an unspecified or "this network" address',
    list: blockList([
      ['0.0.0.0', 8, 'ipv4'],
      ['::', 128, 'ipv6'],
    ]),
  },
  {
    reason: 'a private address',
    list: blockList([
      ['10.0.0.0', 8, 'ipv4'],
      ['172.16.0.0', 12, 'ipv4'],
      ['192.168.0.0', 16, 'ipv4'],
      ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
      ['192.0.0.0', 24, 'ipv4'], // IETF protocol assignments
      ['198.18.0.0', 15, 'ipv4'], // benchmarking
      ['fc00::', 7, 'ipv6'], // unique local (includes AWS fd00:ec2::254)
    ]),
  },
  {
    reason: 'a link-local or cloud metadata address',
    list: blockList([
      ['169.254.0.0', 16, 'ipv4'],
      ['fe80::', 10, 'ipv6'],
    ]),
  },
  { reason: 'a metadata address', list: blockList([['100.100.100.200', 32, 'ipv4']]) },
  {
    reason: 'a multicast address',
    list: blockList([
      ['224.0.0.0', 4, 'ipv4'],
      ['ff00::', 8, 'ipv6'],
    ]),
  },
  {
    reason: 'a reserved or documentation address',
    list: blockList([
      ['240.0.0.0', 4, 'ipv4'], // includes 255.255.255.255
      ['192.0.2.0', 24, 'ipv4'],
      ['198.51.100.0', 24, 'ipv4'],
      ['203.0.113.0', 24, 'ipv4'],
      ['2001:db8::', 32, 'ipv6'],
      ['64:ff9b::', 96, 'ipv6'], // NAT64 can reach any IPv4 address, private ones included
      ['2002::', 16, 'ipv6'], // 6to4, same
    ]),
  },
];

/** IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it carries. */
function unmap(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, type: 'ipv4' };
  return { address, type: net.isIPv4(address) ? 'ipv4' : 'ipv6' };
}

/** Why `address` may not be called under `policy`, or undefined when it may. */
export function refusedAddress(address: string, policy: Pick<TargetPolicy, 'allowLoopback'>): string | undefined {
  if (net.isIP(address) === 0) return 'not an IP address';
  const { address: a, type } = unmap(address);
  if (LOOPBACK.check(a, type)) return policy.allowLoopback ? undefined : 'a loopback address';
  for (const { reason, list } of REFUSED) if (list.check(a, type)) return reason;
  return undefined;
}

function invalidUrl(rule: string, message: string): AppError {
  return new AppError('INVALID_URL', { message: `\`url\` ${message}`, data: { field: 'url', rule } });
}

/** Checks a registration URL and returns it normalised (WHATWG serialisation). */
export function validateWebhookUrl(raw: string, policy: TargetPolicy): string {
  if (raw.length > MAX_URL_LENGTH) throw invalidUrl('maxLength', `must be at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidUrl('format', 'must be an absolute URL such as https://example.com/webhooks');
  }
  const allowed = policy.httpsOnly ? ['https:'] : ['https:', 'http:'];
  if (!allowed.includes(url.protocol)) {
    throw invalidUrl(
      'protocol',
      policy.httpsOnly ? 'must start with https:// in production' : 'must start with https:// or http://',
    );
  }
  if (url.username !== '' || url.password !== '')
    throw invalidUrl('credentials', 'must not contain a user name or password');
  if (url.hash !== '') throw invalidUrl('fragment', 'must not contain a #fragment');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (net.isIP(host) !== 0) {
    const reason = refusedAddress(host, policy);
    if (reason) throw invalidUrl('address', `points at ${reason}, which webhooks cannot be sent to`);
  }
  const normalised = url.toString();
  if (normalised.length > MAX_URL_LENGTH) throw invalidUrl('maxLength', `must be at most ${MAX_URL_LENGTH} characters`);
  return normalised;
}
