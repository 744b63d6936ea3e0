import {
  COMPONENT_IDS,
  ComponentId,
  ComponentState,
  Incident,
  IncidentEvent,
  OperatorUpdate,
  RESPONSE_LABELS,
  RESPONSE_RANK,
  ResponseLevel,
  TimelineEntry,
} from './model';
import { MessageTemplates, renderTexts } from './templates';
import { textIn } from '../../contracts/languages';

/**
 * The incident state machine, as a pure fold over the append-only incident log (plan §5.2):
 *
 *   (none) --ALARM--> open --all response alarms OK--> recovering --held for the confirmation period--> closed
 *                      ^                                   |
 *                      +------------- ALARM (re-open: the same incident continues) --+
 *
 * Events are de-duplicated by id and applied in (time, id) order, so a duplicate delivery changes
 * nothing and an event that arrives late lands where it belongs. Every region appends to its own
 * replica of one global table; because the log only grows and the fold is deterministic, every
 * replica converges on the same incidents.
 */
export interface FoldOptions {
  /** How long recovery must hold before an incident closes (plan incidents.confirmationMinutes). */
  readonly confirmationMs: number;
  /** Now, as ISO time: closes incidents whose recovery has held until now. */
  readonly now: string;
  readonly templates: MessageTemplates;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };
type Draft = Mutable<Incident> & { activeAlarms: Map<string, ResponseLevel>; scope: { regions: string[]; alarms: string[] }; overrides: Partial<Record<ComponentId, ComponentState>> };

const ms = (iso: string) => Date.parse(iso);
const iso = (n: number) => new Date(n).toISOString();
const maxLevel = (a: ResponseLevel, b: ResponseLevel) => (RESPONSE_RANK[a] >= RESPONSE_RANK[b] ? a : b);

