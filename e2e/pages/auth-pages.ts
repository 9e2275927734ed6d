import { expect, type Locator, type Page } from '@playwright/test';

export type Credentials = { username: string; displayName: string; password: string };

/** /register: three labelled fields and "Create account". */
export class RegisterPage {
  readonly page: Page;
  readonly heading: Locator;
  readonly username: Locator;
  readonly displayName: Locator;
  readonly password: Locator;
  readonly submit: Locator;

  constructor(page: Page) {
    this.page = page;
    this.heading = page.getByRole('heading', { name: 'Create your account' });
    this.username = page.getByLabel('Username', { exact: true });
    this.displayName = page.getByLabel('Display name', { exact: true });
    this.password = page.getByLabel('Password', { exact: true });
    this.submit = page.getByRole('button', { name: 'Create account' });
  }

  async goto() {
    await this.page.goto('/register');
    await expect(this.heading).toBeVisible();
  }

  async fill(credentials: Credentials) {
    await this.username.fill(credentials.username);
    await this.displayName.fill(credentials.displayName);
    await this.password.fill(credentials.password);
  }

  async register(credentials: Credentials) {
    await this.fill(credentials);
    await this.submit.click();
  }
}

/** /login: "Username", "Password" and "Sign in"; a form-wide alert for wrong credentials. */
export class LoginPage {
  readonly page: Page;
  readonly heading: Locator;
  readonly username: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  readonly formError: Locator;

  constructor(page: Page) {
    this.page = page;
    this.heading = page.getByRole('heading', { name: 'Sign in' });
    this.username = page.getByLabel('Username', { exact: true });
    this.password = page.getByLabel('Password', { exact: true });
    this.submit = page.getByRole('button', { name: 'Sign in', exact: true });
    // Field errors are alerts too, but they sit inside the field's description; this is the form's own.
    this.formError = page.getByRole('alert').filter({ hasText: 'Wrong username or password' });
  }

  async goto(path = '/login') {
    await this.page.goto(path);
    await expect(this.heading).toBeVisible();
  }

  async signIn(credentials: Pick<Credentials, 'username' | 'password'>) {
    await expect(this.heading).toBeVisible();
    await this.username.fill(credentials.username);
    await this.password.fill(credentials.password);
    await this.submit.click();
  }
}
