import { foldIncidents, currentIncident, incidentId, orderEvents } from '../../lambdas/incidents/state';
import { buildStatusDocument, pendingNotices } from '../../lambdas/incidents/status';
import { duration, renderReport, reportKey } from '../../lambdas/incidents/report';
import { toIncidentEvent, AlarmStateChangeEvent } from '../../lambdas/incidents/events';
import { formatTime, placeholdersOf, renderTemplate } from '../../lambdas/incidents/templates';
import type { IncidentEvent, ResponseLevel } from '../../lambdas/incidents/model';
import { incidentTemplates } from '../../lib/incidents';
import { loadedPlan } from '../helpers/plan';

const { plan } = loadedPlan();
const templates = incidentTemplates(plan);
const MIN = 60_000;
const T0 = Date.parse('2026-11-23T08:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();
const CONFIRM = 15 * MIN;

const alarm = (minutes: number, name: string, state: 'ALARM' | 'OK', level: ResponseLevel = 'severe', region = 'ap-southeast-1'): IncidentEvent => ({
  kind: 'alarm',
  id: `alarm#${name}#${state}#${at(minutes)}`,
  time: at(minutes),
  alarm: name,
  region,
  level,
  state,
  reason: `${name} breached`,
});
const fold = (events: IncidentEvent[], nowMinutes: number) => foldIncidents(events, { confirmationMs: CONFIRM, now: at(nowMinutes), templates });

describe('incident state machine', () => {
  test('an ALARM opens an incident with level, start, cause, scope and the level template as first update', () => {
    const [i] = fold([alarm(0, 'chat-severe', 'ALARM')], 1);
    expect(i).toMatchObject({ id: 'INC-20261123T080000Z', phase: 'open', level: 'severe', openedAt: at(0), cause: 'chat-severe breached' });
    expect(i.scope).toEqual({ regions: ['ap-southeast-1'], alarms: ['chat-severe'] });
    expect(i.components).toEqual({ chatbot: 'degraded', agents: 'operational' });
    expect(i.updates[0]).toMatchObject({ status: 'investigating', automatic: true });
    expect(i.updates[0].message.en).toContain('2026-11-23 16:00 (Asia/Hong_Kong)');
    expect(i.updates[0].message.en).toContain(plan.handoff.phone);
  });

  test('recovery does not close before the confirmation period, and closes exactly when it has held', () => {
    const events = [alarm(0, 'a', 'ALARM'), alarm(10, 'a', 'OK')];
    expect(fold(events, 24)[0]).toMatchObject({ phase: 'recovering', recoveredAt: at(10) });
    expect(fold(events, 24)[0].closedAt).toBeUndefined();
    const [closed] = fold(events, 25);
    expect(closed).toMatchObject({ phase: 'closed', closedAt: at(25), closedBy: 'confirmed' });
    expect(closed.updates.map((u) => u.status)).toEqual(['investigating', 'monitoring', 'resolved']);
  });

  test('flapping: an ALARM within the confirmation period re-opens the same incident', () => {
    const events = [alarm(0, 'a', 'ALARM'), alarm(5, 'a', 'OK'), alarm(12, 'a', 'ALARM'), alarm(20, 'a', 'OK')];
    const incidents = fold(events, 30);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ id: incidentId(at(0)), phase: 'recovering', reopenCount: 1, recoveredAt: at(20) });
    expect(incidents[0].timeline.map((e) => e.kind)).toEqual(['opened', 'alarm', 'recovering', 'reopened', 'alarm', 'recovering']);
    expect(fold(events, 35)[0]).toMatchObject({ phase: 'closed', closedAt: at(35) });
  });

  test('an ALARM after the confirmation period opens a new incident', () => {
    const incidents = fold([alarm(0, 'a', 'ALARM'), alarm(5, 'a', 'OK'), alarm(21, 'a', 'ALARM')], 22);
    expect(incidents.map((i) => [i.id, i.phase])).toEqual([
      [incidentId(at(0)), 'closed'],
      [incidentId(at(21)), 'open'],
    ]);
    expect(incidents[0].closedAt).toBe(at(20));
  });

  test('duplicates change nothing and out-of-order delivery gives the same incidents', () => {
    const inOrder = [alarm(0, 'a', 'ALARM', 'general'), alarm(2, 'b', 'ALARM', 'emergency', 'ap-northeast-1'), alarm(6, 'b', 'OK', 'emergency'), alarm(8, 'a', 'OK', 'general')];
    const shuffled = [inOrder[3], inOrder[1], inOrder[0], inOrder[1], inOrder[2], inOrder[3], inOrder[0]];
    expect(fold(shuffled, 40)).toEqual(fold(inOrder, 40));
    const [i] = fold(inOrder, 40);
    expect(i).toMatchObject({ level: 'emergency', recoveredAt: at(8), closedAt: at(23) });
    expect(i.scope.regions).toEqual(['ap-southeast-1', 'ap-northeast-1']);
    expect(orderEvents(shuffled)).toHaveLength(4);
  });

  test('recovery waits for every response alarm; the level follows the alarms in ALARM', () => {
    const events = [alarm(0, 'a', 'ALARM', 'general'), alarm(1, 'b', 'ALARM', 'emergency'), alarm(3, 'b', 'OK', 'emergency')];
    const [i] = fold(events, 4);
    expect(i).toMatchObject({ phase: 'open', level: 'emergency', currentLevel: 'general' });
    expect(i.updates.filter((u) => u.automatic).map((u) => u.id)).toEqual(['auto-opened', `auto-level-emergency-${at(1)}`]);
    const mid = fold(events.slice(0, 2), 2)[0];
    expect(mid.components.chatbot).toBe('outage');
  });

  test('operator updates set ETA and component states; resolve closes at once', () => {
    const events: IncidentEvent[] = [
      alarm(0, 'a', 'ALARM'),
      { kind: 'update', id: 'u1', time: at(3), status: 'identified', message: { 'zh-Hant': '已找到原因', en: 'Cause found' }, eta: at(60), components: { agents: 'degraded' } },
    ];
    const [i] = fold(events, 4);
    expect(i.eta).toBe(at(60));
    expect(i.components).toEqual({ chatbot: 'degraded', agents: 'degraded' });
    expect(i.updates[1]).toMatchObject({ id: 'u1', status: 'identified', eta: at(60), automatic: false });
    const [r] = fold([...events, { kind: 'resolve', id: 'r1', time: at(5) }], 6);
    expect(r).toMatchObject({ phase: 'closed', closedAt: at(5), closedBy: 'operator' });
  });

  test('a stray OK or update without an incident opens nothing', () => {
    expect(fold([alarm(0, 'a', 'OK'), { kind: 'update', id: 'u', time: at(1), status: 'monitoring', message: { 'zh-Hant': 'x', en: 'x' } }], 5)).toEqual([]);
  });

  test('a failover joins the current incident and is timed', () => {
    const [i] = fold([alarm(0, 'a', 'ALARM'), { kind: 'failover', id: 'f1', time: at(2), region: 'ap-northeast-1', detail: 'DNS moved to standby' }], 3);
    expect(i.firstFailoverAt).toBe(at(2));
    expect(i.scope.regions).toContain('ap-northeast-1');
  });

  test('notices attach to their incident even after it closed', () => {
    const base = [alarm(0, 'a', 'ALARM'), alarm(1, 'a', 'OK')];
    const [i] = fold([...base, { kind: 'notice', id: 'n', time: at(40), key: `${incidentId(at(0))}#resolved`, subject: 'resolved' }], 41);
    expect(i.notices).toEqual([{ time: at(40), key: `${incidentId(at(0))}#resolved`, subject: 'resolved' }]);
  });
});

