/**
 * A realistic dataset for the message search benchmark, in its own database on DATABASE_URL's server:
 * a few thousand users, thousands of 1:1 and group chats with skewed activity, 1,000,000 messages over a
 * year whose words follow a Zipf law (frequent words are short, as in real language), a few late joiners,
 * leavers, deleted messages and system lines. Seeded: the same options give the same bodies and shapes.
 * Created fresh, migrated with the app's migrations, bulk-loaded with COPY (indexes built afterwards), analyzed.
 * Run alone: node --import tsx bench/search-dataset.ts [--messages N] [--keep]   (bench/search.ts uses it)
 */
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import postgres from 'postgres';

export type DatasetOptions = { messages: number; users: number; directChats: number; groups: number; seed: number };
export const DEFAULT_DATASET: DatasetOptions = { messages: 1_000_000, users: 5_000, directChats: 12_000, groups: 1_500, seed: 42 };
export const BENCH_DB = 'parley_bench_search';
const YEAR_MS = 365 * 24 * 3600 * 1000;

/** mulberry32: small, fast, seedable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Samples ranks 0..n-1 with P(k) ∝ 1/(k+1)^s by binary search over the cumulative weights. */
export function zipf(n: number, s: number, random: () => number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cumulative[k] = total += 1 / (k + 1) ** s;
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

// Real chat words first (the most frequent), then made-up ones from syllables, shortest first.
const COMMON = (
  'i you the to a and it is that of in me my we for on this so be have ok not with are do just what no yes can ' +
  'will at but all was your get know like up now go if there how good one see about they time think out here ' +
  'too when today then come right thanks well need back going want let later tomorrow love lol haha sure ' +
  'really meeting call work home night morning dinner lunch coffee weekend monday friday project team update ' +
  'review deploy release bug fix test server client design doc plan budget report launch'
).split(' ');
const SYLLABLES = 'ka lo mi ne ru sa ti vo be da fe gi ho ju ko la ma no pe ri so tu va we xi yo za bra cle dri fro gla pla sto tre'.split(' ');

export function buildVocabulary(size: number, random: () => number): string[] {
  const made = new Set<string>();
  for (let guard = 0; made.size < size - COMMON.length && guard < size * 20; guard++) {
    const syllables = 2 + Math.floor(random() * 3);
    let word = '';
    for (let i = 0; i < syllables; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    if (!COMMON.includes(word)) made.add(word);
  }
  return [...COMMON, ...[...made].sort((a, b) => a.length - b.length)];
}

// Read once, at load: createDataset points DATABASE_URL at the bench database for the app's own modules.
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function adminUrl(): string {
  return ADMIN_URL;
}

export function benchUrl(dbName = BENCH_DB): string {
  const url = new URL(adminUrl());
  url.pathname = `/${dbName}`;
  return url.toString();
}

export async function dropDataset(dbName = BENCH_DB): Promise<void> {
  const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

type Chat = { id: string; kind: 'direct' | 'group'; members: number[]; lastSeq: number };

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
const log = (text: string) => process.stderr.write(`[search-dataset] ${text}\n`);
const copyText = (value: string | null) => (value === null ? '\\N' : value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n'));

async function copyRows(sql: postgres.Sql, statement: string, rows: Iterable<(string | null)[]>): Promise<void> {
  async function* lines() {
    let batch = '';
    for (const row of rows) {
      batch += row.map(copyText).join('\t') + '\n';
      if (batch.length > 1 << 20) {
        yield batch;
        batch = '';
      }
    }
    if (batch) yield batch;
  }
  await pipeline(Readable.from(lines()), await sql.unsafe(statement).writable());
}

/** Creates and fills the database; returns its URL. Every loop is bounded by the option counts. */
export async function createDataset(options: DatasetOptions = DEFAULT_DATASET, dbName = BENCH_DB): Promise<string> {
  const started = performance.now();
  await dropDataset(dbName);
  const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${dbName}"`);
  await admin.end({ timeout: 5 });
  const url = benchUrl(dbName);

  // The app's own migrations, through the app's own runner (it reads DATABASE_URL).
  process.env.DATABASE_URL = url;
  const { runMigrations } = await import('@/db/migrate');
  const { closeDb } = await import('@/db');
  await runMigrations();
  await closeDb();

  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`set maintenance_work_mem = '512MB'`);
    const random = rng(options.seed);
    // 1. Users, some far more sociable than others.
    const userIds = Array.from({ length: options.users }, () => randomUUID());
    await copyRows(
      sql,
      'copy users (id, username, display_name, password_hash) from stdin',
      userIds.map((id, i) => [id, `bench${i}`, `Bench User ${i}`, 'not-a-real-hash']),
    );
    const sociable = zipf(options.users, 0.7, random);

    // 2. Chats: distinct 1:1 pairs, and groups mostly small, a few large (up to 256).
    const chats: Chat[] = [];
    const pairs = new Set<string>();
    for (let guard = 0; chats.length < options.directChats && guard < options.directChats * 20; guard++) {
      const a = sociable();
      const b = Math.floor(random() * options.users);
      const key = a < b ? `${a}:${b}` : `${b}:${a}`;
      if (a === b || pairs.has(key)) continue;
      pairs.add(key);
      chats.push({ id: randomUUID(), kind: 'direct', members: [a, b], lastSeq: 0 });
    }
    for (let g = 0; g < options.groups; g++) {
      const roll = random();
      const size = roll < 0.7 ? 3 + Math.floor(random() * 6) : roll < 0.95 ? 9 + Math.floor(random() * 32) : 41 + Math.floor(random() * 216);
      const members = new Set<number>();
      for (let guard = 0; members.size < size && guard < size * 20; guard++) members.add(random() < 0.5 ? sociable() : Math.floor(random() * options.users));
      chats.push({ id: randomUUID(), kind: 'group', members: [...members], lastSeq: 0 });
    }

    // 3. Who talks when: a Zipf law over chats, decided first so chats and memberships know their last number.
    const chatOrder = chats.map((_, i) => i).sort(() => random() - 0.5);
    const activeChat = zipf(chats.length, 0.9, random);
    const messageChat = new Int32Array(options.messages);
    for (let i = 0; i < options.messages; i++) {
      const chat = chatOrder[activeChat()]!;
      messageChat[i] = chat;
      chats[chat]!.lastSeq++;
    }
    await copyRows(
      sql,
      'copy chats (id, kind, direct_key, title, last_seq) from stdin',
      chats.map((chat) => {
        const [a, b] = chat.members.map((m) => userIds[m]!).sort();
        return [chat.id, chat.kind, chat.kind === 'direct' ? `${a}:${b}` : null, chat.kind === 'group' ? `Group ${chat.id.slice(0, 6)}` : null, String(chat.lastSeq)];
      }),
    );
    await sql.unsafe('update chats set last_message_at = now() where last_seq > 0');

    // 4. Memberships: in groups, one in ten joined late and one in twenty has left.
    let membershipCount = 0;
    await copyRows(
      sql,
      'copy chat_members (chat_id, user_id, role, visible_after_seq, left_at_seq) from stdin',
      chats.flatMap((chat) =>
        chat.members.map((user) => {
          membershipCount++;
          const late = chat.kind === 'group' && random() < 0.1;
          const left = chat.kind === 'group' && random() < 0.05;
          const visibleAfterSeq = late ? Math.floor(random() * chat.lastSeq * 0.5) : 0;
          const leftAtSeq = left ? visibleAfterSeq + Math.floor(random() * (chat.lastSeq - visibleAfterSeq)) : null;
          return [chat.id, userIds[user]!, 'member', String(visibleAfterSeq), leftAtSeq === null ? null : String(leftAtSeq)];
        }),
      ),
    );
    log(`${chats.length} chats, ${membershipCount} memberships after ${seconds(started)} s`);

    // 5. Messages in time order, as an append-only table holds them. Secondary indexes are built after the
    // load (far faster than maintaining them row by row) from their own migrated definitions.
    const indexes = await sql<{ name: string; definition: string }[]>`
      select indexname as name, indexdef as definition from pg_indexes
      where schemaname = 'public' and tablename = 'messages' and indexname <> 'messages_pkey'`;
    for (const index of indexes) await sql.unsafe(`drop index "${index.name}"`);
    const vocabulary = buildVocabulary(30_000, random);
    const word = zipf(vocabulary.length, 1.05, random);
    const nextSeq = new Int32Array(chats.length);
    const now = Date.now();
    function* messageRows(): Generator<(string | null)[]> {
      for (let i = 0; i < options.messages; i++) {
        const chat = chats[messageChat[i]!]!;
        const seq = ++nextSeq[messageChat[i]!]!;
        const createdAt = new Date(now - YEAR_MS + Math.floor((i / options.messages) * YEAR_MS)).toISOString();
        const sender = userIds[chat.members[Math.floor(random() * chat.members.length)]!]!;
        const roll = random();
        if (roll < 0.005) {
          yield [chat.id, String(seq), sender, randomUUID(), 'system', '', JSON.stringify({ type: 'member_left', actorId: sender }), null, createdAt];
          continue;
        }
        const length = 2 + Math.floor(random() * random() * 24);
        const words: string[] = [];
        for (let w = 0; w < length; w++) words.push(vocabulary[word()]!);
        const body = words.join(' ');
        const deleted = roll < 0.01;
        const text = body.charAt(0).toUpperCase() + body.slice(1) + (random() < 0.2 ? '?' : random() < 0.1 ? '!' : '');
        yield [chat.id, String(seq), sender, randomUUID(), 'text', deleted ? '' : text, null, deleted ? createdAt : null, createdAt];
      }
    }
    // The rows are consistent by construction: skip the per-row foreign key triggers (superuser only).
    await sql.unsafe('set session_replication_role = replica');
    await copyRows(sql, 'copy messages (chat_id, seq, sender_id, client_id, kind, body, event, deleted_at, created_at) from stdin', messageRows());
    await sql.unsafe('set session_replication_role = default');
    log(`${options.messages} messages copied after ${seconds(started)} s`);
    for (const index of indexes) await sql.unsafe(index.definition);
    log(`indexes rebuilt after ${seconds(started)} s`);
    return url;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Rebuilds the statistics the planner relies on; VACUUM also sets the visibility map (index-only scans). */
export async function analyzeDataset(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe('vacuum analyze');
    // The load's dirty pages written now, not by a checkpoint in the middle of what is being timed.
    await sql.unsafe('checkpoint');
  } finally {
    await sql.end({ timeout: 5 });
  }
}

if (import.meta.filename === process.argv[1]) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--messages');
  const messages = at >= 0 ? Number(args[at + 1]) : DEFAULT_DATASET.messages;
  const url = await createDataset({ ...DEFAULT_DATASET, messages });
  await analyzeDataset(url);
  if (!args.includes('--keep')) await dropDataset();
  else log(`kept ${url}`);
}
