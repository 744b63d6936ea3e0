import { MetricId, MetricStore } from './metrics';

/**
 * A CloudWatch alarm evaluator following the documented semantics ("Using Amazon CloudWatch
 * alarms", "Configuring how CloudWatch alarms treat missing data", "Metric math syntax and
 * functions", "Composite alarms"):
 * - every alarm is evaluated once a minute over its last `evaluationPeriods` datapoints, each
 *   aggregated over one `period` ending at the evaluation time (ingestion delay is not modelled);
 * - it goes to ALARM when at least `datapointsToAlarm` of them breach (M of N);
 * - missing datapoints follow `treatMissingData` (the documented table, see `decide`);
 * - metric math: + - * /, comparisons, IF, FILL, and ANOMALY_DETECTION_BAND (a documented
 *   approximation: mean ± k·σ of the metric's own history, σ at least 5% of the mean);
 * - composite rules: ALARM/OK/INSUFFICIENT_DATA("name"), TRUE, FALSE, AND, OR, NOT, parentheses;
 * - actions run on state changes: alarm actions on → ALARM, OK actions on → OK.
 */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type TreatMissingData = 'missing' | 'ignore' | 'breaching' | 'notBreaching';
export type Comparison =
  | 'GreaterThanOrEqualToThreshold'
  | 'GreaterThanThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold'
  | 'LessThanLowerOrGreaterThanUpperThreshold'
  | 'LessThanLowerThreshold'
  | 'GreaterThanUpperThreshold';

export interface MetricStat {
  readonly metric: MetricId;
  readonly stat: string;
  readonly periodSeconds: number;
}

export interface MetricQuery {
  readonly id: string;
  readonly expression?: string;
  readonly metricStat?: MetricStat;
  readonly returnData?: boolean;
}

export interface MetricAlarmDef {
  readonly kind: 'metric';
  readonly name: string;
  readonly description?: string;
  /** A single metric, or `queries` (metric math). */
  readonly metricStat?: MetricStat;
  readonly queries?: readonly MetricQuery[];
  readonly thresholdMetricId?: string;
  readonly threshold?: number;
  readonly comparison: Comparison;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  readonly treatMissingData?: TreatMissingData;
  readonly alarmActions: readonly string[];
  readonly okActions: readonly string[];
  readonly insufficientDataActions?: readonly string[];
}

export interface CompositeAlarmDef {
  readonly kind: 'composite';
  readonly name: string;
  readonly description?: string;
  readonly rule: string;
  readonly alarmActions: readonly string[];
  readonly okActions: readonly string[];
}

export type AlarmDef = MetricAlarmDef | CompositeAlarmDef;

/** One datapoint of an evaluation range: breaching, not breaching, or missing. */
export type Point = 'X' | '0' | '-';

/**
 * The documented decision for M of N with missing data. For `breaching`/`notBreaching` a missing
 * point counts as X/0; with `breaching` and some point missing, only the newest M points are
 * weighed (the guide's explanation of its second row: the one non-breaching point "is evaluated
 * along with two missing data points", so the alarm stays OK until that point leaves the range). For `missing` and `ignore`, CloudWatch uses the points present: none present
 * → INSUFFICIENT_DATA (missing) or the current state (ignore); at least M present → M of them
 * must breach; fewer than M present → ALARM (missing) or the current state (ignore) only when all
 * present points breach, else OK. This reproduces every row of the table in "How alarm state is
 * evaluated when data is missing" (3 of 5).
 */
export function decide(points: readonly Point[], m: number, mode: TreatMissingData, current: AlarmState): AlarmState {
  if (mode === 'breaching' || mode === 'notBreaching') {
    const range = mode === 'breaching' && points.includes('-') ? points.slice(-m) : points;
    const filled = range.map((p) => (p === '-' ? (mode === 'breaching' ? 'X' : '0') : p));
    return filled.filter((p) => p === 'X').length >= m ? 'ALARM' : 'OK';
  }
  const present = points.filter((p) => p !== '-');
  const breaching = present.filter((p) => p === 'X').length;
  if (present.length === 0) return mode === 'missing' ? 'INSUFFICIENT_DATA' : current;
  if (present.length >= m) return breaching >= m ? 'ALARM' : 'OK';
  if (breaching === present.length) return mode === 'missing' ? 'ALARM' : current;
  return 'OK';
}

