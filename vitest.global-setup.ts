import { closeDb } from '@/db';
import { runMigrations } from '@/db/migrate';

/** Migrates the run's database once, before any test file starts. */
export async function setup() {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error('DATABASE_URL is not set: run `npm run test:integration`, which provisions a throwaway database.');
  }
  // Tests write users and messages: refuse anything but a database made by scripts/test-services.mjs.
  const database = new URL(url).pathname.slice(1);
  if (!database.startsWith('parley_test_')) {
    throw new Error(`Refusing to run tests against database "${database}": run \`npm run test:integration\` instead.`);
  }
  try {
    await runMigrations();
  } finally {
    await closeDb();
  }
}
