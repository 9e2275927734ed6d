import { expect, test } from '../fixtures';
import { describeRun, runFailover } from './failover';
import { startClusterForFile } from './test-cluster';

const cluster = startClusterForFile();

test('kill -9 one of two instances mid-conversation: its sockets move to the other, nothing acknowledged is lost, duplicated or reordered', async ({ browser }) => {
  test.setTimeout(90_000);
  const result = await runFailover({ browser, cluster: cluster(), fault: (victim) => victim.child.kill('SIGKILL') });
  test.info().annotations.push({ type: 'run', description: describeRun(result) });
  expect(Math.max(...result.reconnectMs)).toBeLessThan(10_000);
  expect(result.problems).toEqual([]);
});
