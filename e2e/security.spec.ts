import { randomBytes, randomUUID } from 'node:crypto';
import type { Page, Request } from '@playwright/test';
import { chatIdOf, collectDialogs, expect, newCredentials, test, type Person } from './fixtures';
import { LoginPage } from './pages/auth-pages';
import { connectionStatus, sessionCookieHeader, withSocket } from './realtime-tools';

const IMG_PAYLOAD = '<img src=x onerror=alert(1)>';
const SQL_PAYLOAD = "' OR 1=1 --";
/** The exact text of app/(auth)/actions.ts. */
const TOO_MANY_SIGN_INS = 'Too many failed sign-ins. Please wait 15 minutes and try again.';

const isServerAction = (request: Request) => request.method() === 'POST' && request.headers()['next-action'] !== undefined;

test('a non-member learns nothing about a chat: page, history API and socket answer as for no chat at all', async ({ people, request, baseURL }) => {
  const [alice, bob, carol] = await Promise.all([people.signUp('Alice'), people.signUp('Bob'), people.signUp('Carol')]);
  const aliceRoom = await alice.app.startChatWith(bob.searchTerm, bob);
  await aliceRoom.send('our secret plan');
  await expect(aliceRoom.message('our secret plan')).toHaveAttribute('data-status', 'sent');
  const chatId = chatIdOf(alice.page);
  const nowhere = randomUUID();

  await test.step('the page: the same 404 "Chat not found" as for a random id, naming no one', async () => {
    const view = async (id: string) => {
      const response = await carol.page.goto(`/c/${id}`);
      await expect(carol.page.getByRole('heading', { name: 'Chat not found', level: 1 })).toBeVisible();
      const html = (await response?.text()) ?? '';
      for (const secret of [alice.username, alice.displayName, bob.username, bob.displayName, 'our secret plan']) expect(html).not.toContain(secret);
      // The title as the server sent it: in the browser React may swap the <title> element while hydrating, and
      // document.title reads "" for that instant (seen once in a full e2e run).
      const title = /<title>([^<]*)<\/title>/.exec(html)?.[1];
      expect(title).toBeTruthy();
      return { status: response?.status(), title, text: await carol.page.getByRole('main').innerText() };
    };
    const foreign = await view(chatId);
    expect(foreign.status).toBe(404);
    expect(foreign).toEqual(await view(nowhere));
  });

  await test.step('the history API: 404 not_found as for a random id; 401 when signed out', async () => {
    const history = (id: string) => `/api/chats/${id}/messages?before=100`;
    const own = await alice.page.request.get(history(chatId));
    expect(own.status()).toBe(200);
    expect(await own.json()).toMatchObject({ ok: true, data: { messages: [{ body: 'our secret plan' }] } });
    for (const id of [chatId, nowhere]) {
      const response = await carol.page.request.get(history(id));
      expect(response.status()).toBe(404);
      expect(await response.json()).toEqual({ ok: false, error: 'not_found' });
    }
    const signedOut = await request.get(history(chatId));
    expect(signedOut.status()).toBe(401);
    expect(await signedOut.json()).toEqual({ ok: false, error: 'unauthorized' });
  });

  await test.step('the socket: joining, reading and sending answer not_found, and nothing is broadcast to her', async () => {
    const heard: string[] = [];
    await withSocket(baseURL!, await sessionCookieHeader(carol.context, baseURL!), async (socket) => {
      socket.on('message:new', (message) => heard.push(message.body));
      for (const id of [chatId, nowhere]) {
        expect(await socket.timeout(5000).emitWithAck('chat:join', { chatId: id })).toEqual({ ok: false, error: 'not_found' });
        expect(await socket.timeout(5000).emitWithAck('message:sync', { chatId: id, afterSeq: 0 })).toEqual({ ok: false, error: 'not_found' });
        const send = await socket.timeout(5000).emitWithAck('message:send', { chatId: id, clientId: randomUUID(), body: 'let me in' });
        expect(send).toEqual({ ok: false, error: 'not_found' });
      }
      // A message in the chat while her socket listens: Bob hears it live, she does not.
      await aliceRoom.send('still secret');
      await expect(bob.app.chatPreview(alice.displayName)).toHaveText('still secret');
      // A round trip after the broadcast: anything sent her way would have arrived before this answer.
      await socket.timeout(5000).emitWithAck('message:sync', { chatId: nowhere, afterSeq: 0 });
    });
    expect(heard).toEqual([]);
    await expect(aliceRoom.messages).toHaveCount(2);
  });
});

