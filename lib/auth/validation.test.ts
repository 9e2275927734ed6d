import { describe, expect, it } from 'vitest';
import { safeCallbackUrl, usernameSchema } from '@/lib/auth/validation';

describe('safeCallbackUrl', () => {
  it.each(['/', '/c/123', '/c/123?x=1#top', '/login?callbackUrl=%2F'])('keeps the same-site path %j', (path) => {
    expect(safeCallbackUrl(path)).toBe(path);
  });

  it.each([
    ['a protocol-relative URL', '//evil.com'],
    ['an absolute URL', 'https://evil.com'],
    ['a backslash that browsers read as a slash', '/\\evil'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a relative path', 'c/123'],
    ['an empty string', ''],
    ['a non-string', 42],
    ['nothing', undefined],
    ['a list', ['/c/1']],
  ])('turns %s into /', (_case, value) => {
    expect(safeCallbackUrl(value)).toBe('/');
  });
});

describe('usernameSchema', () => {
  it('trims and lower-cases, and allows only letters, digits and _', () => {
    expect(usernameSchema.parse('  Alice_01 ')).toBe('alice_01');
    expect(usernameSchema.safeParse('al ice').success).toBe(false);
    expect(usernameSchema.safeParse('ab').success).toBe(false);
    expect(usernameSchema.safeParse('a%b').success).toBe(false);
  });
});
