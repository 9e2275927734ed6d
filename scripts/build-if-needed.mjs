/**
 * Builds the app (`next build` and the server bundle) when the sources are newer than the last build.
 * Shared by the commands that serve the built app; only node: built-ins, so it runs before anything else is known to work.
 * As a command: `node scripts/build-if-needed.mjs [name]`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const buildId = path.join(root, '.next/BUILD_ID');
export const serverBundle = path.join(root, 'dist/server.mjs');
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

/** Why a build is needed, or null when the last one is current. */
export function whyBuild() {
  const builtAt = Math.min(mtimeOf(buildId) ?? -1, mtimeOf(serverBundle) ?? -1);
  if (builtAt < 0) return 'no build found';
  if (sourceFiles.some((file) => (mtimeOf(path.join(root, file)) ?? 0) > builtAt)) return 'sources changed';
  if (sourceDirs.some((dir) => hasFileNewerThan(path.join(root, dir), builtAt))) return 'sources changed';
  return null;
}

/** Builds when needed; exits the process with the build's status if it fails. `name` prefixes the messages. */
export function buildIfNeeded(name) {
  const reason = whyBuild();
  if (!reason) return;
  process.stdout.write(`[${name}] building (${reason})\n`);
  for (const [command, args] of [
    ['npx', ['next', 'build']],
    ['npm', ['run', 'build:server']],
  ]) {
    const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) {
      const why = result.error?.message ?? (result.signal ? `signal ${result.signal}` : `exit code ${result.status}`);
      process.stderr.write(`\n[${name}] \`${command} ${args.join(' ')}\` failed (${why}); not starting.\n`);
      process.exit(result.status || 1);
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) buildIfNeeded(process.argv[2] ?? 'build');
