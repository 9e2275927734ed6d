import { describe, expect, it } from 'vitest';
import * as contract from './events';
import * as limits from './limits';

// limits.ts repeats the contract's limits without zod, for the browser; both must keep saying the same thing.
describe('lib/realtime/limits.ts', () => {
  it('holds the same limits as the contract the server validates with', () => {
    expect(limits.EDIT_WINDOW_MS).toBe(contract.EDIT_WINDOW_MS);
    expect(limits.GROUP_MAX_MEMBERS).toBe(contract.GROUP_MAX_MEMBERS);
    expect(limits.GROUP_TITLE_MAX_LENGTH).toBe(contract.GROUP_TITLE_MAX_LENGTH);
    expect(limits.SEARCH_QUERY_MAX_LENGTH).toBe(contract.SEARCH_QUERY_MAX_LENGTH);
    expect([...limits.QUICK_REACTIONS]).toEqual([...contract.QUICK_REACTIONS]);
    for (const text of ['', 'abc', 'e\u0301', '👍🏽 ok', '👨‍👩‍👧']) expect(limits.characterCount(text)).toBe(contract.characterCount(text));
  });

  it('accepts as one emoji exactly what the server accepts as a reaction', () => {
    const samples = ['👍', '❤️', '👍🏽', '👨‍👩‍👧', '🏳️‍🌈', '🇫🇷', 'a', '👍👍', '', ' 👍', ':)', '1', '#', '👍'.repeat(20)];
    for (const value of samples) expect([value, limits.isSingleEmoji(value)]).toEqual([value, contract.emojiSchema.safeParse(value).success]);
    expect(samples.filter(limits.isSingleEmoji)).toEqual(['👍', '❤️', '👍🏽', '👨‍👩‍👧', '🏳️‍🌈', '🇫🇷']);
  });
});
