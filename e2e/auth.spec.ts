import { expect, newCredentials, test } from './fixtures';
import { LoginPage, RegisterPage } from './pages/auth-pages';

test('registration says what is wrong next to the field and keeps what was typed', async ({ people }) => {
  const existing = await people.signUp('Taken');
  const visitor = await people.create('Newcomer');
  const form = new RegisterPage(visitor.page);
  await form.goto();

  await test.step('a taken username (in any case) is refused on the Username field', async () => {
    const attempt = { ...visitor.credentials, username: existing.username.toUpperCase() };
    await form.register(attempt);
    await expect(form.username).toHaveAccessibleDescription('That username is taken');
    await expect(form.username).toHaveAttribute('aria-invalid', 'true');
    await expect(form.password).not.toHaveAttribute('aria-invalid');
    await expect(form.username).toHaveValue(attempt.username);
    await expect(form.displayName).toHaveValue(attempt.displayName);
    await expect(form.password).toHaveValue(attempt.password);
    await expect(visitor.page).toHaveURL('/register');
  });

  await test.step('a too-short password is refused on the Password field', async () => {
    await form.username.fill(visitor.username);
    await form.password.fill('short');
    await form.submit.click();
    await expect(form.password).toHaveAccessibleDescription('Password must be at least 8 characters');
    await expect(form.password).toHaveAttribute('aria-invalid', 'true');
    await expect(form.username).not.toHaveAttribute('aria-invalid');
    await expect(form.username).toHaveValue(visitor.username);
    await expect(form.displayName).toHaveValue(visitor.displayName);
    await expect(form.password).toHaveValue('short');
  });

  await test.step('once fixed, the account is created and signed in', async () => {
    await form.password.fill(visitor.credentials.password);
    await form.submit.click();
    await expect(visitor.page).toHaveURL('/');
    await expect(visitor.app.currentUser).toHaveText(visitor.displayName);
  });
});

test('sign-in refuses wrong credentials and keeps what was typed', async ({ people }) => {
  const member = await people.signUp('Member');
  const visitor = await people.create('Visitor');
  const form = new LoginPage(visitor.page);
  await form.goto();

  await test.step('empty fields are named one by one', async () => {
    await form.submit.click();
    await expect(form.username).toHaveAccessibleDescription('Enter your username');
    await expect(form.password).toHaveAccessibleDescription('Enter your password');
  });

  await test.step('a wrong password', async () => {
    await form.signIn({ username: member.username, password: 'not-the-password' });
    await expect(form.formError).toBeVisible();
    await expect(form.username).toHaveValue(member.username);
    await expect(form.password).toHaveValue('not-the-password');
    await expect(form.username).not.toHaveAttribute('aria-invalid');
    await expect(visitor.page).toHaveURL('/login');
  });

  await test.step('an unknown username gets the same answer', async () => {
    const stranger = newCredentials('Nobody');
    await form.signIn(stranger);
    await expect(form.formError).toBeVisible();
    await expect(form.username).toHaveValue(stranger.username);
  });

  await test.step('the right password signs in', async () => {
    await form.signIn(member.credentials);
    await expect(visitor.page).toHaveURL('/');
    await expect(visitor.app.currentUser).toHaveText(member.displayName);
  });
});

test('a signed-out visitor to a private page signs in and lands back on it', async ({ people }) => {
  const member = await people.signUp('Member');
  const visitor = await people.create('Visitor');

  await visitor.page.goto('/settings');
  await expect(visitor.page).toHaveURL('/login?callbackUrl=%2Fsettings');
  await new LoginPage(visitor.page).signIn(member.credentials);
  await expect(visitor.page).toHaveURL('/settings');
  await expect(visitor.page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(visitor.page.getByText(`Signed in as @${member.username}`)).toBeVisible();
});