// ---------- metric math ----------

export type MathValue = number | { lower: number; upper: number } | undefined;

type Node =
  | { t: 'num'; v: number }
  | { t: 'id'; name: string }
  | { t: 'call'; fn: string; args: Node[] }
  | { t: 'bin'; op: string; l: Node; r: Node }
  | { t: 'neg'; e: Node };

const TOKEN = /\s*(\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|>=|<=|==|!=|&&|\|\||[-+*/(),<>])/y;

/** Parses a metric math expression of the subset this project uses; throws naming what is unsupported. */
export function parseExpression(src: string): Node {
  const toks: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m) throw new Error(`metric math expression "${src}": cannot read at "${src.slice(pos)}"`);
    toks.push(m[1]);
    pos = TOKEN.lastIndex;
  }
  let i = 0;
  const peek = () => toks[i];
  const take = (want?: string) => {
    const t = toks[i++];
    if (want !== undefined && t !== want) throw new Error(`metric math expression "${src}": expected "${want}", got "${t ?? 'end'}"`);
    return t;
  };
  const LEVELS = [['||'], ['&&'], ['==', '!=', '>', '<', '>=', '<='], ['+', '-'], ['*', '/']];
  const parseLevel = (lv: number): Node => {
    if (lv === LEVELS.length) return unary();
    let l = parseLevel(lv + 1);
    while (peek() !== undefined && LEVELS[lv].includes(peek())) {
      const op = take();
      l = { t: 'bin', op, l, r: parseLevel(lv + 1) };
    }
    return l;
  };
  const unary = (): Node => {
    if (peek() === '-') {
      take();
      return { t: 'neg', e: unary() };
    }
    return primary();
  };
  const primary = (): Node => {
    const t = take();
    if (t === undefined) throw new Error(`metric math expression "${src}": ends too early`);
    if (t === '(') {
      const e = parseLevel(0);
      take(')');
      return e;
    }
    if (/^\d/.test(t)) return { t: 'num', v: Number(t) };
    if (peek() === '(') {
      take('(');
      const args: Node[] = [];
      if (peek() !== ')') {
        args.push(parseLevel(0));
        while (peek() === ',') {
          take();
          args.push(parseLevel(0));
        }
      }
      take(')');
      const fn = t.toUpperCase();
      if (!['IF', 'FILL', 'ANOMALY_DETECTION_BAND', 'ABS', 'MAX', 'MIN'].includes(fn)) throw new Error(`metric math function ${t} is not simulated (IF, FILL, ANOMALY_DETECTION_BAND, ABS, MAX, MIN are)`);
      return { t: 'call', fn, args };
    }
    return { t: 'id', name: t };
  };
  const node = parseLevel(0);
  if (i !== toks.length) throw new Error(`metric math expression "${src}": unexpected "${toks[i]}"`);
  return node;
}

export interface MathContext {
  /** Value of a query id at this datapoint. */
  value(id: string): MathValue;
  /** Band for ANOMALY_DETECTION_BAND(id, k). */
  band(id: string, k: number): MathValue;
}

