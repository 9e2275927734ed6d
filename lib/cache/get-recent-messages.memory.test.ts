import { expect, it, vi } from 'vitest';
import { getRedis } from '@/lib/redis';
import { describeGetRecentMessages } from '@/lib/testing/recent-messages-suite';

// A single instance without Redis: set before anything calls getRedis(), so this file's process
// (vitest isolates each file) builds the in-memory cache and no adapter.
vi.stubEnv('REDIS_URL', '');

it('runs without Redis, so the in-memory cache is the one under test', () => {
  expect(getRedis()).toBeNull();
});

describeGetRecentMessages('in-memory (REDIS_URL unset)');
