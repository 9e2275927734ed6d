/**
 * A private redis-server child for outage tests: the test may stop and restart it at will, which it must
 * never do to the machine's shared Redis. Loopback only, no persistence, on a free port that restarts keep.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { it } from 'vitest';
import { WAIT_MS } from './harness';
import { getFreePort } from './ports';

export const REDIS_SERVER_BINARY = process.env.REDIS_SERVER_BIN || '/usr/bin/redis-server';

/** Why a dedicated-Redis test cannot run here (shown in the skipped suite's name), or null when it can. */
export const dedicatedRedisMissing: string | null = fs.existsSync(REDIS_SERVER_BINARY)
  ? null
  : `needs ${REDIS_SERVER_BINARY}; set REDIS_SERVER_BIN`;

/** In CI a missing binary is a failure, not a skip: registers a failing test there. */
export function requireRedisServerInCi(): void {
  if (dedicatedRedisMissing && process.env.CI === 'true') {
    it('has redis-server installed (the Redis outage tests are required in CI)', () => {
      throw new Error(dedicatedRedisMissing!);
    });
  }
}

/** True once something on `port` answers PING with +PONG. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (value: boolean) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
  });
}

export type DedicatedRedis = {
  port: number;
  url: string;
  /** The server answers PING and has not been stopped since. */
  readonly running: boolean;
  /** Kills the server (SIGTERM: shutdown without saving) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty, and waits until it answers. */
  start(): Promise<void>;
};

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

const running = new Set<ChildProcess>();
// A test that throws before its afterAll must still not leave a redis-server behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startDedicatedRedis(): Promise<DedicatedRedis> {
  const port = await getFreePort();
  let child: ChildProcess | undefined;
  let log = '';

  async function start() {
    if (child) throw new Error('dedicated Redis is already running');
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp', '--daemonize', 'no'];
    const current = spawn(REDIS_SERVER_BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = current;
    running.add(current);
    current.once('exit', () => running.delete(current));
    // Never what keeps a test worker alive: the 'exit' hook below kills it.
    current.unref();
    for (const stream of [current.stdout, current.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
    current.stdout!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
    current.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
    const deadline = Date.now() + WAIT_MS;
    while (!(await answersPing(port))) {
      if (current.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`redis-server did not start on port ${port}\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async function stop() {
    const current = child;
    child = undefined;
    if (!current) return;
    current.kill('SIGTERM');
    await exited(current);
  }

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return child !== undefined;
    },
    stop,
    start,
  };
}
