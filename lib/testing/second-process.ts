/** Starts lib/testing/realtime-process.ts as a real second Node process sharing this run's Postgres and Redis. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WAIT_MS } from './harness';
import { readAnnouncedPort } from './ports';

const root = fileURLToPath(new URL('../..', import.meta.url));

export type RealtimeProcess = { url: string; pid: number; stop(): Promise<void> };

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startRealtimeProcess(): Promise<RealtimeProcess> {
  // node itself, with tsx as a loader (it honours tsconfig's `@/` paths): the PID is the server's, no wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/testing/realtime-process.ts'], {
    cwd: root,
    env: process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited(child);
  };

  const port = await readAnnouncedPort(child, 'realtime process', WAIT_MS * 2, () => stderr).catch(async (error: unknown) => {
    await stop();
    throw error;
  });

  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop };
}
