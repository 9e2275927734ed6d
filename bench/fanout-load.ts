/**
 * Scenario (c)'s generator, a separate process from the server (bench/scenario-fanout.ts runs it with IPC). For each
 * phase it makes one group of `members` (P1: real users in one group chat made by createGroup, each with an Auth.js
 * session cookie; B1: sockets that join one named room), one socket per member, and sends at a FIXED rate from a
 * schedule, the sender rotating among the members, never waiting for acks. For every message it records the latency
 * from its SCHEDULED send time to each other member's receipt and to the LAST one's (all on this process's
 * performance.now()). The sender's own copy is not a receipt. A phase is invalid if the generator fell behind by more
 * than `maxLagMs`, a member missed a message or got one twice, a send was refused, or (P1) Postgres does not hold
 * exactly the messages sent. The first `warmupSeconds` are sent and checked but not recorded.
 */
import { randomUUID } from 'node:crypto';
import { io as connectSocketIo, type Socket } from 'socket.io-client';
import { CLIENT_OPTIONS, connectParley, createUsers, mintCookies, opened } from './bulk-users';
import { Histogram, type Summary } from './histogram';
import { inBatches, sendOnSchedule, wait } from './batches';

export type FanoutPhase = { members: number; rate: number; seconds: number; warmupSeconds: number };
export type FanoutConfig = { target: 'socketio' | 'parley'; url: string; phases: FanoutPhase[]; maxLagMs: number; drainMs: number };
export type FanoutPhaseResult = FanoutPhase & {
  /** From the last member connected until the server went quiet (see quiet()). */
  settleMs: number; sent: number; maxLagMs: number; last: Summary; each: Summary; ack: Summary | null; invalid: string[];
};
export type FanoutResult = { ok: true; phases: FanoutPhaseResult[] } | { ok: false; error: string };

type Group = {
  sockets: Socket[];
  send: (member: number, index: number, onAck: (ok: boolean) => void) => void;
  /** Messages of this group that Postgres holds (P1), or null (B1 stores nothing). */
  countStored: (() => Promise<number>) | null;
};

const CONNECT_CONCURRENCY = 50;
const QUIET_MS = 500;
const QUIET_MAX_MS = 60_000;
const PADDING = ' the quick brown fox jumps over the lazy dog';

/** Connects the group's sockets; `onMessage(member, index)` hears every message:new with the index it carries. */
async function openGroup(config: FanoutConfig, phaseNo: number, members: number, onMessage: (member: number, index: number) => void): Promise<Group> {
  if (config.target === 'socketio') {
    const room = `group:${phaseNo}`;
    const sockets = await inBatches(members, CONNECT_CONCURRENCY, () => opened(connectSocketIo(config.url, { ...CLIENT_OPTIONS, auth: { rooms: [room] } })));
    sockets.forEach((socket, member) => socket.on('message:new', (payload: { index: number }) => onMessage(member, payload.index)));
    const send: Group['send'] = (member, index, onAck) =>
      sockets[member]!.timeout(10_000).emit('message:send', { room, index, body: `${index}${PADDING}` }, (error: Error | null) => onAck(!error));
    return { sockets, send, countStored: null };
  }
  const { createGroup } = await import('@/db/queries/groups');
  const { getSql } = await import('@/db');
  const users = await createUsers(`fan${phaseNo}`, members);
  // Made before anyone connects, so every handshake joins the group's room.
  const { chatId } = await createGroup({ creatorId: users[0]!.id, title: `Fan-out ${members}`, memberIds: users.slice(1).map((user) => user.id) });
  const cookies = await mintCookies(users);
  const sockets = await inBatches(members, CONNECT_CONCURRENCY, (member) => opened(connectParley(config.url, cookies[member]!)));
  sockets.forEach((socket, member) =>
    socket.on('message:new', (message: { chatId: string; kind: string; body: string }) => {
      if (message.chatId === chatId && message.kind === 'text') onMessage(member, Number.parseInt(message.body, 10));
    }),
  );
  const send: Group['send'] = (member, index, onAck) =>
    sockets[member]!.timeout(10_000).emit('message:send', { chatId, clientId: randomUUID(), body: `${index}${PADDING}` }, (error: Error | null, reply?: { ok: boolean }) =>
      onAck(!error && reply?.ok === true),
    );
  const countStored = async () => (await getSql()`select count(*)::int as n from messages where chat_id = ${chatId} and kind = 'text'`)[0]!.n as number;
  return { sockets, send, countStored };
}

/**
 * Resolves once no event but message:new has reached any member for QUIET_MS (bounded), with the time that took: what
 * the connects set off (presence announcements: until 14e041a, to every other member of a group, ~1M frames for 1,000
 * members) must not be charged to the first messages.
 */
