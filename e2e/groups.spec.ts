import { randomBytes } from 'node:crypto';
import type { Locator } from '@playwright/test';
import { chatIdOf, expect, test, type Person } from './fixtures';
import { GroupRoom, MessageSearchPanel, NewGroupDialog } from './pages/group-pages';
import { connectionStatus } from './realtime-tools';

/** More than the 25 a chat page starts with, so an early message has to be fetched as older history. */
const FILLER = 60;
const DELETED = 'This message was deleted';

/** The painted background of an element: a mention of the reader stands out, others' mentions have none. */
const backgroundOf = (locator: Locator) => locator.evaluate((element) => getComputedStyle(element).backgroundColor);
const TRANSPARENT = 'rgba(0, 0, 0, 0)';

async function connected(...people: Person[]) {
  for (const person of people) await expect(connectionStatus(person.page)).toHaveAttribute('data-connection', 'connected');
}

test('three people in a group: talk, reply and jump, edit, delete, react, mention, remove a member, search', async ({ people }) => {
  test.setTimeout(150_000);
  const [ana, bo, cy] = await Promise.all([people.signUp('Ana'), people.signUp('Bo'), people.signUp('Cy')]);
  // Unique per run: the words searched for below match nothing anyone else wrote.
  const tag = randomBytes(3).toString('hex');
  const title = `Weekend trip ${tag}`;
  const early = { ana: `Kickoff plan ${tag}: leave Friday`, bo: 'Bo here, count me in', cy: `Cy here, I bring banana${tag} bread` };
  const kiwi = `kiwi${tag}`;
  const rooms = { ana: new GroupRoom(ana.page, title), bo: new GroupRoom(bo.page, title), cy: new GroupRoom(cy.page, title) };
  const everyone = [
    { who: 'Ana', person: ana, room: rooms.ana },
    { who: 'Bo', person: bo, room: rooms.bo },
    { who: 'Cy', person: cy, room: rooms.cy },
  ];
  const seqs = { ana: 0, bo: 0, cy: 0, reply: 0, edited: 0, deleted: 0, mention: 0 };

  await test.step('Ana creates a group with Bo and Cy; it shows up live in all three lists with its member count', async () => {
    await connected(bo, cy);
    await new NewGroupDialog(ana.page).createGroup(title, [bo, cy]);
    for (const { who, person } of everyone) {
      const item = person.app.chatItem(title);
      await expect(item, who).toBeVisible();
      await expect(item.getByTestId('member-count'), who).toHaveAccessibleName('3 members');
    }
    await expect(rooms.ana.peerStatus).toHaveText('3 members');
    await expect(rooms.ana.systemLine(`You created the group “${title}”`)).toBeVisible();
    await expect(rooms.ana.systemLine(`You added ${bo.displayName} and ${cy.displayName}`)).toBeVisible();
  });

  await test.step('Bo and Cy open it and see the system lines in their own words', async () => {
    await bo.app.chatItem(title).click();
    await cy.app.chatItem(title).click();
    await expect(rooms.bo.systemLine(`${ana.displayName} created the group “${title}”`)).toBeVisible();
    await expect(rooms.bo.systemLine(`${ana.displayName} added you and ${cy.displayName}`)).toBeVisible();
    await expect(rooms.cy.systemLine(`${ana.displayName} added ${bo.displayName} and you`)).toBeVisible();
    await connected(ana, bo, cy);
  });

  await test.step('all three talk live; each sees the others’ messages under the sender’s name', async () => {
    seqs.ana = await rooms.ana.sendAndWait(early.ana);
    seqs.bo = await rooms.bo.sendAndWait(early.bo);
    seqs.cy = await rooms.cy.sendAndWait(early.cy);
    const lines = [
      { seq: seqs.ana, text: early.ana, sender: ana },
      { seq: seqs.bo, text: early.bo, sender: bo },
      { seq: seqs.cy, text: early.cy, sender: cy },
    ];
    for (const { who, person, room } of everyone) {
      for (const line of lines.filter((l) => l.sender !== person)) {
        const message = room.messageWithSeq(line.seq);
        await expect(message, who).toHaveText(new RegExp(line.text));
        await expect(room.senderNameOf(message), who).toHaveText(line.sender.displayName);
      }
    }
  });

  const chatId = chatIdOf(ana.page);
  const lastFiller = seqs.cy + FILLER;

  await test.step(`${FILLER} more messages arrive (Ana, through the socket)`, async () => {
    const bodies = Array.from({ length: FILLER }, (_, index) => `Filler ${String(index + 1).padStart(2, '0')}`);
    await ana.sendMessagesViaSocket(chatId, bodies);
    for (const { who, room } of everyone) await expect(room.messageWithSeq(lastFiller), who).toHaveText(/Filler 60/);
  });

  await test.step('Bo replies to Ana’s early message; Ana sees the quote live', async () => {
    // Bo's page still holds every message it heard live; the reload below starts from the newest 25.
    await rooms.bo.reply(rooms.bo.messageWithSeq(seqs.ana), 'Friday works for me');
    seqs.reply = lastFiller + 1;
    const reply = rooms.ana.messageWithSeq(seqs.reply);
    await expect(reply).toContainText('Friday works for me');
    await expect(rooms.ana.replyQuote(reply)).toContainText('You');
    await expect(rooms.ana.replyQuote(reply)).toContainText(early.ana);
  });

  await test.step('after a reload the original is not on Bo’s page; clicking the quote loads it, scrolls to it and highlights it', async () => {
    await bo.page.reload();
    const reply = rooms.bo.messageWithSeq(seqs.reply);
    await expect(reply).toBeVisible();
    await expect(rooms.bo.messageWithSeq(seqs.ana)).toHaveCount(0);
    await expect(rooms.bo.replyQuote(reply)).toContainText(ana.displayName);
    await rooms.bo.replyQuote(reply).click();
    const original = rooms.bo.messageWithSeq(seqs.ana);
    await expect(original).toHaveAttribute('data-highlighted', 'true');
    await expect(original).toBeInViewport();
    await expect(original).toContainText(early.ana);
    await rooms.bo.jumpToLatest.click();
    await expect(reply).toBeInViewport();
  });

  await test.step('Ana edits her message: Bo and Cy see the new text marked "edited", live', async () => {
    seqs.edited = await rooms.ana.sendAndWait('Meet at 6 at the station');
    await expect(rooms.cy.messageWithSeq(seqs.edited)).toContainText('Meet at 6');
    await rooms.ana.edit(rooms.ana.messageWithSeq(seqs.edited), 'Meet at 7 at the station');
    for (const { who, room } of everyone) {
      const message = room.messageWithSeq(seqs.edited);
      await expect(message, who).toContainText('Meet at 7 at the station');
      await expect(message, who).toHaveAttribute('data-edited', 'true');
      await expect(message, who).toContainText('edited');
    }
  });

  await test.step('Ana deletes a message: "This message was deleted" for all three, live', async () => {
    seqs.deleted = await rooms.ana.sendAndWait('Wrong chat, sorry');
    for (const { who, room } of everyone) await expect(room.messageWithSeq(seqs.deleted), who).toContainText('Wrong chat, sorry');
    await rooms.ana.delete(rooms.ana.messageWithSeq(seqs.deleted));
    for (const { who, room } of everyone) {
      const message = room.messageWithSeq(seqs.deleted);
      await expect(message, who).toHaveAttribute('data-deleted', 'true');
      await expect(message, who).toContainText(DELETED);
      await expect(message, who).not.toContainText('Wrong chat');
    }
  });

  await test.step('after a reload everyone still sees the edit and the deletion', async () => {
    await Promise.all(everyone.map(({ person }) => person.page.reload()));
    for (const { who, room } of everyone) {
      await expect(room.messageWithSeq(seqs.edited), who).toHaveAttribute('data-edited', 'true');
      await expect(room.messageWithSeq(seqs.edited), who).toContainText('Meet at 7 at the station');
      await expect(room.messageWithSeq(seqs.deleted), who).toHaveAttribute('data-deleted', 'true');
      await expect(room.messageWithSeq(seqs.deleted), who).toHaveText(new RegExp(DELETED));
      await expect(room.messageWithSeq(seqs.deleted), who).not.toContainText('Wrong chat');
    }
    await connected(ana, bo, cy);
  });

  await test.step('Cy reacts 👍 and 🦄 (typed into the picker); Bo sees counts and who, adds and takes back his 👍', async () => {
    const atCy = rooms.cy.messageWithSeq(seqs.edited);
    await rooms.cy.chooseAction(atCy, 'React 👍');
    await expect(rooms.cy.reaction(atCy, '👍 1: You')).toHaveAttribute('aria-pressed', 'true');
    await rooms.cy.reactWithAnyEmoji(atCy, '🦄');
    await expect(rooms.cy.reaction(atCy, '🦄 1: You')).toBeVisible();

    const atBo = rooms.bo.messageWithSeq(seqs.edited);
    await expect.poll(() => rooms.bo.reactionNames(atBo)).toEqual([`👍 1: ${cy.displayName}`, `🦄 1: ${cy.displayName}`]);
    await rooms.bo.reaction(atBo, `👍 1: ${cy.displayName}`).click();
    await expect(rooms.bo.reaction(atBo, `👍 2: You and ${cy.displayName}`)).toHaveAttribute('aria-pressed', 'true');
    await expect(rooms.cy.reaction(atCy, `👍 2: You and ${bo.displayName}`)).toBeVisible();
    const atAna = rooms.ana.messageWithSeq(seqs.edited);
    await expect.poll(() => rooms.ana.reactionNames(atAna)).toEqual([`👍 2: ${cy.displayName} and ${bo.displayName}`, `🦄 1: ${cy.displayName}`]);

    await rooms.bo.reaction(atBo, `👍 2: You and ${cy.displayName}`).click();
    await expect(rooms.bo.reaction(atBo, `👍 1: ${cy.displayName}`)).toHaveAttribute('aria-pressed', 'false');
    await expect.poll(() => rooms.ana.reactionNames(atAna)).toEqual([`👍 1: ${cy.displayName}`, `🦄 1: ${cy.displayName}`]);
  });

  await test.step('Bo mentions Cy, picked from the suggestions, while Cy is elsewhere: Cy’s list shows "@", the chat highlights it', async () => {
    await cy.app.settingsLink.click();
    await expect(cy.page).toHaveURL('/settings');

    await rooms.bo.composer.pressSequentially(`Bring snacks @${cy.username.slice(0, 4)}`);
    await expect(rooms.bo.mentionSuggestions.getByRole('option')).toHaveCount(1);
    await rooms.bo.mentionSuggestions.getByRole('option', { name: cy.displayName }).click();
    await expect(rooms.bo.composer).toHaveValue(`Bring snacks @${cy.username} `);
    await expect(rooms.bo.mentionSuggestions).toBeHidden();
    await rooms.bo.composer.pressSequentially('please');
    await rooms.bo.composer.press('Enter');
    seqs.mention = seqs.deleted + 1;

    const mentionAtBo = rooms.bo.messageWithSeq(seqs.mention).locator(`[data-mention="${cy.username}"]`);
    await expect(mentionAtBo).toHaveText(`@${cy.username}`);
    expect(await backgroundOf(mentionAtBo)).toBe(TRANSPARENT);
    await expect(rooms.ana.messageWithSeq(seqs.mention).locator(`[data-mention="${cy.username}"]`)).toHaveText(`@${cy.username}`);

    const badge = cy.app.chatItem(title).getByTestId('mention-badge');
    await expect(badge).toHaveAccessibleName('1 unread mention');
    await cy.app.chatItem(title).click();
    const mentionAtCy = rooms.cy.messageWithSeq(seqs.mention).locator(`[data-mention="${cy.username}"]`);
    await expect(mentionAtCy).toHaveText(`@${cy.username}`);
    expect(await backgroundOf(mentionAtCy)).not.toBe(TRANSPARENT);
    await expect(badge).toHaveCount(0);
  });

  await test.step('Ana removes Cy in Group info: Cy sees it at once and can no longer write', async () => {
    await rooms.ana.sendAndWait(`${kiwi} before the change`);
    await expect(rooms.cy.message(`${kiwi} before the change`)).toBeVisible();
    await connected(cy);

    const info = await rooms.ana.openGroupInfo();
    await expect(info.members).toHaveCount(3);
    await info.removeMember(cy.displayName);
    await info.close.click();

    await expect(rooms.cy.systemLine(`${ana.displayName} removed you`)).toBeVisible();
    await expect(rooms.cy.noLongerMember).toBeVisible();
    await expect(rooms.cy.composer).toHaveCount(0);
    await expect(rooms.bo.systemLine(`${ana.displayName} removed ${cy.displayName}`)).toBeVisible();
    await expect(bo.app.chatItem(title).getByTestId('member-count')).toHaveAccessibleName('2 members');
  });

  await test.step('what Ana sends afterwards reaches Bo and never Cy, live or after a reload', async () => {
    await rooms.ana.sendAndWait(`${kiwi} after the change`);
    await expect(rooms.bo.message(`${kiwi} after the change`)).toBeVisible();
    // Bo has it; Cy's page, which heard the removal on the same connection, holds nothing newer.
    await expect(rooms.cy.message(`${kiwi} after the change`)).toHaveCount(0);
    await expect(cy.app.chatPreview(title)).not.toContainText('after the change');
    await cy.page.reload();
    await expect(rooms.cy.noLongerMember).toBeVisible();
    await expect(rooms.cy.message(`${kiwi} before the change`)).toBeVisible();
    await expect(rooms.cy.message(`${kiwi} after the change`)).toHaveCount(0);
  });

  await test.step('search: Cy finds only what was sent while a member; Bo finds both', async () => {
    const cySearch = new MessageSearchPanel(cy.page);
    await cySearch.search(kiwi);
    await expect(cySearch.results).toHaveCount(1);
    await expect(cySearch.results).toContainText('before the change');

    const boSearch = new MessageSearchPanel(bo.page);
    await boSearch.search(kiwi);
    await expect(boSearch.results).toHaveCount(2);
    // Newest first.
    await expect(boSearch.results.first()).toContainText('after the change');
  });

  await test.step('Bo searches a word from an early message and opens it: the chat loads back to it and highlights it', async () => {
    const search = new MessageSearchPanel(bo.page);
    await search.search(`banana${tag}`);
    await expect(search.results).toHaveCount(1);
    const result = search.results.first();
    await expect(result).toContainText(title);
    await expect(result).toContainText(cy.displayName);
    await expect(result).toHaveAttribute('href', `/c/${chatId}?m=${seqs.cy}`);
    await expect(rooms.bo.messageWithSeq(seqs.cy)).toHaveCount(0);
    await result.click();
    await expect(bo.page).toHaveURL(`/c/${chatId}?m=${seqs.cy}`);
    const found = rooms.bo.messageWithSeq(seqs.cy);
    await expect(found).toHaveAttribute('data-highlighted', 'true');
    await expect(found).toBeInViewport();
    await expect(found).toContainText(early.cy);
  });
});
