// The composer's `@` suggestions and the highlighting of mentions live with their components;
// vitest only collects tests under lib/ and db/.
import { describe, expect, it } from 'vitest';
import { findMentionQuery, matchMembers } from '@/components/chat/mention-suggestions';
import { splitMentions } from '@/components/chat/message-text';
import type { MemberDTO } from '@/lib/realtime/events';
import { parseMentionNames } from '@/lib/realtime/messages';

const member = (username: string, displayName: string): MemberDTO => ({
  id: `id-${username}`,
  username,
  avatarUrl: null,
  displayName,
  role: 'member',
  active: true,
  deliveredSeq: 0,
  readSeq: 0,
});

describe('findMentionQuery', () => {
  it('finds the @word being typed before the caret, also right after the @', () => {
    expect(findMentionQuery('hi @an', 6)).toEqual({ start: 3, query: 'an' });
    expect(findMentionQuery('@', 1)).toEqual({ start: 0, query: '' });
    expect(findMentionQuery('hi @an and more', 6)).toEqual({ start: 3, query: 'an' });
  });

  it('ignores an e-mail address, a finished mention and text after a space', () => {
    expect(findMentionQuery('mail me@an', 10)).toBeNull();
    expect(findMentionQuery('hi @ana ', 8)).toBeNull();
    expect(findMentionQuery('no at here', 10)).toBeNull();
  });
});

describe('matchMembers', () => {
  const people = [member('ana', 'Ana Lima'), member('bo', 'Bo Chen'), member('cy', 'Cy Diaz')];

  it('matches usernames first, then any word of the name, case-insensitively', () => {
    expect(matchMembers(people, 'c').map((m) => m.username)).toEqual(['cy', 'bo']);
    expect(matchMembers(people, 'LIM').map((m) => m.username)).toEqual(['ana']);
    expect(matchMembers(people, '').map((m) => m.username)).toEqual(['ana', 'bo', 'cy']);
    expect(matchMembers(people, 'zz')).toEqual([]);
  });
});

describe('splitMentions', () => {
  const known = new Set(['ana', 'bo_1']);

  it("marks members' @username, whatever the case, and leaves other @words as text", () => {
    expect(splitMentions('hi @Ana and @nobody, @bo_1!', known)).toEqual([
      { kind: 'text', text: 'hi ' },
      { kind: 'mention', text: '@Ana', username: 'ana' },
      { kind: 'text', text: ' and @nobody, ' },
      { kind: 'mention', text: '@bo_1', username: 'bo_1' },
      { kind: 'text', text: '!' },
    ]);
  });

  it('does not take e-mail addresses or longer names for mentions', () => {
    expect(splitMentions('write to x@ana.com or @anabel', known)).toEqual([{ kind: 'text', text: 'write to x@ana.com or @anabel' }]);
  });

  it('highlights exactly what the server stores as mentions, next to letters of any script and repeated @s', () => {
    const everyone = new Set(['ana', 'bo_1', 'cat']);
    for (const body of ['é@ana', '@@ana', 'x@ana.com', '(@Ana)', '@bo_1é', '日本@cat', '@cat_', 'hi @ana, @BO_1 and @cat!']) {
      const highlighted = splitMentions(body, everyone).flatMap((part) => (part.kind === 'mention' ? [part.username] : []));
      expect(highlighted, body).toEqual(parseMentionNames(body).filter((name) => everyone.has(name)));
    }
  });
});
