/**
 * Classic vs sharded Socket.IO Redis adapter, measured here: two relay processes share one Redis; a sender
 * on process 1 and a receiver on process 2 sit in one room. Messages are scheduled at a fixed rate (no
 * coordinated omission) and latency is taken from schedule to receipt on one clock.
 * Run: REDIS_URL=redis://127.0.0.1:6379 node --import tsx bench/adapter-compare.ts
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';

// The first round warms both processes (JIT, connections) and is not reported.
const RATES = [1000, 1000, 4000];
const SECONDS = 4;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function relay(kind: string, prefix: string) {
  const pub = new Redis(redisUrl);
  const sub = pub.duplicate();
  const io = new Server(createServer().listen(0, '127.0.0.1'));
  io.adapter(kind === 'sharded' ? createShardedAdapter(pub, sub, { channelPrefix: prefix }) : createAdapter(pub, sub, { key: prefix }));
  io.on('connection', (socket) => {
    void socket.join('room');
    socket.on('send', (payload: number) => void io.to('room').except(socket.id).emit('message', payload));
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  process.send!((io.httpServer.address() as { port: number }).port);
}

function start(kind: string, prefix: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(import.meta.filename, ['relay', kind, prefix], { execArgv: ['--import', 'tsx'] });
  return new Promise((resolve) => child.once('message', (port) => resolve({ child, port: port as number })));
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function measure(kind: string) {
  const prefix = `bench-${process.pid}-${kind}`;
  const [a, b] = await Promise.all([start(kind, prefix), start(kind, prefix)]);
  const sender: Socket = connect(`http://127.0.0.1:${a.port}`, { transports: ['websocket'] });
  const receiver: Socket = connect(`http://127.0.0.1:${b.port}`, { transports: ['websocket'] });
  await Promise.all([sender, receiver].map((s) => new Promise<void>((resolve) => s.once('connect', () => resolve()))));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const rows = [];
  for (const rate of RATES) {
    const total = rate * SECONDS;
    const scheduled = new Float64Array(total);
    const latencies: number[] = [];
    receiver.on('message', (i: number) => latencies.push(performance.now() - scheduled[i]!));
    const start = performance.now();
    let next = 0;
    // Sends what the schedule says is due, however late the loop runs: waiting never hides latency.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
        for (; next < due; next++) {
          scheduled[next] = start + (next * 1000) / rate;
          sender.emit('send', next);
        }
        if (next >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 1);
    });
    const deadline = performance.now() + 5000;
    while (latencies.length < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    receiver.off('message');
    const sorted = latencies.sort((x, y) => x - y);
    rows.push({ adapter: kind, rate, received: `${sorted.length}/${total}`, p50: percentile(sorted, 50).toFixed(2), p99: percentile(sorted, 99).toFixed(2), max: sorted.at(-1)!.toFixed(2) });
  }
  sender.close();
  receiver.close();
  a.child.kill();
  b.child.kill();
  return rows.slice(1);
}

if (process.argv[2] === 'relay') {
  await relay(process.argv[3]!, process.argv[4]!);
} else {
  const rows = [...(await measure('classic')), ...(await measure('sharded'))];
  console.table(rows);
  process.exit(0);
}
