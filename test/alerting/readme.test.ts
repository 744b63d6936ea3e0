import { budgetSpentPercent, crossingMinutes, detectionMinutes } from '../../lib/alerting';
import { loadedPlan } from '../helpers/plan';

const { plan } = loadedPlan();

// The README tables themselves are generated from the synthesized alarm registry: test/doc/generated.test.ts.

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
