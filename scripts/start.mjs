/**
 * `npm start`: builds when the sources are newer than the last build, then serves in production mode.
 * Only node: built-ins, so it runs before anything else is known to work.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded, serverBundle } from './build-if-needed.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

buildIfNeeded('start');

const child = spawn(process.execPath, [serverBundle], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'production' },
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('error', (error) => {
  process.stderr.write(`[start] could not start the server: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  process.exit(code ?? 128 + (os.constants.signals[signal] ?? 1));
});
