/**
 * Scenario (d)'s generator, a separate process from the server (forked by bench/scenario-open-chat.ts with IPC).
 * Two jobs, one per fork:
 * - `dataset`: fills the given (throwaway) database with bench/search-dataset.ts's realistic 1,000,000 messages. In its
 *   own process because createDataset points DATABASE_URL at that database for the app's modules.
 * - `open`: picks chats with at least RECENT_MESSAGES messages and, for each, a current member who reads their whole
 *   tail; connects those members with real session cookies; then emits `chat:open` at a FIXED rate that never waits
 *   for acks. Latency = ack receipt − the open's SCHEDULED time, on this process's performance.now(). The miss phase
 *   opens each of its chats exactly once on a fresh server (the first open reads Postgres and fills the cache); the
 *   hit phase re-opens those chats (all still cached: fewer than the memory cache's 10,000 chats, and nothing else
 *   writes). A phase is invalid if the generator fell behind by more than `maxLagMs`, an open was refused or unacked,
 *   or an ack did not hold the chat's newest RECENT_MESSAGES messages.
 */
import { io as connectSocketIo, type Socket } from 'socket.io-client';
import { Histogram, type Summary } from './histogram';
import { RECENT_MESSAGES as RECENT } from '@/lib/realtime/events';
import { analyzeDataset, createDataset, type DatasetOptions } from './search-dataset';
import { inBatches, sendOnSchedule, wait } from './batches';

export type OpenPhaseConfig = { name: 'miss' | 'hit'; rate: number; opens: number };
export type OpenChatConfig =
  | { job: 'dataset'; dbName: string; dataset: DatasetOptions }
  | { job: 'open'; url: string; warmupChats: number; phases: OpenPhaseConfig[]; maxLagMs: number; ackTimeoutMs: number };
/** `failed`: opens refused, unanswered or wrong (a late generator makes a phase invalid without failing opens). */
/**
 * `latency` is from the scheduled emit (the figure); `fromEmit` from the actual emit, which leaves out how late the
 * generator's tick ran, to tell a stalled generator from a slow server (never reported as the figure).
 */
export type OpenPhaseResult = OpenPhaseConfig & { chats: number; maxLagMs: number; failed: number; latency: Summary; fromEmit: Summary; invalid: string[] };
export type OpenChatResult =
  | { ok: true; job: 'dataset'; seconds: number }
  | { ok: true; job: 'open'; eligibleChats: number; sockets: number; phases: OpenPhaseResult[]; explain: string[] }
  | { ok: false; error: string };

type Pick = { chatId: string; userId: string; lastSeq: number };
type Opener = (pick: Pick, onAck: (error: string | null) => void) => void;

/**
 * Chats whose newest RECENT messages a current member reads, each with the member who belongs to the most such
 * chats (fewer sockets to open), in the order of their random uuids (unrelated to how busy a chat is).
 */
async function listPicks(limit: number): Promise<Pick[]> {
  const { getSql } = await import('@/db');
  const rows = await getSql()<{ chatId: string; userId: string; lastSeq: number }[]>`
    with eligible as (
      select m.chat_id, m.user_id, c.last_seq from chat_members m join chats c on c.id = m.chat_id
      where m.left_at_seq is null and c.last_seq >= ${RECENT} and m.visible_after_seq <= c.last_seq - ${RECENT}
    ), reach as (select user_id, count(*) as chats from eligible group by user_id),
    ranked as (
      select e.chat_id, e.user_id, e.last_seq, row_number() over (partition by e.chat_id order by r.chats desc, e.user_id) as rank
      from eligible e join reach r using (user_id)
    )
    select chat_id as "chatId", user_id as "userId", last_seq as "lastSeq" from ranked where rank = 1 order by chat_id limit ${limit}`;
  return [...rows];
}

