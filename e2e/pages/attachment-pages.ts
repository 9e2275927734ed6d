import { expect, type Locator, type Page } from '@playwright/test';
import type { ChatRoom } from './chat-pages';

/** A file as a test builds it: sent into the page by paste, drop or the file picker. */
export type TestFile = { name: string; mimeType: string; buffer: Buffer };

type FileInPage = { name: string; type: string; base64: string };
const inPage = (files: TestFile[]): FileInPage[] => files.map((file) => ({ name: file.name, type: file.mimeType, base64: file.buffer.toString('base64') }));

/** Attaching files in a chat's composer, and the attachments its messages show. */
export class Attachments {
  readonly page: Page;
  readonly attachButton: Locator;
  readonly chips: Locator;
  readonly dropZone: Locator;
  readonly waitingForUploads: Locator;

  constructor(readonly room: ChatRoom) {
    this.page = room.page;
    this.attachButton = room.section.getByRole('button', { name: 'Attach files' });
    this.chips = room.section.getByRole('list', { name: 'Attachments' }).getByTestId('attachment-chip');
    this.dropZone = room.page.getByTestId('drop-zone');
    this.waitingForUploads = room.section.getByRole('status').filter({ hasText: 'Sending when uploads finish…' });
  }

  chip(name: string): Locator {
    return this.chips.filter({ has: this.page.getByTitle(name, { exact: true }) });
  }

  /** The thumbnail of the picture named `name` inside `message` (a button named by the picture's alt text). */
  thumbnail(message: Locator, name: string): Locator {
    return message.getByTestId('attachment-thumbnail').filter({ has: this.page.getByRole('img', { name, exact: true }) });
  }

  fileCard(message: Locator, name: string): Locator {
    return message.getByTestId('attachment-file').and(this.page.getByTitle(name, { exact: true }));
  }

  viewer(name: string): Locator {
    return this.page.getByRole('dialog', { name });
  }

  /** Chooses files through the paperclip button and the browser's file chooser. */
  async pick(files: TestFile[]) {
    const chooser = this.page.waitForEvent('filechooser');
    await this.attachButton.click();
    await (await chooser).setFiles(files);
  }

  /** Pastes files into the message field, as a screenshot pasted from the clipboard arrives. */
  async paste(files: TestFile[]) {
    await this.room.composer.evaluate((field, files: FileInPage[]) => {
      const data = new DataTransfer();
      for (const file of files) data.items.add(new File([Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))], file.name, { type: file.type }));
      field.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, inPage(files));
  }

  /** Drags files over the conversation (the drop zone shows) and drops them there. */
  async drop(files: TestFile[]) {
    const target = this.room.scroller;
    await target.evaluate((element, files: FileInPage[]) => {
      const data = new DataTransfer();
      for (const file of files) data.items.add(new File([Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))], file.name, { type: file.type }));
      (window as unknown as { testDrop: DataTransfer }).testDrop = data;
      for (const type of ['dragenter', 'dragover']) element.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    }, inPage(files));
    await expect(this.dropZone).toBeVisible();
    await target.evaluate((element) => {
      const data = (window as unknown as { testDrop: DataTransfer }).testDrop;
      element.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await expect(this.dropZone).toBeHidden();
  }
}

/** Resolves once `image` has loaded a picture (its natural width is known). */
export async function expectLoaded(image: Locator) {
  await image.scrollIntoViewIfNeeded();
  await expect.poll(() => image.evaluate((element: HTMLImageElement) => (element.complete ? element.naturalWidth : 0)), { message: 'the picture loads' }).toBeGreaterThan(0);
}
