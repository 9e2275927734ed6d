/**
 * `npm start`: builds when the sources are newer than the last build, then serves in production mode.
 * Only node: built-ins, so it runs before anything else is known to work.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const buildId = path.join(root, '.next/BUILD_ID');
const serverBundle = path.join(root, 'dist/server.mjs');
// Everything `next build` or the esbuild bundle of server.ts reads.
const sourceDirs = ['app', 'components', 'lib', 'db', 'public', 'types'];
const sourceFiles = ['server.ts', 'proxy.ts', 'next.config.mjs', 'tailwind.config.ts', 'postcss.config.mjs', 'tsconfig.json', 'package-lock.json'];

function mtimeOf(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function hasFileNewerThan(dir, time) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (hasFileNewerThan(full, time)) return true;
    } else if ((mtimeOf(full) ?? 0) > time) {
      return true;
    }
  }
  return false;
}

function whyBuild() {
  const builtAt = Math.min(mtimeOf(buildId) ?? -1, mtimeOf(serverBundle) ?? -1);
  if (builtAt < 0) return 'no build found';
  if (sourceFiles.some((file) => (mtimeOf(path.join(root, file)) ?? 0) > builtAt)) return 'sources changed';
  if (sourceDirs.some((dir) => hasFileNewerThan(path.join(root, dir), builtAt))) return 'sources changed';
  return null;
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    const reason = result.error?.message ?? (result.signal ? `signal ${result.signal}` : `exit code ${result.status}`);
    process.stderr.write(`\n[start] \`${command} ${args.join(' ')}\` failed (${reason}); not starting the server.\n`);
    process.exit(result.status || 1);
  }
}

const reason = whyBuild();
if (reason) {
  process.stdout.write(`[start] building (${reason})\n`);
  run('npx', ['next', 'build']);
  run('npm', ['run', 'build:server']);
}

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
