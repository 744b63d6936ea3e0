import fc from 'fast-check';
import { foldIncidents } from '../../lambdas/incidents/state';
import { nextRegister } from '../../lambdas/incidents/store';
import { buildStatusDocument, pendingNotices } from '../../lambdas/incidents/status';
import type { Incident, IncidentEvent, RegisteredIncident, ResponseLevel } from '../../lambdas/incidents/model';
import { incidentTemplates } from '../../lib/incidents';
import { loadedPlan } from '../helpers/plan';

// Property-based tests (fast-check) of the incident fold and of the publisher's decisions under
// randomised late, duplicated and out-of-order delivery from three regions. Seeded: a failure
// prints the seed and the shrunk counterexample; rerun it with `{ seed, path }` in fc.assert.
// The publisher here is the pure part of publishAll (fold → register → notices) with an in-memory
// notice ledger that applies the store's claim rule; incidents-properties.moto.test.ts runs the
// real publisher (DynamoDB conditions, SNS, S3) against moto_server.
const { plan } = loadedPlan();
const templates = incidentTemplates(plan);
const MIN = 60_000;
const T0 = Date.parse('2026-11-23T08:00:00.000Z');
const at = (m: number) => new Date(T0 + m * MIN).toISOString();
const CONFIRM_MIN = 15;
const NOTICE_MAX_AGE_MIN = 60;
const SEED = 20261123;

export const ALARMS: readonly { name: string; region: string; level: ResponseLevel }[] = [
  { name: 'acme-chat-severe', region: 'ap-southeast-1', level: 'severe' },
  { name: 'acme-chat-severe-standby', region: 'ap-northeast-1', level: 'severe' },
  { name: 'acme-chat-emergency', region: 'us-east-1', level: 'emergency' },
];

