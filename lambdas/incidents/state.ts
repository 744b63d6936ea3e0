import {
  Bilingual,
  COMPONENT_IDS,
  ComponentId,
  ComponentState,
  Incident,
  IncidentEvent,
  OperatorUpdate,
  RegisteredIncident,
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
 *
 * What the publisher has already told customers is fixed by the incident register (decisions,
 * passed as `register`), so late events never rewrite it:
 * - identity: a registered incident keeps its id for whichever incident contains its registered
 *   opening time, however late an earlier event from another region arrives;
 * - a registered close is final: the fold closes whatever is current at that time, events after it
 *   belong to the next incident, and alarms still in ALARM at that moment open a new incident
 *   linked to the closed one (`previousId`).
 * INSUFFICIENT_DATA is not recovery: an alarm in ALARM that loses its data still counts as failing
 * until it reports OK (or an operator resolves the incident).
 * Automatic update ids are derived from the time of the change (not a counter), so an update
 * inserted late in the past never renames the ones customers already received.
 */
export interface FoldOptions {
  /** How long recovery must hold before an incident closes (plan incidents.confirmationMinutes). */
  readonly confirmationMs: number;
  /** Now, as ISO time: closes incidents whose recovery has held until now. */
  readonly now: string;
  readonly templates: MessageTemplates;
  /** Decisions already published (ids and closes), oldest first. @default [] */
  readonly register?: readonly RegisteredIncident[];
}

/** The id of the one final "resolved" update of every incident (one notice per incident). */
export const RESOLVED_UPDATE_ID = 'resolved';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };
type Draft = Mutable<Incident> & {
  activeAlarms: Map<string, { level: ResponseLevel; region: string }>;
  scope: { regions: string[]; alarms: string[] };
  overrides: Partial<Record<ComponentId, ComponentState>>;
  named: boolean;
};

const ms = (iso: string) => Date.parse(iso);
const iso = (n: number) => new Date(n).toISOString();
const maxLevel = (a: ResponseLevel, b: ResponseLevel) => (RESPONSE_RANK[a] >= RESPONSE_RANK[b] ? a : b);

/** De-duplicates by id (first copy wins) and orders by (time, id). */
export function orderEvents(events: readonly IncidentEvent[]): IncidentEvent[] {
  const byId = new Map<string, IncidentEvent>();
  for (const e of events) if (!byId.has(e.id) && Number.isFinite(ms(e.time))) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => ms(a.time) - ms(b.time) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** `INC-20261123T080500Z`: derived from the opening time, so every region names it the same. */
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
  const { activeAlarms: _a, overrides: _o, named: _n, ...rest } = d;
  return { ...rest, components: componentsOf(d, t) };
}

type Step =
  | { readonly t: number; readonly order: number; readonly kind: 'event'; readonly e: IncidentEvent }
  | { readonly t: number; readonly order: number; readonly kind: 'name' | 'close'; readonly r: RegisteredIncident };

