import * as fs from 'fs';
import * as path from 'path';
import { alertTableMarkdown, budgetSpentPercent, crossingMinutes, detectionMinutes, detectionTableMarkdown } from '../../lib/alerting';
import { loadedPlan } from '../helpers/plan';

// The alerting tables live in docs/alerting.md (linked from the README).
const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'alerting.md'), 'utf8');
const { plan } = loadedPlan();

describe('README alerting figures match the code for the example plan', () => {
  test('indicator × level → threshold → channels table', () => {
    expect(readme).toContain(`<!-- alert-table:start -->\n${alertTableMarkdown(plan)}\n<!-- alert-table:end -->`);
  });
  test('detection-time table', () => {
    expect(readme).toContain(`<!-- detection-table:start -->\n${detectionTableMarkdown(plan)}\n<!-- detection-table:end -->`);
  });
});

describe('detection-time model (99.9% SLO, SRE workbook tiers)', () => {
  test.each([
    ['emergency', 1, 0.864, 1],
    ['emergency', 0.1, 8.64, 9],
    ['important', 1, 2.16, 3],
    ['important', 0.1, 21.6, 22],
    ['general', 1, 4.32, 5],
    ['general', 0.1, 43.2, 44],
  ] as const)('%s at %s errors: crossing %s min, alert at %s min', (level, e, crossing, alert) => {
    expect(crossingMinutes(plan, level, e)).toBeCloseTo(crossing, 6);
    expect(detectionMinutes(plan, level, e)).toBe(alert);
  });
  test('budget spent when each tier fires: 2%, 5%, 10% (SRE workbook)', () => {
    expect([budgetSpentPercent(plan, 'emergency'), budgetSpentPercent(plan, 'important'), budgetSpentPercent(plan, 'general')]).toEqual([2, 5, 10]);
  });
  test('an error share below the tier threshold never fires it', () => {
    expect(detectionMinutes(plan, 'emergency', 0.01)).toBeUndefined();
    expect(detectionMinutes(plan, 'general', 0.001)).toBe(4320);
  });
});
