import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How a baseline relay serves: on 127.0.0.1 at a free port, printed as `{"port":N}` for bench/processes.ts's portOf(),
 * until SIGTERM or until the orchestrator goes away (no orphan).
 */
export async function serveOnLoopback(httpServer: Server): Promise<void> {
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ port: (httpServer.address() as AddressInfo).port })}\n`);
  const stop = () => {
    httpServer.closeAllConnections();
    httpServer.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
}
