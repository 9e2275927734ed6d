/**
 * Message search over 1,000,000 messages: builds the dataset (bench/search-dataset.ts), then times the app's
 * own searchMessages() on a fixed, seeded mix of queries (common, mid and rare words, two words, prefixes,
 * next pages) for users at percentiles of how much they may read (and the two heaviest users), and prints a table and the EXPLAIN (ANALYZE, BUFFERS)
 * plan of a representative query. Acceptance: the median under 50 ms.
 * Run: npm run bench:search [-- --messages N] [--runs R] [--reuse] [--keep]
 *   --reuse keeps an existing parley_bench_search database instead of rebuilding it; --keep does not drop it.
 */
import postgres from 'postgres';
import { analyzeDataset, BENCH_DB, benchUrl, createDataset, DEFAULT_DATASET, dropDataset, rng } from './search-dataset';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const MESSAGES = option('--messages', DEFAULT_DATASET.messages);
const RUNS = option('--runs', 5);
const TIME_BUDGET_MS = 180_000;

const url = benchUrl();
const admin = postgres(url, { max: 1, onnotice: () => {} });
const existing = args.includes('--reuse')
  ? await admin`select count(*)::int as n from messages`.then(([row]) => row?.n ?? 0).catch(() => 0)
  : 0;
if (existing < MESSAGES) {
  await admin.end();
  await analyzeDataset(await createDataset({ ...DEFAULT_DATASET, messages: MESSAGES }));
} else {
  await admin.end();
}
process.env.DATABASE_URL = url;
const { getDb, closeDb } = await import('@/db');
const { decodeSearchCursor, planSettings, searchMessages, searchStatement, toPrefixTsQuery } = await import('@/db/queries/search');
const { sql } = await import('drizzle-orm');
const db = getDb();

// 1. Users at percentiles of how many messages they may read (what a search has to look through).
const users = await db.execute<{ label: string; user_id: string; chats: number; visible: number }>(sql`
  with v as (
    select cm.user_id, count(*)::int as chats,
      sum(greatest(0, coalesce(cm.left_at_seq, c.last_seq) - cm.visible_after_seq))::int as visible
    from chat_members cm join chats c on c.id = cm.chat_id group by cm.user_id),
  r as (select *, percent_rank() over (order by visible, user_id) as pr from v)
  (select distinct on (b) 'p' || (b * 100)::int as label, user_id, chats, visible
   from r, unnest(array[0.5, 0.75, 0.9, 0.99]) as b where pr >= b - 1e-9 order by b, pr)
  union all (select 'most readable', user_id, chats, visible from v order by visible desc, user_id limit 1)
  union all (select 'most chats', user_id, chats, visible from v order by chats desc, user_id limit 1)`);
const HEAVY = ['most readable', 'most chats'];

// 2. Words by how many messages hold them; the mix is drawn from these bands with a fixed seed.
const words = (await db.execute<{ word: string; ndoc: number }>(sql`
  select word, ndoc from ts_stat('select search_vector from messages') order by ndoc desc, word`)).map((row) => row.word);
const random = rng(7);
const pick = (from: number, to: number) => words[from + Math.floor(random() * (Math.min(to, words.length) - from))]!;
const prefix = (word: string) => word.slice(0, Math.max(2, Math.ceil(word.length / 2)));
const mix: { kind: string; query: string }[] = [];
for (let i = 0; i < 4; i++) {
  mix.push({ kind: 'common word', query: pick(0, 20) });
  mix.push({ kind: 'mid word', query: pick(100, 2_000) });
  mix.push({ kind: 'rare word', query: pick(words.length - 5_000, words.length) });
  mix.push({ kind: 'two words', query: `${pick(0, 200)} ${pick(100, 5_000)}` });
  mix.push({ kind: 'prefix', query: prefix(pick(50, 5_000)) });
  mix.push({ kind: 'word + prefix', query: `${pick(0, 500)} ${prefix(pick(0, 5_000))}` });
}
mix.push({ kind: 'no match', query: 'zzqxv' });

type Sample = { kind: string; query: string; user: string; ms: number; rows: number };
const samples: Sample[] = [];
const started = performance.now();
async function runMix(record: boolean) {
  for (const user of users) {
    for (const { kind, query } of mix) {
      if (performance.now() - started > TIME_BUDGET_MS) return;
      const t0 = performance.now();
      const first = await searchMessages({ userId: user.user_id, query });
      const ms = performance.now() - t0;
      if (record) samples.push({ kind, query, user: user.label, ms, rows: first.results.length });
      if (first.nextCursor && kind !== 'no match') {
        const t1 = performance.now();
        const next = await searchMessages({ userId: user.user_id, query, cursor: decodeSearchCursor(first.nextCursor) });
        if (record) samples.push({ kind: 'next page', query, user: user.label, ms: performance.now() - t1, rows: next.results.length });
      }
    }
  }
}

// 3. One untimed pass warms the caches as a running server's would be; then RUNS timed passes.
await runMix(false);
for (let run = 0; run < RUNS; run++) await runMix(true);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
function row(label: string, of: Sample[]) {
  const ms = of.map((s) => s.ms).sort((a, b) => a - b);
  const rows = of.reduce((sum, s) => sum + s.rows, 0) / Math.max(1, of.length);
  return { label, n: of.length, p50: percentile(ms, 0.5).toFixed(1), p95: percentile(ms, 0.95).toFixed(1), max: (ms.at(-1) ?? NaN).toFixed(1), 'avg rows': rows.toFixed(1) };
}
const typical = samples.filter((s) => !HEAVY.includes(s.user));
console.log(`\n${MESSAGES} messages; ${RUNS} timed runs of ${mix.length} queries (+ next pages) per user; ms per searchMessages() call`);
console.table(users.map((u) => ({ user: u.label, chats: u.chats, 'readable messages': u.visible })));
console.table([
  ...[...new Set(samples.map((s) => s.kind))].map((kind) => row(kind, typical.filter((s) => s.kind === kind))),
  ...users.map((u) => row(`user ${u.label}`, samples.filter((s) => s.user === u.label))),
  row('ALL typical (p50..p99 users)', typical),
  row('ALL incl. the two heaviest users', samples),
]);
console.log('slowest calls:');
console.table([...samples].sort((a, b) => b.ms - a.ms).slice(0, 8).map((s) => ({ ...s, ms: s.ms.toFixed(1) })));

// 4. The plan of a representative query: a p90 user typing a word and the start of another, with results.
const user = users.find((u) => u.label === 'p90') ?? users[0]!;
const representative =
  samples.find((s) => s.user === user.label && s.kind === 'word + prefix' && s.rows > 0)?.query ??
  samples.find((s) => s.user === user.label && s.kind === 'two words' && s.rows > 0)?.query ??
  samples.find((s) => s.user === user.label && s.kind === 'mid word' && s.rows > 0)?.query ??
  mix[0]!.query;
const plan = await db.transaction(async (tx) => {
  await tx.execute(planSettings);
  return tx.execute<{ 'QUERY PLAN': string }>(
    sql`explain (analyze, buffers) ${searchStatement({ userId: user.user_id, tsquery: toPrefixTsQuery(representative)!, cursor: null })}`,
  );
});
console.log(`\nEXPLAIN (ANALYZE, BUFFERS) for user ${user.label} searching ${JSON.stringify(representative)}:`);
console.log(plan.map((line) => line['QUERY PLAN']).join('\n'));

await closeDb();
if (!args.includes('--keep')) await dropDataset(BENCH_DB);
