// Stand-ins for the third parties of a production onramp that the sandbox onramp does not play: Twilio
// (SMS), an SMTP server (email) and Coinbase's spot ticker (prices). Each speaks its vendor's protocol
// over TLS with the rehearsal's certificate and records what it got, so the walk can read a sign-in
// code or an email the way a user would.
import https from 'node:https';
import { SMTPServer } from 'smtp-server';
import { type Listening, listen, type TestTls } from './tls.ts';

export interface Sms {
  to: string;
  body: string;
}

/**
 * Twilio's REST API: POST /2010-04-01/Accounts/{sid}/Messages.json (Basic auth, a form body) sends an
 * SMS; GET /2010-04-01/Accounts/{sid}.json reads the account (what onramp's readiness check asks).
 */
export async function twilioStandIn(tls: TestTls, account: { sid: string; token: string }) {
  const messages: Sms[] = [];
  const expected = `Basic ${Buffer.from(`${account.sid}:${account.token}`).toString('base64')}`;
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const json = (status: number, body: object) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.headers.authorization !== expected)
        return json(401, { code: 20003, message: 'Authentication Error - invalid username', status: 401 });
      if (req.url === `/2010-04-01/Accounts/${account.sid}.json` && req.method === 'GET')
        return json(200, { sid: account.sid, status: 'active', type: 'Full' });
      if (req.url !== `/2010-04-01/Accounts/${account.sid}/Messages.json` || req.method !== 'POST')
        return json(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
      const form = new URLSearchParams(raw);
      messages.push({ to: form.get('To') ?? '', body: form.get('Body') ?? '' });
      json(201, { sid: `SM${String(messages.length).padStart(32, '0')}`, status: 'queued' });
    });
  });
  const listening = await listen(server);
  return { ...listening, messages };
}

export interface Mail {
  to: string[];
  raw: string;
}

/** An SMTP server on implicit TLS (smtps) that requires a login. */
export async function smtpStandIn(tls: TestTls, login: { user: string; pass: string }) {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    secure: true,
    cert: tls.cert,
    key: tls.key,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === login.user && auth.password === login.pass) return callback(null, { user: auth.username });
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  const listening: Listening = await listen(server.server as https.Server);
  return { ...listening, mails };
}

/** Coinbase's public spot ticker, GET /v2/prices/{ASSET}-USD/spot; an asset in `down` answers 503. */
export async function coinbaseStandIn(tls: TestTls, prices: Record<string, string>) {
  const down = new Set<string>();
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const match = /^\/v2\/prices\/([A-Z]+)-USD\/spot$/.exec(req.url ?? '');
    const asset = match?.[1];
    const json = (status: number, body: object) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (!asset || !prices[asset]) return json(404, { errors: [{ id: 'not_found', message: 'Invalid currency' }] });
    if (down.has(asset)) return json(503, { errors: [{ id: 'service_unavailable', message: 'try again later' }] });
    json(200, { data: { amount: prices[asset], base: asset, currency: 'USD' } });
  });
  const listening = await listen(server);
  return { ...listening, down };
}
