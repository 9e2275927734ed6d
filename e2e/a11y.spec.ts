import { seriousViolations } from './axe';
import { expect, test } from './fixtures';
import { SettingsPage } from './pages/chat-pages';
import { MessageSearchPanel, NewGroupDialog } from './pages/group-pages';

const layouts = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;

/**
 * Every page and dialog, in light and dark, at phone and desktop widths: axe's WCAG 2.2 A and AA rules (contrast,
 * names, roles, labels) find no serious or critical violation. What axe cannot judge (keyboard paths, focus order,
 * announcements) needs tests of its own.
 */
for (const colorScheme of ['light', 'dark'] as const) {
  for (const layout of layouts) {
    test(`no serious or critical axe violation on any page or dialog: ${colorScheme}, ${layout.name}`, async ({ people }) => {
      test.slow();
      const [ana, bo, cy] = [await people.signUp('Ana'), await people.signUp('Bo'), await people.signUp('Cy')];
      const { page } = ana;
      await page.setViewportSize(layout.viewport);
      await page.emulateMedia({ colorScheme });
      const found: string[] = [];
      const check = async (where: string) => found.push(...(await seriousViolations(page, where)));

      await check('chat list');
      const newGroup = new NewGroupDialog(page);
      await newGroup.openButton.click();
      await expect(newGroup.dialog).toBeVisible();
      await newGroup.peopleSearch.fill(bo.searchTerm);
      await expect(newGroup.peopleToAdd.getByRole('button', { name: bo.displayName })).toBeVisible();
      await check('new group dialog');
      // Escape in a search field clears it first (the browser's own behaviour); the next Escape closes the dialog.
      await page.keyboard.press('Escape');
      await expect(newGroup.peopleSearch).toHaveValue('');
      await page.keyboard.press('Escape');
      await expect(newGroup.dialog).toBeHidden();

      const room = await newGroup.createGroup('Access', [bo, cy]);
      await ana.realtime.waitUntilConnected();
      await room.sendAndWait('Hello, accessible world');
      await check('group chat');
      const message = room.message('Hello, accessible world');
      await message.getByRole('button', { name: 'Message actions' }).click();
      await check('message actions menu');
      await page.keyboard.press('Escape');
      const info = await room.openGroupInfo();
      await check('group info dialog');
      await info.close.click();

      // The search sits beside the chat list (on a phone, the list is its own screen).
      await page.goto('/');
      const search = new MessageSearchPanel(page);
      await search.search('accessible');
      await expect(search.results).toHaveCount(1);
      await check('message search');

      await new SettingsPage(page).goto();
      await check('settings');

      const visitor = await people.create('Visitor');
      await visitor.page.setViewportSize(layout.viewport);
      await visitor.page.emulateMedia({ colorScheme });
      for (const path of ['/login', '/register']) {
        await visitor.page.goto(path);
        await expect(visitor.page.getByRole('heading', { level: 1 })).toBeVisible();
        found.push(...(await seriousViolations(visitor.page, path)));
      }

      expect(found, found.join('\n')).toEqual([]);
    });
  }
}