test('a server action replayed from a foreign origin is refused; the same request from the app runs', async ({ people, playwright, baseURL }) => {
  const [searcher, target] = await Promise.all([people.signUp('Searcher'), people.signUp('Target')]);

  const captured = searcher.page.waitForRequest(isServerAction);
  await searcher.app.search.fill(target.searchTerm);
  const action = await captured;
  await expect(searcher.app.peopleFound.getByRole('button', { name: target.displayName })).toBeVisible();

  const api = await playwright.request.newContext({ baseURL, storageState: await searcher.context.storageState() });
  try {
    const sent = action.headers();
    const replay = (origin: string) =>
      api.post(action.url(), {
        headers: {
          origin,
          accept: sent.accept!,
          'content-type': sent['content-type']!,
          'next-action': sent['next-action']!,
          'next-router-state-tree': sent['next-router-state-tree']!,
        },
        data: action.postData() ?? '',
        maxRedirects: 0,
      });

    const genuine = await replay(new URL(baseURL!).origin);
    expect(genuine.status()).toBe(200);
    expect(await genuine.text()).toContain(target.username);

    const forged = await replay('https://evil.example');
    expect(forged.ok(), `a forged Origin got ${forged.status()}`).toBe(false);
    expect(await forged.text()).not.toContain(target.username);
  } finally {
    await api.dispose();
  }
});

test('search treats markup, SQL and LIKE wildcards as literal text', async ({ people }) => {
  const tag = randomBytes(4).toString('hex');
  const searcher = await people.create('Searcher');
  const dialogs = collectDialogs(searcher.page);
  const [markup, quoted, decoy] = await Promise.all([
    people.signUp('Markup', { displayName: `${IMG_PAYLOAD} ${tag}` }),
    people.signUp('Quoted', { displayName: `${SQL_PAYLOAD} 1%_${tag}` }),
    // Would match "1%_<tag>" if % or _ were wildcards.
    people.signUp('Decoy', { displayName: `Decoy 1xy${tag}` }),
    searcher.register(),
  ]);
  const { app, page } = searcher;
  const results = app.peopleFound.getByRole('button');
  const resultFor = (person: Person) => app.peopleFound.getByRole('button', { name: `${person.displayName} @${person.username}` });

  /** Clears the box first, so the results shown afterwards are this query's, not the previous one's. */
  const search = async (query: string) => {
    await app.search.fill('');
    await expect(app.peopleFound).toBeHidden();
    await app.search.fill(query);
  };
  const expectOnlyLiteralMatches = async (text: string) => {
    for (const result of await results.allInnerTexts()) expect(result).toContain(text);
  };

  await test.step('markup is searched for and shown as text, and runs nothing', async () => {
    await search(IMG_PAYLOAD);
    await expect(resultFor(markup)).toBeVisible();
    await expectOnlyLiteralMatches(IMG_PAYLOAD);
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
  });

  await test.step(`"${SQL_PAYLOAD}" matches only names that contain it`, async () => {
    await search(SQL_PAYLOAD);
    await expect(resultFor(quoted)).toBeVisible();
    await expect(resultFor(decoy)).toBeHidden();
    await expectOnlyLiteralMatches(SQL_PAYLOAD);
  });

  await test.step('% and _ match themselves, not any character', async () => {
    await search(`1%_${tag}`);
    await expect(results).toHaveCount(1);
    await expect(resultFor(quoted)).toBeVisible();
    await search(`1_y${tag}`);
    await expect(page.getByText('No one found.')).toBeVisible();
    await search('%');
    await expect(resultFor(quoted)).toBeVisible();
    await expectOnlyLiteralMatches('%');
  });

  expect(dialogs, 'dialogs opened by injected script').toEqual([]);
});

