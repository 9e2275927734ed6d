import fs from 'node:fs';
import sharp from 'sharp';
import { seriousViolations } from './axe';
import { expect, test, type Person } from './fixtures';
import { Attachments, expectLoaded, type TestFile } from './pages/attachment-pages';

const TOO_LARGE = 'That file is too big: images can be up to 20 MB, other files up to 50 MB.';

/** A real PNG of one colour, made here (sharp), so the server's sniffing and thumbnailing see a genuine image. */
async function png(name: string, width: number, height: number, colour: { r: number; g: number; b: number }): Promise<TestFile> {
  const buffer = await sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();
  return { name, mimeType: 'image/png', buffer };
}

/** The smallest thing a PDF reader accepts as a PDF: its header, one empty page, the cross-reference and trailer. */
function pdf(name: string): TestFile {
  const body = [
    '%PDF-1.4',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj',
    'trailer << /Root 1 0 R >>',
    '%%EOF',
  ].join('\n');
  return { name, mimeType: 'application/pdf', buffer: Buffer.from(body) };
}

/** Ana and Bo, each signed in with their 1:1 chat open and live. */
async function openChat(people: { signUp: (name: string) => Promise<Person> }) {
  const bo = await people.signUp('Bo');
  await bo.realtime.waitUntilConnected();
  const ana = await people.signUp('Ana');
  await ana.app.startChatWith(bo.searchTerm, bo);
  await ana.realtime.waitUntilConnected();
  await bo.app.chatItem(ana.displayName).click();
  const anaRoom = ana.roomWith(bo);
  const boRoom = bo.roomWith(ana);
  await expect(boRoom.section).toBeVisible();
  await bo.realtime.waitUntilConnected();
  return { ana, bo, anaRoom, boRoom, anaFiles: new Attachments(anaRoom), boFiles: new Attachments(boRoom) };
}

test('a pasted picture and two dropped ones reach both people as thumbnails; the viewer opens, pages and closes', async ({ people }) => {
  test.slow();
  const { bo, anaRoom, boRoom, anaFiles, boFiles } = await openChat(people);

  await test.step('Ana pastes a picture, writes a caption and sends; both see the thumbnail and the caption', async () => {
    await anaFiles.paste([await png('pasted.png', 120, 80, { r: 200, g: 40, b: 40 })]);
    await expect(anaFiles.chip('pasted.png')).toBeVisible();
    await expectLoaded(anaFiles.chip('pasted.png').getByTestId('chip-preview')); // the preview, from a blob: URL
    await anaRoom.composer.fill('Look at this');
    await anaRoom.composer.press('Enter');
    await expect(anaFiles.chips).toHaveCount(0);
    for (const [who, room, files] of [['Ana', anaRoom, anaFiles], ['Bo', boRoom, boFiles]] as const) {
      const message = room.message('Look at this');
      await expect(message, who).toHaveAttribute('data-status', 'sent');
      await expectLoaded(files.thumbnail(message, 'pasted.png').getByRole('img'));
    }
  });

  await test.step('Ana drops two pictures on the conversation (the drop zone shows) and sends them without a caption', async () => {
    await anaFiles.drop([await png('first.png', 90, 60, { r: 40, g: 160, b: 40 }), await png('second.png', 60, 90, { r: 40, g: 40, b: 200 })]);
    await expect(anaFiles.chips).toHaveCount(2);
    await anaRoom.sendButton.click();
    await expect(anaFiles.chips).toHaveCount(0);
    for (const [who, room, files] of [['Ana', anaRoom, anaFiles], ['Bo', boRoom, boFiles]] as const) {
      const message = room.messages.nth(1);
      await expect(message, who).toHaveAttribute('data-status', 'sent');
      await expectLoaded(files.thumbnail(message, 'first.png').getByRole('img'));
      await expectLoaded(files.thumbnail(message, 'second.png').getByRole('img'));
    }
  });

  await test.step('Bo opens the first picture full size, moves to the next with →, and Escape gives the focus back', async () => {
    const thumbnail = boFiles.thumbnail(boRoom.messages.nth(1), 'first.png');
    await thumbnail.click();
    const viewer = boFiles.viewer('first.png');
    await expect(viewer).toBeVisible();
    await expectLoaded(viewer.getByTestId('viewer-image'));
    expect(await viewer.getByTestId('viewer-image').evaluate((image: HTMLImageElement) => image.naturalWidth)).toBe(90);
    await expect(viewer.getByRole('link', { name: 'Download' })).toHaveAttribute('href', /\/api\/attachments\/[0-9a-f-]{36}\/download$/);
    for (const colorScheme of ['light', 'dark'] as const) {
      await bo.page.emulateMedia({ colorScheme });
      expect(await seriousViolations(bo.page, `viewer, ${colorScheme}`)).toEqual([]);
    }
    await bo.page.keyboard.press('ArrowRight');
    await expect(boFiles.viewer('second.png')).toBeVisible();
    await expect(boFiles.viewer('second.png')).toContainText('2 of 2');
    await expectLoaded(boFiles.viewer('second.png').getByTestId('viewer-image'));
    await bo.page.keyboard.press('Escape');
    await expect(bo.page.getByRole('dialog')).toBeHidden();
    await expect(thumbnail).toBeFocused();
  });
});

