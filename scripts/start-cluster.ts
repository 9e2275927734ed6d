/**
 * N identical instances of the built app (`node dist/server.mjs`) on loopback behind nginx, sharing whatever the
 * caller puts in `env`. nginx runs as a child in the foreground with every file it writes in a temporary directory:
 * no root, nothing under /etc. Used by `npm run cluster` (scripts/cluster.ts) and the e2e cluster specs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const serverBundle = path.join(root, 'dist/server.mjs');
const template = path.join(root, 'deploy/nginx.conf.template');

export type InstanceExit = { code: number | null; signal: NodeJS.Signals | null; at: number };

export type Instance = {
  /** 1-based, in start order. */
  index: number;
  /** The `x-parley-instance` header its Socket.IO handshakes carry. */
  id: string;
  port: number;
  /** Its own address, bypassing nginx. */
  url: string;
  child: ChildProcess;
  /** Settles when the process has exited, with its code or signal. */
  exited: Promise<InstanceExit>;
  readonly alive: boolean;
};

export type Cluster = {
  /** nginx: the address users open (APP_URL). */
  url: string;
  instances: Instance[];
  /** Where nginx keeps its config, pid, access log and temp files. */
  runDir: string;
  /** Drains every instance (SIGTERM), then stops nginx; removes the run directory. Safe to call twice. */
  stop(): Promise<void>;
};

export type ClusterOptions = {
  instances?: number;
  /** nginx's address; port 0 picks a free one. */
  host?: string;
  port?: number;
  /** First instance port (the others follow), or 0 for free ports. Instances always bind 127.0.0.1. */
  instancePort?: number;
  /** Shared by every instance: DATABASE_URL, REDIS_URL, REDIS_PREFIX, AUTH_SECRET and anything else. */
  env: NodeJS.ProcessEnv;
  nginx?: string;
  /** Every line an instance or nginx prints, e.g. to prefix and show it. */
  onOutput?: (source: string, line: string) => void;
  /** How long instances and nginx may take to become ready. */
  startTimeoutMs?: number;
};

export function findNginx(): string | null {
  const candidates = [process.env.NGINX, '/usr/sbin/nginx', ...(process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, 'nginx'))];
  return candidates.find((file): file is string => !!file && fs.existsSync(file)) ?? null;
}

export async function getFreePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hostPort = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

function exitOf(child: ChildProcess): Promise<InstanceExit> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode, at: Date.now() });
    else child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
}

function pipeLines(child: ChildProcess, source: string, onOutput: (source: string, line: string) => void) {
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) onOutput(source, line);
    });
  }
}

/** Polls `url` until it answers 200; fails early if `exited` settles first. */
async function waitForOk(url: string, timeoutMs: number, exited: Promise<InstanceExit>, what: string) {
  let gone: InstanceExit | undefined;
  void exited.then((exit) => (gone = exit));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${what} exited before it was ready (code ${gone.code}, signal ${gone.signal})`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000), redirect: 'manual' });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`${what} was not ready at ${url} within ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number) {
  const exited = exitOf(child);
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const result = await exited;
  clearTimeout(timer);
  return result;
}

export function renderNginxConfig(input: { runDir: string; listen: string; upstreams: string[]; workers: number }): string {
  const servers = input.upstreams.map((address) => `    server ${address} max_fails=1 fail_timeout=5s;`).join('\n');
  return fs
    .readFileSync(template, 'utf8')
    .replaceAll('{{RUN_DIR}}', input.runDir)
    .replaceAll('{{LISTEN}}', input.listen)
    .replaceAll('{{WORKER_PROCESSES}}', String(input.workers))
    .replaceAll('{{SERVERS}}', servers);
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const count = options.instances ?? 2;
  const host = options.host ?? '127.0.0.1';
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const onOutput = options.onOutput ?? (() => {});
  const nginxBinary = options.nginx ?? findNginx();
  if (!nginxBinary) throw new Error('nginx not found: install it (Debian: apt-get install nginx) or set NGINX=/path/to/nginx');
  if (!fs.existsSync(serverBundle)) throw new Error(`${serverBundle} is missing: run \`npm run build\` first`);

  const port = options.port || (await getFreePort(host));
  // localhost, as people type it: the app then also accepts the 127.0.0.1 origin.
  const url = `http://${hostPort(host === '127.0.0.1' || host === '0.0.0.0' ? 'localhost' : host, port)}`;
  const children: ChildProcess[] = [];
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-nginx-'));
  // As root, nginx's workers run as `nobody` and must reach their temp directories in here.
  fs.chmodSync(runDir, 0o755);
  // The last resort if this process dies without stop(): no instance or nginx outlives it.
  const killAll = () => children.forEach((child) => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
  process.once('exit', killAll);

  let stopped: Promise<void> | undefined;
  const instances: Instance[] = [];
  let nginx: ChildProcess | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      // Instances first, each draining its sockets while nginx still answers their reconnects with the others.
      await Promise.all(instances.map((instance) => stopChild(instance.child, 'SIGTERM', 12_000)));
      if (nginx) await stopChild(nginx, 'SIGQUIT', 5_000);
      process.off('exit', killAll);
      fs.rmSync(runDir, { recursive: true, force: true });
    })());

  try {
    for (let index = 1; index <= count; index++) {
      const instancePort = options.instancePort ? options.instancePort + index - 1 : await getFreePort();
      const id = `${os.hostname()}:${instancePort}`;
      const child = spawn(process.execPath, [serverBundle], {
        cwd: root,
        env: {
          ...options.env,
          NODE_ENV: 'production',
          HOST: '127.0.0.1',
          PORT: String(instancePort),
          APP_URL: options.env.APP_URL || url,
          INSTANCE_ID: id,
          // nginx appends the client's address to X-Forwarded-For: trust that last hop.
          TRUST_PROXY: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group: a terminal's Ctrl-C reaches only this script, which drains instances in order.
        detached: true,
      });
      children.push(child);
      pipeLines(child, `i${index}`, onOutput);
      const exited = exitOf(child);
      instances.push({
        index,
        id,
        port: instancePort,
        url: `http://127.0.0.1:${instancePort}`,
        child,
        exited,
        get alive() {
          return child.exitCode === null && child.signalCode === null;
        },
      });
    }
    // Started together on purpose: migrations must run once even so (an advisory lock in db/migrate.ts).
    await Promise.all(instances.map((instance) => waitForOk(`${instance.url}/api/ready`, timeoutMs, instance.exited, `instance i${instance.index}`)));

    const config = path.join(runDir, 'nginx.conf');
    fs.writeFileSync(
      config,
      renderNginxConfig({
        runDir,
        listen: hostPort(host, port),
        upstreams: instances.map((instance) => `127.0.0.1:${instance.port}`),
        workers: Math.min(os.availableParallelism(), 4),
      }),
    );
    // -e stderr: the error log nginx opens before it has read the config, otherwise /var/log/nginx/error.log.
    nginx = spawn(nginxBinary, ['-p', runDir, '-c', config, '-e', 'stderr'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.push(nginx);
    pipeLines(nginx, 'nginx', onOutput);
    await waitForOk(`http://${hostPort(host === '0.0.0.0' ? '127.0.0.1' : host, port)}/api/ready`, timeoutMs, exitOf(nginx), 'nginx');
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, instances, runDir, stop };
}
