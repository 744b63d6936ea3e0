import { loadedPlan } from '../helpers/plan';

describe('alerting plan rules', () => {
  test('the example plan is valid and carries the SRE workbook burn-rate defaults', () => {
    const { plan } = loadedPlan();
    expect(plan.alerting.burnRates).toEqual({
      general: { factor: 1, longWindowMinutes: 4320, shortWindowMinutes: 360 },
      important: { factor: 6, longWindowMinutes: 360, shortWindowMinutes: 30 },
      emergency: { factor: 14.4, longWindowMinutes: 60, shortWindowMinutes: 5 },
    });
  });

  test('new per-level thresholds must be ordered by level', () => {
    expect(() => loadedPlan({ thresholds: { functionErrors: { general: 5, important: 5, emergency: 50 } } })).toThrow(
      /thresholds\.functionErrors\.important: must be greater than thresholds\.functionErrors\.general \(5\), got 5/,
    );
    expect(() => loadedPlan({ thresholds: { trafficAnomalyBand: { general: 2, important: 3, emergency: 2.5 } } })).toThrow(/thresholds\.trafficAnomalyBand\.emergency: must be greater than/);
  });

  test('burn-rate factors must rise with the level', () => {
    expect(() =>
      loadedPlan({ alerting: { burnRates: { important: { factor: 20, longWindowMinutes: 360, shortWindowMinutes: 30 } } } as never }),
    ).toThrow(/alerting\.burnRates\.emergency\.factor: must be greater than alerting\.burnRates\.important\.factor \(20\), got 14\.4/);
  });

  test('the short window must be shorter than the long window', () => {
    expect(() => loadedPlan({ alerting: { burnRates: { emergency: { factor: 14.4, longWindowMinutes: 60, shortWindowMinutes: 60 } } } as never })).toThrow(
      /alerting\.burnRates\.emergency\.shortWindowMinutes: must be shorter than alerting\.burnRates\.emergency\.longWindowMinutes \(60\), got 60/,
    );
  });

  test('a burn rate above 100% errors can never fire', () => {
    expect(() => loadedPlan({ objectives: { availabilityPercent: 95 }, alerting: { burnRates: { emergency: { factor: 30, longWindowMinutes: 60, shortWindowMinutes: 5 } } } as never })).toThrow(
      /alerting\.burnRates\.emergency\.factor: 30× the error budget \(5\.000% of requests\) is more than 100% errors/,
    );
  });

  test('windows longer than CloudWatch evaluates are rejected by the schema', () => {
    expect(() => loadedPlan({ alerting: { burnRates: { general: { factor: 1, longWindowMinutes: 8 * 1440, shortWindowMinutes: 360 } } } as never })).toThrow(/alerting\.burnRates\.general\.longWindowMinutes/);
  });

  test('the heartbeat must tolerate one late tick', () => {
    expect(() => loadedPlan({ alerting: { emergencyRepeatMinutes: 10, heartbeatSilenceMinutes: 15 } })).toThrow(
      /alerting\.heartbeatSilenceMinutes: must be at least twice alerting\.emergencyRepeatMinutes \(10\), got 15/,
    );
  });

  test('deliveries must fit the notifier timeout', () => {
    expect(() => loadedPlan({ alerting: { deliveryTimeoutSeconds: 20, deliveryAttempts: 3 } })).toThrow(/alerting\.deliveryAttempts: 3 attempts × 20 s plus backoff exceed the notifier's 60 s budget/);
  });

  test('reserved concurrency cannot exceed the account limit used for concurrency alarms', () => {
    expect(() => loadedPlan({ chatbot: { reservedConcurrency: 2000 } })).toThrow(/chatbot\.reservedConcurrency: must not exceed alerting\.accountConcurrencyLimit \(1000\), got 2000/);
  });

  test('unknown runbook keys and levels are rejected', () => {
    expect(() => loadedPlan({ alerting: { runbooks: { 'no-such-alarm': 'x' } } as never })).toThrow(/alerting\.runbooks/);
    expect(() => loadedPlan({ alerting: { healthEventLevel: 'critical' } as never })).toThrow(/alerting\.healthEventLevel/);
  });
});
