// Operator commands for partner clients: create, show, update (redirect URIs, allowed origins, Android
// packages, name, the partner's revenue share), list, rotate the secret, disable and enable. Secrets are shown once, at creation or
// rotation; afterwards only their last characters (hints).
import type { Mode } from '../../config.ts';
import type { Executor } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import { newId } from '../../lib/crypto.ts';
import {
  type CommandArgs,
  type OperatorCommand,
  option,
  optionList,
  positionalId,
  UsageError,
  databaseCommand,
} from '../../operator/command-args.ts';
import { createClient } from './create-client.ts';
import {
  type ClientChanges,
  type ClientRow,
  type ClientSecretRow,
  findClient,
  listClients,
  listClientSecrets,
  setClientStatus,
  updateClient,
} from './repository.ts';
import { rotateClientSecret } from './rotate-client-secret.ts';
import { checkAndroidPackage, checkClientList, checkClientUrl } from './uris.ts';
import { secretHints } from './view.ts';

/** The lists given on the command line, checked as they will be stored. */
function uriLists(mode: Mode, args: CommandArgs) {
  return {
    redirectUris: checkClientList(optionList(args, 'redirect-uri'), (u) =>
      checkClientUrl(mode, u, 'redirect-uri', 'uri'),
    ),
    allowedOrigins: checkClientList(optionList(args, 'allowed-origin'), (o) =>
      checkClientUrl(mode, o, 'allowed-origin', 'origin'),
    ),
    androidPackageNames: checkClientList(optionList(args, 'android-package'), (p) =>
      checkAndroidPackage(p, 'android-package'),
    ),
  };
}

const updateOptions = {
  name: { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  'allowed-origin': { type: 'string', multiple: true },
  'android-package': { type: 'string', multiple: true },
  'clear-redirect-uris': { type: 'boolean' },
  'clear-allowed-origins': { type: 'boolean' },
  'clear-android-packages': { type: 'boolean' },
  'revenue-share-bps': { type: 'string' },
} as const;

function clientChanges(mode: Mode, args: CommandArgs): ClientChanges {
  const lists = uriLists(mode, args);
  const set: ClientChanges = {};
  const name = option(args, 'name');
  if (name !== undefined) {
    if (name.trim().length < 1 || name.length > 200) throw new UsageError('--name must be 1-200 characters');
    set.name = name.trim();
  }
  const list = (
    given: string[],
    clear: string,
    column: 'redirect_uris' | 'allowed_origins' | 'android_package_names',
  ) => {
    if (args.options[clear] === true && given.length > 0)
      throw new UsageError(`--${clear} cannot be combined with values`);
    if (args.options[clear] === true) set[column] = [];
    else if (given.length > 0) set[column] = given;
  };
  list(lists.redirectUris, 'clear-redirect-uris', 'redirect_uris');
  list(lists.allowedOrigins, 'clear-allowed-origins', 'allowed_origins');
  list(lists.androidPackageNames, 'clear-android-packages', 'android_package_names');
  const bps = option(args, 'revenue-share-bps');
  if (bps !== undefined) {
    // Applies to fees earned from then on; shares already accrued keep their rate (revenue_shares.bps).
    if (!/^\d{1,5}$/.test(bps) || Number(bps) > 10_000)
      throw new UsageError('--revenue-share-bps must be an integer from 0 to 10000');
    set.revenue_share_bps = Number(bps);
  }
  return set;
}

function clientView(client: ClientRow, secrets: ClientSecretRow[], now: Date) {
  return {
    clientId: client.id,
    name: client.name,
    status: client.status,
    demo: client.is_demo,
    redirectUris: client.redirect_uris,
    allowedOrigins: client.allowed_origins,
    androidPackageNames: client.android_package_names,
    secrets: secretHints(secrets, now),
    revenueShareBps: client.revenue_share_bps,
    createTime: client.created_at.toISOString(),
    updateTime: client.updated_at.toISOString(),
  };
}

async function auditOperator(
  trx: Executor,
  entry: { action: string; clientId: string; at: Date; details: Record<string, unknown> },
): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({
      id: newId(),
      at: entry.at,
      actor_type: 'OPERATOR',
      actor_id: process.env.USER ?? null,
      action: entry.action,
      client_id: entry.clientId,
      user_id: null,
      subject_type: 'CLIENT',
      subject_id: entry.clientId,
      request_id: null,
      ip: null,
      device_fingerprint: null,
      details: JSON.stringify(entry.details),
    })
    .execute();
}

