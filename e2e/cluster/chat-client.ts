/**
 * A chat member as the app's client behaves, in Node: socket.io-client through the load balancer, reconnecting on
 * its own, catching up with `message:sync` after every connect, and an outbox that sends one message at a time and
 * resends the same client id until it is acknowledged. It logs everything it hears, for the oracle.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { NodeWebSocket } from 'engine.io-client';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, MessageDTO, ServerToClientEvents } from '../../lib/realtime/events';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** One thing the client heard: a live broadcast, the ack of its own send, or a page of a catch-up sync. */
export type LogEntry = { via: 'new' | 'ack' | 'sync'; seq: number; clientId: string; body: string; at: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ChatClient {
  readonly socket: ClientSocket;
  readonly log: LogEntry[] = [];
  /** Every successful connection: when, and which instance served it (its `x-parley-instance` header). */
  readonly connections: { at: number; instance: string | undefined }[] = [];
  readonly disconnects: { at: number; reason: string }[] = [];
  /** Answers other than ok and rate_limited, and log entries that contradict each other. */
  readonly problems: string[] = [];
  /** What this client meant to send, in order, and the ones acknowledged. */
  readonly sent: { clientId: string; body: string; ackedSeq?: number }[] = [];
  readonly stats = { resends: 0, rateLimited: 0 };

  private readonly bySeq = new Map<number, LogEntry>();
  private readonly sendWatchers: Array<() => void> = [];
  private handshakeInstance: string | undefined;
  private syncing: Promise<unknown> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly options: { url: string; cookie: string; chatId: string; ackTimeoutMs?: number },
  ) {
    const onHandshake = (instance: string | undefined) => (this.handshakeInstance = instance);
    /** The Node WebSocket transport, reading the upgrade response's instance header before `connect`. */
    class InstanceAwareWebSocket extends NodeWebSocket {
      override createSocket(uri: string, protocols: string | string[] | undefined, opts: Record<string, unknown>) {
        const ws = super.createSocket(uri, protocols, opts);
        ws.once('upgrade', (response: IncomingMessage) => onHandshake(response.headers['x-parley-instance'] as string | undefined));
        return ws;
      }
    }
    this.socket = io(options.url, {
      transports: [InstanceAwareWebSocket],
      extraHeaders: { cookie: options.cookie },
      forceNew: true,
      autoConnect: false,
      reconnection: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 1000,
      randomizationFactor: 0,
      timeout: 5000,
    });
    this.socket.on('connect', () => {
      this.connections.push({ at: Date.now(), instance: this.handshakeInstance });
      void this.catchUp();
    });
    this.socket.on('disconnect', (reason) => this.disconnects.push({ at: Date.now(), reason }));
    this.socket.on('message:new', (message) => this.record('new', message));
  }

  get instance(): string | undefined {
    return this.socket.connected ? this.connections.at(-1)?.instance : undefined;
  }

  /** Connects (again, after `disconnect()`) and resolves once connected. */
  async connect(timeoutMs = 10_000): Promise<void> {
    if (this.socket.connected) return;
    this.socket.connect();
    await this.waitUntilConnected(timeoutMs);
  }

  disconnect() {
    this.socket.disconnect();
  }

  async waitUntilConnected(timeoutMs: number): Promise<void> {
    if (this.socket.connected) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.socket.off('connect', onConnect);
        reject(new Error(`${this.name} did not connect within ${timeoutMs} ms`));
      }, timeoutMs);
      const onConnect = () => {
        clearTimeout(timer);
        resolve();
      };
      this.socket.once('connect', onConnect);
    });
  }

  private record(via: LogEntry['via'], message: MessageDTO) {
    if (message.chatId !== this.options.chatId) return;
    const entry: LogEntry = { via, seq: message.seq, clientId: message.clientId, body: message.body, at: Date.now() };
    this.log.push(entry);
    const known = this.bySeq.get(entry.seq);
    if (!known) this.bySeq.set(entry.seq, entry);
    else if (known.clientId !== entry.clientId || known.body !== entry.body) {
      this.problems.push(`${this.name}: seq ${entry.seq} heard as ${known.clientId} (${known.via}) and as ${entry.clientId} (${via})`);
    }
  }

  /** The highest n such that this client holds 1..n. */
  contiguousSeq(): number {
    let seq = 0;
    while (this.bySeq.has(seq + 1)) seq += 1;
    return seq;
  }

  /** The client's view: every message it holds, by sequence number. */
  view(): { seq: number; clientId: string; body: string }[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq).map(({ seq, clientId, body }) => ({ seq, clientId, body }));
  }

  /** Asks for everything after the last number held without a gap, page by page. Resolves false if cut short. */
  catchUp(): Promise<boolean> {
    const run = this.syncing.then(async () => {
      let afterSeq = this.contiguousSeq();
      for (;;) {
        if (!this.socket.connected) return false;
        const result = await this.socket
          .timeout(5000)
          .emitWithAck('message:sync', { chatId: this.options.chatId, afterSeq })
          .catch(() => null);
        if (!result) return false;
        if (!result.ok) {
          this.problems.push(`${this.name}: message:sync answered ${result.error}`);
          return false;
        }
        for (const message of result.data.messages) this.record('sync', message);
        const last = result.data.messages.at(-1);
        if (!result.data.hasMore || !last) return true;
        afterSeq = last.seq;
      }
    });
    this.syncing = run;
    return run;
  }

  /** A catch-up that must complete, for the final comparison with Postgres. */
  async finalSync(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await this.waitUntilConnected(Math.max(1, deadline - Date.now()));
      if (await this.catchUp()) return;
      await sleep(100);
    }
    throw new Error(`${this.name} could not complete a catch-up sync within ${timeoutMs} ms`);
  }

  /** Sends one message like the app's outbox: the same client id until acknowledged. Returns its sequence number. */
  async send(body: string, giveUpAfterMs = 30_000): Promise<number> {
    const entry: { clientId: string; body: string; ackedSeq?: number } = { clientId: randomUUID(), body };
    this.sent.push(entry);
    const deadline = Date.now() + giveUpAfterMs;
    for (let attempt = 1; Date.now() < deadline; attempt++) {
      if (attempt > 1) this.stats.resends += 1;
      await this.waitUntilConnected(Math.max(1, deadline - Date.now()));
      const pending = this.socket.timeout(this.options.ackTimeoutMs ?? 3000).emitWithAck('message:send', { chatId: this.options.chatId, clientId: entry.clientId, body });
      this.sendWatchers.splice(0).forEach((watcher) => watcher());
      // No ack in time, or the connection dropped first: resend the same client id.
      const result = await pending.catch(() => null);
      if (result?.ok) {
        this.record('ack', result.data);
        entry.ackedSeq = result.data.seq;
        return result.data.seq;
      }
      if (result && result.error === 'rate_limited') this.stats.rateLimited += 1;
      else if (result) this.problems.push(`${this.name}: message:send answered ${result.error}`);
      await sleep(result ? 200 : 0);
    }
    throw new Error(`${this.name}: "${body}" was not acknowledged within ${giveUpAfterMs} ms`);
  }

  /** Resolves right after this client next puts a `message:send` on the wire, before its ack. */
  nextSend(): Promise<void> {
    return new Promise((resolve) => this.sendWatchers.push(resolve));
  }

  /**
   * Sends `${name}#0`, `${name}#1`, … one after another, `intervalMs` apart, until `count` are acknowledged or
   * `keepGoing()` turns false (the message in flight is still seen through to its ack).
   */
  async sendMany(input: { count?: number; intervalMs?: number; keepGoing?: () => boolean }): Promise<void> {
    for (let index = 0; index < (input.count ?? Infinity) && (input.keepGoing?.() ?? true); index++) {
      await this.send(`${this.name}#${index}`);
      if (input.intervalMs) await sleep(input.intervalMs);
    }
  }

  close() {
    this.socket.disconnect();
  }
}

/**
 * Connects `clients` in order so that client k lands on `instances[k % instances.length]`: nginx's least_conn
 * alternates already; a client that lands elsewhere reconnects (bounded) until it is placed.
 */
export async function connectSpread(clients: ChatClient[], instances: string[]): Promise<void> {
  for (const [k, client] of clients.entries()) {
    const wanted = instances[k % instances.length];
    for (let attempt = 1; ; attempt++) {
      await client.connect();
      if (client.instance === wanted) break;
      if (attempt >= 10) throw new Error(`${client.name} landed on ${client.instance}, not ${wanted}, ${attempt} times`);
      client.disconnect();
    }
  }
}