test('a file picked with the paperclip downloads at the other end under its original name, byte for byte', async ({ people }) => {
  test.slow();
  const { ana, bo, anaRoom, boRoom, anaFiles, boFiles } = await openChat(people);
  const report = pdf('Quarterly report (final).pdf');

  await anaFiles.pick([report]);
  const chip = anaFiles.chip(report.name);
  await expect(chip).toHaveAttribute('data-state', 'stored');
  for (const colorScheme of ['light', 'dark'] as const) {
    await ana.page.emulateMedia({ colorScheme });
    expect(await seriousViolations(ana.page, `composer with a file, ${colorScheme}`)).toEqual([]);
  }
  await anaRoom.sendButton.click();

  const card = boFiles.fileCard(boRoom.messages.first(), report.name);
  await expect(card).toContainText(report.name);
  await expect(card).toContainText(/PDF · \d+ B/);
  const download = bo.page.waitForEvent('download');
  await card.click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(report.name);
  expect(fs.readFileSync(await file.path()).equals(report.buffer)).toBe(true);
});

test('Send waits for a running upload; a large upload cancelled mid-way is never sent', async ({ people }) => {
  test.slow();
  const { ana, anaRoom, boRoom, anaFiles, boFiles } = await openChat(people);
  // Slow uploads (DevTools network emulation, ~1 MB/s) so what happens while bytes are going up can be seen.
  const devtools = await ana.context.newCDPSession(ana.page);
  await devtools.send('Network.enable');
  await devtools.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1024 * 1024 });

  await test.step('Send pressed during an upload sends the message once the file is stored', async () => {
    const notes: TestFile = { name: 'notes.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(2 * 1024 * 1024, 3) };
    await anaFiles.pick([notes]);
    await anaRoom.composer.fill('Notes attached');
    await anaRoom.composer.press('Enter');
    await expect(anaFiles.waitingForUploads).toBeVisible();
    await expect(anaRoom.messages).toHaveCount(0);
    const message = boRoom.message('Notes attached');
    await expect(boFiles.fileCard(message, notes.name)).toBeVisible();
    await expect(anaRoom.composer).toHaveValue('');
  });

  const big: TestFile = { name: 'holiday.mov', mimeType: 'video/quicktime', buffer: Buffer.alloc(8 * 1024 * 1024, 7) };
  await anaFiles.pick([big]);
  const chip = anaFiles.chip(big.name);
  await expect(chip.getByRole('progressbar', { name: `Uploading ${big.name}` })).toBeVisible();
  await expect(chip).toHaveAttribute('data-state', 'uploading');
  await chip.getByRole('button', { name: `Cancel uploading ${big.name}` }).click();
  await expect(anaFiles.chips).toHaveCount(0);
  await expect(anaRoom.sendButton).toBeDisabled();
  await devtools.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

  // Something sent afterwards arrives alone: the cancelled file never became part of a message.
  await anaRoom.send('Just text');
  const text = boRoom.message('Just text');
  await expect(text).toBeVisible();
  await expect(boRoom.messages).toHaveCount(2);
  await expect(text.getByTestId('attachment-file')).toHaveCount(0);
});

test('a picture over 20 MB is refused at once with the sentence, and blocks sending until removed', async ({ people }) => {
  test.slow();
  const { ana, anaRoom, boRoom, anaFiles } = await openChat(people);
  const huge: TestFile = { name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(21 * 1024 * 1024) };

  await anaFiles.pick([huge]);
  const chip = anaFiles.chip(huge.name);
  await expect(chip).toHaveAttribute('data-state', 'failed');
  await expect(chip.getByRole('alert')).toHaveText(TOO_LARGE);
  await anaRoom.composer.fill('Here it is');
  await expect(anaRoom.sendButton).toBeDisabled();
  await anaRoom.composer.press('Enter');
  for (const colorScheme of ['light', 'dark'] as const) {
    await ana.page.emulateMedia({ colorScheme });
    expect(await seriousViolations(ana.page, `composer with a refused file, ${colorScheme}`)).toEqual([]);
  }
  await expect(anaRoom.messages).toHaveCount(0);

  await chip.getByRole('button', { name: `Remove ${huge.name}` }).click();
  await expect(anaFiles.chips).toHaveCount(0);
  await anaRoom.composer.press('Enter');
  await expect(boRoom.message('Here it is')).toBeVisible();
  await expect(boRoom.messages).toHaveCount(1);
});
