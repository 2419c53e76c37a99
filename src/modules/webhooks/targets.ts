// Where webhooks may be sent. A URL is checked when it is registered (scheme, credentials, length,
// literal addresses) and every resolved address is checked again when the connection is made (a
// name can resolve anywhere, and can change between the check and the connection).
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '../../errors/app-error.ts';

export const MAX_URL_LENGTH = 2048;

export interface TargetPolicy {
  /** https only (production) or http and https (sandbox). */
  httpsOnly: boolean;
  /** Sandbox mode: loopback receivers (127.0.0.0/8, ::1) are allowed so local receivers work. */
  allowLoopback: boolean;
}

// Addresses are classified with ipaddr.js (its special-purpose ranges follow the IANA registries):
// only global unicast may be called, plus loopback in sandbox mode. IPv6 forms that carry an IPv4
// address are refused, or judged by the address they carry (IPv4-mapped), so `[::7f00:1]` or
// `[64:ff9b::a9fe:a9fe]` cannot smuggle a loopback or metadata address past the check.
const REASONS: Record<string, string> = {
  unspecified: 'an unspecified or "this network" address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local or cloud metadata address',
  loopback: 'a loopback address',
  private: 'a private address',
  carrierGradeNat: 'a private address (carrier-grade NAT, where cloud metadata services also live)',
  uniqueLocal: 'a private address (IPv6 unique local)',
  deprecatedSiteLocal: 'a site-local address (deprecated IPv6 private range)',
  rfc6145: 'an IPv4-translated address, which can reach any IPv4 address',
  rfc6052: 'a NAT64 address, which can reach any IPv4 address, private ones included',
  '6to4': 'a 6to4 address, which can reach any IPv4 address, private ones included',
  teredo: 'a Teredo address, which can reach any IPv4 address, private ones included',
};

function reasonFor(range: string): string {
  return REASONS[range] ?? `a reserved or special-purpose address (${range})`;
}

/** Why `address` may not be called under `policy`, or undefined when it may. */
export function refusedAddress(address: string, policy: Pick<TargetPolicy, 'allowLoopback'>): string | undefined {
  if (net.isIP(address) === 0 || !ipaddr.isValid(address)) return 'not an IP address';
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) ip = v6.toIPv4Address();
    else if (isIpv4Compatible(v6)) return 'an IPv4-compatible IPv6 address (::a.b.c.d, deprecated by RFC 4291)';
  }
  const range = ip.range();
  if (range === 'unicast') return undefined;
  if (range === 'loopback' && policy.allowLoopback) return undefined;
  return reasonFor(range);
}

/** `::a.b.c.d`: the first 96 bits zero, and not `::` or `::1`. */
function isIpv4Compatible(ip: ipaddr.IPv6): boolean {
  const parts = ip.parts;
  return parts.slice(0, 6).every((p) => p === 0) && (parts[6] !== 0 || parts[7]! > 1);
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
