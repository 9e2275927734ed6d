import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    // The browser's code stays off zod (~34 KB gzipped; issue 7's first-load JS budget of 180 KiB for a chat page):
    // it takes types from the contract and values from the zod-free lib/realtime/limits.ts.
    files: ['components/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'zod', message: 'Validate on the server; the browser bundle stays without zod.' },
            { name: '@/lib/realtime/events', allowTypeImports: true, message: 'Values for the browser come from @/lib/realtime/limits (no zod).' },
            { name: '@/lib/auth/validation', allowTypeImports: true, message: 'It builds zod schemas; the browser bundle stays without zod.' },
          ],
        },
      ],
    },
  },
  globalIgnores(['.next/**', 'dist/**', '.data/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts', 'db/migrations/**']),
]);
