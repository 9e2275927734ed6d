/**
 * The production server (`node dist/server.mjs`) on a free loopback port, as `npm start` would run it,
 * with the throwaway database and Redis prefix already in process.env (scripts/with-test-services.mjs).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getFreePort } from '../test-services.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Starts the server and resolves once /api/health answers 200. `baseURL` uses `localhost`, not 127.0.0.1:
 * Chromium treats http://localhost as a secure context (service worker, no "insecure origin" penalties),
 * as it would an https deployment.
 */
export async function startServer({ timeoutMs = 60_000 } = {}) {
  const port = await getFreePort();
  const baseURL = `http://localhost:${port}`;
  const output = [];
  const child = spawn(process.execPath, ['dist/server.mjs'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', APP_URL: baseURL, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Kept for the error message only; the last lines say why a server did not come up.
  const keep = (chunk) => {
    output.push(...String(chunk).split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - 40));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // SIGTERM lets server.ts close its sockets and pool before the run's database is dropped.
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };

  const deadline = Date.now() + timeoutMs;
  let early = null;
  void exited.then((result) => (early = result));
  for (;;) {
    if (early) throw new Error(`the server exited before it was ready (${JSON.stringify(early)}):\n${output.join('\n')}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not answer /api/health within ${timeoutMs / 1000} s:\n${output.join('\n')}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { baseURL, port, stop, output };
}
