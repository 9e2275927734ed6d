import { describe, expect, it } from 'vitest';
import * as contract from './events';
import * as limits from './limits';

// The browser's emoji check (limits.ts) and the server's reaction schema must accept exactly the same values.
describe('lib/realtime/limits.ts', () => {
  it('accepts as one emoji exactly what the server accepts as a reaction', () => {
    const samples = ['👍', '❤️', '👍🏽', '👨‍👩‍👧', '🏳️‍🌈', '🇫🇷', 'a', '👍👍', '', ' 👍', ':)', '1', '#', '👍'.repeat(20)];
    for (const value of samples) expect([value, limits.isSingleEmoji(value)]).toEqual([value, contract.emojiSchema.safeParse(value).success]);
    expect(samples.filter(limits.isSingleEmoji)).toEqual(['👍', '❤️', '👍🏽', '👨‍👩‍👧', '🏳️‍🌈', '🇫🇷']);
  });
});