export const clientCommands: OperatorCommand[] = [
  databaseCommand({
    path: ['clients', 'create'],
    options: {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'allowed-origin': { type: 'string', multiple: true },
      'android-package': { type: 'string', multiple: true },
    },
    usage:
      'clients create --name NAME [--redirect-uri URI]... [--allowed-origin ORIGIN]... [--android-package NAME]...',
    description: 'Create a partner client; prints its id and secret once',
    async run(ctx, args) {
      const name = option(args, 'name');
      if (!name || name.length > 200) throw new UsageError('--name is required (1-200 characters)');
      const created = await createClient(ctx.db, ctx.config.mode, {
        name,
        ...uriLists(ctx.config.mode, args),
      });
      return { clientId: created.clientId, clientSecret: created.clientSecret, name: created.name };
    },
  }),
  {
    path: ['clients', 'rotate-secret'],
    options: { 'overlap-seconds': { type: 'string' } },
    usage: 'clients rotate-secret CLIENT_ID [--overlap-seconds N]',
    description:
      'Issue a new secret; the previous one works for the overlap (default ONRAMP_CLIENT_SECRET_OVERLAP_SECONDS)',
    async run(ctx, args) {
      const clientId = positionalId(args, 0, 'CLIENT_ID');
      const overlapText = option(args, 'overlap-seconds');
      const overlap = overlapText === undefined ? ctx.config.clients.secretOverlapSeconds : Number(overlapText);
      if (!Number.isInteger(overlap) || overlap < 0 || overlap > 30 * 86400)
        throw new UsageError('--overlap-seconds must be an integer from 0 to 2592000');
      const rotated = await rotateClientSecret(ctx.db, ctx.clock, ctx.config.mode, clientId, overlap);
      ctx.clientAuth.invalidate(clientId);
      return rotated;
    },
  },
  databaseCommand({
    path: ['clients', 'show'],
    usage: 'clients show CLIENT_ID',
    description: "A client's settings (redirect URIs, allowed origins, Android packages) and its secrets' hints",
    async run(ctx, args) {
      const client = await findClient(ctx.db, positionalId(args, 0, 'CLIENT_ID'));
      if (!client) throw new AppError('NOT_FOUND_CLIENT');
      return clientView(client, await listClientSecrets(ctx.db, client.id), ctx.clock.now());
    },
  }),
  {
    path: ['clients', 'update'],
    options: updateOptions,
    usage:
      'clients update CLIENT_ID [--name NAME] [--redirect-uri URI]... [--allowed-origin ORIGIN]... [--android-package NAME]... [--clear-redirect-uris] [--clear-allowed-origins] [--clear-android-packages] [--revenue-share-bps N]',
    description:
      "Change a client: each list given replaces the stored one (--clear-… empties it); --revenue-share-bps is the partner's share of the fee (0-10000 basis points of the fee; 2000 = 20%) on fees earned from then on. Audited; takes effect at once",
    async run(ctx, args) {
      const clientId = positionalId(args, 0, 'CLIENT_ID');
      const set = clientChanges(ctx.config.mode, args);
      if (Object.keys(set).length === 0) throw new UsageError('nothing to change: give at least one option');
      const now = ctx.clock.now();
      const row = await ctx.db.transaction().execute(async (trx) => {
        const updated = await updateClient(trx, clientId, set, now);
        if (!updated) throw new AppError('NOT_FOUND_CLIENT');
        await auditOperator(trx, { action: 'client.update', clientId, at: now, details: { ...set } });
        return updated;
      });
      ctx.clientAuth.invalidate(clientId);
      return clientView(row, await listClientSecrets(ctx.db, clientId), now);
    },
  },
  databaseCommand({
    path: ['clients', 'list'],
    usage: 'clients list',
    description: 'List partner clients (never their secrets)',
    async run(ctx) {
      const rows = await listClients(ctx.db);
      return rows.map((c) => ({
        clientId: c.id,
        name: c.name,
        status: c.status,
        demo: c.is_demo,
        createTime: c.created_at.toISOString(),
      }));
    },
  }),
  {
    path: ['clients', 'disable'],
    usage: 'clients disable CLIENT_ID',
    description: 'Disable a client: its secrets and sessions stop working',
    async run(ctx, args) {
      const clientId = positionalId(args, 0, 'CLIENT_ID');
      if (!(await setClientStatus(ctx.db, clientId, 'DISABLED', ctx.clock.now())))
        throw new AppError('NOT_FOUND_CLIENT');
      ctx.clientAuth.invalidate(clientId);
      return { clientId, status: 'DISABLED' };
    },
  },
  {
    path: ['clients', 'enable'],
    usage: 'clients enable CLIENT_ID',
    description: 'Re-enable a disabled client',
    async run(ctx, args) {
      const clientId = positionalId(args, 0, 'CLIENT_ID');
      if (!(await setClientStatus(ctx.db, clientId, 'ACTIVE', ctx.clock.now()))) throw new AppError('NOT_FOUND_CLIENT');
      ctx.clientAuth.invalidate(clientId);
      return { clientId, status: 'ACTIVE' };
    },
  },
];
