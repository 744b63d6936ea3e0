import { buildUptime, UPTIME_DAYS } from '../../lambdas/incidents/uptime';
import { foldIncidents } from '../../lambdas/incidents/state';
import type { IncidentEvent, ResponseLevel } from '../../lambdas/incidents/model';
import { incidentTemplates } from '../../lib/incidents';
import { loadedPlan } from '../helpers/plan';

// The 90-day uptime bar per component, from the incident log, in the plan's days (Asia/Hong_Kong).
const { plan } = loadedPlan();
const templates = incidentTemplates(plan);
const MIN = 60_000;
const HK = (local: string) => new Date(`${local}+08:00`).toISOString();
const alarm = (time: string, state: 'ALARM' | 'OK', level: ResponseLevel, name = `chat-${level}`): IncidentEvent => ({ kind: 'alarm', id: `${name}${time}${state}`, time, alarm: name, region: 'ap-southeast-1', level, state });
const uptime = (events: IncidentEvent[], now: string) => buildUptime(foldIncidents(events, { confirmationMs: 15 * MIN, now, templates }), events, { now, templates });
const NOW = HK('2026-11-30T12:00:00');

test('90 days ending today in the plan time zone; no incident: nothing recorded, 100 %', () => {
  const u = uptime([], NOW);
  expect(u).toEqual({ from: '2026-09-02', to: '2026-11-30', days: UPTIME_DAYS, components: { chatbot: {}, agents: {} }, percent: { chatbot: 100, agents: 100 } });
  // 04:00 HK on 1 December is still 30 November in UTC: the plan's day counts.
  expect(uptime([], HK('2026-12-01T04:00:00')).to).toBe('2026-12-01');
});

test('a severe incident degrades the chatbot from its opening to the recovery that held (not to the close)', () => {
  const u = uptime([alarm(HK('2026-11-20T10:00:00'), 'ALARM', 'severe'), alarm(HK('2026-11-20T10:42:00'), 'OK', 'severe')], NOW);
  expect(u.components.chatbot).toEqual({ '2026-11-20': { state: 'degraded', minutes: 42, incidents: ['INC-20261120T020000Z'] } });
  expect(u.components.agents).toEqual({});
  const total = Date.parse(NOW) - Date.parse(HK('2026-09-02T00:00:00'));
  expect(u.percent.chatbot).toBe(Math.floor((1 - (42 * MIN) / total) * 10_000) / 100);
  expect(u.percent.chatbot).toBeLessThan(100);
});

test('an outage across midnight is split over the two days; the worst state of a day wins', () => {
  const u = uptime(
    [
      alarm(HK('2026-11-25T23:30:00'), 'ALARM', 'emergency'),
      alarm(HK('2026-11-25T23:40:00'), 'ALARM', 'severe'),
      alarm(HK('2026-11-26T00:10:00'), 'OK', 'emergency'),
      alarm(HK('2026-11-26T00:20:00'), 'OK', 'severe'),
    ],
    NOW,
  );
  expect(u.components.chatbot['2026-11-25']).toMatchObject({ state: 'outage', minutes: 30 });
  expect(u.components.chatbot['2026-11-26']).toMatchObject({ state: 'outage', minutes: 20 });
});

test('an operator setting the agents component counts from that update to the end of the incident', () => {
  const events: IncidentEvent[] = [
    alarm(HK('2026-11-28T09:00:00'), 'ALARM', 'general'),
    { kind: 'update', id: 'u1', time: HK('2026-11-28T09:15:00'), status: 'identified', message: { 'zh-Hant': '人工客服繁忙', en: 'Agents busy' }, components: { agents: 'degraded' } },
    { kind: 'update', id: 'u2', time: HK('2026-11-28T09:45:00'), status: 'monitoring', message: { 'zh-Hant': '已恢復', en: 'Back' }, components: { agents: 'operational' } },
    alarm(HK('2026-11-28T10:00:00'), 'OK', 'general'),
  ];
  const u = uptime(events, NOW);
  expect(u.components.agents).toEqual({ '2026-11-28': { state: 'degraded', minutes: 30, incidents: ['INC-20261128T010000Z'] } });
  // general level: the plan's template leaves the chatbot operational
  expect(plan.incidents.templates.general.chatbot).toBe('operational');
  expect(u.components.chatbot).toEqual({});
});

test('an open incident counts up to now; one older than 90 days does not count', () => {
  const u = uptime([alarm(HK('2026-05-01T10:00:00'), 'ALARM', 'severe'), alarm(HK('2026-05-01T11:00:00'), 'OK', 'severe'), alarm(HK('2026-11-30T11:00:00'), 'ALARM', 'emergency')], NOW);
  expect(u.components.chatbot).toEqual({ '2026-11-30': { state: 'outage', minutes: 60, incidents: ['INC-20261130T030000Z'] } });
});

test('overlapping impact (two incidents covering the same minutes) counts once in minutes and percent', () => {
  const now = NOW;
  const events = [alarm(HK('2026-11-27T10:00:00'), 'ALARM', 'severe'), alarm(HK('2026-11-27T11:00:00'), 'OK', 'severe')];
  const [one] = foldIncidents(events, { confirmationMs: 15 * MIN, now, templates });
  // A second record of the same hour, shifted by 30 min (as two folds of different logs could give).
  const two = { ...one, id: 'INC-other', openedAt: HK('2026-11-27T10:30:00'), recoveredAt: HK('2026-11-27T11:30:00') };
  const u = buildUptime([one, two], [], { now, templates });
  expect(u.components.chatbot['2026-11-27']).toEqual({ state: 'degraded', minutes: 90, incidents: [one.id, 'INC-other'] });
  const total = Date.parse(now) - Date.parse(HK('2026-09-02T00:00:00'));
  expect(u.percent.chatbot).toBe(Math.floor((1 - (90 * MIN) / total) * 10_000) / 100);
});