/** Folds the log into incidents, oldest first. At most the last one is not closed. */
export function foldIncidents(events: readonly IncidentEvent[], opts: FoldOptions): Incident[] {
  const t = opts.templates;
  const register = (opts.register ?? []).filter((r) => Number.isFinite(ms(r.openedAt)));
  const registeredIds = new Set(register.map((r) => r.id));
  const done: Incident[] = [];
  const alarmState = new Map<string, { state: string; level: ResponseLevel; region: string }>();
  const activeDrills = new Set<string>();
  let cur: Draft | undefined;

  const ordered = orderEvents(events);
  const notices = ordered.filter((e): e is Extract<IncidentEvent, { kind: 'notice' }> => e.kind === 'notice');
  // Raw events first at equal times; then the register's decisions in register order (an
  // incident's name before its close, one incident's close before the next one's name).
  const steps: Step[] = [
    ...ordered.filter((e) => e.kind !== 'notice').map((e, i) => ({ t: ms(e.time), order: i - ordered.length, kind: 'event' as const, e })),
    ...register.flatMap((r, i) => [
      { t: ms(r.openedAt), order: 2 * i, kind: 'name' as const, r },
      ...(r.closedAt && Number.isFinite(ms(r.closedAt)) ? [{ t: ms(r.closedAt), order: 2 * i + 1, kind: 'close' as const, r }] : []),
    ]),
  ].sort((a, b) => a.t - b.t || a.order - b.order);

  const freshId = (openedAt: string) => {
    const base = incidentId(openedAt);
    let id = base;
    for (let n = 2; registeredIds.has(id) || done.some((d) => d.id === id); n++) id = `${base}-${n}`;
    return id;
  };
  const close = (at: string, by: 'confirmed' | 'operator', text: string, message?: Bilingual) => {
    if (!cur) return;
    cur.phase = 'closed';
    cur.closedAt = at;
    cur.closedBy = by;
    cur.timeline.push({ time: at, kind: 'closed', text });
    cur.updates.push(message ? { id: RESOLVED_UPDATE_ID, time: at, status: 'resolved', message, ...(cur.eta ? { eta: cur.eta } : {}), automatic: false } : autoUpdate(cur, RESOLVED_UPDATE_ID, at, 'resolved', t.resolved, t));
    done.push(freeze(cur, t));
    cur = undefined;
  };
  const notBefore = new Map(register.map((r) => [r.id, Math.max(...[r.closedAt, r.openAsOf].map((x) => (x ? ms(x) : -Infinity)))]));
  const closeIfHeld = (beforeMs: number) => {
    if (cur?.phase !== 'recovering' || !cur.recoveredAt) return;
    const held = ms(cur.recoveredAt) + opts.confirmationMs;
    // A registered incident never closes before customers last saw it ongoing.
    const at = Math.max(held, (cur.named && notBefore.get(cur.id)) || -Infinity);
    if (at <= beforeMs) close(iso(at), 'confirmed', at === held ? `recovery held for ${Math.round(opts.confirmationMs / 60000)} min: closed` : `recovery held; closed when published as over`);
  };
  const open = (time: string, level: ResponseLevel, cause: string, region: string | undefined): Draft => {
    const prev = done[done.length - 1];
    cur = {
      id: freshId(time),
      phase: 'open',
      level,
      currentLevel: level,
      openedAt: time,
      cause,
      scope: { regions: region ? [region] : [], alarms: [] },
      reopenCount: 0,
      ...(activeDrills.size ? { drill: [...activeDrills][0] } : {}),
      ...(prev?.closedAt && ms(time) - ms(prev.closedAt) < opts.confirmationMs ? { previousId: prev.id } : {}),
      components: { chatbot: 'operational', agents: 'operational' },
      updates: [],
      notices: [],
      timeline: [],
      activeAlarms: new Map(),
      overrides: {},
      named: false,
    };
    return cur;
  };
  const addScope = (d: Draft, region: string, alarm?: string) => {
    if (!d.scope.regions.includes(region)) d.scope.regions.push(region);
    if (alarm && !d.scope.alarms.includes(alarm)) d.scope.alarms.push(alarm);
  };
  const line = (time: string, kind: TimelineEntry['kind'], text: string) => cur?.timeline.push({ time, kind, text });

  const applyEvent = (e: IncidentEvent) => {
    switch (e.kind) {
      case 'alarm': {
        const prev = alarmState.get(e.alarm);
        alarmState.set(e.alarm, { state: e.state, level: e.level, region: e.region });
        if (e.state === 'ALARM') {
          if (!cur) {
            const d = open(e.time, e.level, e.reason ?? `${e.alarm} in ALARM`, e.region);
            if (e.impactStart) d.impactStart = e.impactStart;
            line(e.time, 'opened', `${RESPONSE_LABELS[e.level].en}: ${e.alarm} (${e.region}) in ALARM${e.reason ? `: ${e.reason}` : ''}${d.previousId ? ` (follows ${d.previousId})` : ''}`);
            d.updates.push(autoUpdate(d, 'auto-opened', e.time, 'investigating', t.levels[e.level].message, t));
          } else if (cur.phase === 'recovering') {
            cur.phase = 'open';
            cur.reopenCount += 1;
            delete cur.recoveredAt;
            line(e.time, 'reopened', `${e.alarm} (${e.region}) in ALARM again within the confirmation period: incident continues`);
            cur.updates.push(autoUpdate(cur, `auto-reopened-${e.time}`, e.time, 'investigating', t.levels[cur.currentLevel].message, t));
          } else if (prev?.state !== 'ALARM') {
            line(e.time, 'alarm', `${e.alarm} (${e.region}) in ALARM (${e.level})`);
          }
          const d = cur!;
          if (e.impactStart && (!d.impactStart || ms(e.impactStart) < ms(d.impactStart))) d.impactStart = e.impactStart;
          const before = d.currentLevel;
          d.activeAlarms.set(e.alarm, { level: e.level, region: e.region });
          addScope(d, e.region, e.alarm);
          d.currentLevel = [...d.activeAlarms.values()].map((a) => a.level).reduce(maxLevel);
          d.level = maxLevel(d.level, d.currentLevel);
          if (d.drill && d.level === 'emergency') {
            line(e.time, 'alarm', `emergency response level during drill ${d.drill}: treated as a real incident from now on`);
            delete d.drill;
          }
          if (RESPONSE_RANK[d.currentLevel] > RESPONSE_RANK[before]) {
            line(e.time, 'alarm', `response level raised to ${d.currentLevel}`);
            d.updates.push(autoUpdate(d, `auto-level-${d.currentLevel}-${e.time}`, e.time, 'investigating', t.levels[d.currentLevel].message, t));
          }
        } else if (cur && e.state === 'INSUFFICIENT_DATA') {
          // Missing data is not recovery: the alarm keeps counting as failing until it reports OK.
          if (cur.activeAlarms.has(e.alarm)) line(e.time, 'alarm', `${e.alarm} (${e.region}) has no data (INSUFFICIENT_DATA): still counted as failing until it reports OK`);
        } else if (cur) {
          const wasActive = cur.activeAlarms.delete(e.alarm);
          if (wasActive) line(e.time, 'alarm', `${e.alarm} (${e.region}) back to ${e.state}`);
          if (cur.activeAlarms.size > 0) cur.currentLevel = [...cur.activeAlarms.values()].map((a) => a.level).reduce(maxLevel);
          if (cur.phase === 'open' && cur.activeAlarms.size === 0 && wasActive) {
            cur.phase = 'recovering';
            cur.recoveredAt = e.time;
            line(e.time, 'recovering', `all response alarms OK: confirming recovery for ${Math.round(opts.confirmationMs / 60000)} min`);
            cur.updates.push(autoUpdate(cur, `auto-recovering-${e.time}`, e.time, 'monitoring', t.recovering, t));
          }
        }
        break;
      }
      case 'failover': {
        const text = `failover observed (${e.region}): ${e.detail}${e.reportedTime ? ` [reported time ${e.reportedTime} not trusted; recorded when received]` : ''}`;
        if (!cur) {
          const d = open(e.time, 'severe', `failover observed: ${e.detail}`, e.region);
          line(e.time, 'opened', text);
          d.updates.push(autoUpdate(d, 'auto-opened', e.time, 'investigating', t.levels.severe.message, t));
        } else {
          addScope(cur, e.region);
          line(e.time, 'failover', text);
        }
        // Only a failover with a trusted time counts for "time to fail over".
        if (!e.reportedTime) cur!.firstFailoverAt ??= e.time;
        break;
      }
      case 'update': {
        if (!cur) break; // no open incident: the CLI refuses this; a stray one changes nothing
        if (e.eta) cur.eta = e.eta;
        Object.assign(cur.overrides, e.components ?? {});
        line(e.time, 'update', `operator update (${e.status})${e.author ? ` by ${e.author}` : ''}: ${textIn(e.message, 'en')}`);
        // "resolved" is the incident's one final update: it closes with the operator's words.
        if (e.status === 'resolved') close(e.time, 'operator', 'resolved by an operator', e.message);
        else cur.updates.push({ id: e.id, time: e.time, status: e.status, message: e.message, ...(cur.eta ? { eta: cur.eta } : {}), automatic: false });
        break;
      }
      case 'resolve': {
        if (!cur) break;
        close(e.time, 'operator', `resolved by an operator${e.author ? ` (${e.author})` : ''}`, e.message);
        break;
      }
      case 'drill': {
        if (e.phase === 'start') activeDrills.add(e.drill);
        else activeDrills.delete(e.drill);
        line(e.time, 'drill', `drill ${e.drill} ${e.phase === 'start' ? 'started' : 'ended'}`);
        break;
      }
      case 'notice':
        break;
    }
  };

  const applyName = (r: RegisteredIncident) => {
    if (!cur) {
      // Customers were told about this incident, but no event of the log keeps it open any more:
      // the alarm that opened it turned out (by events that arrived late) to be OK already, or its
      // events are older than the lookback. It continues under its name and confirms recovery
      // from its opening, so it still ends with its one "resolved".
      const d = open(r.openedAt, r.level, r.cause, undefined);
      line(r.openedAt, 'opened', `${RESPONSE_LABELS[r.level].en}: ${r.cause} (as published)`);
      d.updates.push(autoUpdate(d, 'auto-opened', r.openedAt, 'investigating', t.levels[r.level].message, t));
      d.phase = 'recovering';
      d.recoveredAt = r.openedAt;
      line(r.openedAt, 'recovering', `no response alarm of this incident is in ALARM (later events arrived late): confirming recovery for ${Math.round(opts.confirmationMs / 60000)} min`);
      d.updates.push(autoUpdate(d, `auto-recovering-${r.openedAt}`, r.openedAt, 'monitoring', t.recovering, t));
    }
    if (!cur!.named) {
      cur!.id = r.id;
      cur!.named = true;
      if (r.previousId && !cur!.previousId) cur!.previousId = r.previousId;
    }
  };

  const applyClose = (r: RegisteredIncident) => {
    // Only the incident named here closes (a registered incident never closes earlier than this;
    // if it closed at this very time on its own, the one current now is another incident).
    if (!cur || cur.id !== r.id) return;
    const at = r.closedAt!;
    const still = new Map(cur.activeAlarms);
    const closedId = cur.id;
    close(at, r.closedBy ?? 'confirmed', 'closed as published; later events belong to the next incident');
    if (still.size === 0) return;
    // Alarms still in ALARM when a published close happened open a new incident, linked to it.
    const level = [...still.values()].map((a) => a.level).reduce(maxLevel);
    const names = [...still.keys()].join(', ');
    const d = open(at, level, `${names} still in ALARM after ${closedId} was closed`, [...still.values()][0].region);
    d.previousId = closedId;
    for (const [name, a] of still) {
      d.activeAlarms.set(name, a);
      addScope(d, a.region, name);
    }
    line(at, 'opened', `${RESPONSE_LABELS[level].en}: ${names} still in ALARM after ${closedId} was closed: new incident`);
    d.updates.push(autoUpdate(d, 'auto-opened', at, 'investigating', t.levels[level].message, t));
  };

  for (const s of steps) {
    closeIfHeld(s.t);
    if (s.kind === 'event') applyEvent(s.e);
    else if (s.kind === 'name') applyName(s.r);
    else applyClose(s.r);
  }
  closeIfHeld(ms(opts.now));
  const all = cur ? [...done, freeze(cur, t)] : done;

  return all.map((fixed) => {
    const mine = notices.filter((n) => n.key.startsWith(`${fixed.id}#`));
    if (!mine.length) return fixed;
    return {
      ...fixed,
      notices: mine.map((n) => ({ time: n.time, key: n.key, subject: n.subject })),
      timeline: [...fixed.timeline, ...mine.map((n) => ({ time: n.time, kind: 'notice' as const, text: `customer notice sent: ${n.subject}` }))].sort((a, b) => ms(a.time) - ms(b.time)),
    };
  });
}

/** The incident not yet closed, if any. */
export function currentIncident(incidents: readonly Incident[]): Incident | undefined {
  const last = incidents[incidents.length - 1];
  return last && last.phase !== 'closed' ? last : undefined;
}
