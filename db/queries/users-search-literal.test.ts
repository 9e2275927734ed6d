/**
 * Issue 3: "`' OR 1=1 --`, `%` and `_` in search match literally". Each query alone, over every user of the run
 * (no limit in the way): every result literally contains it, a user without it is never returned.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchUsers } from '@/db/queries/users';
import type { User } from '@/db/schema';
import { closeTestServices, makeUser } from '@/lib/testing/harness';

afterAll(closeTestServices);

const t = `q${randomUUID().replace(/-/g, '').slice(0, 9)}`;
let searcher: User;
let plain: User;
const holders: Record<string, User> = {};

beforeAll(async () => {
  searcher = await makeUser();
  // No quote, %, _, -, = or space-dash anywhere in this one: a wildcard or an injection would still return it.
  plain = await makeUser({ username: `${t}plain`, displayName: `Plain${t}` });
  holders["' OR 1=1 --"] = await makeUser({ username: `${t}quote`, displayName: `Robert ${t}' OR 1=1 -- x` });
  holders['%'] = await makeUser({ username: `${t}pct`, displayName: `${t} 100%` });
  holders['_'] = await makeUser({ username: `${t}_under`, displayName: `Under${t}` });
});

const containsLiterally = (user: { username: string; displayName: string }, query: string) =>
  user.username.includes(query.toLowerCase()) || user.displayName.toLowerCase().includes(query.toLowerCase());

describe('searchUsers with a query that is only a special string', () => {
  it.each(["' OR 1=1 --", '%', '_'])('%j returns only users whose name literally contains it', async (query) => {
    const found = await searchUsers({ query, excludeUserId: searcher.id, limit: 100_000 });

    expect(found.filter((user) => !containsLiterally(user, query))).toEqual([]);
    expect(found.map((user) => user.id)).toContain(holders[query]!.id);
    expect(found.map((user) => user.id)).not.toContain(plain.id);
  });

  it('still finds the plain user by its own name, so its absence above is about the query', async () => {
    expect((await searchUsers({ query: `plain${t}`, excludeUserId: searcher.id })).map((user) => user.id)).toEqual([plain.id]);
  });

  it('treats SQL in the query as text, and the users table is still there afterwards', async () => {
    const query = `${t}'; drop table users; --`;
    expect(await searchUsers({ query, excludeUserId: searcher.id })).toEqual([]);
    expect((await searchUsers({ query: `${t}quote`, excludeUserId: searcher.id })).map((user) => user.id)).toEqual([holders["' OR 1=1 --"]!.id]);
  });
});
