/**
 * Frame-level control of a page's Socket.IO WebSocket, for tests that must hold, repeat or drop what the app
 * sends and receives (duplicate sends, lost acks, an unreachable server).
 */
import type { Page, WebSocketRoute } from '@playwright/test';
import type { MessageDTO, MessageSendPayload } from '../lib/realtime/events';

/** A Socket.IO event frame with an ack id, as the client sends it: `42<ackId>["event",payload]`. */
function parseClientEvent(frame: string | Buffer): { ackId: string; event: string; payload: unknown } | null {
  if (typeof frame !== 'string') return null;
  const match = /^42(\d+)(\[.*)$/s.exec(frame);
  if (!match) return null;
  try {
    const [event, payload] = JSON.parse(match[2]!) as [string, unknown];
    return { ackId: match[1]!, event, payload };
  } catch {
    return null;
  }
}

/** The ack id of a server ack frame `43<ackId>[...]`. */
function ackIdOf(frame: string | Buffer): string | null {
  return typeof frame === 'string' ? (/^43(\d+)\[/.exec(frame)?.[1] ?? null) : null;
}

/** The `message:new` payload of a server frame `42["message:new",{...}]`. */
function newMessageOf(frame: string | Buffer): MessageDTO | null {
  if (typeof frame !== 'string' || !frame.startsWith('42["message:new",')) return null;
  try {
    return (JSON.parse(frame.slice(2)) as [string, MessageDTO])[1];
  } catch {
    return null;
  }
}

/**
 * A man in the middle on the page's realtime WebSocket, for sends of a given body:
 * - `duplicate(body, times)`: the page's `message:send` frame for `body` reaches the server `times` times at once;
 * - `dropFirstAck(body)`: the server's first answer to that send (its ack, and the `message:new` echo to this
 *   page) is lost, so the page can only learn of it by retrying.
 * `sends(body)` counts the frames the page itself sent for `body` (retries included).
 * Must be installed before the page opens its socket.
 */
export async function tamperWithMessageSends(page: Page) {
  const duplicates = new Map<string, number>();
  const dropAckFor = new Set<string>();
  const sendCounts = new Map<string, number>();
  // Per targeted send: the ack id and client id whose first answers are to be dropped.
  const dropAckIds = new Set<string>();
  const dropEchoClientIds = new Set<string>();
  const dropped: string[] = [];

  await page.routeWebSocket(/\/socket\.io\//, (route) => {
    const server = route.connectToServer();
    route.onMessage((frame) => {
      const event = parseClientEvent(frame);
      const payload = event?.event === 'message:send' ? (event.payload as MessageSendPayload) : null;
      if (!event || !payload) return server.send(frame);
      sendCounts.set(payload.body, (sendCounts.get(payload.body) ?? 0) + 1);
      if (dropAckFor.delete(payload.body)) {
        dropAckIds.add(event.ackId);
        dropEchoClientIds.add(payload.clientId);
      }
      const times = duplicates.get(payload.body) ?? 1;
      duplicates.delete(payload.body);
      for (let i = 0; i < times; i += 1) server.send(frame);
    });
    server.onMessage((frame) => {
      const ackId = ackIdOf(frame);
      if (ackId && dropAckIds.delete(ackId)) return void dropped.push(`ack ${ackId}`);
      const message = newMessageOf(frame);
      if (message && dropEchoClientIds.delete(message.clientId)) return void dropped.push(`message:new ${message.clientId}`);
      route.send(frame);
    });
  });

  return {
    duplicate: (body: string, times: number) => void duplicates.set(body, times),
    dropFirstAck: (body: string) => void dropAckFor.add(body),
    sends: (body: string) => sendCounts.get(body) ?? 0,
    dropped: () => [...dropped],
  };
}

/** The event name of a client frame `42["event",…]` or `42<ackId>["event",…]`. */
function clientEventName(frame: string | Buffer): string | null {
  return typeof frame === 'string' ? (/^42\d*\["([^"]+)"/.exec(frame)?.[1] ?? null) : null;
}

/**
 * Control over the page's realtime WebSocket, for the outbox and receipt specs. Must be installed before the page
 * opens its socket; it stays in force across reloads of the page.
 * - `hold(event)` keeps the page's outgoing frames of that client event from the server until `release(event)`
 *   (say `receipt:update`, to see a tick before the recipient's report lands);
 * - `cutOff()` makes the realtime server unreachable: the page's socket is closed (the server sees it go), and on
 *   every reconnect nothing the page sends at the Socket.IO level (its CONNECT first) reaches the server, so the page
 *   stays "connecting" and sends nothing; `restore()` lets the held frames through and it connects at once.
 *   Unlike `context.setOffline`, whose held frames may still arrive later, nothing of the page reaches the server
 *   meanwhile, and pages still load. (A WebSocket closed before its handshake would leave Socket.IO waiting out its
 *   20 s connect timeout before the next try; holding the handshake avoids that.)
 * - `connections()` counts Socket.IO CONNECT packets that reached the server.
 */
export async function controlRealtime(page: Page) {
  const heldEvents = new Set<string>();
  const queue: Array<{ event: string; send: () => void }> = [];
  type Link = { page: WebSocketRoute; server: WebSocketRoute; held: Array<string | Buffer> };
  const links = new Set<Link>();
  let unreachable = false;
  let connections = 0;
  /** Engine.IO message packets ('4…') carry Socket.IO; pings and pongs ('2', '3') keep the transport itself alive. */
  const isSocketIo = (frame: string | Buffer) => typeof frame === 'string' && frame.startsWith('4');
  const forward = (link: Link, frame: string | Buffer) => {
    if (typeof frame === 'string' && frame.startsWith('40')) connections += 1;
    link.server.send(frame);
  };

  // Socket.IO's long-polling fallback goes over plain HTTP: unreachable too.
  await page.route(/\/socket\.io\//, (route) => (unreachable ? route.abort('connectionrefused') : route.fallback()));
  await page.routeWebSocket(/\/socket\.io\//, (route) => {
    const link: Link = { page: route, server: route.connectToServer(), held: [] };
    links.add(link);
    route.onClose(() => {
      links.delete(link);
      void link.server.close().catch(() => {});
    });
    link.server.onClose(() => {
      links.delete(link);
      void route.close().catch(() => {});
    });
    route.onMessage((frame) => {
      if (unreachable && isSocketIo(frame)) return void link.held.push(frame);
      const event = clientEventName(frame);
      if (event && heldEvents.has(event)) queue.push({ event, send: () => forward(link, frame) });
      else forward(link, frame);
    });
  });
  return {
    hold: (event: string) => void heldEvents.add(event),
    release(event: string) {
      heldEvents.delete(event);
      for (const item of queue.filter((entry) => entry.event === event)) {
        queue.splice(queue.indexOf(item), 1);
        item.send();
      }
    },
    /** Frames of `event` held so far (not yet released). */
    heldCount: (event: string) => queue.filter((entry) => entry.event === event).length,
    async cutOff() {
      unreachable = true;
      await Promise.all([...links].map((link) => link.page.close({ code: 1011, reason: 'unreachable' }).catch(() => {})));
    },
    restore() {
      unreachable = false;
      for (const link of links) for (const frame of link.held.splice(0)) forward(link, frame);
    },
    connections: () => connections,
  };
}
