/**
 * Tabletop drills, detection group: how soon the burn-rate tiers and the latency indicators fire,
 * observed against the README's detection model (lib/alerting/catalogue.ts detectionMinutes).
 */
import * as fs from 'fs';
import * as path from 'path';
import { detectionMinutes } from '../../lib/alerting';
import { detectionRow } from '../../drill/figures';
import { loadedPlan } from '../helpers/plan';
import { tabletopFile } from './helpers';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const { plan } = loadedPlan();
const t = tabletopFile();

test.each([
  ['burn-100', 1],
  ['burn-10', 0.1],
  // 2% for hours: the tiers fire at 44, 108 and 216 min, the last two exactly on a minute boundary.
  ['slow-burn', 0.02],
] as const)('%s: every burn-rate tier fires no later than the model says, and within one evaluation minute of it', async (name, share) => {
  const r = await t.run(name);
  for (const level of ['emergency', 'important', 'general'] as const) {
    const model = detectionMinutes(plan, level, share)! * 60;
    const seen = r.report.measured.burnRateDetectionSeconds[level];
    expect([level, seen]).toEqual([level, expect.any(Number)]);
    expect(seen!).toBeLessThanOrEqual(model);
    expect(seen!).toBeGreaterThanOrEqual(model - 60);
  }
  // The emergency burn tier pages the emergency audiences with the rendered alert.
  expect(r.result.timeline.some((e) => e.kind === 'page' && e.audience === 'management' && e.level === 'emergency' && /Error budget burning at 14\.4x/.test(e.title))).toBe(true);
  if (name !== 'slow-burn') expect(README).toContain(detectionRow(name === 'burn-100' ? '100% (burn-100)' : '10% (burn-10)', r.report));
});

test('latency: the p99 indicator pages important, DNS stays on the primary, customers are told once it is resolved', async () => {
  const r = await t.run('latency');
  expect(r.report.measured.detectionSeconds.important).toBeLessThanOrEqual(120);
  expect(r.report.measured.detectionSeconds.emergency).toBeNull();
  expect(r.report.measured.failoverSeconds).toBeNull();
  expect(r.result.series.every((s) => s.standby === 0 && s.fallback === 0)).toBe(true);
  expect(r.result.timeline.some((e) => e.kind === 'alarm' && /Indicatorsapilatencyimportant.* OK → ALARM/.test(e.title))).toBe(true);
  const notices = r.result.timeline.filter((e) => e.kind === 'notice');
  expect(notices.filter((e) => e.title.startsWith('[resolved]'))).toHaveLength(1);
});
