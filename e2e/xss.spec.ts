import { collectDialogs, expect, test, type Person } from './fixtures';

const IMG_PAYLOAD = '<img src=x onerror=alert(1)>';
const SCRIPT_PAYLOAD = '<script>alert(2)</script>';

/** Had any payload become markup, the page would hold this element (and its onerror would have run). */
async function expectNoInjectedImage(person: Person) {
  await expect(person.page.locator('img[src="x"]')).toHaveCount(0);
}

test('markup in a display name and in messages shows as text and runs nothing', async ({ people }) => {
  const mallory = await people.create('Mallory', { displayName: IMG_PAYLOAD, searchTerm: 'ONERROR=alert' });
  const victim = await people.create('Victor');
  const dialogs = [mallory, victim].map((person) => collectDialogs(person.page));
  await mallory.register();
  await victim.register();

  await test.step("Mallory's own sidebar shows her name as text", async () => {
    await expect(mallory.app.currentUser).toHaveText(IMG_PAYLOAD);
    await expectNoInjectedImage(mallory);
    await mallory.realtime.waitUntilConnected();
  });

  await test.step('Victor finds her by part of that name and opens a chat', async () => {
    await victim.app.search.fill(mallory.searchTerm);
    // Her username tells her apart from the Mallorys of earlier runs or retries against the same database.
    await expect(victim.app.peopleFound.getByRole('button', { name: `${IMG_PAYLOAD} @${mallory.username}` })).toBeVisible();
    await expectNoInjectedImage(victim);
    const room = await victim.app.startChatWith(mallory.searchTerm, mallory);
    await expect(room.heading).toHaveText(IMG_PAYLOAD);
    await expect(victim.app.chatItem(IMG_PAYLOAD)).toBeVisible();
  });

  await test.step('the payloads sent as messages render as literal text on both sides', async () => {
    const victimRoom = victim.roomWith(mallory);
    await victimRoom.send(IMG_PAYLOAD);
    await victimRoom.send(SCRIPT_PAYLOAD);
    await expect(victimRoom.messages).toHaveText([IMG_PAYLOAD, SCRIPT_PAYLOAD].map((text) => new RegExp(literal(text))));
    await expect(victimRoom.messages.last()).toHaveAttribute('data-status', 'sent');

    await expect(mallory.app.chatPreview(victim.displayName)).toHaveText(SCRIPT_PAYLOAD);
    await mallory.app.chatItem(victim.displayName).click();
    const malloryRoom = mallory.roomWith(victim);
    await expect(malloryRoom.message(IMG_PAYLOAD)).toBeVisible();
    await expect(malloryRoom.message(SCRIPT_PAYLOAD)).toBeVisible();
    await expect(malloryRoom.messages.getByText(IMG_PAYLOAD, { exact: true })).toBeVisible();

    // After a reload too: server-rendered history must be escaped just like live messages.
    await victim.page.reload();
    await expect(victimRoom.messages.getByText(IMG_PAYLOAD, { exact: true })).toBeVisible();
    await expect(victimRoom.heading).toHaveText(IMG_PAYLOAD);
  });

  for (const person of [mallory, victim]) await expectNoInjectedImage(person);
  expect(dialogs.flat(), 'dialogs opened by injected script').toEqual([]);
});

/** A RegExp source that matches `text` literally. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
