/**
 * Starts lib/testing/instance-process.ts as a separate OS process with its own env, so a test can take its
 * Redis or Postgres away and watch it survive, and call app functions inside it (see InstanceOps).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WAIT_MS } from './harness';
import { readAnnouncedPort } from './ports';
import type { InstanceOps, InstanceReply, InstanceRequest } from './instance-process';

const root = fileURLToPath(new URL('../..', import.meta.url));

type Input<K extends keyof InstanceOps> = Parameters<InstanceOps[K]>[0];
type Output<K extends keyof InstanceOps> = Awaited<ReturnType<InstanceOps[K]>>;

export type Instance = {
  url: string;
  pid: number;
  /** Null while the process runs; its exit code or signal once it has ended. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | null;
  /** The tail of its stderr, for failure messages. */
  stderr(): string;
  call<K extends keyof InstanceOps>(op: K, ...input: Input<K> extends undefined ? [] : [Input<K>]): Promise<Output<K>>;
  stop(): Promise<void>;
};

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** `env` is merged over this process's env; '' unsets a variable for the app (lib/env.ts treats it as missing). */
export async function startInstance(env: Record<string, string> = {}): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/testing/instance-process.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  // Never what keeps a test worker alive: a pending call or start-up has its own timer; the 'exit' hook kills it.
  child.channel?.unref();
  for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000)));

  let nextId = 1;
  const pending = new Map<number, (reply: InstanceReply) => void>();
  child.on('message', (reply: InstanceReply) => pending.get(reply.id)?.(reply));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited(child);
    clearTimeout(killer);
  };

  const port = await readAnnouncedPort(child, 'instance', WAIT_MS * 4, () => stderr).catch(async (error: unknown) => {
    await stop();
    throw error;
  });

  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    exit: () => (child.exitCode === null && child.signalCode === null ? null : { code: child.exitCode, signal: child.signalCode }),
    stderr: () => stderr,
    call(op, ...args) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`instance op ${op} got no answer within ${WAIT_MS} ms\n${stderr}`));
        }, WAIT_MS);
        pending.set(id, (reply) => {
          clearTimeout(timer);
          pending.delete(id);
          if (reply.ok) resolve(reply.value as never);
          else reject(new Error(`instance op ${op} failed: ${reply.error}`));
        });
        child.send({ id, op, input: args[0] } satisfies InstanceRequest);
      });
    },
    stop,
  };
}
