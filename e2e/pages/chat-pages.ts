import { expect, type Locator, type Page } from '@playwright/test';

/** The signed-in shell: the sidebar with the current user, people search and chat list. */
export class ChatApp {
  readonly page: Page;
  readonly currentUser: Locator;
  readonly signOut: Locator;
  readonly search: Locator;
  readonly peopleFound: Locator;
  readonly chatList: Locator;
  readonly chatItems: Locator;
  readonly noChatsYet: Locator;
  readonly welcome: Locator;

  constructor(page: Page) {
    this.page = page;
    this.currentUser = page.getByTestId('current-user');
    this.signOut = page.getByRole('button', { name: 'Sign out' });
    this.search = page.getByRole('searchbox', { name: 'Search people' });
    this.peopleFound = page.getByRole('list', { name: 'People found' });
    this.chatList = page.getByRole('navigation', { name: 'Chat list' });
    this.chatItems = this.chatList.getByTestId('chat-list-item');
    this.noChatsYet = page.getByText('No chats yet. Search for someone to start one.');
    this.welcome = page.getByRole('heading', { name: 'Welcome to Parley' });
  }

  /** The chat list entry for a conversation with `peerDisplayName`. */
  chatItem(peerDisplayName: string): Locator {
    return this.chatItems.filter({ hasText: peerDisplayName });
  }

  chatPreview(peerDisplayName: string): Locator {
    return this.chatItem(peerDisplayName).getByTestId('chat-preview');
  }

  /** The unread badge of a chat; its accessible name is "N unread message(s)". */
  unreadBadge(peerDisplayName: string): Locator {
    return this.chatItem(peerDisplayName).getByTestId('unread-badge');
  }

  /** "Mark as unread" beside a chat in the list (shown on hover or focus; absent while the chat has unread messages). */
  markAsUnread(peerDisplayName: string): Locator {
    const item = this.page.getByTestId('chat-list-item').filter({ hasText: peerDisplayName });
    return this.chatList.getByRole('listitem').filter({ has: item }).getByRole('button', { name: 'Mark as unread' });
  }

  /** The sidebar's link to /settings (a client-side navigation: the page and its socket stay). */
  get settingsLink(): Locator {
    return this.page.getByRole('link', { name: 'Settings', exact: true });
  }

  /** Types part of someone's name into the search, picks them and waits for the chat to open. */
  async startChatWith(query: string, peer: { displayName: string; username: string }): Promise<ChatRoom> {
    await this.search.fill(query);
    // The username tells apart two people who happen to share a display name.
    const result = this.peopleFound.getByRole('button', { name: peer.displayName }).filter({ hasText: `@${peer.username}` });
    await result.click();
    await expect(this.page).toHaveURL(/\/c\/[0-9a-f-]{36}$/);
    const room = new ChatRoom(this.page, peer.displayName);
    await expect(room.section).toBeVisible();
    return room;
  }
}

/** One open conversation, found by its accessible name "Chat with <peer>". */
export class ChatRoom {
  readonly page: Page;
  readonly section: Locator;
  readonly heading: Locator;
  readonly backToChats: Locator;
  readonly composer: Locator;
  readonly sendButton: Locator;
  readonly messages: Locator;
  readonly scroller: Locator;
  readonly loadOlder: Locator;
  readonly loadingOlder: Locator;
  readonly beginning: Locator;
  /** Under the peer's name in the header: "online", "<name> is typing…", "last seen …", or "@username". */
  readonly peerStatus: Locator;

  constructor(page: Page, peerDisplayName: string) {
    this.page = page;
    this.section = page.getByRole('region', { name: `Chat with ${peerDisplayName}` });
    this.heading = this.section.getByRole('heading', { level: 1 });
    this.backToChats = this.section.getByRole('link', { name: 'Back to chats' });
    this.composer = this.section.getByRole('textbox', { name: 'Message' });
    this.sendButton = this.section.getByRole('button', { name: 'Send', exact: true });
    this.messages = this.section.getByTestId('message');
    this.scroller = this.section.getByTestId('message-scroller');
    this.loadOlder = this.section.getByRole('button', { name: 'Load older messages' });
    this.loadingOlder = this.section.getByRole('button', { name: 'Loading older messages…' });
    this.beginning = this.section.getByText('This is the beginning of your conversation.');
    this.peerStatus = this.section.getByTestId('peer-status');
  }

  message(text: string | RegExp): Locator {
    return this.messages.filter({ hasText: text });
  }

  messageWithSeq(seq: number): Locator {
    return this.messages.and(this.page.locator(`[data-seq="${seq}"]`));
  }

  /** Types and presses Enter, as a person at a keyboard would. */
  async send(text: string) {
    await this.composer.fill(text);
    await this.composer.press('Enter');
  }

  /** The sequence numbers of every message the page holds, top to bottom. */
  async seqs(): Promise<number[]> {
    return this.messages.evaluateAll((elements) => elements.map((element) => Number(element.getAttribute('data-seq'))));
  }

  /** The first message whose top edge is inside the scroller's visible area, and its offset from that edge. */
  async topVisibleMessage(): Promise<{ seq: number; offset: number }> {
    return this.scroller.evaluate((scroller) => {
      const top = scroller.getBoundingClientRect().top;
      for (const element of scroller.querySelectorAll<HTMLElement>('[data-testid="message"]')) {
        const offset = element.getBoundingClientRect().top - top;
        if (offset >= 0) return { seq: Number(element.dataset.seq), offset };
      }
      throw new Error('no message is visible in the scroller');
    });
  }

  /** How far the message numbered `seq` sits below the top of the scroller's visible area, in pixels. */
  async offsetOf(seq: number): Promise<number> {
    return this.scroller.evaluate((scroller, wanted) => {
      const element = scroller.querySelector(`[data-testid="message"][data-seq="${wanted}"]`);
      if (!element) throw new Error(`message ${wanted} is not on the page`);
      return element.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
    }, seq);
  }
}

/** /settings: privacy (hide last seen, read receipts) and notifications. */
export class SettingsPage {
  readonly page: Page;
  readonly hideLastSeen: Locator;
  readonly sendReadReceipts: Locator;
  readonly savePrivacy: Locator;
  readonly privacySaved: Locator;

  constructor(page: Page) {
    this.page = page;
    this.hideLastSeen = page.getByRole('checkbox', { name: 'Hide my last seen' });
    this.sendReadReceipts = page.getByRole('checkbox', { name: 'Send read receipts' });
    this.savePrivacy = page.getByRole('button', { name: 'Save privacy' });
    this.privacySaved = page.getByRole('status').filter({ hasText: 'Privacy settings saved.' });
  }

  async goto() {
    await this.page.goto('/settings');
    await expect(this.page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  }

  /** Sets both privacy switches and saves. */
  async setPrivacy(privacy: { hideLastSeen: boolean; sendReadReceipts: boolean }) {
    await this.hideLastSeen.setChecked(privacy.hideLastSeen);
    await this.sendReadReceipts.setChecked(privacy.sendReadReceipts);
    await this.savePrivacy.click();
    await expect(this.privacySaved).toBeVisible();
  }
}
