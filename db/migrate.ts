import path from 'node:path';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { getDb, getSql } from './index';

// Any constant works; it only has to be the same in every process of one deployment.
const MIGRATION_LOCK_ID = 7_031_990;

/**
 * Applies committed migrations once, even when several instances start together: the advisory lock,
 * held on its own connection, lets one process migrate while the others wait and then find nothing to do.
 */
export async function runMigrations(migrationsFolder = path.join(process.cwd(), 'db/migrations')): Promise<void> {
  const lock = await getSql().reserve();
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    await migrate(getDb(), { migrationsFolder });
  } finally {
    await lock`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.catch(() => {});
    lock.release();
  }
}