/** One connected socket per picked member, with a real Auth.js session cookie minted from their row. */
async function connectMembers(url: string, userIds: string[], ackTimeoutMs: number): Promise<Map<string, Socket>> {
  const { mintSessionToken, cookieHeader } = await import('@/lib/testing/harness');
  const { getSql } = await import('@/db');
  const users = await getSql()<{ id: string; sessionVersion: number; displayName: string }[]>`
    select id, session_version as "sessionVersion", display_name as "displayName" from users where id = any(${userIds})`;
  const sockets = await inBatches(users.length, 25, async (i) => {
    const user = users[i]!;
    const socket = connectSocketIo(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: ackTimeoutMs, extraHeaders: { cookie: cookieHeader(await mintSessionToken(user)) } });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));
    return [user.id, socket] as const;
  });
  return new Map(sockets);
}

/** Opens `picks[k]` at start + k/rate from a 1 ms tick that sends everything due; resolves when every ack is in or timed out. */
async function runPhase(phase: OpenPhaseConfig, picks: Pick[], open: Opener, config: { maxLagMs: number; ackTimeoutMs: number }): Promise<OpenPhaseResult> {
  const histogram = new Histogram();
  const fromEmit = new Histogram();
  const failures = new Map<string, number>();
  let acked = 0;
  const { maxLagMs } = await sendOnSchedule(phase.opens, phase.rate, (k, at, now) =>
    open(picks[k % picks.length]!, (error) => {
      acked++;
      if (error) failures.set(error, (failures.get(error) ?? 0) + 1);
      else {
        const answeredAt = performance.now();
        histogram.record(answeredAt - at);
        fromEmit.record(answeredAt - now);
      }
    }),
  );
  // Each emit has its own ack timeout, so every open is answered (or failed) within it.
  const until = performance.now() + config.ackTimeoutMs + 1000;
  while (acked < phase.opens && performance.now() < until) await wait(5);
  const invalid: string[] = [];
  if (maxLagMs > config.maxLagMs) invalid.push(`generator ${maxLagMs.toFixed(0)} ms behind schedule (bound ${config.maxLagMs} ms)`);
  if (acked < phase.opens) invalid.push(`${phase.opens - acked} of ${phase.opens} opens never answered`);
  for (const [error, count] of failures) invalid.push(`${count} opens failed: ${error}`);
  const failed = phase.opens - histogram.count;
  return { ...phase, chats: Math.min(picks.length, phase.opens), maxLagMs, failed, latency: histogram.summary(), fromEmit: fromEmit.summary(), invalid };
}

type PlanNode = { 'Node Type': string; 'Index Name'?: string; Plans?: PlanNode[] };

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the statements a miss runs (as db/queries write them), on one chat the miss phase
 * opened: where Postgres spends its part of an open. One line each: the plan's scans and the execution time.
 */
async function explainMiss(pick: Pick): Promise<string[]> {
  const sql = (await import('@/db')).getSql();
  const newest = `select id, chat_id, seq, sender_id, client_id, kind, body, event, reply_to_id, mention_ids, edited_at, deleted_at,
    version, created_at from messages where chat_id = $1 order by seq desc limit ${RECENT}`;
  const statements: [string, string, string[]][] = [
    ['membership', 'select c.kind, c.last_seq, c.revision, m.role, m.visible_after_seq, m.left_at_seq from chat_members m join chats c on c.id = m.chat_id where m.chat_id = $1 and m.user_id = $2 limit 1', [pick.chatId, pick.userId]],
    [`newest ${RECENT}`, newest, [pick.chatId]],
    ['reactions', `select message_id, user_id, emoji from message_reactions where message_id in (select id from (${newest}) newest) order by created_at, emoji, user_id`, [pick.chatId]],
  ];
  const scans = (node: PlanNode): string[] => [
    ...(node['Index Name'] ? [`${node['Node Type']} on ${node['Index Name']}`] : /Scan/.test(node['Node Type']) ? [node['Node Type']] : []),
    ...(node.Plans ?? []).flatMap(scans),
  ];
  const lines: string[] = [];
  for (const [name, text, params] of statements) {
    const [row] = await sql.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Planning Time': number; 'Execution Time': number }] }[]>(`explain (analyze, buffers, format json) ${text}`, params);
    const [plan] = row!['QUERY PLAN'];
    lines.push(`${name}: ${scans(plan.Plan).join(', ')}; planning ${plan['Planning Time'].toFixed(3)} ms, execution ${plan['Execution Time'].toFixed(3)} ms`);
  }
  return lines;
}

