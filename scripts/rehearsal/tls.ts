// TLS for the rehearsal: a throw-away certificate authority and one server certificate for localhost
// and 127.0.0.1 (node-forge signs them; node:crypto makes the keys), and an HTTPS front that forwards
// to a plain-HTTP server — what a TLS-terminating proxy does in front of a real deployment. Processes
// that must trust these get the CA through NODE_EXTRA_CA_CERTS, so production's https rules stay on.
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import forge from 'node-forge';

export interface TestTls {
  /** The CA certificate file, for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  cert: string;
  key: string;
}

function rsaKeys() {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

function certificate(
  publicKeyPem: string,
  serial: string,
  subject: forge.pki.CertificateField[],
  issuer: forge.pki.CertificateField[],
  extensions: object[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = serial;
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 2 * 86_400_000);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  cert.setExtensions(extensions);
  return cert;
}

/** A CA valid for two days and a server certificate it signed, written to `dir`. */
export function makeTestTls(dir: string): TestTls {
  const caKeys = rsaKeys();
  const serverKeys = rsaKeys();
  const caName = [{ name: 'commonName', value: 'onramp rehearsal CA (throw-away)' }];
  const ca = certificate(caKeys.publicKey, '01', caName, caName, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  const caPrivate = forge.pki.privateKeyFromPem(caKeys.privateKey);
  ca.sign(caPrivate, forge.md.sha256.create());
  const server = certificate(serverKeys.publicKey, '02', [{ name: 'commonName', value: 'localhost' }], caName, [
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
      ],
    },
    { name: 'extKeyUsage', serverAuth: true },
  ]);
  server.sign(caPrivate, forge.md.sha256.create());
  const caFile = path.join(dir, 'rehearsal-ca.pem');
  fs.writeFileSync(caFile, forge.pki.certificateToPem(ca));
  const tls = { caFile, cert: forge.pki.certificateToPem(server), key: serverKeys.privateKey };
  fs.writeFileSync(path.join(dir, 'rehearsal-tls.json'), JSON.stringify(tls));
  return tls;
}

export function readTestTls(dir: string): TestTls {
  return JSON.parse(fs.readFileSync(path.join(dir, 'rehearsal-tls.json'), 'utf8')) as TestTls;
}

export interface Listening {
  port: number;
  close(): Promise<void>;
}

export async function listen(server: http.Server | https.Server, port = 0): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const probe = await listen(http.createServer());
  await probe.close();
  return probe.port;
}

/** HTTPS on `port` (0: any) in front of http://127.0.0.1:`target`, headers and bodies streamed as they are. */
export async function httpsFront(tls: TestTls, target: number, port = 0): Promise<Listening> {
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const upstream = http.request(
      { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  return listen(server, port);
}
