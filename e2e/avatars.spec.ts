import type { Locator, Page } from '@playwright/test';
import sharp from 'sharp';
import { AVATAR_MAX_BYTES } from '../lib/realtime/limits';
import { expect, test, type Person } from './fixtures';
import { GroupRoom, NewGroupDialog } from './pages/group-pages';

/** A picture as a phone would give it: a PNG, wider than tall, so the server has to crop it square. */
async function picture(colour: string) {
  const buffer = await sharp({ create: { width: 480, height: 320, channels: 3, background: colour } }).png().toBuffer();
  return { name: 'me.png', mimeType: 'image/png', buffer };
}

/** The picture inside an avatar; its initials stay under it, so only the image tells it apart. */
const pictureIn = (scope: Locator | Page) => scope.getByTestId('avatar-image');

/** Loaded and decoded by the browser: the server's 256×256 square, not a broken image. */
async function expectShown(image: Locator, src: RegExp) {
  await expect(image).toHaveAttribute('src', src);
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((element: HTMLImageElement) => element.complete && element.naturalWidth)).toBe(256);
}

const userPicture = /^\/api\/avatars\/users\/[0-9a-f-]{36}\/[A-Za-z0-9_-]{22}$/;
const groupPicture = /^\/api\/avatars\/groups\/[0-9a-f-]{36}\/[A-Za-z0-9_-]{22}$/;

async function openSettings(person: Person) {
  await person.app.settingsLink.click();
  await expect(person.page.getByRole('heading', { name: 'Profile picture' })).toBeVisible();
}

test('a profile picture in Settings shows in the other person’s chat list and header; removed, initials come back', async ({ people }) => {
  test.setTimeout(90_000);
  const [ana, bo] = await Promise.all([people.signUp('Ana'), people.signUp('Bo')]);
  const anaRoom = await ana.app.startChatWith(bo.searchTerm, bo);
  await anaRoom.send('Hi Bo');
  await expect(bo.app.chatItem(ana.displayName)).toBeVisible();
  await expect(pictureIn(bo.app.chatItem(ana.displayName))).toHaveCount(0);
  let src = '';

  await test.step('Ana uploads a picture: it previews at once, then her own avatars show the stored one without a reload', async () => {
    await openSettings(ana);
    const section = ana.page.getByRole('region', { name: 'Profile picture' });
    const preview = section.getByTestId('avatar-preview');
    await expect(preview).toHaveAttribute('data-state', 'initials');
    // Judged by its bytes on the server: a text file named .png is refused with a sentence, and nothing changes.
    await section.getByLabel('Upload picture').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all') });
    await expect(section.getByRole('alert')).toHaveText('That file is not a picture Parley can use. Choose a JPEG, PNG, WebP or GIF image.');
    await expect(preview).toHaveAttribute('data-state', 'initials');
    // A client that skips the page's own size check: the server refuses it too (413), through the real server.
    const tooLarge = await ana.page.request.put('/api/avatars/me', { headers: { origin: new URL(ana.page.url()).origin }, data: Buffer.alloc(AVATAR_MAX_BYTES + 1) });
    expect(tooLarge.status()).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ ok: false, error: 'too_large' });
    await section.getByLabel('Upload picture').setInputFiles(await picture('#e11d48'));
    await expect(section.getByRole('alert')).toBeHidden();
    await expect(preview).toHaveAttribute('data-state', 'picture');
    await expectShown(pictureIn(preview), userPicture);
    src = (await pictureIn(preview).getAttribute('src'))!;
    // The sidebar's own avatar (a server component) came back with the refresh: the same picture twice.
    await expect(pictureIn(ana.page).and(ana.page.locator(`[src="${src}"]`))).toHaveCount(2);
  });

  await test.step('Bo reloads: Ana’s picture in his chat list and in the chat’s header', async () => {
    await bo.page.reload();
    await expectShown(pictureIn(bo.app.chatItem(ana.displayName)), new RegExp(`^${src}$`));
    await bo.app.chatItem(ana.displayName).click();
    const room = bo.roomWith(ana);
    await expect(room.section).toBeVisible();
    await expectShown(pictureIn(room.section), new RegExp(`^${src}$`));
  });

  await test.step('Ana removes it: initials again, for her and, after a reload, for Bo', async () => {
    await ana.page.getByRole('button', { name: 'Remove picture' }).click();
    await expect(ana.page.getByTestId('avatar-preview')).toHaveAttribute('data-state', 'initials');
    await bo.page.reload();
    await expect(bo.app.chatItem(ana.displayName)).toBeVisible();
    await expect(pictureIn(bo.app.chatItem(ana.displayName))).toHaveCount(0);
  });
});

test('a group admin sets the group picture; a member sees it live, and its removal too', async ({ people }) => {
  test.setTimeout(90_000);
  const [ana, bo, cy] = await Promise.all([people.signUp('Ana'), people.signUp('Bo'), people.signUp('Cy')]);
  const title = `Picture club ${Date.now().toString(36)}`;
  await bo.realtime.waitUntilConnected();
  const room: GroupRoom = await new NewGroupDialog(ana.page).createGroup(title, [bo, cy]);
  const boItem = bo.app.chatItem(title);
  await expect(boItem).toBeVisible();

  const info = await room.openGroupInfo();
  await info.dialog.getByLabel('Change group picture').setInputFiles(await picture('#0ea5e9'));
  await expectShown(pictureIn(info.dialog.getByTestId('avatar-preview')), groupPicture);
  await expectShown(pictureIn(boItem), groupPicture);

  await info.dialog.getByRole('button', { name: 'Remove group picture' }).click();
  await expect(pictureIn(boItem)).toHaveCount(0);
  await expect(info.dialog.getByTestId('avatar-preview')).toHaveAttribute('data-state', 'initials');
});
