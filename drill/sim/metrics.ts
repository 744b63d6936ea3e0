/**
 * Simulated CloudWatch metric storage: one bucket per metric per minute (CloudWatch's standard
 * resolution), holding sum, sample count, min, max and (when a percentile is asked for) the raw
 * samples. Time is seconds since the simulation epoch; minute m covers [60m, 60m + 60).
 */

export interface MetricId {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions?: Readonly<Record<string, string>>;
}

export function metricKey(m: MetricId): string {
  const dims = Object.entries(m.dimensions ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${m.namespace}|${m.name}|${dims}`;
}

interface Bucket {
  sum: number;
  count: number;
  min: number;
  max: number;
  samples?: number[];
}

/** Statistics the project's alarms use: Sum, Average, Minimum, Maximum, SampleCount and pNN. */
export type Statistic = string;

class Series {
  readonly buckets = new Map<number, Bucket>();
  /** Prefix sums of sum/count by minute, rebuilt lazily. */
  private prefix?: { from: number; sum: Float64Array; count: Float64Array; upTo: number };

  add(minute: number, value: number, weight = 1, keepSamples = false): void {
    let b = this.buckets.get(minute);
    if (!b) this.buckets.set(minute, (b = { sum: 0, count: 0, min: Infinity, max: -Infinity }));
    b.sum += value * weight;
    b.count += weight;
    b.min = Math.min(b.min, value);
    b.max = Math.max(b.max, value);
    if (keepSamples) for (let i = 0; i < weight; i++) (b.samples ??= []).push(value);
    if (this.prefix && minute < this.prefix.upTo) this.prefix = undefined;
  }

  /** Sum and sample count over minutes [from, to) in O(1) after the first call. */
  sumCount(from: number, to: number): { sum: number; count: number } {
    const keys = [...this.buckets.keys()];
    if (keys.length === 0) return { sum: 0, count: 0 };
    if (!this.prefix || to > this.prefix.upTo) {
      const lo = Math.min(...keys);
      const hi = Math.max(to, Math.max(...keys) + 1);
      const n = hi - lo;
      const sum = new Float64Array(n + 1);
      const count = new Float64Array(n + 1);
      for (let i = 0; i < n; i++) {
        const b = this.buckets.get(lo + i);
        sum[i + 1] = sum[i] + (b?.sum ?? 0);
        count[i + 1] = count[i] + (b?.count ?? 0);
      }
      this.prefix = { from: lo, sum, count, upTo: hi };
    }
    const p = this.prefix;
    const idx = (m: number) => Math.max(0, Math.min(p.upTo - p.from, m - p.from));
    return { sum: p.sum[idx(to)] - p.sum[idx(from)], count: p.count[idx(to)] - p.count[idx(from)] };
  }
}

export class MetricStore {
  private readonly series = new Map<string, Series>();

  /** Records `weight` samples of `value` at time `t` (seconds). Percentile metrics keep their samples. */
  put(m: MetricId, t: number, value: number, opts: { weight?: number; keepSamples?: boolean } = {}): void {
    const key = metricKey(m);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = new Series()));
    s.add(Math.floor(t / 60), value, opts.weight ?? 1, opts.keepSamples ?? false);
  }

  /**
   * The datapoint of statistic `stat` over the period [end - period, end) seconds, as CloudWatch
   * aggregates it: undefined when no sample fell in the period (missing data).
   */
  datapoint(m: MetricId, stat: Statistic, periodSeconds: number, end: number): number | undefined {
    const s = this.series.get(metricKey(m));
    if (!s) return undefined;
    const to = Math.floor(end / 60);
    const from = to - Math.max(1, Math.round(periodSeconds / 60));
    if (stat === 'Sum' || stat === 'Average' || stat === 'SampleCount') {
      const { sum, count } = s.sumCount(from, to);
      if (count === 0) return undefined;
      return stat === 'Sum' ? sum : stat === 'SampleCount' ? count : sum / count;
    }
    const inRange: Bucket[] = [];
    for (let mi = from; mi < to; mi++) {
      const b = s.buckets.get(mi);
      if (b && b.count > 0) inRange.push(b);
    }
    if (inRange.length === 0) return undefined;
    if (stat === 'Minimum') return Math.min(...inRange.map((b) => b.min));
    if (stat === 'Maximum') return Math.max(...inRange.map((b) => b.max));
    const p = /^p(\d+(?:\.\d+)?)$/.exec(stat);
    if (p) {
      const samples = inRange.flatMap((b) => b.samples ?? [b.max]).sort((a, b) => a - b);
      // Nearest-rank percentile.
      const rank = Math.max(1, Math.ceil((Number(p[1]) / 100) * samples.length));
      return samples[rank - 1];
    }
    throw new Error(`statistic ${stat} is not simulated; use Sum, Average, SampleCount, Minimum, Maximum or pNN`);
  }

  /** Every datapoint of a metric for periods ending at or before `end`, oldest first (anomaly band training). */
  history(m: MetricId, stat: Statistic, periodSeconds: number, end: number, periods: number): number[] {
    const out: number[] = [];
    for (let i = periods; i >= 1; i--) {
      const v = this.datapoint(m, stat, periodSeconds, end - i * periodSeconds);
      if (v !== undefined) out.push(v);
    }
    return out;
  }
}
