// Partner client settings (ONRAMP_CLIENT_*) and the sandbox's fixed demo client (ONRAMP_DEMO_CLIENT_*).
import type { EnvReader, Mode } from '../../config.ts';
import { UUID_RE } from '../../lib/ids.ts';

export interface ClientsConfig {
  /** How long a rotated-out client secret keeps working. */
  secretOverlapSeconds: number;
  /** Lifetime of a client session (`ratio-client-session-id`). */
  sessionTtlSeconds: number;
  /** How long a client row (and a client session) is cached in memory; disabling takes effect across processes within this. */
  cacheTtlMs: number;
  /**
   * The `partnerUrl` of a partner session: a URL template where `{sessionId}` is replaced by the
   * session id (else `?sessionId=` is added). onramp hosts no embedded UI of its own: by default it is
   * the session's own API URL.
   */
  partnerUrl: string;
}

/** Fixed credentials for the sandbox's demo client; by default one is generated and kept under ONRAMP_STATE_DIR. */
export interface DemoClientConfig {
  id: string | undefined;
  secret: string | undefined;
}

export function readClientsConfig(r: EnvReader, publicUrl: string): ClientsConfig {
  return {
    secretOverlapSeconds: r.int(
      'ONRAMP_CLIENT_SECRET_OVERLAP_SECONDS',
      24 * 3600,
      0,
      30 * 24 * 3600,
      'how long a rotated-out client secret keeps working (`clients rotate-secret` can override it)',
    ),
    sessionTtlSeconds: r.int(
      'ONRAMP_CLIENT_SESSION_TTL_SECONDS',
      30 * 60,
      60,
      24 * 3600,
      'lifetime of a client session (`ratio-client-session-id`)',
    ),
    cacheTtlMs: r.int(
      'ONRAMP_CLIENT_CACHE_TTL_MS',
      5_000,
      0,
      300_000,
      "how long a process caches a client, its secrets' hashes and its client sessions: disabling a client or rotating its secret takes effect on other processes within this",
    ),
    partnerUrl: r.url('ONRAMP_PARTNER_URL', `${publicUrl}/v1/partner/sessions/{sessionId}`, ['https:', 'http:'], {
      doc: "the partnerUrl that partner/auth/cryptoWallet:authenticate returns: your embedded front end's URL, where {sessionId} is replaced by the partner session id (without {sessionId}, ?sessionId= is added); onramp hosts no such UI, so by default it is the session's own API URL",
      defaultText: 'ONRAMP_PUBLIC_URL/v1/partner/sessions/{sessionId}',
    })!,
  };
}

export function readDemoClientConfig(r: EnvReader): DemoClientConfig {
  return {
    id: r.optional('ONRAMP_DEMO_CLIENT_ID', {
      doc: 'sandbox only: a fixed id (UUID) for the demo client, with ONRAMP_DEMO_CLIENT_SECRET; by default one is generated on first start and kept in ONRAMP_STATE_DIR/demo-client.json',
      defaultText: 'generated',
    }),
    secret: r.secret('ONRAMP_DEMO_CLIENT_SECRET', {
      doc: 'sandbox only: the fixed demo client secret (at least 32 characters), with ONRAMP_DEMO_CLIENT_ID',
      defaultText: 'generated',
    }),
  };
}

/** Checked once every section is read, so these problems come after the per-variable ones. */
export function checkDemoClientConfig(r: EnvReader, demo: DemoClientConfig, mode: Mode): void {
  if (demo.id !== undefined && !UUID_RE.test(demo.id)) {
    r.problems.push('ONRAMP_DEMO_CLIENT_ID: must be a UUID such as 00000000-0000-4000-8000-000000000000');
  }
  if ((demo.id === undefined) !== (demo.secret === undefined)) {
    r.problems.push('ONRAMP_DEMO_CLIENT_ID and ONRAMP_DEMO_CLIENT_SECRET: set both or neither');
  }
  if (demo.secret !== undefined && demo.secret.length < 32) {
    r.problems.push('ONRAMP_DEMO_CLIENT_SECRET: must be at least 32 characters');
  }
  if (mode === 'production' && demo.id !== undefined)
    r.problems.push('ONRAMP_DEMO_CLIENT_ID: the demo client exists only in sandbox mode');
  if (demo.secret?.startsWith('sk_live_'))
    r.problems.push('ONRAMP_DEMO_CLIENT_SECRET: must not start with sk_live_ (the prefix of production secrets)');
}