async function measureOpens(config: Extract<OpenChatConfig, { job: 'open' }>): Promise<Extract<OpenChatResult, { job: 'open' }>> {
  const missOpens = config.phases.filter((phase) => phase.name === 'miss').reduce((sum, phase) => sum + phase.opens, 0);
  const all = await listPicks(config.warmupChats + missOpens);
  if (all.length < config.warmupChats + missOpens) {
    throw new Error(`only ${all.length} chats have ${RECENT} messages a current member reads; need ${config.warmupChats + missOpens}`);
  }
  const warmup = all.slice(0, config.warmupChats);
  const measured = all.slice(config.warmupChats);
  const sockets = await connectMembers(config.url, [...new Set(all.map((pick) => pick.userId))], config.ackTimeoutMs);
  const open: Opener = (pick, onAck) => {
    sockets.get(pick.userId)!.timeout(config.ackTimeoutMs).emit('chat:open', { chatId: pick.chatId }, (timeout: Error | null, reply?: { ok: boolean; error?: string; data?: { lastSeq: number; messages: { seq: number }[] } }) => {
      if (timeout) return onAck('no ack');
      if (!reply?.ok || !reply.data) return onAck(`refused (${reply?.error ?? 'no data'})`);
      const { lastSeq, messages } = reply.data;
      // The newest RECENT, oldest first, ending at the chat's last number: what the chat page would show.
      const complete = lastSeq === pick.lastSeq && messages.length === RECENT && messages.every((m, i) => m.seq === lastSeq - RECENT + 1 + i);
      onAck(complete ? null : `wrong messages (${messages.length}, last ${messages.at(-1)?.seq} of ${pick.lastSeq})`);
    });
  };
  const phaseLimits = { maxLagMs: config.maxLagMs, ackTimeoutMs: config.ackTimeoutMs };
  // Warm-up on other chats, each twice (a miss, then a hit): JIT, pools and sockets settle; not reported.
  await runPhase({ name: 'miss', rate: config.phases[0]?.rate ?? 100, opens: warmup.length * 2 }, warmup, open, phaseLimits);
  const phases: OpenPhaseResult[] = [];
  let nextMiss = 0;
  for (const phase of config.phases) {
    // Every open of a phase is answered before the next starts (no backlog carries over), but a chat whose first open
    // failed may not be cached: its re-open would not be a hit.
    if (phases.some((done) => done.failed)) {
      phases.push({ ...phase, chats: 0, maxLagMs: 0, failed: 0, latency: new Histogram().summary(), fromEmit: new Histogram().summary(), invalid: ['not run: opens of an earlier phase failed'] });
      continue;
    }
    // A miss phase opens chats never opened before; a hit phase re-opens the ones the miss phases filled.
    const picks = phase.name === 'miss' ? measured.slice(nextMiss, (nextMiss += phase.opens)) : measured.slice(0, nextMiss);
    if (picks.length === 0) throw new Error('a hit phase needs a miss phase before it');
    phases.push(await runPhase(phase, picks, open, phaseLimits));
  }
  for (const socket of sockets.values()) socket.disconnect();
  const explain = await explainMiss(measured[0]!);
  await (await import('@/db')).closeDb();
  return { ok: true, job: 'open', eligibleChats: all.length, sockets: sockets.size, phases, explain };
}

async function run(config: OpenChatConfig): Promise<OpenChatResult> {
  if (config.job === 'open') return measureOpens(config);
  const began = performance.now();
  await analyzeDataset(await createDataset(config.dataset, config.dbName));
  return { ok: true, job: 'dataset', seconds: (performance.now() - began) / 1000 };
}

process.once('message', (config: OpenChatConfig) => {
  run(config)
    .catch((error: unknown): OpenChatResult => ({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }))
    .then((result) => process.send?.(result, () => process.exit(0)));
});
// The orchestrator went away (Ctrl-C, crash): leave no orphan.
process.on('disconnect', () => process.exit(0));
