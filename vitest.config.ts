import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// No trailing slash: `@/db` must resolve to the same module id as a relative `./db` import.
const root = fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, '');

export default defineConfig({
  resolve: { alias: { '@': root } },
  test: {
    environment: 'node',
    include: ['lib/**/*.test.ts', 'db/**/*.test.ts'],
    // Run through `npm run test:integration`: it provisions the throwaway database the setup migrates.
    globalSetup: ['./vitest.global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Files share one database and one Redis prefix: tests create their own users and chats, never truncate.
    fileParallelism: true,
  },
});
