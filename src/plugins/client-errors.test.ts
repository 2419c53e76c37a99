// What the server answers to requests that never reach a route: a URL that is not valid
// percent-encoding, a path parameter over the router's limit, headers over Node's 16 KB, a malformed
// request line, a body shorter than its Content-Length. Over a raw socket, since inject() cannot
// send these. Every answer is the one error shape with a documented code.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../test/helpers.ts';
import { isErrorCode } from '../errors/catalogue.ts';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Writes `data` to a new connection and reads the whole answer (the server closes the connection). */
function rawRequest(port: number, data: string, opts: { halfClose?: boolean } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(data);
      if (opts.halfClose) socket.end();
    });
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      try {
        resolve({ status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(rest.join('\r\n\r\n')) });
      } catch {
        reject(new Error(`not a JSON answer: ${text.slice(0, 300)}`));
      }
    });
  });
}

function assertErrorShape(answer: RawAnswer, status: number, code: string): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.deepEqual(Object.keys(answer.body).sort(), ['code', 'createTime', 'data', 'message']);
  assert.equal(answer.body.code, code);
  assert.ok(isErrorCode(code), `${code} is in the catalogue`);
  assert.ok(!Number.isNaN(Date.parse(String(answer.body.createTime))));
  assert.match(answer.headers['content-type'] ?? '', /application\/json/);
}

describe('answers to requests no route sees', () => {
  let t: TestApp;
  let port: number;
  let auth: string;
  before(async () => {
    t = await startTestApp({ listen: true });
    port = (t.app.server.address() as net.AddressInfo).port;
    auth = `ratio-client-id: ${t.client.id}\r\nratio-client-secret: ${t.client.secret}\r\n`;
  });
  after(() => t.close());

  const get = (path: string, extra = '') =>
    rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${auth}${extra}Connection: close\r\n\r\n`);

  it('a URL that is not valid percent-encoding is 400 MALFORMED_REQUEST naming the rule', async () => {
    for (const path of ['/v1/users/%ZZ', '/v1/users/%ED%A0%80', '/v1/users/%E0%A4%A']) {
      const answer = await get(path);
      assertErrorShape(answer, 400, 'MALFORMED_REQUEST');
      assert.equal((answer.body.data as Record<string, unknown>).rule, 'urlEncoding', path);
    }
  });

  it('a path parameter over the length limit is 414 URI_TOO_LONG', async () => {
    const answer = await get(`/v1/users/${'a'.repeat(300)}`);
    assertErrorShape(answer, 414, 'URI_TOO_LONG');
    assert.equal((answer.body.data as Record<string, unknown>).limit, 200);
  });

  it('headers over 16 KB are 431 HEADERS_TOO_LARGE', async () => {
    const answer = await get('/v1/config', `X-Padding: ${'a'.repeat(20_000)}\r\n`);
    assertErrorShape(answer, 431, 'HEADERS_TOO_LARGE');
  });

  it('a malformed request line is 400 MALFORMED_REQUEST', async () => {
    for (const line of ['GARBAGE\r\n\r\n', 'GET /v1/config HTTP/9.9\r\n\r\n', 'GET  HTTP/1.1\r\nHost: x\r\n\r\n']) {
      assertErrorShape(await rawRequest(port, line), 400, 'MALFORMED_REQUEST');
    }
  });

  it('a body shorter than its Content-Length, or a bad Content-Length, is 400 MALFORMED_REQUEST', async () => {
    const head = `POST /v1/client/sessions HTTP/1.1\r\nHost: localhost\r\n${auth}Content-Type: application/json\r\n`;
    const short = await rawRequest(port, `${head}Content-Length: 100\r\n\r\n{"a":1}`, { halfClose: true });
    assertErrorShape(short, 400, 'MALFORMED_REQUEST');
    const bad = await rawRequest(port, `${head}Content-Length: abc\r\nConnection: close\r\n\r\n{}`);
    assertErrorShape(bad, 400, 'MALFORMED_REQUEST');
  });
});
