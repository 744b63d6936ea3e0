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

const keys = new WeakMap<MetricId, string>();

export function metricKey(m: MetricId): string {
  const known = keys.get(m);
  if (known) return known;
  const dims = Object.entries(m.dimensions ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const key = `${m.namespace}|${m.name}|${dims}`;
  keys.set(m, key);
  return key;
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
  private lo = Infinity;
  private hi = -Infinity;
  /** Prefix sums of sum/count from `lo`, valid below minute `validTo`. */
  private sum = new Float64Array(0);
  private count = new Float64Array(0);
  private validTo = -Infinity;

  add(minute: number, value: number, weight = 1, keepSamples = false): void {
    let b = this.buckets.get(minute);
    if (!b) this.buckets.set(minute, (b = { sum: 0, count: 0, min: Infinity, max: -Infinity }));
    b.sum += value * weight;
    b.count += weight;
    b.min = Math.min(b.min, value);
    b.max = Math.max(b.max, value);
    if (keepSamples) for (let i = 0; i < weight; i++) (b.samples ??= []).push(value);
    if (minute < this.lo) {
      this.lo = minute;
      this.validTo = -Infinity;
    }
    this.hi = Math.max(this.hi, minute);
    if (minute < this.validTo) this.validTo = minute;
  }

  /** Sum and sample count over minutes [from, to); prefix sums are extended only from the first changed minute. */
  sumCount(from: number, to: number): { sum: number; count: number } {
    if (this.buckets.size === 0) return { sum: 0, count: 0 };
    const end = Math.max(this.lo, Math.min(to, this.hi + 1));
    if (end > this.validTo) {
      const n = end - this.lo;
      if (this.sum.length < n + 1) {
        const grow = (a: Float64Array) => {
          const b = new Float64Array(Math.max(n + 1, a.length * 2));
          b.set(a);
          return b;
        };
        this.sum = grow(this.sum);
        this.count = grow(this.count);
      }
      const startIdx = this.validTo === -Infinity ? 0 : Math.max(0, this.validTo - this.lo);
      for (let i = startIdx; i < n; i++) {
        const bk = this.buckets.get(this.lo + i);
        this.sum[i + 1] = this.sum[i] + (bk?.sum ?? 0);
        this.count[i + 1] = this.count[i] + (bk?.count ?? 0);
      }
      this.validTo = end;
    }
    const idx = (m: number) => Math.max(0, Math.min(end - this.lo, m - this.lo));
    return { sum: this.sum[idx(to)] - this.sum[idx(from)], count: this.count[idx(to)] - this.count[idx(from)] };
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
