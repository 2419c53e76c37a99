// Small, audited building blocks over node:crypto. Secrets are random 256-bit values, so a plain
// SHA-256 is the right at-rest form (no password stretching needed); comparisons are constant-time.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  randomUUID,
  timingSafeEqual,
} from 'node:crypto';

export function newId(): string {
  return randomUUID();
}

/** A random bearer credential: `prefix` + 256 bits, base64url. */
export function newSecret(prefix: string, bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

export function sha256(value: string | Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time equality for equal-length digests; false (not throw) when lengths differ. */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/** Constant-time string comparison, for tokens that cannot be hashed first. */
export function safeEqual(a: string, b: string): boolean {
  return digestsEqual(sha256(a), sha256(b));
}

/** Last `n` characters, for hints shown to operators and partners. */
export function lastChars(value: string, n = 4): string {
  return value.slice(-n);
}

export interface EncryptedValue {
  keyId: string;
  /** base64url(iv ‖ ciphertext ‖ tag) */
  ciphertext: string;
}

/**
 * AES-256-GCM with a key ring: the first key encrypts, any key decrypts by its id, so keys can
 * rotate. `aad` binds a ciphertext to its row (e.g. the user id) so it cannot be moved elsewhere.
 */
export class KeyRing {
  private readonly keys: Map<string, Buffer>;
  readonly activeKeyId: string;

  constructor(spec: string) {
    this.keys = new Map();
    for (const part of spec
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const idx = part.indexOf(':');
      if (idx <= 0) throw new Error('ONRAMP_ENCRYPTION_KEYS: each key must be written kid:base64key');
      const kid = part.slice(0, idx);
      const key = Buffer.from(part.slice(idx + 1), 'base64');
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(kid))
        throw new Error(`ONRAMP_ENCRYPTION_KEYS: key id "${kid}" must be 1-32 letters, digits, _ or -`);
      if (key.length !== 32)
        throw new Error(`ONRAMP_ENCRYPTION_KEYS: key "${kid}" must be 32 bytes of base64 (got ${key.length})`);
      if (this.keys.has(kid)) throw new Error(`ONRAMP_ENCRYPTION_KEYS: key id "${kid}" appears twice`);
      this.keys.set(kid, key);
    }
    const first = this.keys.keys().next();
    if (first.done) throw new Error('ONRAMP_ENCRYPTION_KEYS: at least one key is required');
    this.activeKeyId = first.value;
  }

  static generateSpec(kid = 'k1'): string {
    return `${kid}:${randomBytes(32).toString('base64')}`;
  }

  encrypt(plaintext: string, aad: string): EncryptedValue {
    const key = this.keys.get(this.activeKeyId)!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      keyId: this.activeKeyId,
      ciphertext: Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url'),
    };
  }

  decrypt(value: EncryptedValue, aad: string): string {
    const key = this.keys.get(value.keyId);
    if (!key) throw new Error(`encryption key "${value.keyId}" is not configured (ONRAMP_ENCRYPTION_KEYS)`);
    const raw = Buffer.from(value.ciphertext, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  }

  /**
   * A keyed hash for equality lookups on encrypted values (e.g. SSN uniqueness) without decrypting.
   * It uses the last (oldest) key: rotation puts new keys first and keeps old ones, so indexes stay stable.
   */
  blindIndex(value: string, purpose: string): string {
    const key = [...this.keys.values()].at(-1)!;
    return createHmac('sha256', key).update(`${purpose}\0${value}`).digest('base64url');
  }
}
