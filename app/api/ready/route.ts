import { checkReadiness } from '@/lib/health';

/**
 * Readiness: 200 when Postgres and (where configured) Redis answer within a second, 503 otherwise and while
 * the instance drains on SIGTERM. Liveness is /api/health.
 */
export async function GET() {
  const readiness = await checkReadiness();
  return Response.json(readiness, { status: readiness.ready ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