describe('status document and notices', () => {
  test('no incident: everything operational, history newest first and limited', () => {
    const events = [alarm(0, 'a', 'ALARM'), alarm(1, 'a', 'OK'), alarm(100, 'a', 'ALARM', 'emergency'), alarm(101, 'a', 'OK', 'emergency')];
    const doc = buildStatusDocument(fold(events, 200), { now: at(200), historyLength: 1, templates });
    expect(doc.overall).toBe('operational');
    expect(doc.current).toBeNull();
    expect(doc.history).toEqual([{ id: incidentId(at(100)), level: 'emergency', title: plan.incidents.templates.emergency.title, startedAt: at(100), closedAt: at(116), maintenance: null }]);
  });

  test('current incident: overall is the worst component, updates newest first, ETA carried', () => {
    const events: IncidentEvent[] = [alarm(0, 'a', 'ALARM', 'emergency'), { kind: 'update', id: 'u1', time: at(3), status: 'identified', message: { 'zh-Hant': '甲', en: 'A' }, eta: at(90) }];
    const doc = buildStatusDocument(fold(events, 4), { now: at(4), historyLength: 5, templates });
    expect(doc.overall).toBe('outage');
    expect(doc.components).toEqual([
      { id: 'chatbot', state: 'outage' },
      { id: 'agents', state: 'operational' },
    ]);
    expect(doc.current).toMatchObject({ level: 'emergency', eta: at(90), startedAt: at(0) });
    expect(doc.current!.updates.map((u) => u.status)).toEqual(['identified', 'investigating']);
  });

  test('one notice per update with the same text as the page, never twice, never for old updates', () => {
    const incidents = fold([alarm(0, 'a', 'ALARM')], 1);
    const n = pendingNotices(incidents, { now: at(1), maxAgeMs: 60 * MIN, sent: new Set(), templates });
    expect(n).toHaveLength(1);
    expect(n[0].key).toBe(`${incidentId(at(0))}#auto-opened`);
    expect(n[0].body).toContain(incidents[0].updates[0].message['zh-Hant']);
    expect(n[0].body).toContain(incidents[0].updates[0].message.en);
    expect(pendingNotices(incidents, { now: at(1), maxAgeMs: 60 * MIN, sent: new Set([n[0].key]), templates })).toEqual([]);
    expect(pendingNotices(incidents, { now: at(61), maxAgeMs: 60 * MIN, sent: new Set(), templates })).toEqual([]);
  });
});