test('pages carry a nonce-based CSP and security headers, the session cookie is HttpOnly and SameSite=Lax, and the app still runs', async ({ people, baseURL }) => {
  const person = await people.create('Headers');
  const violations = await watchCspViolations(person.page);
  await person.register();

  const response = await person.page.goto('/');
  expect(response?.status()).toBe(200);
  const headers = response!.headers();
  const csp = parseCsp(headers['content-security-policy']);
  const scriptSrc = csp.get('script-src') ?? [];
  expect(scriptSrc).toContain("'strict-dynamic'");
  expect(scriptSrc.some((source) => /^'nonce-[A-Za-z0-9+/_=-]{16,}'$/.test(source)), `a nonce in script-src: ${scriptSrc.join(' ')}`).toBe(true);
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expect(csp.get('object-src')).toEqual(["'none'"]);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin']).toContain(headers['referrer-policy']);

  await test.step('a fresh nonce for every response, on public pages too', async () => {
    const again = await person.page.request.get('/');
    expect(parseCsp(again.headers()['content-security-policy']).get('script-src')).not.toEqual(scriptSrc);
    const login = await person.page.request.get('/login');
    expect(parseCsp(login.headers()['content-security-policy']).get('script-src')).toContain("'strict-dynamic'");
  });

  await test.step('the session cookie is HttpOnly and SameSite=Lax (and not __Secure- on plain http)', async () => {
    const cookies = await person.context.cookies(baseURL);
    const session = cookies.find((cookie) => cookie.name === 'authjs.session-token');
    expect(session, `cookies: ${cookies.map((cookie) => cookie.name).join(', ')}`).toBeDefined();
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false });
  });

  await test.step('scripts run under that policy: the realtime socket connects, with no CSP violation', async () => {
    await expect(connectionStatus(person.page)).toHaveAttribute('data-connection', 'connected');
    await expect(person.app.search).toBeEditable();
    expect(await violations()).toEqual([]);
  });
});

test('ten wrong passwords lock an account, even against the right password', async ({ people }) => {
  const owner = await people.signUp('Owner');
  const attacker = await people.create('Attacker');
  const form = new LoginPage(attacker.page);
  await form.goto();

  for (let attempt = 1; attempt <= 10; attempt += 1) {
    await signInAndWait(form, { username: owner.username, password: `wrong-password-${attempt}` });
    await expect(form.formError).toHaveText('Wrong username or password');
  }
  await signInAndWait(form, owner.credentials);
  await expect(attacker.page.getByRole('alert').filter({ hasText: 'Too many failed sign-ins' })).toHaveText(TOO_MANY_SIGN_INS);
  await expect(attacker.page).toHaveURL('/login');
  await expect(attacker.page.getByTestId('current-user')).toHaveCount(0);
});

test('an unknown username is locked the same way after ten failures', async ({ people }) => {
  const visitor = await people.create('Visitor');
  const ghost = newCredentials('Ghost');
  const form = new LoginPage(visitor.page);
  await form.goto();

  for (let attempt = 1; attempt <= 10; attempt += 1) {
    await signInAndWait(form, { username: ghost.username, password: `guess-${attempt}` });
    await expect(form.formError).toHaveText('Wrong username or password');
  }
  await signInAndWait(form, ghost);
  await expect(visitor.page.getByRole('alert').filter({ hasText: 'Too many failed sign-ins' })).toHaveText(TOO_MANY_SIGN_INS);
});

/** Submits the sign-in form and waits for the server's answer, so the alert read next is this attempt's. */
async function signInAndWait(form: LoginPage, credentials: { username: string; password: string }) {
  const answered = form.page.waitForResponse((response) => isServerAction(response.request()));
  await form.signIn(credentials);
  await answered;
}

/** A CSP header as directive → sources. */
function parseCsp(header: string | undefined): Map<string, string[]> {
  expect(header, 'a Content-Security-Policy header').toBeTruthy();
  return new Map(
    header!
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name!.toLowerCase(), sources]),
  );
}

/** Every CSP violation the page reports: console errors, and `securitypolicyviolation` events of its current document. */
async function watchCspViolations(page: Page): Promise<() => Promise<string[]>> {
  const console: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) console.push(message.text());
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { parleyCspViolations: string[] }).parleyCspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  return async () => [...console, ...(await page.evaluate(() => (window as unknown as { parleyCspViolations?: string[] }).parleyCspViolations ?? []))];
}
