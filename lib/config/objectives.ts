import type { Plan } from './schema';

/**
 * Route 53 HTTPS health checks: a checker must connect within 4 s and get a response within 2 s
 * more, so one failed probe can take 6 s to be recorded as failed.
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html
 */
export const HEALTH_CHECK_PROBE_TIMEOUT_SECONDS = 6;

/**
 * DynamoDB point-in-time recovery can restore to any second up to LatestRestorableDateTime, which
 * typically trails the present by about five minutes: the best RPO a restore from backup can give.
 */
export const PITR_LAG_MINUTES = 5;

/** Inputs of the failover timing model, as read either from a plan or from synthesized templates. */
export interface FailoverTimingInputs {
  readonly requestIntervalSeconds: number;
  readonly failureThreshold: number;
  readonly dnsTtlSeconds: number;
}

/**
 * Worst case from an endpoint failing to clients resolving the next target: every probe in the
 * failure run fails (interval × threshold), the last probe takes its full timeout, then resolvers
 * hold the old answer for up to one TTL.
 */
export function worstCaseFailoverSeconds(t: FailoverTimingInputs): number {
  return t.requestIntervalSeconds * t.failureThreshold + HEALTH_CHECK_PROBE_TIMEOUT_SECONDS + t.dnsTtlSeconds;
}

export function planFailoverTiming(plan: Plan): FailoverTimingInputs {
  return {
    requestIntervalSeconds: plan.failover.requestIntervalSeconds,
    failureThreshold: plan.failover.failureThreshold,
    dnsTtlSeconds: plan.failover.dnsTtlSeconds,
  };
}

/**
 * Worst case along a failover chain (primary → standby → fallback) when every endpoint up to the
 * last hop fails at once. Each name of the chain is cached under its own TTL, and a client asks a
 * name again only when its own cached answer expires: the client that asked just before hop i's
 * check turned unhealthy holds the stale answer for at most that hop's detection + its TTL, and a
 * fresh answer for the next name is already the new one once that name's check has turned too
 * (every check turns within the slowest detection). So the worst case is the largest of
 * detection + probe timeout + TTL over the hops — not the sum of the TTLs (the tabletop observed
 * 90 s for both regions down with the example plan, where a sum would say 156 s; issue 12). For a
 * single hop this equals `worstCaseFailoverSeconds`.
 */
export function worstCaseChainSeconds(hops: readonly FailoverTimingInputs[]): number {
  if (hops.length === 0) throw new Error('worstCaseChainSeconds: at least one hop is needed');
  return Math.max(...hops.map((h) => worstCaseFailoverSeconds(h)));
}

/**
 * The plan's failover chain: primary → standby (top record pair, `failover.dnsTtlSeconds`), then
 * standby → human-agent fallback (nested pair, `failover.fallbackTtlSeconds`). Both health checks
 * use the same interval and threshold.
 */
export function planFailoverChain(plan: Plan): FailoverTimingInputs[] {
  const { requestIntervalSeconds, failureThreshold, dnsTtlSeconds, fallbackTtlSeconds } = plan.failover;
  return [
    { requestIntervalSeconds, failureThreshold, dnsTtlSeconds },
    { requestIntervalSeconds, failureThreshold, dnsTtlSeconds: fallbackTtlSeconds },
  ];
}