export function evaluateExpression(node: Node, ctx: MathContext): MathValue {
  const num = (v: MathValue): number | undefined => (typeof v === 'number' ? v : undefined);
  switch (node.t) {
    case 'num':
      return node.v;
    case 'id':
      return ctx.value(node.name);
    case 'neg': {
      const v = num(evaluateExpression(node.e, ctx));
      return v === undefined ? undefined : -v;
    }
    case 'bin': {
      const l = num(evaluateExpression(node.l, ctx));
      const r = num(evaluateExpression(node.r, ctx));
      if (l === undefined || r === undefined) return undefined;
      switch (node.op) {
        case '+': return l + r;
        case '-': return l - r;
        case '*': return l * r;
        // CloudWatch drops a datapoint divided by zero.
        case '/': return r === 0 ? undefined : l / r;
        case '>': return l > r ? 1 : 0;
        case '<': return l < r ? 1 : 0;
        case '>=': return l >= r ? 1 : 0;
        case '<=': return l <= r ? 1 : 0;
        case '==': return l === r ? 1 : 0;
        case '!=': return l !== r ? 1 : 0;
        case '&&': return l !== 0 && r !== 0 ? 1 : 0;
        case '||': return l !== 0 || r !== 0 ? 1 : 0;
      }
      throw new Error(`operator ${node.op} is not simulated`);
    }
    case 'call': {
      const a = node.args;
      if (node.fn === 'FILL') {
        const v = evaluateExpression(a[0], ctx);
        return v === undefined ? evaluateExpression(a[1], ctx) : v;
      }
      if (node.fn === 'IF') {
        const c = num(evaluateExpression(a[0], ctx));
        if (c === undefined) return undefined;
        return c !== 0 ? evaluateExpression(a[1], ctx) : a[2] ? evaluateExpression(a[2], ctx) : undefined;
      }
      if (node.fn === 'ANOMALY_DETECTION_BAND') {
        if (a[0].t !== 'id') throw new Error('ANOMALY_DETECTION_BAND takes a metric id');
        return ctx.band(a[0].name, a[1] ? (num(evaluateExpression(a[1], ctx)) ?? 2) : 2);
      }
      const vals = a.map((x) => num(evaluateExpression(x, ctx)));
      if (vals.some((v) => v === undefined)) return undefined;
      const ns = vals as number[];
      if (node.fn === 'ABS') return Math.abs(ns[0]);
      if (node.fn === 'MAX') return Math.max(...ns);
      return Math.min(...ns);
    }
  }
}

/** Width floor of the simulated anomaly band, as a share of the mean (CloudWatch's model is not public). */
export const ANOMALY_MIN_SIGMA_SHARE = 0.05;
/** Datapoints the simulated anomaly model trains on (CloudWatch uses up to two weeks). */
export const ANOMALY_TRAINING_PERIODS = 288;

function compare(op: Comparison, v: MathValue, threshold: MathValue): boolean {
  if (v === undefined || typeof v !== 'number') return false;
  if (typeof threshold === 'object' && threshold) {
    if (op === 'LessThanLowerOrGreaterThanUpperThreshold') return v < threshold.lower || v > threshold.upper;
    if (op === 'LessThanLowerThreshold') return v < threshold.lower;
    if (op === 'GreaterThanUpperThreshold') return v > threshold.upper;
    throw new Error(`comparison ${op} needs a number threshold`);
  }
  const t = threshold as number;
  switch (op) {
    case 'GreaterThanOrEqualToThreshold': return v >= t;
    case 'GreaterThanThreshold': return v > t;
    case 'LessThanThreshold': return v < t;
    case 'LessThanOrEqualToThreshold': return v <= t;
  }
  throw new Error(`comparison ${op} needs an anomaly band (ThresholdMetricId)`);
}

/** The period an alarm aggregates over (its metric's, or the metric math queries'). */
export function periodOf(def: MetricAlarmDef): number {
  if (def.metricStat) return def.metricStat.periodSeconds;
  const p = def.queries?.find((q) => q.metricStat)?.metricStat?.periodSeconds;
  if (!p) throw new Error(`alarm ${def.name}: no metric with a period`);
  return p;
}

/** The value and threshold of one datapoint of an alarm ending at `end` seconds. */
export function datapointOf(def: MetricAlarmDef, store: MetricStore, end: number): { value: MathValue; threshold: MathValue } {
  if (def.metricStat) {
    const s = def.metricStat;
    return { value: store.datapoint(s.metric, s.stat, s.periodSeconds, end), threshold: def.threshold };
  }
  const queries = new Map((def.queries ?? []).map((q) => [q.id, q]));
  const cache = new Map<string, MathValue>();
  const ctx: MathContext = {
    value(id) {
      if (cache.has(id)) return cache.get(id);
      const q = queries.get(id);
      if (!q) throw new Error(`alarm ${def.name}: metric math refers to unknown id ${id}`);
      const v = q.metricStat ? store.datapoint(q.metricStat.metric, q.metricStat.stat, q.metricStat.periodSeconds, end) : evaluateExpression(parseExpression(q.expression ?? ''), ctx);
      cache.set(id, v);
      return v;
    },
    band(id, k) {
      const q = queries.get(id);
      if (!q?.metricStat) throw new Error(`alarm ${def.name}: ANOMALY_DETECTION_BAND(${id}) needs a metric`);
      const h = store.history(q.metricStat.metric, q.metricStat.stat, q.metricStat.periodSeconds, end - q.metricStat.periodSeconds, ANOMALY_TRAINING_PERIODS);
      if (h.length < 3) return undefined;
      const mean = h.reduce((a, b) => a + b, 0) / h.length;
      const sd = Math.sqrt(h.reduce((a, b) => a + (b - mean) ** 2, 0) / h.length);
      const sigma = Math.max(sd, ANOMALY_MIN_SIGMA_SHARE * Math.abs(mean));
      return { lower: mean - k * sigma, upper: mean + k * sigma };
    },
  };
  const thresholdId = def.thresholdMetricId;
  const valueQuery = (def.queries ?? []).find((q) => q.returnData !== false && q.id !== thresholdId);
  if (!valueQuery) throw new Error(`alarm ${def.name}: no metric math query returns data`);
  return { value: ctx.value(valueQuery.id), threshold: thresholdId ? ctx.value(thresholdId) : def.threshold };
}

