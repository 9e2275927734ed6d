import { createWindowCounter } from '@/lib/rate-limit';

const WINDOW_MS = 15 * 60_000;
/** Failed sign-ins allowed per account per window, whatever address they come from. */
export const MAX_FAILURES_PER_ACCOUNT = 10;
/** Failed sign-ins allowed per client address per window, across accounts (password spraying). */
export const MAX_FAILURES_PER_ADDRESS = 100;

const globalForLimits = globalThis as unknown as {
  parleySignInLimits?: { accounts: ReturnType<typeof createWindowCounter>; addresses: ReturnType<typeof createWindowCounter> };
};

function counters() {
  globalForLimits.parleySignInLimits ??= {
    accounts: createWindowCounter('signin-account', WINDOW_MS),
    addresses: createWindowCounter('signin-address', WINDOW_MS),
  };
  return globalForLimits.parleySignInLimits;
}

// Keyed by the typed username whether or not it exists, so the limit itself reveals nothing about accounts.
const accountKey = (username: string) => username.trim().toLowerCase();

export async function isSignInBlocked(input: { username: string; address: string }): Promise<boolean> {
  const { accounts, addresses } = counters();
  const [account, address] = await Promise.all([accounts.count(accountKey(input.username)), addresses.count(input.address)]);
  return account >= MAX_FAILURES_PER_ACCOUNT || address >= MAX_FAILURES_PER_ADDRESS;
}

export async function recordSignInFailure(input: { username: string; address: string }): Promise<void> {
  const { accounts, addresses } = counters();
  await Promise.all([accounts.increment(accountKey(input.username)), addresses.increment(input.address)]);
}
