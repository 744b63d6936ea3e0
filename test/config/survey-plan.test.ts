import { loadedPlan, loadedPlanWith } from '../helpers/plan';

// The plan's survey section (incidents.statusPage.survey, §10.2): defaults and clear errors.
describe('plan: incidents.statusPage.survey', () => {
  test('defaults: on, a 30-day window, answers kept 365 days, 500-character comments', () => {
    const { plan } = loadedPlanWith((p) => delete p.incidents?.statusPage?.survey);
    expect(plan.incidents.statusPage.survey).toEqual({ enabled: true, windowDays: 30, retentionDays: 365, commentMaxLength: 500, perAddressPerHour: 5, perIncidentPerHour: 500, rateLimit: 5, burstLimit: 10 });
  });

  test('answers must outlive the window', () => {
    expect(() => loadedPlan({ incidents: { statusPage: { survey: { windowDays: 30, retentionDays: 10 } } } } as any)).toThrow(/incidents\.statusPage\.survey\.retentionDays: retentionDays must be at least windowDays/);
  });

  test('the window must fit in the publisher\'s lookback (late answers re-render only reports it still reads)', () => {
    expect(() => loadedPlan({ incidents: { lookbackDays: 14, statusPage: { survey: { windowDays: 30 } } } } as any)).toThrow(/incidents\.statusPage\.survey\.windowDays: .*must not exceed lookbackDays/);
    expect(() => loadedPlan({ incidents: { lookbackDays: 14, statusPage: { survey: { enabled: false, windowDays: 30 } } } } as any)).not.toThrow();
  });

  test('out-of-range limits are refused with the field named', () => {
    expect(() => loadedPlan({ incidents: { statusPage: { survey: { perAddressPerHour: 0 } } } } as any)).toThrow(/incidents\.statusPage\.survey\.perAddressPerHour/);
    expect(() => loadedPlan({ incidents: { statusPage: { survey: { windowDays: 91 } } } } as any)).toThrow(/incidents\.statusPage\.survey\.windowDays/);
    expect(() => loadedPlan({ incidents: { statusPage: { survey: { email: true } } } } as any)).toThrow(/incidents\.statusPage\.survey/);
  });
});
