import { devices } from '@playwright/test';
import { seriousViolations } from './axe';
import { expect, test } from './fixtures';

type ManifestIcon = { src: string; sizes: string; type?: string; purpose?: string };
type Shortcut = { name: string; url: string; icons?: ManifestIcon[] };
type Manifest = { name?: string; short_name?: string; start_url?: string; display?: string; icons?: ManifestIcon[]; shortcuts?: Shortcut[] };

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).toString('hex'), 'PNG signature').toBe('89504e470d0a1a0a');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test('the web app manifest names the app and its icons exist as PNGs of the stated size', async ({ request }) => {
  const response = await request.get('/manifest.webmanifest');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('application/manifest+json');
  const manifest = (await response.json()) as Manifest;
  expect(manifest).toMatchObject({ name: 'Parley', short_name: 'Parley', start_url: '/', display: 'standalone' });

  const icons = manifest.icons ?? [];
  for (const size of [192, 512]) {
    const icon = icons.find((i) => i.sizes === `${size}x${size}` && i.type === 'image/png' && (i.purpose ?? 'any').includes('any'));
    expect(icon, `a ${size}×${size} PNG icon for any purpose`).toBeDefined();
  }
  for (const icon of icons) {
    const image = await request.get(icon.src);
    expect(image.status(), icon.src).toBe(200);
    expect(image.headers()['content-type'], icon.src).toBe('image/png');
    const { width, height } = pngSize(await image.body());
    expect(`${width}x${height}`, `${icon.src} is as large as the manifest says`).toBe(icon.sizes);
  }
});

test('the service worker is registered, active and serves the offline page', async ({ page, context, baseURL }) => {
  await page.goto('/login');
  const registration = await page.evaluate(async () => {
    const ready = await navigator.serviceWorker.ready;
    return { scope: ready.scope, script: ready.active?.scriptURL };
  });
  expect(registration).toEqual({ scope: `${baseURL}/`, script: `${baseURL}/sw.js` });
  await expect
    .poll(() => page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state), { message: 'worker state' })
    .toBe('activated');

  // It claims open pages at once, so this very page is already controlled.
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null)).toBe(`${baseURL}/sw.js`);

  await test.step('without a network, a page navigation gets the offline page', async () => {
    await context.setOffline(true);
    try {
      await page.goto('/');
      await expect(page.getByRole('heading', { name: "You're offline" })).toBeVisible();
    } finally {
      await context.setOffline(false);
    }
  });
});

// Playwright's browser.newContext() is off the record, and Chrome never offers to install from an incognito
// window ("in-incognito"); a persistent profile is what a person's browser has.
test('Chromium reports no installability errors', async ({ playwright, launchOptions, baseURL }, testInfo) => {
  const context = await playwright.chromium.launchPersistentContext(testInfo.outputPath('profile'), { ...launchOptions, baseURL });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/login');
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: Array<{ errorId: string; errorArguments: Array<{ name: string; value: string }> }>;
    };
    expect(installabilityErrors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('the manifest offers shortcuts to a new chat and a new group, and maskable icons keep their mark in the safe zone', async ({ request, page }) => {
  const manifest = (await (await request.get('/manifest.webmanifest')).json()) as Manifest;
  const shortcuts = manifest.shortcuts ?? [];
  expect(shortcuts.map((shortcut) => shortcut.name)).toEqual(['New chat', 'New group']);
  for (const shortcut of shortcuts) {
    // Inside the app's scope, so it opens in the installed window; signed out, it lands on sign-in.
    expect(new URL(shortcut.url, 'http://app.test').pathname, shortcut.name).toBe('/');
    expect((await request.get(shortcut.url)).status(), shortcut.url).toBe(200);
    for (const icon of shortcut.icons ?? []) expect((await request.get(icon.src)).status(), icon.src).toBe(200);
  }

  const maskable = (manifest.icons ?? []).filter((icon) => icon.purpose?.split(' ').includes('maskable'));
  expect(maskable.map((icon) => icon.sizes)).toContain('512x512');
  await page.goto('/login');
  for (const icon of maskable) {
    // Decoded by the browser itself. A launcher may crop to any shape down to a centred circle of 40% radius:
    // outside it only the opaque background may show, inside it the mark.
    const pixels = await page.evaluate(async (src) => {
      const image = new Image();
      image.src = src;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
      const background = [data[0], data[1], data[2]];
      let translucent = 0;
      let markOutside = 0;
      let markInside = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const at = (y * width + x) * 4;
          if (data[at + 3]! < 255) translucent++;
          const differs = [0, 1, 2].some((channel) => Math.abs(data[at + channel]! - background[channel]!) > 8);
          if (!differs) continue;
          if (Math.hypot((x + 0.5) / width - 0.5, (y + 0.5) / height - 0.5) > 0.4) markOutside++;
          else markInside++;
        }
      }
      return { translucent, markOutside, markInside };
    }, icon.src);
    expect(pixels.translucent, `${icon.src} is opaque to the edges`).toBe(0);
    expect(pixels.markOutside, `${icon.src}: no part of the mark outside the safe zone`).toBe(0);
    expect(pixels.markInside, `${icon.src} has a mark`).toBeGreaterThan(100);
  }
});

