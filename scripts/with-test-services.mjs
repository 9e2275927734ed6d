/**
 * Usage: node scripts/with-test-services.mjs <command> [args...]
 * Runs the command against a throwaway Postgres database and Redis prefix (see test-services.mjs),
 * always cleans up, and exits with the command's exit code.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { provisionTestServices } from './test-services.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function exitCodeOf(code, signal) {
  if (code !== null) return code;
  return 128 + (os.constants.signals[signal] ?? 1);
}

/** Resolves to the command's exit code; services are cleaned up before it resolves, also after SIGINT/SIGTERM. */
export async function runWithTestServices(command, args) {
  let child;
  let interrupted = null;
  const onSignal = (signal) => {
    // A terminal's Ctrl-C reaches the child too; a signal sent to us alone is passed on. Either way we wait for it.
    interrupted ??= signal;
    child?.kill(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let services;
  try {
    services = await provisionTestServices();
  } catch (error) {
    process.stderr.write(`[test-services] ${error?.message ?? error}\n`);
    return 1;
  }

  let code;
  try {
    if (interrupted) {
      code = exitCodeOf(null, interrupted);
    } else {
      const env = { ...process.env, ...services.env, PATH: [path.join(root, 'node_modules/.bin'), process.env.PATH].join(path.delimiter) };
      code = await new Promise((resolve) => {
        child = spawn(command, args, { stdio: 'inherit', env, shell: false });
        child.once('error', (error) => {
          process.stderr.write(`[test-services] could not run ${command}: ${error.message}\n`);
          resolve(127);
        });
        child.once('exit', (exitCode, signal) => resolve(exitCodeOf(exitCode, signal)));
      });
    }
  } finally {
    await services.cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return code;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    process.stderr.write('usage: node scripts/with-test-services.mjs <command> [args...]\n');
    process.exit(2);
  }
  // Exit explicitly: libraries loaded for provisioning may keep handles or hooks alive.
  process.exit(await runWithTestServices(command, args));
}
