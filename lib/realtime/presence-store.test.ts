import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryPresenceStore,
  createRedisPresenceStore,
  PRESENCE_HEARTBEAT_MS,
  PRESENCE_TTL_MS,
  type PresenceStore,
} from './presence-store';

/** The bound for a crashed instance's users to turn offline. */
const CRASH_BOUND_MS = 60_000;

it('a crashed instance’s claims expire and are swept within 60 s (TTL + one heartbeat interval)', () => {
  // A claim renewed just before the crash lives PRESENCE_TTL_MS; the next sweep by a live instance comes at most
  // one heartbeat interval later.
  expect(PRESENCE_TTL_MS + PRESENCE_HEARTBEAT_MS).toBeLessThanOrEqual(CRASH_BOUND_MS);
  expect(PRESENCE_HEARTBEAT_MS).toBeLessThan(PRESENCE_TTL_MS);
});

describe('createMemoryPresenceStore (single process)', () => {
  it('comes online with the first socket and goes offline with the last', async () => {
    const store = createMemoryPresenceStore();
    const user = randomUUID();
    expect(await store.add(user)).toBe(true);
    expect(await store.add(user)).toBe(false);
    expect(await store.listOnline([user, randomUUID()])).toEqual(new Set([user]));
    expect(await store.remove(user)).toBe(false);
    expect(await store.listOnline([user])).toEqual(new Set([user]));
    expect(await store.remove(user)).toBe(true);
    expect(await store.listOnline([user])).toEqual(new Set());
    expect(store.localUsers()).toEqual([]);
    expect(await store.add(user)).toBe(true);
    expect(store.localUsers()).toEqual([user]);
    expect(await store.heartbeat()).toEqual([]);
  });
});

