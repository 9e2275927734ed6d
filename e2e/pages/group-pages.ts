import { expect, type Locator, type Page } from '@playwright/test';
import { ChatRoom } from './chat-pages';

/** Someone to pick in a people picker: found by part of their name, told apart by their username. */
export type Pickable = { displayName: string; username: string; searchTerm: string };

/** The sidebar's "New group" button and the dialog it opens: a name, people picked by search, "Create group". */
export class NewGroupDialog {
  readonly page: Page;
  readonly openButton: Locator;
  readonly dialog: Locator;
  readonly title: Locator;
  readonly peopleSearch: Locator;
  readonly peopleToAdd: Locator;
  readonly selected: Locator;
  readonly create: Locator;

  constructor(page: Page) {
    this.page = page;
    this.openButton = page.getByRole('button', { name: 'New group' });
    this.dialog = page.getByRole('dialog', { name: 'New group' });
    this.title = this.dialog.getByRole('textbox', { name: 'Group name' });
    this.peopleSearch = this.dialog.getByRole('searchbox', { name: 'Search people to add' });
    this.peopleToAdd = this.dialog.getByRole('list', { name: 'People to add' });
    this.selected = this.dialog.getByRole('list', { name: 'Selected people' });
    this.create = this.dialog.getByRole('button', { name: 'Create group' });
  }

  /** Opens the dialog, names the group, picks each person and creates it; waits for the new chat to open. */
  async createGroup(title: string, members: Pickable[]): Promise<GroupRoom> {
    await this.openButton.click();
    await expect(this.dialog).toBeVisible();
    await this.title.fill(title);
    for (const member of members) {
      await this.peopleSearch.fill(member.searchTerm);
      await this.peopleToAdd.getByRole('button', { name: member.displayName }).filter({ hasText: `@${member.username}` }).click();
      await expect(this.selected.getByRole('button', { name: `Remove ${member.displayName}` })).toBeVisible();
    }
    await this.create.click();
    await expect(this.dialog).toBeHidden();
    await expect(this.page).toHaveURL(/\/c\/[0-9a-f-]{36}$/);
    const room = new GroupRoom(this.page, title);
    await expect(room.section).toBeVisible();
    return room;
  }
}

/** A group conversation: everything a 1:1 room has, plus message actions, replies, reactions, mentions and group info. */
export class GroupRoom extends ChatRoom {
  readonly systemLines: Locator;
  readonly chatMenuButton: Locator;
  readonly replying: Locator;
  readonly editing: Locator;
  readonly saveButton: Locator;
  readonly mentionSuggestions: Locator;
  readonly emojiPicker: Locator;
  readonly jumpToLatest: Locator;
  /** In place of the composer once I am no longer a member. */
  readonly noLongerMember: Locator;

  constructor(page: Page, title: string) {
    super(page, title);
    this.systemLines = this.section.getByTestId('system-line');
    this.chatMenuButton = this.section.getByRole('button', { name: 'Chat menu' });
    this.replying = this.section.getByRole('group', { name: 'Replying' });
    this.editing = this.section.getByRole('group', { name: 'Editing' });
    this.saveButton = this.section.getByRole('button', { name: 'Save', exact: true });
    this.mentionSuggestions = this.section.getByRole('listbox', { name: 'Mention someone' });
    this.emojiPicker = this.section.getByRole('dialog', { name: 'Choose a reaction' });
    this.jumpToLatest = this.section.getByRole('button', { name: 'Jump to the latest message' });
    this.noLongerMember = this.section.getByText('You are no longer a member of this group', { exact: true });
  }

  systemLine(text: string | RegExp): Locator {
    return this.systemLines.filter({ hasText: text });
  }

  /** The name shown over the run of messages `message` belongs to (groups name the sender of each run). */
  senderNameOf(message: Locator): Locator {
    return message.locator('xpath=ancestor::li[1]/span[1]');
  }

  replyQuote(message: Locator): Locator {
    return message.getByTestId('reply-quote');
  }

  /** A reaction chip under `message`, by its accessible name, e.g. "👍 2: You and Bo Chen". */
  reaction(message: Locator, name: string): Locator {
    return message.getByRole('list', { name: 'Reactions' }).getByRole('button', { name, exact: true });
  }

