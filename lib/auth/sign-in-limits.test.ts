/**
 * Issue 3: "at most 10 failed sign-ins per account per 15 minutes and a per-address limit ... works with Redis down
 * (in-process fallback)". In this process (Redis or memory, as the run is configured) and in instance processes:
 * without Redis, sharing one Redis, and with their Redis stopped.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSignInBlocked, MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS, recordSignInFailure } from '@/lib/auth/sign-in-limits';
import { closeTestServices, waitForRedisReady } from '@/lib/testing/harness';
import { startInstance, type Instance } from '@/lib/testing/instance';
import { dedicatedRedisMissing, requireRedisServerInCi, startDedicatedRedis, type DedicatedRedis } from '@/lib/testing/redis-server';

type Limits = {
  record(input: { username: string; address: string }): Promise<void>;
  blocked(input: { username: string; address: string }): Promise<boolean>;
};
const here: Limits = { record: recordSignInFailure, blocked: isSignInBlocked };
const inInstance = (instance: Instance): Limits => ({
  record: (input) => instance.call('recordSignInFailure', input),
  blocked: (input) => instance.call('isSignInBlocked', input),
});

const name = () => `user_${randomUUID().slice(0, 8)}`;
const address = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250)).join('.')}`;

async function recordFailures(limits: Limits, count: number, attempt: (i: number) => { username: string; address: string }) {
  for (let i = 0; i < count; i++) await limits.record(attempt(i));
}

/** The account limit, observed through `observer` after `recorder` saw the failures (the same process or not). */
async function expectAccountLimit(recorder: Limits, observer: Limits = recorder) {
  const username = name();
  await recordFailures(recorder, MAX_FAILURES_PER_ACCOUNT - 1, () => ({ username, address: address() }));
  expect(await observer.blocked({ username, address: address() })).toBe(false);
  await recorder.record({ username: username.toUpperCase(), address: address() });
  // Blocked for that account from any address, typed in any case; another account from the same address is not.
  const anywhere = address();
  expect(await observer.blocked({ username, address: anywhere })).toBe(true);
  expect(await observer.blocked({ username: ` ${username.toUpperCase()} `, address: address() })).toBe(true);
  expect(await observer.blocked({ username: name(), address: anywhere })).toBe(false);
}

/** The address limit: failures spread over many accounts (password spraying) block that address only. */
async function expectAddressLimit(recorder: Limits, observer: Limits = recorder) {
  const sprayer = address();
  await recordFailures(recorder, MAX_FAILURES_PER_ADDRESS - 1, () => ({ username: name(), address: sprayer }));
  expect(await observer.blocked({ username: name(), address: sprayer })).toBe(false);
  await recorder.record({ username: name(), address: sprayer });
  expect(await observer.blocked({ username: name(), address: sprayer })).toBe(true);
  expect(await observer.blocked({ username: name(), address: address() })).toBe(false);
}

const instances: Instance[] = [];
const start = async (env: Record<string, string>) => {
  const instance = await startInstance(env);
  instances.push(instance);
  return instance;
};
const withSharedRedis = Boolean(process.env.REDIS_URL);
const withOwnRedis = !dedicatedRedisMissing;
let withoutRedis: Instance;
let shared: Instance[] = [];
let midway: { instance: Instance; redis: DedicatedRedis } | undefined;
let startedDown: Instance | undefined;

// Every instance this file needs, started at once: process start-up is most of this file's time.
beforeAll(async () => {
  const [ownRedis, stoppedRedis] = withOwnRedis ? await Promise.all([startDedicatedRedis(), startDedicatedRedis()]) : [];
  await stoppedRedis?.stop();
  const [none, one, two, beforeOutage, whileDown] = await Promise.all([
    start({ REDIS_URL: '' }),
    withSharedRedis ? start({}) : undefined,
    withSharedRedis ? start({}) : undefined,
    ownRedis ? start({ REDIS_URL: ownRedis.url, REDIS_PREFIX: `signin-${randomUUID().slice(0, 8)}:` }) : undefined,
    stoppedRedis ? start({ REDIS_URL: stoppedRedis.url, PARLEY_TEST_AWAIT_REDIS: '0' }) : undefined,
  ]);
  withoutRedis = none;
  shared = [one, two].filter((instance) => instance !== undefined);
  midway = beforeOutage && ownRedis && { instance: beforeOutage, redis: ownRedis };
  startedDown = whileDown;
}, 60_000);

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
  await midway?.redis.stop();
  await closeTestServices();
});

describe(`sign-in limits in this process (${process.env.REDIS_URL ? 'Redis' : 'in-memory'})`, () => {
  // Until the command client is ready, the counters would quietly use memory: test the configured store.
  beforeAll(() => waitForRedisReady());

  it(`blocks an account after ${MAX_FAILURES_PER_ACCOUNT} failures`, () => expectAccountLimit(here));
  it(`blocks an address after ${MAX_FAILURES_PER_ADDRESS} failures`, () => expectAddressLimit(here));
});

describe('sign-in limits in an instance without Redis (REDIS_URL unset: in-memory)', () => {
  it('blocks accounts and addresses', async () => {
    const limits = inInstance(withoutRedis);
    await expectAccountLimit(limits);
    await expectAddressLimit(limits);
  });
});

describe.skipIf(!withSharedRedis)('sign-in limits shared by two instances through Redis (needs REDIS_URL)', () => {
  it('counts failures recorded on one instance when the other decides', async () => {
    const [one, two] = shared as [Instance, Instance];
    await expectAccountLimit(inInstance(one), inInstance(two));
    await expectAddressLimit(inInstance(two), inInstance(one));
  });
});

requireRedisServerInCi();
describe.skipIf(!withOwnRedis)(`sign-in limits with Redis down${dedicatedRedisMissing ? ` (${dedicatedRedisMissing})` : ''}`, () => {
  it('keep counting in process memory when Redis stops mid-way, without throwing', async () => {
    const { instance, redis } = midway!;
    const limits = inInstance(instance);
    const username = name();
    await recordFailures(limits, 4, () => ({ username, address: address() }));

    await redis.stop();
    await recordFailures(limits, MAX_FAILURES_PER_ACCOUNT - 4, () => ({ username, address: address() }));

    expect(await limits.blocked({ username, address: address() })).toBe(true);
    expect(await limits.blocked({ username: name(), address: address() })).toBe(false);
    await expectAddressLimit(limits);
    expect(instance.exit(), instance.stderr()).toBeNull();
  });

  it('work in an instance that started while its Redis was down', async () => {
    await expectAccountLimit(inInstance(startedDown!));
    await expectAddressLimit(inInstance(startedDown!));
    expect(startedDown!.exit(), startedDown!.stderr()).toBeNull();
  });
});