/** The evaluation range of a metric alarm at time `now` (seconds, a minute boundary), oldest first. */
export function evaluationRange(def: MetricAlarmDef, store: MetricStore, now: number): { points: Point[]; last: MathValue } {
  const period = periodOf(def);
  const points: Point[] = [];
  let last: MathValue;
  for (let i = def.evaluationPeriods - 1; i >= 0; i--) {
    const { value, threshold } = datapointOf(def, store, now - i * period);
    last = value;
    points.push(value === undefined || threshold === undefined ? '-' : compare(def.comparison, value, threshold) ? 'X' : '0');
  }
  return { points, last };
}

// ---------- composite rules ----------

type Rule = { t: 'state'; state: AlarmState; alarm: string } | { t: 'const'; v: boolean } | { t: 'not'; e: Rule } | { t: 'and' | 'or'; l: Rule; r: Rule };

/** Parses a composite alarm rule; alarm references are names or ARNs (the name is after `:alarm:`). */
export function parseRule(src: string): Rule {
  const toks = src.match(/"[^"]*"|\(|\)|[A-Za-z_]+/g) ?? [];
  let i = 0;
  const take = () => toks[i++];
  const or = (): Rule => {
    let l = and();
    while (toks[i]?.toUpperCase() === 'OR') {
      take();
      l = { t: 'or', l, r: and() };
    }
    return l;
  };
  const and = (): Rule => {
    let l = not();
    while (toks[i]?.toUpperCase() === 'AND') {
      take();
      l = { t: 'and', l, r: not() };
    }
    return l;
  };
  const not = (): Rule => {
    if (toks[i]?.toUpperCase() === 'NOT') {
      take();
      return { t: 'not', e: not() };
    }
    return atom();
  };
  const atom = (): Rule => {
    const t = take();
    if (t === '(') {
      const e = or();
      if (take() !== ')') throw new Error(`composite rule "${src}": missing ")"`);
      return e;
    }
    const u = t?.toUpperCase();
    if (u === 'TRUE' || u === 'FALSE') return { t: 'const', v: u === 'TRUE' };
    if (u === 'ALARM' || u === 'OK' || u === 'INSUFFICIENT_DATA') {
      if (take() !== '(') throw new Error(`composite rule "${src}": ${u} needs "("`);
      const ref = take();
      if (!ref?.startsWith('"') || take() !== ')') throw new Error(`composite rule "${src}": ${u}("alarm name or ARN") expected`);
      const name = ref.slice(1, -1).replace(/^arn:[^:]*:cloudwatch:[^:]*:[^:]*:alarm:/, '');
      return { t: 'state', state: u as AlarmState, alarm: name };
    }
    throw new Error(`composite rule "${src}": unexpected "${t ?? 'end'}"`);
  };
  const r = or();
  if (i !== toks.length) throw new Error(`composite rule "${src}": unexpected "${toks[i]}"`);
  return r;
}

export function ruleAlarms(rule: Rule): string[] {
  switch (rule.t) {
    case 'state': return [rule.alarm];
    case 'const': return [];
    case 'not': return ruleAlarms(rule.e);
    default: return [...ruleAlarms(rule.l), ...ruleAlarms(rule.r)];
  }
}

