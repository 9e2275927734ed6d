import { expect, test } from '../fixtures';
import { describeRun, runFailover } from './failover';
import { startClusterForFile } from './test-cluster';

const cluster = startClusterForFile();

test('SIGTERM drains an instance: it exits 0 within 10 s, its sockets move to the other, and no send fails', async ({ browser }) => {
  test.setTimeout(90_000);
  const { instances, logs } = cluster();
  const victim = instances[0]!;

  const result = await runFailover({ browser, cluster: cluster(), fault: (instance) => instance.child.kill('SIGTERM') });
  const exit = await Promise.race([victim.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the drained instance did not exit')), 12_000))]);
  const drainLog = logs.filter((line) => line.startsWith(`[i${victim.index}]`) && /"server_(drain|stop)/.test(line)).join(' ');
  test.info().annotations.push({ type: 'run', description: `exited ${exit.code} after ${exit.at - result.faultAt} ms (${drainLog}); ${describeRun(result)}` });

  expect(exit).toMatchObject({ code: 0, signal: null });
  // The sends it was handling when SIGTERM came were answered before it closed the sockets.
  expect(drainLog).toContain('"settled":true');
  expect(exit.at - result.faultAt).toBeLessThan(10_000);
  expect(Math.max(...result.reconnectMs)).toBeLessThan(10_000);
  // checkChat includes every answer other than ok and rate_limited: none is allowed.
  expect(result.problems).toEqual([]);
});
