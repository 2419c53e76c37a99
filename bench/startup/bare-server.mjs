// The baseline of bench:startup: the least a Fastify server can do — import Fastify, answer /readyz and
// a /clients list, record itself in ONRAMP_STATE_DIR/server.json like onramp does — started by
// `npm start` in a package of its own, exactly as onramp is.
import fs from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';

const app = Fastify();
app.get('/readyz', async () => ({ status: 'ready' }));
app.get('/clients', async () => [{ clientId: '00000000-0000-4000-8000-000000000000', name: 'bare' }]);
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
const stateDir = process.env.ONRAMP_STATE_DIR ?? '.';
fs.mkdirSync(stateDir, { recursive: true });
const url = `http://127.0.0.1:${app.server.address().port}`;
fs.writeFileSync(path.join(stateDir, 'server.json'), JSON.stringify({ pid: process.pid, url }));
const stop = () =>
  app.close().then(() => {
    fs.rmSync(path.join(stateDir, 'server.json'), { force: true });
    process.exit(0);
  });
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
