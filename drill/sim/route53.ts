/**
 * Route 53 health checkers, after "How Amazon Route 53 determines whether a health check is
 * healthy": every checker region probes on its own schedule (its own phase within the request
 * interval); a probe succeeds when the TCP connection is made within 4 s and a 2xx/3xx answer
 * arrives within 2 s after that (for string-matching checks, with the search string in the first
 * 5,120 bytes); a checker changes its view after `failureThreshold` consecutive results the other
 * way; the endpoint is healthy when more than 18% of the checkers see it healthy; an inverted check
 * reports the opposite.
 */

/** Route 53's default checker regions (used when a health check names none). */
export const ROUTE53_CHECKER_REGIONS = ['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1'] as const;
export const CONNECT_TIMEOUT_SECONDS = 4;
export const RESPONSE_TIMEOUT_SECONDS = 2;
export const HEALTHY_CHECKER_SHARE = 0.18;
export const SEARCH_BYTES = 5120;

export interface HealthCheckDef {
  readonly id: string;
  /** The `contingency:endpoint` tag (primary, standby, public). */
  readonly endpoint: string;
  readonly type: 'HTTPS_STR_MATCH' | 'HTTP_STR_MATCH' | 'HTTPS' | 'HTTP';
  readonly fqdn: string;
  readonly resourcePath: string;
  readonly searchString?: string;
  readonly requestIntervalSeconds: number;
  readonly failureThreshold: number;
  readonly inverted: boolean;
  readonly regions: readonly string[];
}

/** What an endpoint does with one probe. */
export type ProbeAnswer =
  | { readonly kind: 'refused' }
  | { readonly kind: 'no-answer' }
  | { readonly kind: 'answer'; readonly connectSeconds: number; readonly responseSeconds: number; readonly status: number; readonly body: string };

/** The outcome of a probe and when the checker knows it (seconds after the probe started). */
export function judgeProbe(check: Pick<HealthCheckDef, 'type' | 'searchString'>, a: ProbeAnswer): { ok: boolean; after: number; why: string } {
  if (a.kind === 'refused') return { ok: false, after: 0, why: 'connection refused' };
  if (a.kind === 'no-answer') return { ok: false, after: CONNECT_TIMEOUT_SECONDS, why: `no connection within ${CONNECT_TIMEOUT_SECONDS} s` };
  if (a.connectSeconds > CONNECT_TIMEOUT_SECONDS) return { ok: false, after: CONNECT_TIMEOUT_SECONDS, why: `no connection within ${CONNECT_TIMEOUT_SECONDS} s` };
  if (a.responseSeconds > RESPONSE_TIMEOUT_SECONDS) return { ok: false, after: a.connectSeconds + RESPONSE_TIMEOUT_SECONDS, why: `no answer within ${RESPONSE_TIMEOUT_SECONDS} s of connecting` };
  const after = a.connectSeconds + a.responseSeconds;
  if (a.status < 200 || a.status >= 400) return { ok: false, after, why: `HTTP ${a.status}` };
  if (check.type.endsWith('STR_MATCH') && check.searchString && !Buffer.from(a.body, 'utf8').subarray(0, SEARCH_BYTES).toString('utf8').includes(check.searchString)) {
    return { ok: false, after, why: `"${check.searchString}" not in the first ${SEARCH_BYTES} bytes` };
  }
  return { ok: true, after, why: `HTTP ${a.status}` };
}

export interface HealthChange {
  readonly time: number;
  readonly healthCheckId: string;
  readonly endpoint: string;
  readonly healthy: boolean;
  /** Checkers seeing the endpoint healthy / all checkers, at the change. */
  readonly healthyCheckers: number;
  readonly checkers: number;
}

interface Checker {
  readonly region: string;
  nextProbe: number;
  healthy: boolean;
  run: number;
}

/**
 * One health check's checkers. `advance(to, probe)` runs every probe started before `to` (in time
 * order, results applied when known) and returns the changes of the aggregate status. `phases`
 * gives each checker's first probe time within [0, interval); by default they are spread evenly.
 */
export class HealthCheckSim {
  private readonly checkers: Checker[];
  private readonly pending: { at: number; checker: Checker; ok: boolean }[] = [];
  private status: boolean;
  /** Probe and result times, for the timeline picture and tests. */
  readonly log: { start: number; region: string; ok: boolean; known: number; why: string }[] = [];

  constructor(public def: HealthCheckDef, opts: { phases?: readonly number[]; start?: number } = {}) {
    const iv = def.requestIntervalSeconds;
    const regions = def.regions.length ? def.regions : ROUTE53_CHECKER_REGIONS;
    this.checkers = regions.map((region, i) => ({ region, nextProbe: (opts.start ?? 0) + (opts.phases?.[i] ?? (i * iv) / regions.length), healthy: true, run: 0 }));
    this.status = !def.inverted;
  }

  /** Aggregate status as Route 53 reports it (inversion applied). */
  get healthy(): boolean {
    return this.status;
  }

  private aggregate(): boolean {
    const share = this.checkers.filter((c) => c.healthy).length / this.checkers.length;
    const up = share > HEALTHY_CHECKER_SHARE;
    return this.def.inverted ? !up : up;
  }

  /**
   * UpdateHealthCheck Inverted (a live drill): the checkers keep probing as before; the aggregate
   * status is inverted from the next probe result on.
   */
  setInverted(inverted: boolean): void {
    this.def = { ...this.def, inverted };
  }

  /** Checker regions that start a probe before `to`. */
  dueRegions(to: number): string[] {
    return this.checkers.filter((c) => c.nextProbe < to).map((c) => c.region);
  }

  advance(to: number, probe: (time: number, region: string) => ProbeAnswer): HealthChange[] {
    const changes: HealthChange[] = [];
    for (;;) {
      const nextStart = Math.min(...this.checkers.map((c) => c.nextProbe));
      const nextDone = this.pending.length ? Math.min(...this.pending.map((p) => p.at)) : Infinity;
      const t = Math.min(nextStart, nextDone);
      if (t >= to) break;
      if (nextDone <= nextStart) {
        const idx = this.pending.findIndex((p) => p.at === nextDone);
        const [p] = this.pending.splice(idx, 1);
        const c = p.checker;
        if (p.ok === c.healthy) c.run = 0;
        else if (++c.run >= this.def.failureThreshold) {
          c.healthy = p.ok;
          c.run = 0;
        }
        const next = this.aggregate();
        if (next !== this.status) {
          this.status = next;
          changes.push({ time: t, healthCheckId: this.def.id, endpoint: this.def.endpoint, healthy: next, healthyCheckers: this.checkers.filter((x) => x.healthy).length, checkers: this.checkers.length });
        }
      } else {
        const c = this.checkers.find((x) => x.nextProbe === nextStart)!;
        const verdict = judgeProbe(this.def, probe(t, c.region));
        this.pending.push({ at: t + verdict.after, checker: c, ok: verdict.ok });
        this.log.push({ start: t, region: c.region, ok: verdict.ok, known: t + verdict.after, why: verdict.why });
        c.nextProbe += this.def.requestIntervalSeconds;
      }
    }
    return changes;
  }
}
