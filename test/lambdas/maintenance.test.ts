import { parseFeed } from '@rowanmanning/feed-parser';
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { mergeWindows, MaintenanceWindow, zonedToUtc } from '../../contracts/maintenance';
import { applySuppressors, SUPPRESSOR_REASSERT_MS, Suppressor } from '../../lambdas/incidents/maintenance';
import { foldIncidents } from '../../lambdas/incidents/state';
import { buildStatusDocument } from '../../lambdas/incidents/status';
import { renderAtomFeed } from '../../lambdas/incidents/feed';
import { renderReport } from '../../lambdas/incidents/report';
import type { IncidentEvent, ResponseLevel } from '../../lambdas/incidents/model';
import type { FeedTexts, MessageTemplates } from '../../lambdas/incidents/templates';
import { incidentTemplates } from '../../lib/incidents';
import { maintenanceSuppressors } from '../../lib/alerting';
import { loadedPlan } from '../helpers/plan';

// Scheduled maintenance: plan windows resolved to UTC, shown ahead on status.json and in the feed,
// incidents opened in a window marked, and the composites' suppressors held in ALARM while it runs.
const MIN = 60_000;
const WINDOW = {
  id: 'db-upgrade',
  start: '2026-12-20T02:00',
  end: '2026-12-20T04:00',
  title: { 'zh-Hant': '資料庫升級', en: 'Database upgrade' },
  message: { 'zh-Hant': '智能客服或會短暫中斷', en: 'The chat assistant may pause briefly' },
  levels: ['severe', 'general'],
  regions: ['primary'],
};
const { plan } = loadedPlan({ maintenance: [WINDOW] } as any);
const templates = incidentTemplates(plan) as MessageTemplates & { feed: FeedTexts };
const win = plan.maintenance[0];
const at = (iso: string, m = 0) => new Date(Date.parse(iso) + m * MIN).toISOString();
const alarm = (time: string, state: 'ALARM' | 'OK', level: ResponseLevel): IncidentEvent => ({ kind: 'alarm', id: `a${time}${state}`, time, alarm: `chat-${level}`, region: 'ap-southeast-1', level, state });

describe('time zones', () => {
  test.each([
    ['2026-12-20T02:00', 'Asia/Hong_Kong', '2026-12-19T18:00:00.000Z'],
    ['2026-07-01T02:00', 'America/New_York', '2026-07-01T06:00:00.000Z'],
    ['2026-01-01T02:00', 'America/New_York', '2026-01-01T07:00:00.000Z'],
    ['2026-03-29 01:30:15', 'Europe/London', '2026-03-29T01:30:15.000Z'],
    ['2026-12-20T02:00:00+08:00', 'America/New_York', '2026-12-19T18:00:00.000Z'],
    ['2026-12-20T02:00Z', 'Asia/Hong_Kong', '2026-12-20T02:00:00.000Z'],
    ['2026-02-30T02:00', 'Asia/Hong_Kong', undefined],
    ['tomorrow', 'Asia/Hong_Kong', undefined],
    ['2026-12-20T02:00', 'Mars/Olympus', undefined],
  ])('%s in %s → %s', (local, zone, utc) => {
    expect(zonedToUtc(local, zone)).toBe(utc);
  });
});

