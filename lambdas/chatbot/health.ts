/**
 * The deep health check behind GET /health: pure evaluation of the individual checks, so the rule
 * for "healthy" is tested without AWS. Route 53 string-matches the token in a 200 body.
 */
export type CheckName = 'table' | 'knowledgeBase' | 'notDegraded';

export interface CheckResult {
  readonly name: CheckName;
  readonly ok: boolean;
  readonly detail?: string;
}

export interface HealthResponse {
  readonly statusCode: 200 | 503;
  readonly body: Record<string, unknown>;
}

export function evaluateHealth(checks: readonly CheckResult[], ctx: { token: string; region: string; role: string }): HealthResponse {
  const failing = checks.filter((c) => !c.ok);
  const summary = Object.fromEntries(checks.map((c) => [c.name, c.ok ? 'ok' : (c.detail ?? 'failed')]));
  if (failing.length === 0) {
    return { statusCode: 200, body: { status: 'ok', token: ctx.token, region: ctx.region, role: ctx.role, checks: summary } };
  }
  // The token is deliberately absent from a failing body, so a string match can never pass on it.
  return { statusCode: 503, body: { status: 'fail', failing: failing.map((c) => c.name), region: ctx.region, role: ctx.role, checks: summary } };
}

/** Runs a check with a deadline; a slow dependency counts as failed (Route 53 waits 2 s at most). */
export async function timedCheck(name: CheckName, deadlineMs: number, fn: () => Promise<{ ok: boolean; detail?: string }>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<CheckResult>((resolve) => {
      timer = setTimeout(() => resolve({ name, ok: false, detail: `timed out after ${deadlineMs} ms` }), deadlineMs);
    });
    const run = fn().then((r) => ({ name, ...r }));
    return await Promise.race([run, timeout]);
  } catch (e) {
    return { name, ok: false, detail: (e as Error).name || 'error' };
  } finally {
    if (timer) clearTimeout(timer);
  }
}