/** De-duplicates by id (first copy wins) and orders by (time, id). */
export function orderEvents(events: readonly IncidentEvent[]): IncidentEvent[] {
  const byId = new Map<string, IncidentEvent>();
  for (const e of events) if (!byId.has(e.id) && Number.isFinite(ms(e.time))) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => ms(a.time) - ms(b.time) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** `INC-20261123T080500Z`: derived from the opening event, so every region names it the same. */
export function incidentId(openedAt: string): string {
  return `INC-${openedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

function componentsOf(d: Draft, t: MessageTemplates): Record<ComponentId, ComponentState> {
  const base: Record<ComponentId, ComponentState> = { chatbot: 'operational', agents: 'operational' };
  if (d.phase === 'open') base.chatbot = t.levels[d.currentLevel].chatbot;
  if (d.phase === 'recovering') base.chatbot = 'operational';
  if (d.phase !== 'closed') for (const id of COMPONENT_IDS) if (d.overrides[id]) base[id] = d.overrides[id]!;
  return base;
}

function autoUpdate(d: Draft, id: string, time: string, status: OperatorUpdate['status'], template: Readonly<Record<string, string>>, t: MessageTemplates): OperatorUpdate {
  return { id, time, status, message: renderTexts(template, d, t), ...(d.eta ? { eta: d.eta } : {}), automatic: true };
}

function freeze(d: Draft, t: MessageTemplates): Incident {
  const { activeAlarms: _a, overrides: _o, ...rest } = d;
  return { ...rest, components: componentsOf(d, t) };
}

/** Folds the log into incidents, oldest first. At most the last one is not closed. */
export function foldIncidents(events: readonly IncidentEvent[], opts: FoldOptions): Incident[] {
  const t = opts.templates;
  const done: Incident[] = [];
  const alarmState = new Map<string, { state: string; level: ResponseLevel; region: string }>();
  let cur: Draft | undefined;

  const close = (at: string, by: 'confirmed' | 'operator', text: string) => {
    if (!cur) return;
    cur.phase = 'closed';
    cur.closedAt = at;
    cur.closedBy = by;
    cur.timeline.push({ time: at, kind: 'closed', text });
    cur.updates.push(autoUpdate(cur, 'auto-resolved', at, 'resolved', t.resolved, t));
    done.push(freeze(cur, t));
    cur = undefined;
  };
  const closeIfHeld = (beforeMs: number) => {
    if (cur?.phase === 'recovering' && cur.recoveredAt && ms(cur.recoveredAt) + opts.confirmationMs <= beforeMs) {
      close(iso(ms(cur.recoveredAt) + opts.confirmationMs), 'confirmed', `recovery held for ${Math.round(opts.confirmationMs / 60000)} min: closed`);
    }
  };
  const open = (e: IncidentEvent, level: ResponseLevel, cause: string, region: string) => {
    cur = {
      id: incidentId(e.time),
      phase: 'open',
      level,
      currentLevel: level,
      openedAt: e.time,
      cause,
      scope: { regions: [region], alarms: [] },
      reopenCount: 0,
      components: { chatbot: 'operational', agents: 'operational' },
      updates: [],
      notices: [],
      timeline: [],
      activeAlarms: new Map(),
      overrides: {},
    };
    return cur;
  };
  const addScope = (d: Draft, region: string, alarm?: string) => {
    if (!d.scope.regions.includes(region)) d.scope.regions.push(region);
    if (alarm && !d.scope.alarms.includes(alarm)) d.scope.alarms.push(alarm);
  };
  const line = (time: string, kind: TimelineEntry['kind'], text: string) => cur?.timeline.push({ time, kind, text });

  for (const e of orderEvents(events)) {
    closeIfHeld(ms(e.time));
    switch (e.kind) {
      case 'alarm': {
        const prev = alarmState.get(e.alarm);
        alarmState.set(e.alarm, { state: e.state, level: e.level, region: e.region });
        if (e.state === 'ALARM') {
          if (!cur) {
            const d = open(e, e.level, e.reason ?? `${e.alarm} in ALARM`, e.region);
            if (e.impactStart) d.impactStart = e.impactStart;
            line(e.time, 'opened', `${RESPONSE_LABELS[e.level].en}: ${e.alarm} (${e.region}) in ALARM${e.reason ? `: ${e.reason}` : ''}`);
            d.updates.push(autoUpdate(d, 'auto-opened', e.time, 'investigating', t.levels[e.level].message, t));
          } else if (cur.phase === 'recovering') {
            cur.phase = 'open';
            cur.reopenCount += 1;
            delete cur.recoveredAt;
            line(e.time, 'reopened', `${e.alarm} (${e.region}) in ALARM again within the confirmation period: incident continues`);
            cur.updates.push(autoUpdate(cur, `auto-reopened-${cur.reopenCount}`, e.time, 'investigating', t.levels[cur.currentLevel].message, t));
          } else if (prev?.state !== 'ALARM') {
            line(e.time, 'alarm', `${e.alarm} (${e.region}) in ALARM (${e.level})`);
          }
          const d = cur!;
          if (e.impactStart && (!d.impactStart || ms(e.impactStart) < ms(d.impactStart))) d.impactStart = e.impactStart;
          const before = d.currentLevel;
          d.activeAlarms.set(e.alarm, e.level);
          addScope(d, e.region, e.alarm);
          d.currentLevel = [...d.activeAlarms.values()].reduce(maxLevel);
          d.level = maxLevel(d.level, d.currentLevel);
          if (RESPONSE_RANK[d.currentLevel] > RESPONSE_RANK[before]) {
            line(e.time, 'alarm', `response level raised to ${d.currentLevel}`);
            d.updates.push(autoUpdate(d, `auto-level-${d.currentLevel}-${e.time}`, e.time, 'investigating', t.levels[d.currentLevel].message, t));
          }
        } else if (cur) {
          const wasActive = cur.activeAlarms.delete(e.alarm);
          if (wasActive) line(e.time, 'alarm', `${e.alarm} (${e.region}) back to ${e.state}`);
          if (cur.activeAlarms.size > 0) cur.currentLevel = [...cur.activeAlarms.values()].reduce(maxLevel);
          if (cur.phase === 'open' && cur.activeAlarms.size === 0 && wasActive) {
            cur.phase = 'recovering';
            cur.recoveredAt = e.time;
            line(e.time, 'recovering', `all response alarms OK: confirming recovery for ${Math.round(opts.confirmationMs / 60000)} min`);
            cur.updates.push(autoUpdate(cur, `auto-recovering-${cur.reopenCount}`, e.time, 'monitoring', t.recovering, t));
          }
        }
        break;
      }
      case 'failover': {
        if (!cur) {
          open(e, 'severe', `failover observed: ${e.detail}`, e.region);
          line(e.time, 'opened', `failover observed (${e.region}): ${e.detail}`);
          cur!.updates.push(autoUpdate(cur!, 'auto-opened', e.time, 'investigating', t.levels.severe.message, t));
        } else {
          addScope(cur, e.region);
          line(e.time, 'failover', `failover observed (${e.region}): ${e.detail}`);
        }
        cur!.firstFailoverAt ??= e.time;
        break;
      }
      case 'update': {
        if (!cur) break; // no open incident: the CLI refuses this; a stray one changes nothing
        if (e.eta) cur.eta = e.eta;
        Object.assign(cur.overrides, e.components ?? {});
        cur.updates.push({ id: e.id, time: e.time, status: e.status, message: e.message, ...(cur.eta ? { eta: cur.eta } : {}), automatic: false });
        line(e.time, 'update', `operator update (${e.status})${e.author ? ` by ${e.author}` : ''}: ${textIn(e.message, 'en')}`);
        if (e.status === 'resolved') close(e.time, 'operator', 'resolved by an operator');
        break;
      }
      case 'resolve': {
        if (!cur) break;
        if (e.message) cur.updates.push({ id: e.id, time: e.time, status: 'resolved', message: e.message, automatic: false });
        close(e.time, 'operator', `resolved by an operator${e.author ? ` (${e.author})` : ''}`);
        break;
      }
      case 'notice': {
        const target = cur && e.key.startsWith(`${cur.id}#`) ? cur : undefined;
        if (target) {
          target.notices.push({ time: e.time, key: e.key, subject: e.subject });
          line(e.time, 'notice', `customer notice sent: ${e.subject}`);
        } else {
          const i = done.findIndex((x) => e.key.startsWith(`${x.id}#`));
          if (i >= 0) {
            const x = done[i];
            done[i] = {
              ...x,
              notices: [...x.notices, { time: e.time, key: e.key, subject: e.subject }],
              timeline: [...x.timeline, { time: e.time, kind: 'notice' as const, text: `customer notice sent: ${e.subject}` }].sort((a, b) => ms(a.time) - ms(b.time)),
            };
          }
        }
        break;
      }
    }
  }
  closeIfHeld(ms(opts.now));
  return cur ? [...done, freeze(cur, t)] : done;
}

/** The incident not yet closed, if any. */
export function currentIncident(incidents: readonly Incident[]): Incident | undefined {
  const last = incidents[incidents.length - 1];
  return last && last.phase !== 'closed' ? last : undefined;
}
