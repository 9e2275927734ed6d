/**
 * Scenario (a)'s generator, a separate process from the server (bench/scenario-idle.ts forks it with IPC). It opens
 * `sockets` connections and holds them idle; P1: one real user each, paired into 1:1 chats, with an Auth.js session
 * cookie, so every handshake authenticates, lists the user's chats and joins three rooms (user, session, chat); B1:
 * the same three rooms named in the handshake. Then it holds them for `holdMs` (long enough, in the full run, for a
 * heartbeat round), reports, and waits for `close` so the orchestrator can read the server's memory meanwhile.
 *
 * First it opens and closes WARM_UP sockets, so the server's one-time costs (modules loaded and compiled on the first
 * handshake, pools filled) fall before the orchestrator's first reading, not into the per-socket figure.
 *
 * Protocol: parent → IdleConfig; child → 'warm'; parent → 'hold'; child → IdleHeld; parent → 'close'; child → 'closed'.
 */
import { io as connectSocketIo, type Socket } from 'socket.io-client';
import { CLIENT_OPTIONS, connectParley, createUsers, mintCookies, opened, pairIntoDirectChats } from './bulk-users';
import { inBatches, wait } from './batches';

export type IdleConfig = { target: 'socketio' | 'parley'; url: string; sockets: number; holdMs: number };
export type IdleHeld =
  | { ok: true; connected: number; failed: number; firstError: string | null; dropped: number; connectMs: number }
  | { ok: false; error: string };

const CONNECT_CONCURRENCY = 100;
const WARM_UP = 50;

/** Opens socket `i` of WARM_UP + config.sockets (users and chats made up front for all). */
async function opener(config: IdleConfig): Promise<(i: number) => Socket> {
  if (config.target === 'parley') {
    const users = await createUsers('idle', WARM_UP + config.sockets);
    await pairIntoDirectChats(users);
    const cookies = await mintCookies(users);
    return (i) => connectParley(config.url, cookies[i]!);
  }
  return (i) => connectSocketIo(config.url, { ...CLIENT_OPTIONS, auth: { rooms: [`user:${i}`, `session:${i}`, `chat:${i >> 1}`] } });
}

async function connectAll(open: (i: number) => Socket, from: number, count: number): Promise<{ sockets: Socket[]; failures: string[]; connectMs: number }> {
  const failures: string[] = [];
  const began = performance.now();
  const sockets = await inBatches(count, CONNECT_CONCURRENCY, async (k) => {
    const socket = open(from + k);
    // A failed handshake is a result (the target held fewer), not a crash of the generator.
    return opened(socket).catch((error: Error) => {
      failures.push(error.message);
      socket.disconnect();
      return null;
    });
  });
  return { sockets: sockets.filter((socket): socket is Socket => socket !== null), failures, connectMs: performance.now() - began };
}

const next = (expected: string) =>
  new Promise<void>((resolve) => {
    const onMessage = (message: unknown) => {
      if (message !== expected) return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
  });

async function hold(config: IdleConfig): Promise<{ held: IdleHeld; sockets: Socket[] }> {
  const open = await opener(config);
  const warm = await connectAll(open, 0, WARM_UP);
  if (warm.failures.length) throw new Error(`warm-up handshake failed: ${warm.failures[0]}`);
  for (const socket of warm.sockets) socket.disconnect();
  const go = next('hold');
  process.send?.('warm');
  await go;
  const { sockets, failures, connectMs } = await connectAll(open, WARM_UP, config.sockets);
  let dropped = 0;
  for (const socket of sockets) socket.once('disconnect', () => dropped++);
  await wait(config.holdMs);
  return { held: { ok: true, connected: sockets.length, failed: failures.length, firstError: failures[0] ?? null, dropped, connectMs }, sockets };
}

process.once('message', (config: IdleConfig) => {
  hold(config).then(
    ({ held, sockets }) => {
      void next('close').then(() => {
        for (const socket of sockets) socket.disconnect();
        process.send?.('closed');
      });
      process.send?.(held);
    },
    (error: unknown) => process.send?.({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies IdleHeld),
  );
});
// The orchestrator went away (Ctrl-C, crash): leave no orphan.
process.on('disconnect', () => process.exit(0));
