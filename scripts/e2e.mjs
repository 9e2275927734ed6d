/**
 * `npm run test:e2e`: builds the current code, provisions a throwaway database and Redis prefix,
 * and runs Playwright against `node dist/server.mjs` (started by playwright.config.ts; it migrates at start-up).
 * Extra arguments go to `playwright test`, e.g. `npm run test:e2e -- e2e/chat.spec.ts --headed`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runWithTestServices } from './with-test-services.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function run(command, args, { optional = false } = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status === 0) return;
  const reason = result.error?.message ?? (result.signal ? `signal ${result.signal}` : `exit code ${result.status}`);
  process.stderr.write(`\n[e2e] \`${command} ${args.join(' ')}\` failed (${reason})\n`);
  if (!optional) process.exit(result.status || 1);
}

if (!fs.existsSync('/usr/bin/chromium')) {
  // Without network access this fails; Playwright's own error then says which browser is missing.
  process.stdout.write('[e2e] /usr/bin/chromium not found: installing Playwright\'s Chromium\n');
  run('npx', ['playwright', 'install', 'chromium'], { optional: true });
}

// Always rebuild: e2e tests the code in the tree, not whatever was built last.
run('npx', ['next', 'build']);
run('npm', ['run', 'build:server']);

process.chdir(root);
process.exit(await runWithTestServices('playwright', ['test', ...process.argv.slice(2)]));
