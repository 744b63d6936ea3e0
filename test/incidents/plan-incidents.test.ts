import { loadedPlan, loadedPlanWith } from '../helpers/plan';

describe('plan: incidents section', () => {
  test('defaults: 15 min confirmation, 5 history entries, a template per response level', () => {
    const { plan } = loadedPlanWith((p) => delete p.incidents);
    expect(plan.incidents.confirmationMinutes).toBe(15);
    expect(plan.incidents.historyLength).toBe(5);
    expect(Object.keys(plan.incidents.templates)).toEqual(['general', 'severe', 'emergency']);
    expect(plan.incidents.templates.emergency.chatbot).toBe('outage');
  });

  test('rejects an unknown template placeholder', () => {
    expect(() => loadedPlan({ incidents: { templates: { severe: { message: { 'zh-Hant': '自 {start} 起', en: 'since {startTime}' } } } } as any })).toThrow(
      /incidents\.templates\.severe\.message\.en: uses unknown placeholder \{startTime\}; use only \{level\} \{start\}/,
    );
  });

  test('rejects a wider-impact level that shows a better chatbot state', () => {
    expect(() => loadedPlan({ incidents: { templates: { emergency: { chatbot: 'degraded' }, severe: { chatbot: 'outage' } } } as any })).toThrow(
      /incidents\.templates\.emergency\.chatbot: must be at least as bad as incidents\.templates\.severe\.chatbot \("outage"\), got "degraded"/,
    );
  });

  test('rejects a log retention shorter than the look-back', () => {
    expect(() => loadedPlan({ incidents: { retentionDays: 10, lookbackDays: 30 } as any })).toThrow(/incidents\.retentionDays: must be at least incidents\.lookbackDays \(30\), got 10/);
  });

  test('rejects a confirmation period as long as the look-back', () => {
    expect(() => loadedPlan({ incidents: { confirmationMinutes: 1440, lookbackDays: 1, statusPage: { survey: { windowDays: 1 } } } as any })).toThrow(/incidents\.confirmationMinutes: must be shorter than incidents\.lookbackDays \(1 d\), got 1440 min/);
  });

  test('schema limits: confirmation period at least 1 minute', () => {
    expect(() => loadedPlan({ incidents: { confirmationMinutes: 0 } as any })).toThrow(/incidents\.confirmationMinutes/);
  });
});