export function evaluateRule(rule: Rule, stateOf: (name: string) => AlarmState): boolean {
  switch (rule.t) {
    case 'state': return stateOf(rule.alarm) === rule.state;
    case 'const': return rule.v;
    case 'not': return !evaluateRule(rule.e, stateOf);
    case 'and': return evaluateRule(rule.l, stateOf) && evaluateRule(rule.r, stateOf);
    case 'or': return evaluateRule(rule.l, stateOf) || evaluateRule(rule.r, stateOf);
  }
}

// ---------- the evaluator ----------

export interface StateChange {
  readonly time: number;
  readonly alarm: string;
  readonly kind: 'metric' | 'composite';
  readonly from: AlarmState;
  readonly to: AlarmState;
  /** Actions (topic ARNs) this change triggers. */
  readonly actions: readonly string[];
  /** Reason text, as CloudWatch writes it ("Threshold Crossed: ..."). */
  readonly reason: string;
  readonly value?: number;
}

export class AlarmEvaluator {
  private readonly states = new Map<string, AlarmState>();
  private readonly metricAlarms: MetricAlarmDef[];
  private readonly composites: { def: CompositeAlarmDef; rule: Rule }[];

  constructor(defs: readonly AlarmDef[], private readonly store: MetricStore) {
    this.metricAlarms = defs.filter((d): d is MetricAlarmDef => d.kind === 'metric');
    this.composites = defs.filter((d): d is CompositeAlarmDef => d.kind === 'composite').map((def) => ({ def, rule: parseRule(def.rule) }));
    const names = new Set(defs.map((d) => d.name));
    for (const c of this.composites) for (const a of ruleAlarms(c.rule)) if (!names.has(a)) throw new Error(`composite alarm ${c.def.name} refers to ${a}, which is not among the simulated alarms`);
    for (const d of defs) this.states.set(d.name, 'INSUFFICIENT_DATA');
  }

  state(name: string): AlarmState {
    const s = this.states.get(name);
    if (!s) throw new Error(`no alarm named ${name}`);
    return s;
  }

  /** Evaluates every metric alarm at `now` (seconds, minute boundary), then composites until stable. */
  evaluate(now: number): StateChange[] {
    const changes: StateChange[] = [];
    for (const def of this.metricAlarms) {
      const current = this.state(def.name);
      const { points, last } = evaluationRange(def, this.store, now);
      const m = def.datapointsToAlarm ?? def.evaluationPeriods;
      // Alarms on AWS/DynamoDB metrics always ignore missing data (documented).
      const mode = def.metricStat?.metric.namespace === 'AWS/DynamoDB' ? 'ignore' : (def.treatMissingData ?? 'missing');
      const next = decide(points, m, mode, current);
      if (next !== current) {
        this.states.set(def.name, next);
        const v = typeof last === 'number' ? last : undefined;
        changes.push({
          time: now,
          alarm: def.name,
          kind: 'metric',
          from: current,
          to: next,
          actions: next === 'ALARM' ? def.alarmActions : next === 'OK' ? def.okActions : (def.insufficientDataActions ?? []),
          reason: `Threshold Crossed: ${points.filter((p) => p === 'X').length} out of the last ${points.length} datapoints [${points.join(' ')}] (${v === undefined ? 'no data' : `last ${Number(v.toPrecision(6))}`}) → ${next}`,
          ...(v !== undefined ? { value: v } : {}),
        });
      }
    }
    // Composites can reference composites: settle in rounds.
    for (let round = 0; round < 10; round++) {
      let changed = false;
      for (const { def, rule } of this.composites) {
        const current = this.state(def.name);
        const next: AlarmState = evaluateRule(rule, (n) => this.state(n)) ? 'ALARM' : 'OK';
        if (next !== current) {
          this.states.set(def.name, next);
          changed = true;
          changes.push({ time: now, alarm: def.name, kind: 'composite', from: current, to: next, actions: next === 'ALARM' ? def.alarmActions : def.okActions, reason: `Composite rule ${next === 'ALARM' ? 'true' : 'false'}` });
        }
      }
      if (!changed) break;
    }
    return changes;
  }
}
