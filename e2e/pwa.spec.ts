import { expect, test } from './fixtures';

type ManifestIcon = { src: string; sizes: string; type?: string; purpose?: string };
type Manifest = { name?: string; short_name?: string; start_url?: string; display?: string; icons?: ManifestIcon[] };

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
