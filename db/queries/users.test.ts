import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createUser, escapeLikePattern, getUserByUsername, searchUsers, updatePassword } from '@/db/queries/users';
import { closeTestServices, makeUser, randomName } from '@/lib/testing/harness';

afterAll(closeTestServices);

/** A token no other test's user contains: starts with a letter, so "prefix first" is not also "alphabetical first". */
const token = () => `q${randomUUID().replace(/-/g, '').slice(0, 9)}`;
const names = (users: { displayName: string }[]) => users.map((u) => u.displayName);

describe('escapeLikePattern', () => {
  it.each([
    ['100%', '100\\%'],
    ['a_b', 'a\\_b'],
    ['back\\slash', 'back\\\\slash'],
    ['%_\\', '\\%\\_\\\\'],
    ['plain text', 'plain text'],
  ])('escapes %j as %j', (input, expected) => {
    expect(escapeLikePattern(input)).toBe(expected);
  });
});

describe('searchUsers', () => {
  it('matches case-insensitively, by prefix and substring of username or display name, prefix matches first', async () => {
    const t = token();
    const searcher = await makeUser();
    await makeUser({ displayName: `Aaa ${t.toUpperCase()} middle` });
    await makeUser({ displayName: `${t.toUpperCase()} Zed` });
    await makeUser({ username: `zz_${t}`, displayName: 'Named Elsewhere' });
    await makeUser({ displayName: `No match ${token()}` });

    const found = await searchUsers({ query: t, excludeUserId: searcher.id });

    expect(names(found)).toEqual([`${t.toUpperCase()} Zed`, `Aaa ${t.toUpperCase()} middle`, 'Named Elsewhere']);
  });

  it('never returns the searcher', async () => {
    const t = token();
    const searcher = await makeUser({ displayName: `Me ${t}` });
    const other = await makeUser({ displayName: `You ${t}` });
    expect(await searchUsers({ query: t, excludeUserId: searcher.id })).toEqual([
      { id: other.id, username: other.username, displayName: other.displayName, avatarUrl: null },
    ]);
  });

  it('returns at most 20 by default', async () => {
    const t = token();
    const searcher = await makeUser();
    await Promise.all(Array.from({ length: 22 }, (_, i) => makeUser({ displayName: `${t} ${String(i).padStart(2, '0')}` })));
    expect(await searchUsers({ query: t, excludeUserId: searcher.id })).toHaveLength(20);
  });

  it('matches %, _ and \\ literally', async () => {
    const t = token();
    const searcher = await makeUser();
    for (const suffix of ['%x', 'abcx', '_y', 'zy', '\\w', 'vw']) await makeUser({ displayName: `${t}${suffix}` });

    expect(names(await searchUsers({ query: `${t}%x`, excludeUserId: searcher.id }))).toEqual([`${t}%x`]);
    expect(names(await searchUsers({ query: `${t}_y`, excludeUserId: searcher.id }))).toEqual([`${t}_y`]);
    expect(names(await searchUsers({ query: `${t}\\w`, excludeUserId: searcher.id }))).toEqual([`${t}\\w`]);
    expect(await searchUsers({ query: `${t.slice(0, 3)}%${t.slice(4)}`, excludeUserId: searcher.id })).toEqual([]);
  });
});

describe('createUser', () => {
  it('stores usernames lower-cased and refuses one taken in another case', async () => {
    const username = randomName().toUpperCase();
    const user = await makeUser({ username });
    expect(user.username).toBe(username.toLowerCase());
    expect(await createUser({ username: username.toLowerCase(), displayName: 'dup', passwordHash: 'x' })).toBeNull();
    expect((await getUserByUsername(username))?.id).toBe(user.id);
  });
});

describe('updatePassword', () => {
  it('bumps the session version', async () => {
    const user = await makeUser();
    expect(await updatePassword({ userId: user.id, passwordHash: 'new' })).toBe(user.sessionVersion + 1);
  });
});
