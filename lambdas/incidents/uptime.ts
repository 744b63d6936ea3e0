import { COMPONENT_IDS, COMPONENT_RANK, ComponentId, ComponentState, Incident, IncidentEvent } from './model';
import type { MessageTemplates } from './templates';

/** Days shown on the uptime bar. */
export const UPTIME_DAYS = 90;

/** One day of one component that was not fully operational (days without an entry were). */
export interface UptimeDay {
  /** Worst state that day. */
  readonly state: Exclude<ComponentState, 'operational'>;
  /** Minutes degraded or in outage that day. */
  readonly minutes: number;
  readonly incidents: string[];
}

/** The uptime history in status.json: sparse, only days with impact. */
export interface UptimeHistory {
  /** Dates (YYYY-MM-DD, plan time zone) of the bar, oldest first; the last is today. */
  readonly from: string;
  readonly to: string;
  readonly days: number;
  /** Per component: date → impact. */
  readonly components: Record<ComponentId, Record<string, UptimeDay>>;
  /** Per component: share of the period's minutes (up to now) not degraded or in outage, in percent, two decimals. */
  readonly percent: Record<ComponentId, number>;
}

/** The calendar date of an instant in a time zone. */
export function dateIn(instantMs: number, timeZone: string): string {
  let f = FORMATS.get(timeZone);
  if (!f) FORMATS.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(new Date(instantMs));
}
const FORMATS = new Map<string, Intl.DateTimeFormat>();

/** Start of the day containing `instantMs` in the time zone, as epoch ms (handles DST days). */
function startOfDay(instantMs: number, timeZone: string): number {
  const date = dateIn(instantMs, timeZone);
  // Walk back to the first minute carrying that date (at most 26 hours), coarse then fine.
  let t = instantMs;
  for (const step of [3600_000, 60_000]) while (dateIn(t - step, timeZone) === date) t -= step;
  return Math.floor(t / 60_000) * 60_000;
}

interface Span {
  readonly from: number;
  readonly to: number;
  readonly state: Exclude<ComponentState, 'operational'>;
  readonly incident: string;
}

/**
 * When each component was affected, from the folded incidents and the log:
 * - the chatbot: from the opening to the start of the recovery that held (or the close, or now),
 *   in the state the incident's highest level shows (the plan's templates);
 * - either component: the states operators set with `incident update --chatbot/--agents`, from the
 *   update until the next such update or the end of the incident.
 */
export function impactSpans(incidents: readonly Incident[], events: readonly IncidentEvent[], templates: MessageTemplates, nowMs: number): Record<ComponentId, Span[]> {
  const out: Record<ComponentId, Span[]> = { chatbot: [], agents: [] };
  const updates = events.filter((e): e is Extract<IncidentEvent, { kind: 'update' }> => e.kind === 'update' && !!e.components).sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  for (const i of incidents) {
    const from = Date.parse(i.openedAt);
    const end = Math.min(nowMs, Date.parse(i.recoveredAt ?? i.closedAt ?? new Date(nowMs).toISOString()));
    const auto = templates.levels[i.level].chatbot;
    const overrides: Record<ComponentId, { t: number; state: ComponentState }[]> = { chatbot: [], agents: [] };
    for (const u of updates) {
      const t = Date.parse(u.time);
      if (t < from || t >= end) continue;
      for (const id of COMPONENT_IDS) if (u.components![id]) overrides[id].push({ t, state: u.components![id]! });
    }
    for (const id of COMPONENT_IDS) {
      // Piecewise: the automatic state (chatbot) until the first operator override, then each override until the next.
      const points = [{ t: from, state: id === 'chatbot' ? auto : ('operational' as ComponentState) }, ...overrides[id]];
      points.forEach((p, k) => {
        const to = k + 1 < points.length ? points[k + 1].t : end;
        if (p.state !== 'operational' && to > p.t) out[id].push({ from: p.t, to, state: p.state, incident: i.id });
      });
    }
  }
  return out;
}

/** The uptime bar of the last UPTIME_DAYS days (today included), per component, in the plan's days. */
export function buildUptime(incidents: readonly Incident[], events: readonly IncidentEvent[], opts: { now: string; templates: MessageTemplates; days?: number }): UptimeHistory {
  const nowMs = Date.parse(opts.now);
  const tz = opts.templates.timeZone;
  const days = opts.days ?? UPTIME_DAYS;
  const todayStart = startOfDay(nowMs, tz);
  // Day starts, oldest first (a day is 23-25 hours around DST changes).
  const starts = [todayStart];
  while (starts.length < days) starts.unshift(startOfDay(starts[0] - 1, tz));
  const periodStart = starts[0];
  const spans = impactSpans(incidents, events, opts.templates, nowMs);
  const components = {} as Record<ComponentId, Record<string, UptimeDay>>;
  const percent = {} as Record<ComponentId, number>;
  for (const id of COMPONENT_IDS) {
    const byDay: Record<string, { state: UptimeDay['state']; intervals: [number, number][]; incidents: Set<string> }> = {};
    const affected: [number, number][] = [];
    for (const s of spans[id]) {
      const from = Math.max(s.from, periodStart);
      if (s.to <= from) continue;
      affected.push([from, s.to]);
      for (let d = 0; d < starts.length; d++) {
        const a = Math.max(from, starts[d]);
        const b = Math.min(s.to, d + 1 < starts.length ? starts[d + 1] : nowMs);
        if (b <= a) continue;
        const date = dateIn(starts[d], tz);
        const day = (byDay[date] ??= { state: s.state, intervals: [], incidents: new Set() });
        if (COMPONENT_RANK[s.state] > COMPONENT_RANK[day.state]) day.state = s.state;
        day.intervals.push([a, b]);
        day.incidents.add(s.incident);
      }
    }
    components[id] = Object.fromEntries(Object.entries(byDay).map(([date, d]) => [date, { state: d.state, minutes: Math.round(unionMs(d.intervals) / 60_000), incidents: [...d.incidents] }]));
    const total = nowMs - periodStart;
    percent[id] = total > 0 ? Math.floor((1 - unionMs(affected) / total) * 10_000) / 100 : 100;
  }
  return { from: dateIn(periodStart, tz), to: dateIn(todayStart, tz), days, components, percent };
}

/** Total length of the union of intervals (overlapping incidents are not counted twice). */
function unionMs(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let cur: [number, number] | undefined;
  for (const [a, b] of sorted) {
    if (!cur || a > cur[1]) {
      if (cur) total += cur[1] - cur[0];
      cur = [a, b];
    } else cur[1] = Math.max(cur[1], b);
  }
  return total + (cur ? cur[1] - cur[0] : 0);
}