describe('post-incident report', () => {
  test('figures: time to detect, fail over and recover; timeline, notices and an improvements section', () => {
    const events: IncidentEvent[] = [
      { ...(alarm(0, 'a', 'ALARM') as any), impactStart: at(-3) },
      { kind: 'failover', id: 'f', time: at(4), region: 'ap-northeast-1', detail: 'DNS moved' },
      { kind: 'notice', id: 'n', time: at(1), key: `${incidentId(at(0))}#auto-opened`, subject: 'opened' },
      alarm(12, 'a', 'OK'),
    ];
    const [i] = fold(events, 60);
    const md = renderReport(i, { timeZone: plan.timeZone, planName: plan.name, confirmationMinutes: 15 });
    expect(md).toContain('- Time to detect: 3 min 0 s');
    expect(md).toContain('- Time to fail over: 4 min 0 s');
    expect(md).toContain('- Time to recover: 12 min 0 s');
    expect(md).toContain('- Customer notices sent: 1');
    expect(md).toMatch(/## Timeline[\s\S]*\| opened \|[\s\S]*\| failover \|[\s\S]*\| closed \|/);
    expect(md).toContain('## Improvements (to fill in at the review)');
    expect(reportKey(i)).toBe('reports/2026/INC-20261123T080000Z.md');
    expect(duration(undefined, at(1))).toBe('n/a');
    expect(duration(at(0), at(125))).toBe('2 h 5 min 0 s');
  });
});

describe('alarm events and templates', () => {
  const arn = 'arn:aws:cloudwatch:ap-southeast-1:123456789012:alarm:acme-severe';
  const ev = (value: string, ts: string, id = 'e1'): AlarmStateChangeEvent => ({
    id,
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    time: '2026-11-23T08:00:05Z',
    region: 'ap-southeast-1',
    resources: [arn],
    detail: { alarmName: 'acme-severe', state: { value, reason: 'threshold crossed', reasonData: '{"startDate":"2026-11-23T07:57:00.000+0000"}', timestamp: ts } },
  });
  test('maps a watched alarm to its level, with impact start; a re-delivery has the same id', () => {
    const a = toIncidentEvent(ev('ALARM', '2026-11-23T08:00:00.000+0000'), [{ arn, level: 'severe' }]);
    expect(a).toMatchObject({ kind: 'alarm', level: 'severe', state: 'ALARM', time: '2026-11-23T08:00:00.000Z', impactStart: '2026-11-23T07:57:00.000Z' });
    expect(toIncidentEvent(ev('ALARM', '2026-11-23T08:00:00.000+0000', 'other-delivery'), [{ arn, level: 'severe' }])!.id).toBe(a!.id);
    expect(toIncidentEvent(ev('ALARM', '2026-11-23T08:00:00.000+0000'), [])).toBeUndefined();
  });
  test('a watched alarm event without a state is ignored, not thrown on', () => {
    const bad = { ...ev('ALARM', '2026-11-23T08:00:00.000+0000'), detail: { alarmName: 'acme-severe' } } as unknown as AlarmStateChangeEvent;
    expect(toIncidentEvent(bad, [{ arn, level: 'severe' }])).toBeUndefined();
  });
  test('templates render placeholders and format times in the plan time zone', () => {
    expect(placeholdersOf('a {start} b {eta}')).toEqual(['start', 'eta']);
    expect(renderTemplate('since {start}, {unknown}', { start: 'S' } as any)).toBe('since S, {unknown}');
    expect(formatTime('2026-11-23T08:00:00Z', 'Asia/Hong_Kong')).toBe('2026-11-23 16:00 (Asia/Hong_Kong)');
  });
});

test('currentIncident is the last one when not closed', () => {
  expect(currentIncident(fold([alarm(0, 'a', 'ALARM')], 1))?.phase).toBe('open');
  expect(currentIncident(fold([alarm(0, 'a', 'ALARM'), alarm(1, 'a', 'OK')], 100))).toBeUndefined();
});