/** Chromium's `beforeinstallprompt`, faked: prompt() and userChoice as Chrome's, counted on window. */
function fireInstallPrompt() {
  const event = new Event('beforeinstallprompt', { cancelable: true });
  const calls = window as unknown as { promptCalls: number; lastInstallEvent: Event };
  calls.promptCalls ??= 0;
  calls.lastInstallEvent = event;
  Object.assign(event, {
    prompt: async () => {
      calls.promptCalls++;
      return { outcome: 'accepted' };
    },
    userChoice: Promise.resolve({ outcome: 'accepted', platform: 'web' }),
  });
  window.dispatchEvent(event);
}

test('"Install app" appears when the browser offers installation, prompts once, and goes once installed', async ({ people }) => {
  const ana = await people.signUp('Ana');
  const { page } = ana;
  const install = page.getByRole('button', { name: 'Install app' });
  // Chromium offers nothing to a private window, so there is no button until the event.
  await expect(page.getByRole('button', { name: 'New group' })).toBeVisible();
  await expect(install).toHaveCount(0);

  await page.evaluate(fireInstallPrompt);
  await expect(install).toBeVisible();
  // Taken over from the browser, so Chrome shows no mini-infobar of its own.
  expect(await page.evaluate(() => (window as unknown as { lastInstallEvent: Event }).lastInstallEvent.defaultPrevented)).toBe(true);
  await install.click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { promptCalls: number }).promptCalls)).toBe(1);
  // An event prompts once; the button waits for the browser to offer again.
  await expect(install).toHaveCount(0);

  await page.evaluate(fireInstallPrompt);
  await expect(install).toBeVisible();
  await page.evaluate(() => window.dispatchEvent(new Event('appinstalled')));
  await expect(install).toHaveCount(0);
});

test.describe('on an iPhone', () => {
  const iPhone = devices['iPhone 13'];
  test.use({ userAgent: iPhone.userAgent, viewport: iPhone.viewport, isMobile: true, hasTouch: true });

  test('"Install app" explains Share → Add to Home Screen, and the dialog gives the focus back', async ({ people }) => {
    const ana = await people.signUp('Ana');
    const { page } = ana;
    const install = page.getByRole('button', { name: 'Install app' });
    await install.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Install Parley' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('Share');
    await expect(dialog).toContainText('Add to Home Screen');
    const found: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      found.push(...(await seriousViolations(page, `install instructions, ${colorScheme}`)));
    }
    expect(found, 'axe on the install instructions').toEqual([]);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(install).toBeFocused();
  });
});

// Needs the landing behaviour in components/chat/user-search.tsx and new-group-dialog.tsx (reads `?new=`).
test('the shortcuts land ready: New chat focuses the people search, New group opens its dialog', async ({ people }) => {
  const ana = await people.signUp('Ana');
  const { page, app } = ana;
  await page.goto('/?new=chat');
  await expect(app.search).toBeFocused();
  await page.goto('/?new=group');
  const dialog = page.getByRole('dialog', { name: 'New group' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('textbox', { name: 'Group name' })).toBeFocused();
});
