import { drillPeriodDays, drillSchedule, drillSettings } from '../../lib/config/drills';
import { loadedPlan, loadedPlanWith } from '../helpers/plan';

describe('plan drills section', () => {
  test('the example plan: yearly, in the Hong Kong window, judged against the plan RTO', () => {
    const { plan } = loadedPlan();
    expect(plan.drills.every).toBe('year');
    const s = drillSettings(plan);
    expect(s.objectiveSeconds).toBe(plan.objectives.rtoMinutes * 60);
    expect(s.window).toEqual({ days: ['tue', 'wed', 'thu'], startHour: 10, endHour: 16, timeZone: plan.timeZone });
    expect(s.maxDurationSeconds).toBe(1800);
    expect(drillSchedule(plan)).toEqual({ expression: 'cron(0 10 ? 3 TUE#1 *)', timeZone: 'Asia/Hong_Kong', months: [3] });
    expect(drillPeriodDays(plan)).toBe(396);
  });

  test('a plan without a drills section still drills yearly (§9.2.3)', () => {
    const { plan } = loadedPlan({ drills: undefined });
    expect(plan.drills).toMatchObject({ enabled: true, every: 'year', kind: 'dns-switch', audiences: ['opsOnCall'] });
  });

  test('quarterly from November wraps the year; the objective and time zone can be set', () => {
    const { plan } = loadedPlan({ drills: { every: 'quarter', month: 11, objectiveMinutes: 10, window: { days: ['wed'], timeZone: 'Europe/London' } } });
    expect(drillSchedule(plan)).toEqual({ expression: 'cron(0 10 ? 2,5,8,11 WED#1 *)', timeZone: 'Europe/London', months: [2, 5, 8, 11] });
    expect(drillSettings(plan).objectiveSeconds).toBe(600);
    expect(drillPeriodDays(plan)).toBe(122);
  });

  test('nothing rarer than yearly', () => {
    expect(() => loadedPlan({ drills: { every: 'two-years' as never } })).toThrow(/drills\.every: must be one of month, quarter, half-year, year: the plan \(§9\.2\.3\) asks for a live drill at least once a year/);
  });

  test('window end before start', () => {
    expect(() => loadedPlan({ drills: { window: { startHour: 16, endHour: 10 } } })).toThrow(/drills\.window\.endHour: must be after drills\.window\.startHour \(16\), got 10/);
  });

  test('window too short for the drill', () => {
    // 30 min injected + 30 min waiting for the primary fit exactly in one hour.
    expect(loadedPlan({ drills: { window: { startHour: 10, endHour: 11 } } }).plan.drills.window.endHour).toBe(11);
    expect(() => loadedPlan({ drills: { maxDurationMinutes: 45, window: { startHour: 10, endHour: 11 } } })).toThrow(/drills\.window: 10:00-11:00 is 60 min; a drill needs up to 90 min \(2 × drills\.maxDurationMinutes 45\); widen the window or shorten the drill/);
  });

  test('bad window time zone', () => {
    expect(() => loadedPlan({ drills: { window: { timeZone: 'Hong Kong' } } })).toThrow(/drills\.window\.timeZone: "Hong Kong" is not an IANA time zone/);
  });

  test('maximum duration not longer than the objective (the plan RTO by default)', () => {
    expect(() => loadedPlan({ drills: { maxDurationMinutes: 15 } })).toThrow(/drills\.maxDurationMinutes: must be longer than the drill objective \(15 min, objectives\.rtoMinutes\), got 15.*raise it to at least 16/);
    expect(() => loadedPlan({ drills: { objectiveMinutes: 40 } })).toThrow(/drills\.maxDurationMinutes: must be longer than the drill objective \(40 min\), got 30/);
  });

  test('hold not shorter than the maximum duration', () => {
    expect(() => loadedPlan({ drills: { holdMinutes: 30 } })).toThrow(/drills\.holdMinutes: must be shorter than drills\.maxDurationMinutes \(30\), got 30/);
  });

  test('an audience the plan does not define', () => {
    expect(() =>
      loadedPlanWith((p) => {
        delete p.audiences.partners;
        p.drills.audiences = ['opsOnCall', 'partners'];
      }),
    ).toThrow(/drills\.audiences\[1\]: "partners" is not defined in audiences; define audiences\.partners or remove it/);
  });

  test('fault-injection with replication-pause (the default fault) needs no opt-in', () => {
    const { plan } = loadedPlan({ drills: { kind: 'fault-injection' } });
    expect(plan.drills.faults).toEqual(['replication-pause']);
    expect(plan.drills.fis).toEqual({ lambdaExtension: false, errorPercentage: 100, delayMilliseconds: 3000 });
  });

  test('Lambda faults without the FIS Lambda extension opt-in: each named, with how to turn it on', () => {
    const run = () => loadedPlan({ drills: { kind: 'fault-injection', faults: ['replication-pause', 'lambda-errors', 'lambda-delay'] } });
    expect(run).toThrow(/drills\.faults\[1\]: "lambda-errors" needs the AWS FIS Lambda extension on the primary chatbot function, which is off \(drills\.fis\.lambdaExtension: false\); set drills\.fis\.lambdaExtension: true/);
    expect(run).toThrow(/drills\.faults\[2\]: "lambda-delay" needs the AWS FIS Lambda extension/);
    expect(() => loadedPlan({ drills: { kind: 'fault-injection', faults: ['lambda-errors'], fis: { lambdaExtension: true } } })).not.toThrow();
    // Not a fault-injection drill: the faults are not injected, nothing to refuse.
    expect(() => loadedPlan({ drills: { faults: ['lambda-errors'] } })).not.toThrow();
  });

  test('a fault listed twice, an empty fault list and out-of-range FIS settings are refused', () => {
    expect(() => loadedPlan({ drills: { kind: 'fault-injection', faults: ['replication-pause', 'replication-pause'] } })).toThrow(/drills\.faults\[1\]: "replication-pause" is listed twice; list each fault once/);
    expect(() => loadedPlan({ drills: { kind: 'fault-injection', faults: [] } })).toThrow(/drills\.faults/);
    expect(() => loadedPlan({ drills: { faults: ['disk-full' as never] } })).toThrow(/drills\.faults\[0\]/);
    expect(() => loadedPlan({ drills: { fis: { errorPercentage: 0 } } })).toThrow(/drills\.fis\.errorPercentage/);
  });

  test('unknown keys and days are refused', () => {
    expect(() => loadedPlan({ drills: { window: { days: ['tuesday' as never] } } })).toThrow(/drills\.window\.days\[0\]/);
    expect(() => loadedPlan({ drills: { often: 1 } as never })).toThrow(/drills/);
  });
});