async function quiet(sockets: Socket[]): Promise<number> {
  const began = performance.now();
  let lastEventAt = began;
  const onAny = (event: string) => {
    if (event !== 'message:new') lastEventAt = performance.now();
  };
  for (const socket of sockets) socket.onAny(onAny);
  while (performance.now() - lastEventAt < QUIET_MS && performance.now() - began < QUIET_MAX_MS) await wait(50);
  for (const socket of sockets) socket.offAny(onAny);
  return performance.now() - began;
}

async function runPhase(config: FanoutConfig, phaseNo: number, phase: FanoutPhase): Promise<FanoutPhaseResult> {
  const { members, rate } = phase;
  const warmup = Math.ceil(rate * phase.warmupSeconds);
  const total = warmup + Math.ceil(rate * phase.seconds);
  const scheduled = new Float64Array(total);
  const senderOf = new Int32Array(total).fill(-1);
  const receipts = new Int32Array(total);
  const heard = new Uint8Array(total * members);
  const last = new Histogram();
  const each = new Histogram();
  let duplicates = 0;
  let unknown = 0;
  const onMessage = (member: number, index: number) => {
    const now = performance.now();
    if (!(index >= 0 && index < total) || senderOf[index] === -1) return void unknown++;
    if (member === senderOf[index]) return;
    if (heard[index * members + member]) return void duplicates++;
    heard[index * members + member] = 1;
    if (index < warmup) return void receipts[index]!++;
    each.record(now - scheduled[index]!);
    if (++receipts[index]! === members - 1) last.record(now - scheduled[index]!);
  };
  const group = await openGroup(config, phaseNo, members, onMessage);
  const settleMs = await quiet(group.sockets);

  const acks = new Histogram();
  let ackFailures = 0;
  const { maxLagMs } = await sendOnSchedule(total, rate, (k, at) => {
    scheduled[k] = at;
    const sender = (senderOf[k] = k % members);
    group.send(sender, k, (ok) => (ok ? acks.record(performance.now() - at) : ackFailures++));
  });
  const expected = total * (members - 1);
  const received = () => receipts.reduce((sum, n) => sum + n, 0);
  const drainUntil = performance.now() + config.drainMs;
  while (received() < expected && performance.now() < drainUntil) await wait(10);
  while (acks.count + ackFailures < total && performance.now() < drainUntil) await wait(10);

  const invalid: string[] = [];
  const missing = expected - received();
  if (missing) invalid.push(`${missing} of ${expected} receipts missing ${config.drainMs} ms after the last send (${receipts.filter((n) => n < members - 1).length} messages incomplete)`);
  if (maxLagMs > config.maxLagMs) invalid.push(`generator ${maxLagMs.toFixed(0)} ms behind schedule (bound ${config.maxLagMs} ms)`);
  if (ackFailures) invalid.push(`${ackFailures} sends refused or unacked`);
  const unanswered = total - acks.count - ackFailures;
  if (unanswered > 0) invalid.push(`${unanswered} sends not acked within ${config.drainMs} ms of the last send`);
  // What the connects set off was still arriving: it would be charged to the first messages.
  if (settleMs >= QUIET_MAX_MS) invalid.push(`the members' connects never went quiet within ${QUIET_MAX_MS} ms`);
  if (duplicates) invalid.push(`${duplicates} duplicate receipts`);
  if (unknown) invalid.push(`${unknown} messages not sent by this phase`);
  if (group.countStored) {
    const stored = await group.countStored();
    if (stored !== total) invalid.push(`Postgres holds ${stored} messages of the group, expected ${total}`);
  }
  for (const socket of group.sockets) socket.disconnect();
  return { ...phase, settleMs, sent: total - warmup, maxLagMs, last: last.summary(), each: each.summary(), ack: acks.count ? acks.summary() : null, invalid };
}

async function run(config: FanoutConfig): Promise<FanoutPhaseResult[]> {
  const results: FanoutPhaseResult[] = [];
  for (const [phaseNo, phase] of config.phases.entries()) results.push(await runPhase(config, phaseNo, phase));
  if (config.target === 'parley') await (await import('@/db')).closeDb();
  return results;
}

process.once('message', (config: FanoutConfig) => {
  run(config).then(
    (phases): FanoutResult => ({ ok: true, phases }),
    (error: unknown): FanoutResult => ({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  ).then((result) => process.send?.(result, () => process.exit(0)));
});
// The orchestrator went away (Ctrl-C, crash): leave no orphan.
process.on('disconnect', () => process.exit(0));