describe('plan maintenance windows', () => {
  test('resolved to UTC in the plan time zone, announced 14 days ahead, defaults applied', () => {
    expect(win).toMatchObject({ id: 'db-upgrade', start: '2026-12-19T18:00:00.000Z', end: '2026-12-19T20:00:00.000Z', timeZone: 'Asia/Hong_Kong', levels: ['severe', 'general'], scopes: ['primary'], components: ['chatbot'], source: 'plan' });
    expect(win.announcedAt).toBe('2026-12-05T18:00:00.000Z');
    const d = loadedPlan({ maintenance: [{ ...WINDOW, levels: undefined, regions: undefined, timeZone: 'UTC' }] } as any).plan.maintenance[0];
    expect(d.levels).toEqual(['general', 'severe', 'emergency'].filter((l) => d.levels.includes(l as ResponseLevel)));
    expect(d.levels).toHaveLength(3);
    expect(d.scopes).toEqual(['us-east-1', 'primary', 'standby']);
    expect(d.start).toBe('2026-12-20T02:00:00.000Z');
  });
  test.each([
    [{ end: '2026-12-20T01:00' }, /maintenance\[0\]\.end.*must be after start/],
    [{ start: 'soon' }, /maintenance\[0\]\.start.*must be a time such as/],
    [{ id: 'DB Upgrade' }, /maintenance\[0\]\.id.*lower-case letters/],
    [{ title: { en: 'Database upgrade' } }, /maintenance\[0\]\.title.*has no zh-Hant text/],
    [{ end: '2026-12-29T02:00' }, /at most 7 days/],
    [{ levels: ['critical'] }, /maintenance\[0\]\.levels/],
  ])('rule: %j', (change, message) => {
    expect(() => loadedPlan({ maintenance: [{ ...WINDOW, ...change }] } as any)).toThrow(message);
  });
  test('rule: ids are unique', () => {
    expect(() => loadedPlan({ maintenance: [WINDOW, WINDOW] } as any)).toThrow(/maintenance\[1\]\.id.*"db-upgrade" is used by another window/);
  });
});

describe('status.json, feed and report', () => {
  const doc = (events: IncidentEvent[], now: string, windows: MaintenanceWindow[] = plan.maintenance) =>
    buildStatusDocument(foldIncidents(events, { confirmationMs: 15 * MIN, now, templates }), { now, historyLength: 5, templates, maintenance: windows });

  test('not shown before it is announced; shown ahead, then running, then gone', () => {
    expect(doc([], at(win.announcedAt, -1)).maintenance).toEqual([]);
    const ahead = doc([], at(win.start, -60)).maintenance;
    expect(ahead).toEqual([{ id: 'db-upgrade', title: win.title, message: win.message, start: win.start, end: win.end, active: false, components: ['chatbot'] }]);
    expect(doc([], at(win.start, 1)).maintenance[0].active).toBe(true);
    expect(doc([], win.end).maintenance).toEqual([]);
  });

  test('an incident of a muted level that opens during the window is marked; one of another level or outside it is not', () => {
    const during = doc([alarm(at(win.start, 10), 'ALARM', 'severe')], at(win.start, 20));
    expect(during.current?.maintenance).toBe('db-upgrade');
    expect(doc([alarm(at(win.start, 10), 'ALARM', 'emergency')], at(win.start, 20)).current?.maintenance).toBeNull();
    expect(doc([alarm(at(win.start, -10), 'ALARM', 'severe')], at(win.start, 20)).current?.maintenance).toBeNull();
    const closed = doc([alarm(at(win.start, 10), 'ALARM', 'severe'), alarm(at(win.start, 20), 'OK', 'severe')], at(win.end, 60));
    expect(closed.history[0].maintenance).toBe('db-upgrade');
    const incident = foldIncidents([alarm(at(win.start, 10), 'ALARM', 'severe'), alarm(at(win.start, 20), 'OK', 'severe')], { confirmationMs: 15 * MIN, now: at(win.end, 60), templates })[0];
    const report = renderReport(incident, { timeZone: plan.timeZone, planName: plan.name, confirmationMinutes: 15, maintenance: win });
    expect(report).toContain('| Maintenance | opened during scheduled maintenance db-upgrade (2026-12-20 02:00');
    expect(report).toContain('資料庫升級 / Database upgrade; its alarms did not page |');
    expect(renderReport(incident, { timeZone: plan.timeZone, planName: plan.name, confirmationMinutes: 15 })).not.toContain('| Maintenance |');
  });

  test('a cancelled window (the CLI replaces it) is not shown and marks nothing', () => {
    const cancelled = mergeWindows(plan.maintenance, [{ ...win, source: 'cli', cancelledAt: at(win.start, -30) }]);
    expect(cancelled).toEqual([]);
    expect(doc([alarm(at(win.start, 10), 'ALARM', 'severe')], at(win.start, 20), cancelled).current?.maintenance).toBeNull();
  });

  test('the feed announces it in each language and marks the incident it caused', () => {
    const now = at(win.start, 20);
    const incidents = foldIncidents([alarm(at(win.start, 10), 'ALARM', 'severe')], { confirmationMs: 15 * MIN, now, templates });
    for (const lang of ['zh-Hant', 'en']) {
      const feed = parseFeed(renderAtomFeed(incidents, { planName: plan.name, lang, templates, now, maintenance: plan.maintenance }));
      const m = feed.items.find((i) => i.categories.some((c) => c.term === 'maintenance'))!;
      expect(m.title).toBe(`${plan.words[lang]['status.maintenance']}: ${win.title[lang]}`);
      expect(m.content).toContain('2026-12-20 02:00');
      expect(m.content).toContain(win.message![lang]);
      expect(m.updated?.toISOString()).toBe(win.announcedAt);
      const inc = feed.items.find((i) => i.categories.some((c) => c.term === 'investigating'))!;
      expect(inc.title).toContain(`(${plan.words[lang]['status.maintenance']}: ${win.title[lang]})`);
    }
  });
});

