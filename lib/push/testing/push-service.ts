/**
 * A push service on loopback for the tests: real TLS (a throwaway self-signed certificate for 127.0.0.1, made with
 * openssl, trusted only through the https.Agent handed to the queue under test), recording every request and
 * answering each endpoint as told (201 by default, any status, or never).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export type PushRequest = {
  /** The last path segment: which test device this was for. */
  device: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** False while a 'hang' endpoint holds the request. */
  answered: boolean;
};

export type Answer = number | 'hang';

export type TestPushService = {
  origin: string;
  /** A trusting agent for the sender: the only place the test certificate is trusted. */
  agent: https.Agent;
  requests: PushRequest[];
  endpoint(device: string): string;
  answer(device: string, answer: Answer): void;
  /** Answers every held request now (201), so the sender's slots are free for what follows. */
  releaseHeld(): void;
  close(): Promise<void>;
};

function makeCertificate(): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-push-tls-'));
  try {
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
    ], { stdio: 'ignore' });
    return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function startTestPushService(): Promise<TestPushService> {
  const { key, cert } = makeCertificate();
  const answers = new Map<string, Answer>();
  const requests: PushRequest[] = [];
  const held: { request: PushRequest; res: ServerResponse }[] = [];
  const server = https.createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const device = (req.url ?? '').split('/').pop() ?? '';
      const request: PushRequest = { device, headers: req.headers, body: Buffer.concat(chunks), answered: false };
      requests.push(request);
      const answer = answers.get(device) ?? 201;
      if (answer === 'hang') return void held.push({ request, res });
      request.answered = true;
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new https.Agent({ ca: cert, keepAlive: false });
  return {
    origin,
    agent,
    requests,
    endpoint: (device) => `${origin}/push/${device}`,
    answer: (device, answer) => void answers.set(device, answer),
    releaseHeld() {
      for (const { request, res } of held.splice(0)) {
        request.answered = true;
        res.writeHead(201).end();
      }
    },
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
