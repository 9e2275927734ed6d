import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

/** A loopback port nothing listens on right now (a test may start something there, or rely on it being closed). */
export async function getFreePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The port a test child process announces with a `{"port":N}` line on stdout (instance-process.ts,
 * realtime-process.ts). Rejects, with the child's stderr, if it exits first or says nothing in time.
 */
export function readAnnouncedPort(child: ChildProcess, label: string, timeoutMs: number, stderr: () => string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} printed no port within ${timeoutMs} ms\n${stderr()}`)), timeoutMs);
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('{"port"'));
      if (!line) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited early (code ${code}, signal ${signal})\n${stderr()}`));
    });
  });
}
