// `ratio-device-fingerprint`: base64 of a JSON object describing the device (custom-headers.md).
// Optional; when sent it must be well-formed, and handlers record it with sensitive actions.
import fp from 'fastify-plugin';
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/app-error.ts';

export interface DeviceFingerprint {
  ip: string;
  userAgent?: string;
  os?: string;
  osVersion?: string;
  deviceManufacturer?: string;
  deviceModel?: string;
  deviceUniqueId?: string;
}

const HEADER = 'ratio-device-fingerprint';
const MAX_HEADER_LENGTH = 4096;
const MAX_FIELD_LENGTH = 512;
const OPTIONAL_FIELDS = [
  'userAgent',
  'os',
  'osVersion',
  'deviceManufacturer',
  'deviceModel',
  'deviceUniqueId',
] as const;

function invalid(message: string, field?: string): AppError {
  return new AppError('INVALID_DEVICE_FINGERPRINT', {
    message: `${HEADER}: ${message}`,
    data: { field: field ? `${HEADER}.${field}` : HEADER },
  });
}

/** Parses the header value; throws INVALID_DEVICE_FINGERPRINT naming what is wrong. Unknown fields are dropped. */
export function parseFingerprint(value: string): DeviceFingerprint {
  if (value.length > MAX_HEADER_LENGTH) throw invalid(`must be at most ${MAX_HEADER_LENGTH} characters`);
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value.trim())) throw invalid('is not base64');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value.trim(), 'base64').toString('utf8'));
  } catch {
    throw invalid('does not decode to JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw invalid('must decode to a JSON object');
  const obj = parsed as Record<string, unknown>;
  if (typeof obj.ip !== 'string' || isIP(obj.ip) === 0)
    throw invalid('`ip` is required and must be an IPv4 or IPv6 address', 'ip');
  const result: DeviceFingerprint = { ip: obj.ip };
  for (const field of OPTIONAL_FIELDS) {
    const v = obj[field];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length === 0 || v.length > MAX_FIELD_LENGTH) {
      throw invalid(`\`${field}\` must be a non-empty string of at most ${MAX_FIELD_LENGTH} characters`, field);
    }
    result[field] = v;
  }
  if (result.userAgent === undefined && result.os === undefined) {
    throw invalid('must carry `userAgent` (browsers) or `os` with the device fields (mobile apps)');
  }
  return result;
}

export const fingerprintPlugin = fp(async function fingerprintPlugin(app: FastifyInstance) {
  app.decorateRequest('fingerprint', null);
  // A callback hook (no promise per request): the header is parsed synchronously, and a throw here
  // is answered as a rejection would be.
  app.addHook('preValidation', (request, _reply, done) => {
    const value = request.headers[HEADER];
    if (value !== undefined) request.fingerprint = parseFingerprint(Array.isArray(value) ? value.join(',') : value);
    done();
  });
});
