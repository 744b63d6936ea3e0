/**
 * Tabletop drills, alerting-path group: a dead webhook channel and a throttled notifier (the
 * direct topic reaches on-call without the notifier), a flapping primary (customers are not
 * flooded), and a throttled table (/health reads it).
 */
import { tabletopFile } from './helpers';

const t = tabletopFile();

test('dead channel + throttled notifier: delivery failures and the silent heartbeat reach on-call by e-mail and SMS through the direct topic', async () => {
  const r = await t.run('dead-channel');
  const tl = r.result.timeline;
  expect(tl.some((e) => e.kind === 'delivery-failed' && e.channel === 'slack' && /HTTP 500/.test(e.title))).toBe(true);
  const direct = tl.filter((e) => e.kind === 'page' && e.level === 'direct');
  expect(direct.some((e) => e.channel === 'email' && e.audience === 'on-call' && /DeliveryFailures/.test(e.title))).toBe(true);
  expect(direct.some((e) => e.channel === 'sms' && e.audience === 'on-call' && /DeliveryFailures/.test(e.title))).toBe(true);
  // The notifier is throttled from minute 20: its heartbeat goes silent and the heartbeat alarm pages directly.
  const heartbeat = direct.find((e) => /NotifierHeartbeat/.test(e.title) && e.title.startsWith('email') && /ALARM:/.test(e.title));
  expect(heartbeat).toBeDefined();
  expect(heartbeat!.t).toBeGreaterThan(20 * 60);
  expect(heartbeat!.t).toBeLessThanOrEqual(20 * 60 + 15 * 60 + 5 * 60);
  // Other channels still got the alerts while Slack was dead.
  expect(tl.some((e) => e.kind === 'page' && e.channel === 'dingtalk' && e.audience === 'customer service')).toBe(true);
});

test('flapping primary: one notice per incident update, never the same twice, one final "resolved"', async () => {
  const r = await t.run('flapping');
  const notices = r.result.timeline.filter((e) => e.kind === 'notice');
  expect(notices.length).toBeGreaterThan(0);
  expect(new Set(notices.map((e) => `${e.title}\n${e.text}`)).size).toBe(notices.length);
  expect(notices.filter((e) => e.title.startsWith('[resolved]'))).toHaveLength(1);
  expect(notices[notices.length - 1].title).toMatch(/^\[resolved\]/);
  // The health check follows the flaps (down 45 s of every 120 s: longer than 3 × 10 s).
  const flips = r.result.timeline.filter((e) => e.kind === 'health' && /primary unhealthy/.test(e.title));
  expect(flips.length).toBeGreaterThan(1);
});

test('table throttling: the table-throttle indicators fire and /health fails while the table refuses calls', async () => {
  const r = await t.run('table-throttling');
  expect(r.result.timeline.some((e) => e.kind === 'alarm' && /Indicatorstablethrottles(general|important|emergency).* OK → ALARM/.test(e.title))).toBe(true);
  expect(r.report.measured.detectionSeconds.general).toBeLessThanOrEqual(120);
});
