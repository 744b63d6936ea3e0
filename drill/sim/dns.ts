/**
 * Route 53 failover record answers and DNS clients that cache answers for their TTL.
 *
 * Failover routing ("Active-passive failover"): Route 53 answers with the PRIMARY record when its
 * health check is healthy (a record without a health check counts as healthy), otherwise with the
 * SECONDARY when that one is healthy; when both are unhealthy it answers with the PRIMARY. A CNAME
 * answer is followed by the client, each name of the chain cached for its own TTL.
 */

export interface RecordDef {
  readonly name: string;
  readonly type: 'CNAME' | 'A' | 'AAAA';
  readonly failover?: 'PRIMARY' | 'SECONDARY';
  readonly setIdentifier?: string;
  readonly healthCheckId?: string;
  readonly value: string;
  readonly ttlSeconds: number;
}

export interface Answer {
  readonly name: string;
  readonly type: RecordDef['type'];
  readonly value: string;
  readonly ttlSeconds: number;
  readonly setIdentifier?: string;
}

export const norm = (n: string) => n.toLowerCase().replace(/\.$/, '');

export class Zone {
  private readonly byName = new Map<string, RecordDef[]>();

  constructor(records: readonly RecordDef[], private readonly healthy: (healthCheckId: string) => boolean) {
    for (const r of records) {
      const key = norm(r.name);
      this.byName.set(key, [...(this.byName.get(key) ?? []), r]);
    }
    for (const [name, rs] of this.byName) {
      const failover = rs.filter((r) => r.failover);
      if (failover.length && (failover.length !== 2 || !failover.some((r) => r.failover === 'PRIMARY') || !failover.some((r) => r.failover === 'SECONDARY'))) {
        throw new Error(`failover records of ${name} must be one PRIMARY and one SECONDARY, got ${failover.map((r) => r.failover).join(', ')}`);
      }
    }
  }

  has(name: string): boolean {
    return this.byName.has(norm(name));
  }

  /** The authoritative answer for a name at this moment, or undefined (NXDOMAIN). */
  answer(name: string): Answer | undefined {
    const rs = this.byName.get(norm(name));
    if (!rs?.length) return undefined;
    const ok = (r: RecordDef) => (r.healthCheckId ? this.healthy(r.healthCheckId) : true);
    let r: RecordDef;
    if (rs[0].failover) {
      const primary = rs.find((x) => x.failover === 'PRIMARY')!;
      const secondary = rs.find((x) => x.failover === 'SECONDARY')!;
      r = ok(primary) || !ok(secondary) ? primary : secondary;
    } else r = rs[0];
    return { name: norm(r.name), type: r.type, value: norm(r.value), ttlSeconds: r.ttlSeconds, ...(r.setIdentifier ? { setIdentifier: r.setIdentifier } : {}) };
  }
}

/** A DNS client (stub + its resolver) that caches every answer for its TTL. */
export class CachingClient {
  private readonly cache = new Map<string, { answer: Answer; expires: number }>();
  queries = 0;

  constructor(readonly id: string) {}

  /** When the cached answer for a name expires (undefined when it is not cached). */
  expiresAt(name: string): number | undefined {
    return this.cache.get(norm(name))?.expires;
  }

  /** Resolves `name` at `now` (seconds), following CNAMEs within the zone; returns the final target and the chain. */
  resolve(name: string, now: number, zone: Zone): { target: string; chain: Answer[] } {
    const chain: Answer[] = [];
    let current = norm(name);
    for (let hop = 0; hop < 8; hop++) {
      let entry = this.cache.get(current);
      if (!entry || entry.expires <= now) {
        const answer = zone.answer(current);
        if (!answer) break;
        this.queries++;
        entry = { answer, expires: now + answer.ttlSeconds };
        this.cache.set(current, entry);
      }
      chain.push(entry.answer);
      if (entry.answer.type !== 'CNAME' || !zone.has(entry.answer.value)) return { target: entry.answer.value, chain };
      current = entry.answer.value;
    }
    return { target: current, chain };
  }
}