describe('suppressors', () => {
  const suppressors = maintenanceSuppressors(plan.name, { 'us-east-1': 'us-east-1', primary: 'ap-southeast-1', standby: 'ap-northeast-1' }) as Suppressor[];
  const run = (now: string, memory = new Map<string, { state: string; at: number }>(), fail = false) => {
    const calls: { region: string; input: SetAlarmStateCommand['input'] }[] = [];
    const client = (region: string) => ({
      send: async (c: any) => {
        if (fail) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
        calls.push({ region, input: c.input });
        return {};
      },
    });
    return applySuppressors(suppressors, plan.maintenance, now, { client: client as any, memory }).then((r) => ({ ...r, calls, memory }));
  };

  test('every composite has one: us-east-1 emergency/severe, each chatbot region severe/general', () => {
    expect(suppressors.map((s) => `${s.region} ${s.alarmName}`)).toEqual([
      'us-east-1 acme-chat-maintenance-us-east-1-emergency',
      'us-east-1 acme-chat-maintenance-us-east-1-severe',
      'ap-southeast-1 acme-chat-maintenance-primary-severe',
      'ap-southeast-1 acme-chat-maintenance-primary-general',
      'ap-northeast-1 acme-chat-maintenance-standby-severe',
      'ap-northeast-1 acme-chat-maintenance-standby-general',
    ]);
  });

  test('during the window only the named scope and levels go to ALARM, in their own region; after it, OK', async () => {
    const r = await run(at(win.start, 1));
    const alarmed = r.calls.filter((c) => c.input.StateValue === 'ALARM');
    expect(alarmed.map((c) => `${c.region} ${c.input.AlarmName}`)).toEqual(['ap-southeast-1 acme-chat-maintenance-primary-severe', 'ap-southeast-1 acme-chat-maintenance-primary-general']);
    expect(alarmed[0].input.StateReason).toContain('db-upgrade');
    expect(r.calls.filter((c) => c.input.StateValue === 'OK')).toHaveLength(4);
    const justAfter = await run(at(win.start, 121), new Map([...r.memory].map(([k, v]) => [k, { ...v, at: Date.parse(at(win.start, 115)) }])));
    expect(justAfter.calls.map((c) => `${c.input.AlarmName}=${c.input.StateValue}`)).toEqual(['acme-chat-maintenance-primary-severe=OK', 'acme-chat-maintenance-primary-general=OK']);
  });

  test('no call while nothing changes, until the state is re-asserted', async () => {
    const first = await run(at(win.start, 1));
    expect((await run(at(win.start, 2), first.memory)).calls).toEqual([]);
    expect((await run(at(win.start, 1 + SUPPRESSOR_REASSERT_MS / MIN), first.memory)).calls).toHaveLength(6);
  });

  test('a failure is reported, remembered as not set, and retried next run', async () => {
    const memory = new Map();
    const failed = await run(at(win.start, 1), memory, true);
    expect(failed.failed[0]).toMatch(/^us-east-1\/acme-chat-maintenance-us-east-1-emergency=OK: Throttling: Rate exceeded$/);
    expect(memory.size).toBe(0);
    expect((await run(at(win.start, 2), memory)).calls).toHaveLength(6);
  });
});