describe.skipIf(!process.env.REDIS_URL)('createRedisPresenceStore: instances sharing Redis (needs REDIS_URL)', () => {
  let redis: Redis;
  // Under the run's prefix (removed with it), plus a segment of this file's own: the realtime servers of other test
  // files heartbeat on the run's prefix and would otherwise sweep the expired claims written here.
  const prefix = `${process.env.REDIS_PREFIX ?? 'parley:'}presence-store-test:${randomUUID().slice(0, 8)}:`;
  /** The key layout of createRedisPresenceStore, for writing what a crashed instance leaves behind. */
  const userKey = (userId: string) => `${prefix}presence:user:${userId}`;
  const onlineKey = `${prefix}presence:online`;
  const store = (name: string): PresenceStore => createRedisPresenceStore(redis, prefix, `${name}-${randomUUID().slice(0, 8)}`);

  /** What an instance that stopped heartbeating leaves: its claim, and the user's entry in the online set, expired. */
  async function writeExpiredClaim(userId: string, instanceId: string) {
    const past = Date.now() - 1_000;
    await redis.multi().zadd(userKey(userId), past, instanceId).zadd(onlineKey, past, userId).exec();
  }

  beforeAll(async () => {
    redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    await redis.ping();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('several sockets on two instances: online with the first anywhere, offline only with the last anywhere', async () => {
    const [one, two] = [store('one'), store('two')];
    const user = randomUUID();

    expect(await one.add(user), 'first tab, instance one').toBe(true);
    expect(await one.add(user), 'second tab, instance one').toBe(false);
    expect(await two.add(user), 'third tab, instance two').toBe(false);
    expect(await two.listOnline([user])).toEqual(new Set([user]));

    expect(await one.remove(user), 'closing one tab on instance one').toBe(false);
    expect(await one.remove(user), 'closing the last tab on instance one, one left on two').toBe(false);
    expect(await one.listOnline([user]), 'seen from instance one').toEqual(new Set([user]));
    expect(one.localUsers()).toEqual([]);
    expect(two.localUsers()).toEqual([user]);

    expect(await two.remove(user), 'closing the last tab anywhere').toBe(true);
    expect(await one.listOnline([user])).toEqual(new Set());
    expect(await two.add(user), 'back again').toBe(true);
    expect(await two.remove(user)).toBe(true);
  });

  it('two instances adding the same user at once: exactly one reports the user as just online', async () => {
    const stores = [store('a'), store('b'), store('c')];
    const user = randomUUID();
    const cameOnline = await Promise.all(stores.map((s) => s.add(user)));
    expect(cameOnline.filter(Boolean)).toHaveLength(1);
    const wentOffline = await Promise.all(stores.map((s) => s.remove(user)));
    expect(wentOffline.filter(Boolean)).toHaveLength(1);
    expect(await stores[0]!.listOnline([user])).toEqual(new Set());
  });

  it('listOnline answers for many users at once and ignores unknown ones', async () => {
    const s = store('list');
    const [x, y, z] = [randomUUID(), randomUUID(), randomUUID()];
    await s.add(x);
    await s.add(z);
    expect(await s.listOnline([x, y, z])).toEqual(new Set([x, z]));
    expect(await s.listOnline([])).toEqual(new Set());
    await s.remove(x);
    await s.remove(z);
  });

  it('a user whose only instance crashed is swept by another instance’s heartbeat, reported once across two sweepers', async () => {
    const crashed = store('crashed');
    const [sweeperA, sweeperB] = [store('sweeper-a'), store('sweeper-b')];
    const victim = randomUUID();
    const survivor = randomUUID();

    // The crashed instance held the victim's only socket and one of the survivor's; the survivor also has a tab on A.
    expect(await crashed.add(victim)).toBe(true);
    expect(await crashed.add(survivor)).toBe(true);
    expect(await sweeperA.add(survivor)).toBe(false);
    // It stops heartbeating: 40 s later its claims have expired. Written directly instead of waiting.
    const crashedId = (await redis.zrange(userKey(victim), '0', '-1'))[0]!;
    await writeExpiredClaim(victim, crashedId);
    await redis.zadd(userKey(survivor), Date.now() - 1_000, crashedId);
    expect(await sweeperA.listOnline([victim, survivor]), 'an expired claim no longer counts').toEqual(new Set([survivor]));

    const [sweptByA, sweptByB] = await Promise.all([sweeperA.heartbeat(), sweeperB.heartbeat()]);
    const swept = [...sweptByA, ...sweptByB];
    expect(swept.filter((id) => id === victim), 'announced offline by exactly one instance').toHaveLength(1);
    expect(swept).not.toContain(survivor);
    // Nothing left to sweep: a later heartbeat does not announce the victim again.
    expect([...(await sweeperA.heartbeat()), ...(await sweeperB.heartbeat())]).not.toContain(victim);
    expect(await sweeperB.listOnline([victim, survivor])).toEqual(new Set([survivor]));

    // The victim opens a tab again: online, announced.
    expect(await sweeperB.add(victim)).toBe(true);
    await sweeperB.remove(victim);
    await sweeperA.remove(survivor);
  });

  it('an instance’s heartbeat renews its own claims, so its users are never swept while it lives', async () => {
    const live = store('live');
    const other = store('other');
    const user = randomUUID();
    await live.add(user);
    const liveId = (await redis.zrange(userKey(user), '0', '-1'))[0]!;
    // Its claim is about to lapse (a late heartbeat): renewing comes before sweeping.
    await writeExpiredClaim(user, liveId);

    expect(await live.heartbeat()).not.toContain(user);
    expect(Number(await redis.zscore(userKey(user), liveId))).toBeGreaterThan(Date.now() + PRESENCE_TTL_MS / 2);
    expect(await other.heartbeat()).not.toContain(user);
    expect(await other.listOnline([user])).toEqual(new Set([user]));
    expect(await live.remove(user)).toBe(true);
  });

  it('a user who left normally is not swept later', async () => {
    const s = store('normal');
    const sweeper = store('sweeper');
    const user = randomUUID();
    await s.add(user);
    expect(await s.remove(user)).toBe(true);
    expect(await redis.zscore(onlineKey, user)).toBeNull();
    expect(await sweeper.heartbeat()).not.toContain(user);
  });
});