  /** The accessible names of the reaction chips under `message`, in order, e.g. ["👍 1: Cy Diaz", "🦄 1: Cy Diaz"]. */
  async reactionNames(message: Locator): Promise<string[]> {
    return message
      .getByRole('list', { name: 'Reactions' })
      .getByRole('button')
      .evaluateAll((chips) => chips.map((chip) => chip.getAttribute('aria-label') ?? ''));
  }

  /** Sends `text` and waits until the server has stored it; returns its sequence number. */
  async sendAndWait(text: string): Promise<number> {
    const before = await this.messages.count();
    await this.send(text);
    const sent = this.messages.nth(before);
    await expect(sent).toHaveAttribute('data-status', 'sent');
    await expect(sent).toContainText(text);
    return Number(await sent.getAttribute('data-seq'));
  }

  /** Opens the "⋯" menu beside `message` (shown on hover) and chooses `item`. */
  async chooseAction(message: Locator, item: string) {
    await message.hover();
    await message.getByRole('button', { name: 'Message actions' }).click();
    await message.getByRole('menu', { name: 'Message actions' }).getByRole('menuitem', { name: item }).click();
  }

  async reply(message: Locator, text: string) {
    await this.chooseAction(message, 'Reply');
    await expect(this.replying).toBeVisible();
    await expect(this.composer).toBeFocused();
    await this.composer.fill(text);
    await this.composer.press('Enter');
    await expect(this.replying).toBeHidden();
  }

  async edit(message: Locator, text: string) {
    await this.chooseAction(message, 'Edit');
    await expect(this.editing).toBeVisible();
    await expect(this.saveButton).toBeVisible();
    await this.composer.fill(text);
    await this.saveButton.click();
    await expect(this.editing).toBeHidden();
  }

  async delete(message: Locator) {
    await this.chooseAction(message, 'Delete');
    await this.page.getByRole('dialog', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete for everyone' }).click();
  }

  /** "More reactions…": types any emoji into the picker's own field. */
  async reactWithAnyEmoji(message: Locator, emoji: string) {
    await this.chooseAction(message, 'More reactions…');
    await expect(this.emojiPicker).toBeVisible();
    await this.emojiPicker.getByRole('textbox', { name: 'Any emoji' }).fill(emoji);
    await this.emojiPicker.getByRole('button', { name: 'React', exact: true }).click();
    await expect(this.emojiPicker).toBeHidden();
  }

  async openGroupInfo(): Promise<GroupInfoDialog> {
    await this.chatMenuButton.click();
    await this.page.getByRole('menu', { name: 'Chat menu' }).getByRole('menuitem', { name: 'Group info' }).click();
    const info = new GroupInfoDialog(this.page);
    await expect(info.dialog).toBeVisible();
    return info;
  }
}

/** The "Group info" dialog: members and, for admins, their management. */
export class GroupInfoDialog {
  readonly page: Page;
  readonly dialog: Locator;
  readonly members: Locator;
  readonly close: Locator;

  constructor(page: Page) {
    this.page = page;
    this.dialog = page.getByRole('dialog', { name: 'Group info' });
    this.members = this.dialog.getByRole('list', { name: 'Members' }).getByTestId('group-member');
    this.close = this.dialog.getByRole('button', { name: 'Close' });
  }

  async removeMember(displayName: string) {
    await this.dialog.getByRole('button', { name: `Remove ${displayName} from the group` }).click();
    await this.page.getByRole('alertdialog', { name: `Remove ${displayName}?` }).getByRole('button', { name: 'Remove', exact: true }).click();
    await expect(this.members.filter({ hasText: displayName })).toHaveCount(0);
  }
}

/** The sidebar's message search: a searchbox and the "Messages found" links (each opens /c/<chatId>?m=<seq>). */
export class MessageSearchPanel {
  readonly page: Page;
  readonly root: Locator;
  readonly box: Locator;
  readonly results: Locator;
  readonly noResults: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('message-search');
    this.box = this.root.getByRole('searchbox', { name: 'Search messages' });
    this.results = this.root.getByRole('list', { name: 'Messages found' }).getByRole('link');
    this.noResults = this.root.getByText('No messages found.');
  }

  async search(query: string) {
    await this.box.fill(query);
  }
}