/** One failure episode of an alarm: ALARM for `down` minutes (maybe losing its data on the way), then OK for `up`. */
const episode = fc.record({
  down: fc.integer({ min: 1, max: 40 }),
  noDataAfter: fc.option(fc.integer({ min: 0, max: 39 }), { freq: 4 }),
  up: fc.integer({ min: 1, max: 40 }),
});
const alarmHistory = fc.record({ start: fc.integer({ min: 0, max: 60 }), episodes: fc.array(episode, { maxLength: 3 }) });
/** How late each event is delivered (most on time, some minutes late, a few hours late) and whether it comes twice. */
const delay = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 10 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 240 }) });
const delivery = fc.record({ delay, duplicate: fc.option(delay, { freq: 3 }) });
export const scenarioArb = fc.record({
  alarms: fc.tuple(alarmHistory, alarmHistory, alarmHistory),
  deliveries: fc.array(delivery, { minLength: 30, maxLength: 30 }),
  tickMinutes: fc.constantFrom(5, 15),
});
export type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** The alarm state changes of a scenario (every alarm ends OK), in time order. */
export function eventsOf(s: Scenario): Extract<IncidentEvent, { kind: 'alarm' }>[] {
  const out: Extract<IncidentEvent, { kind: 'alarm' }>[] = [];
  s.alarms.forEach((h, i) => {
    const a = ALARMS[i];
    const push = (m: number, state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA') =>
      out.push({ kind: 'alarm', id: `alarm#${a.name}#${state}#${at(m)}`, time: at(m), alarm: a.name, region: a.region, level: a.level, state, reason: `${a.name} ${state}` });
    let c = h.start;
    for (const ep of h.episodes) {
      push(c, 'ALARM');
      if (ep.noDataAfter !== null) push(c + (ep.noDataAfter % ep.down), 'INSUFFICIENT_DATA');
      c += ep.down;
      push(c, 'OK');
      c += ep.up;
    }
  });
  return out.sort((x, y) => Date.parse(x.time) - Date.parse(y.time));
}

/** Each delivery of each event, with the minute it reaches the log (duplicates included). */
export function arrivalsOf(s: Scenario, events: readonly IncidentEvent[]): { minute: number; e: IncidentEvent }[] {
  const out: { minute: number; e: IncidentEvent }[] = [];
  events.forEach((e, i) => {
    const d = s.deliveries[i % s.deliveries.length];
    const m = (Date.parse(e.time) - T0) / MIN;
    out.push({ minute: m + d.delay, e });
    if (d.duplicate !== null) out.push({ minute: m + d.duplicate, e });
  });
  return out.sort((a, b) => a.minute - b.minute);
}

interface SentNotice {
  readonly minute: number;
  readonly key: string;
  readonly incidentId: string;
  readonly updateTime: string;
  readonly final: boolean;
}

/**
 * Runs the publisher's decisions after every arrival (the table stream) and on the schedule, until
 * long after the last event, with an in-memory ledger applying the store's claim rule (not sent;
 * update not older than the newest claimed for the incident, except the final "resolved").
 */
export function simulate(s: Scenario) {
  const events = eventsOf(s);
  const arrivals = arrivalsOf(s, events);
  const lastArrival = arrivals.length ? arrivals[arrivals.length - 1].minute : 0;
  const end = lastArrival + 3 * CONFIRM_MIN + 60;
  const points = new Set<number>(arrivals.map((a) => a.minute));
  for (let m = 0; m <= end; m += s.tickMinutes) points.add(m);
  points.add(end);
  let register: RegisteredIncident[] = [];
  const sent: SentNotice[] = [];
  const sentKeys = new Set<string>();
  const watermarks = new Map<string, string>();
  const history: { minute: number; incidents: Incident[]; register: RegisteredIncident[] }[] = [];
  const statusSeqs: number[] = [];
  let seq = 0;
  let lastCount = -1;
  for (const minute of [...points].sort((a, b) => a - b)) {
    const now = at(minute);
    const arrived = arrivals.filter((a) => a.minute <= minute).map((a) => a.e);
    // An idle tick (nothing new, nothing ongoing) changes nothing a customer sees: skip it.
    const ongoing = history.length > 0 && history[history.length - 1].incidents.some((i) => i.phase !== 'closed');
    if (arrived.length === lastCount && !ongoing && minute !== end) continue;
    lastCount = arrived.length;
    const opts = { confirmationMs: CONFIRM_MIN * MIN, now, templates };
    const before = foldIncidents(arrived, { ...opts, register });
    const next = nextRegister(register, before, at(minute - 30 * 1440), now);
    // Folding again with the saved register, as publishAll does (only needed when it changed).
    const incidents = JSON.stringify(next) === JSON.stringify(register) ? before : foldIncidents(arrived, { ...opts, register: next });
    register = next;
    seq += 1;
    for (const n of pendingNotices(incidents, { now, maxAgeMs: NOTICE_MAX_AGE_MIN * MIN, sent: sentKeys, claimed: sentKeys, watermarks, templates })) {
      const wm = watermarks.get(n.incidentId);
      if (!n.final && wm !== undefined && wm > n.updateTime) continue; // the claim condition refuses it
      sentKeys.add(n.key);
      watermarks.set(n.incidentId, n.final ? '~' : n.updateTime);
      sent.push({ minute, key: n.key, incidentId: n.incidentId, updateTime: n.updateTime, final: n.final });
    }
    statusSeqs.push(buildStatusDocument(incidents, { now, historyLength: 5, templates, seq }).seq);
    history.push({ minute, incidents, register });
  }
  return { events, arrivals, sent, history, statusSeqs, final: history[history.length - 1].incidents };
}

/** The properties customers rely on, for one simulated run. Returns a list of violations (empty = holds). */
export function violations(run: { sent: readonly { key: string; incidentId: string; final: boolean; updateTime?: string }[]; finalIncidentIds: readonly string[]; idsSeenAfter?: (key: string) => string[][] }): string[] {
  const out: string[] = [];
  const keys = run.sent.map((n) => n.key);
  const dup = keys.filter((k, i) => keys.indexOf(k) !== i);
  if (dup.length) out.push(`notices sent twice: ${dup.join(', ')}`);
  const byIncident = new Map<string, typeof run.sent[number][]>();
  for (const n of run.sent) byIncident.set(n.incidentId, [...(byIncident.get(n.incidentId) ?? []), n]);
  for (const [id, ns] of byIncident) {
    if (!run.finalIncidentIds.includes(id)) out.push(`${id} was announced but is no longer an incident (renamed or merged): ${ns.map((n) => n.key).join(', ')}`);
    const finals = ns.filter((n) => n.final);
    if (finals.length !== 1) out.push(`${id} was announced and has ${finals.length} "resolved" notices`);
    else if (ns[ns.length - 1] !== finals[0]) out.push(`${id}: a notice went out after "resolved": ${ns.map((n) => n.key).join(', ')}`);
    for (let i = 1; i < ns.length; i++) {
      const a = ns[i - 1].updateTime;
      const b = ns[i].updateTime;
      if (a && b && b < a) out.push(`${id}: notices went back in time: ${ns[i - 1].key} then ${ns[i].key}`);
    }
  }
  return out;
}

describe('incident fold (pure, thousands of cases)', () => {
  test('without published decisions, delivery order and duplicates change nothing', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 10_000 }), (s, shuffleSeed) => {
        const events = eventsOf(s);
        const delivered = arrivalsOf(s, events).map((a) => a.e);
        // a deterministic shuffle of the deliveries (duplicates included)
        const shuffled = delivered.map((e, i) => ({ e, k: (i * 7919 + shuffleSeed) % 10007 })).sort((a, b) => a.k - b.k).map((x) => x.e);
        const now = at(2000);
        const opts = { confirmationMs: CONFIRM_MIN * MIN, now, templates };
        expect(foldIncidents(shuffled, opts)).toEqual(foldIncidents(events, opts));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  test('a registered incident keeps its id and a registered close stays final, whatever arrives later', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 300 }), (s, cut) => {
        const events = eventsOf(s);
        const arrivals = arrivalsOf(s, events);
        const opts = { confirmationMs: CONFIRM_MIN * MIN, templates };
        // What had arrived by `cut` was published; then everything else arrives.
        const early = arrivals.filter((a) => a.minute <= cut).map((a) => a.e);
        const register = nextRegister([], foldIncidents(early, { ...opts, now: at(cut) }), at(-30 * 1440), at(cut));
        const later = foldIncidents(events, { ...opts, now: at(2000), register });
        for (const r of register) {
          const i = later.find((x) => x.id === r.id);
          expect(i).toBeDefined();
          if (r.closedAt) expect(i).toMatchObject({ phase: 'closed', closedAt: r.closedAt });
        }
        // Incidents never overlap: each closes before the next opens.
        for (let k = 1; k < later.length; k++) expect(Date.parse(later[k].openedAt)).toBeGreaterThanOrEqual(Date.parse(later[k - 1].closedAt!));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  test('missing data alone never closes an incident', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 2 }), (s, which) => {
        const all = eventsOf(s);
        const mine = all.filter((e) => e.alarm === ALARMS[which].name);
        fc.pre(mine.length > 0);
        const finalOk = mine[mine.length - 1];
        const events = all.filter((e) => e !== finalOk);
        // This alarm's last word is ALARM or INSUFFICIENT_DATA (its final OK removed): it is failing or has no data.
        const incidents = foldIncidents(events, { confirmationMs: CONFIRM_MIN * MIN, now: at(5000), templates });
        const cur = incidents[incidents.length - 1];
        expect(cur.phase).toBe('open');
        expect(cur.scope.alarms).toContain(ALARMS[which].name);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

describe('publisher decisions under late, duplicated and out-of-order delivery (pure)', () => {
  test('stable ids, one notice per update, never back in time, exactly one final "resolved" per announced incident, status never steps back', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const run = simulate(s);
        const v = violations({ sent: run.sent, finalIncidentIds: run.final.map((i) => i.id) });
        expect(v).toEqual([]);
        // every id ever announced is present in every later fold
        for (const n of run.sent) for (const h of run.history.filter((x) => x.minute >= n.minute)) expect(h.incidents.map((i) => i.id)).toContain(n.incidentId);
        // all alarms ended OK: everything is closed in the end
        expect(run.final.every((i) => i.phase === 'closed')).toBe(true);
        for (let k = 1; k < run.statusSeqs.length; k++) expect(run.statusSeqs[k]).toBeGreaterThan(run.statusSeqs[k - 1]);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  test('with on-time delivery the publisher names and closes incidents exactly as the plain fold does', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const onTime: Scenario = { ...s, deliveries: s.deliveries.map(() => ({ delay: 0, duplicate: null })) };
        const run = simulate(onTime);
        const plain = foldIncidents(run.events, { confirmationMs: CONFIRM_MIN * MIN, now: run.history[run.history.length - 1].incidents.length ? at(run.history[run.history.length - 1].minute) : at(0), templates });
        expect(run.final.map((i) => [i.id, i.openedAt, i.closedAt])).toEqual(plain.map((i) => [i.id, i.openedAt, i.closedAt]));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
