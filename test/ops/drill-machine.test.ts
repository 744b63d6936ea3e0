import fc from 'fast-check';
import {
  abort,
  advance,
  buildReport,
  DrillSettings,
  DrillState,
  fitsInWindow,
  insideWindow,
  isFinished,
  Observation,
  renderReportMarkdown,
  settingsProblems,
  startDrill,
  Step,
} from '../../ops/drill/machine';

const SETTINGS: DrillSettings = {
  scenario: 'dns-switch: primary ap-east-1 taken out of DNS',
  kind: 'dns-switch',
  regions: { primary: 'ap-east-1', standby: 'ap-southeast-1' },
  window: { days: ['tue', 'wed'], startHour: 10, endHour: 16, timeZone: 'Asia/Hong_Kong' },
  objectiveSeconds: 900,
  maxDurationSeconds: 1800,
  holdSeconds: 120,
  pollSeconds: 10,
};
// Tuesday 1 December 2026, 10:30 in Hong Kong (UTC+8).
const T0 = Date.parse('2026-12-01T02:30:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const healthy = (s: number, over: Partial<Observation> = {}): Observation => ({
  time: at(s),
  primaryHealthy: true,
  standbyHealthy: true,
  servingRegion: 'ap-east-1',
  openIncident: false,
  emergencyLevel: false,
  burnRate: false,
  ...over,
});

/** Runs the drill to injection (start at 0 s, injected at 1 s). */
function injected(settings: DrillSettings = SETTINGS): DrillState {
  let st = startDrill(settings, at(0));
  const a = advance(st, healthy(0));
  expect(a.state.phase).toBe('announced');
  st = a.state;
  const b = advance(st, healthy(1));
  expect(b.state.phase).toBe('injected');
  expect(b.effects).toEqual([{ type: 'inject' }]);
  return b.state;
}

const effectTypes = (s: Step) => s.effects.map((e) => (e.type === 'announce' ? `announce:${e.what}` : e.type));

describe('drill machine: the happy path', () => {
  test('preconditions met → announce (operators only, marked DRILL) → inject → standby serves → hold → fail back → primary back → report', () => {
    let st = startDrill(SETTINGS, at(0));
    let step = advance(st, healthy(0));
    expect(effectTypes(step)).toEqual(['announce:start']);
    const start = step.effects[0] as { text: string };
    expect(start.text).toMatch(/^DRILL \(not a real incident; customers are not told\)/);
    st = step.state;
    step = advance(st, healthy(1));
    expect(effectTypes(step)).toEqual(['inject']);
    expect(step.waitSeconds).toBe(10);
    st = step.state;
    // Still the primary: keep observing.
    step = advance(st, healthy(30, { signals: { important: at(40) } }));
    expect(step.state.phase).toBe('injected');
    expect(step.effects).toEqual([]);
    // Signals arrive; DNS switched at 70 s, first standby answer at 95 s.
    step = advance(step.state, healthy(95, { servingRegion: 'ap-southeast-1', signals: { important: at(40), general: at(35), dnsSwitched: at(70), firstPage: at(50), incidentOpened: at(60) } }));
    expect(step.state.phase).toBe('holding');
    expect(step.state.standbyServedAt).toBe(at(95));
    // Holding: no fail-back before holdSeconds.
    step = advance(step.state, healthy(150, { servingRegion: 'ap-southeast-1' }));
    expect(step.state.phase).toBe('holding');
    expect(step.waitSeconds).toBe(10);
    step = advance(step.state, healthy(215, { servingRegion: 'ap-southeast-1' }));
    expect(step.state.phase).toBe('waiting-primary');
    expect(effectTypes(step)).toEqual(['fail-back']);
    // Primary serves again 80 s after fail-back.
    step = advance(step.state, healthy(240, { servingRegion: 'ap-southeast-1' }));
    expect(step.state.phase).toBe('waiting-primary');
    step = advance(step.state, healthy(295));
    expect(step.state.phase).toBe('done');
    expect(effectTypes(step)).toEqual(['report', 'announce:end']);
    expect(step.waitSeconds).toBe(0);
    const report = (step.effects[0] as { report: ReturnType<typeof buildReport> }).report;
    expect(report.passed).toBe(true);
    expect(report.failures).toEqual([]);
    expect(report.objectives).toEqual({ rtoSeconds: 900 });
    expect(report.measured).toEqual({
      detectionSeconds: { general: 34, important: 39, emergency: null },
      failoverSeconds: 69,
      fallbackSeconds: null,
      firstPageSeconds: 49,
      customerNoticeSeconds: null,
      incidentOpenSeconds: 59,
      recoverySeconds: 94,
    });
    expect(report.live.timeBackSeconds).toBe(80);
    expect(report.live.abort).toBeNull();
    expect(isFinished(step.state)).toBe(true);
    // A finished drill ignores further observations.
    expect(advance(step.state, healthy(400)).effects).toEqual([]);
  });

  test('the state survives a JSON round trip between ticks (Step Functions carries it)', () => {
    const st = injected();
    const copy = JSON.parse(JSON.stringify(st)) as DrillState;
    expect(advance(copy, healthy(50, { servingRegion: 'ap-southeast-1' })).state).toEqual(advance(st, healthy(50, { servingRegion: 'ap-southeast-1' })).state);
  });

  test('signals from before injection, later duplicates and non-times are ignored; the first time wins', () => {
    let st = injected();
    st = advance(st, healthy(20, { signals: { important: at(-100), general: at(15) } })).state;
    st = advance(st, healthy(30, { signals: { important: at(25), general: at(28) } })).state;
    st = advance(st, healthy(40, { signals: { emergency: 'not a time' } })).state;
    expect(st.signals).toEqual({ general: at(15), important: at(25) });
  });

  test('a measured RTO over the objective fails the drill with the figures', () => {
    let st = injected({ ...SETTINGS, objectiveSeconds: 60, holdSeconds: 0 });
    st = advance(st, healthy(91, { servingRegion: 'ap-southeast-1' })).state;
    st = advance(st, healthy(92, { servingRegion: 'ap-southeast-1' })).state;
    const end = advance(st, healthy(120));
    const r = buildReport(end.state);
    expect(r.measured.recoverySeconds).toBe(90);
    expect(r.passed).toBe(false);
    expect(r.failures).toEqual(['measured RTO 90 s exceeds the objective 60 s']);
  });

  test('a customer notice during a drill fails it (customers are not told)', () => {
    let st = injected({ ...SETTINGS, holdSeconds: 0 });
    st = advance(st, healthy(50, { servingRegion: 'ap-southeast-1', signals: { customerNotice: at(45) } })).state;
    st = advance(st, healthy(51, { servingRegion: 'ap-southeast-1' })).state;
    const r = buildReport(advance(st, healthy(60)).state);
    expect(r.measured.customerNoticeSeconds).toBe(44);
    expect(r.passed).toBe(false);
    expect(r.failures[0]).toMatch(/customer notice was sent during the drill/);
  });

  test('the primary not back within maxDuration of fail-back finishes the drill as failed', () => {
    let st = injected({ ...SETTINGS, holdSeconds: 0 });
    st = advance(st, healthy(50, { servingRegion: 'ap-southeast-1' })).state;
    st = advance(st, healthy(51, { servingRegion: 'ap-southeast-1' })).state;
    expect(st.phase).toBe('waiting-primary');
    const stillStandby = advance(st, healthy(51 + 1799, { servingRegion: 'ap-southeast-1' }));
    expect(stillStandby.state.phase).toBe('waiting-primary');
    const end = advance(stillStandby.state, healthy(51 + 1800, { servingRegion: 'ap-southeast-1' }));
    expect(end.state.phase).toBe('done');
    const r = buildReport(end.state);
    expect(r.passed).toBe(false);
    expect(r.failures).toContain('the primary ap-east-1 did not serve the public name again within 1800 s of fail-back (last answer: ap-southeast-1)');
  });
});

describe('drill machine: preconditions', () => {
  const cases: [string, Partial<Observation> & { time?: string }, RegExp][] = [
    ['outside the window (Thursday)', { time: '2026-12-03T03:00:00Z' }, /outside the drill window/],
    ['outside the window (before 10:00)', { time: '2026-12-01T01:30:00Z' }, /outside the drill window/],
    ['too close to the end of the window', { time: '2026-12-01T07:30:00Z' }, /outside the drill window .*with room for 60 min/],
    ['primary unhealthy', { primaryHealthy: false }, /primary ap-east-1 is not healthy/],
    ['standby unhealthy', { standbyHealthy: false }, /standby ap-southeast-1 is not healthy/],
    ['an open incident', { openIncident: true }, /an incident is open/],
    ['an emergency response level', { emergencyLevel: true }, /emergency response level/],
    ['burn rate', { burnRate: true }, /error budget burns/],
    ['standby already serving', { servingRegion: 'ap-southeast-1' }, /served by ap-southeast-1, not the primary/],
    ['nothing answers', { servingRegion: undefined }, /served by nothing/],
  ];
  test.each(cases)('%s → cancelled, nothing injected, operators told why', (_name, over, why) => {
    const st = startDrill(SETTINGS, at(0));
    const step = advance(st, { ...healthy(0), ...over });
    expect(step.state.phase).toBe('cancelled');
    expect(effectTypes(step)).toEqual(['announce:cancelled']);
    expect(step.effects.some((e) => e.type === 'inject' || e.type === 'fail-back')).toBe(false);
    expect(step.state.unmet!.join('; ')).toMatch(why);
    const r = buildReport(step.state);
    expect(r.passed).toBe(false);
    expect(r.failures[0]).toMatch(/^not run: /);
    expect(r.live.injectedAt).toBeNull();
  });
});

describe('drill machine: every stop condition aborts and fails back at once', () => {
  const conditions: [string, (s: number) => Observation, string][] = [
    ['standby-unhealthy', (s) => healthy(s, { standbyHealthy: false }), 'standby ap-southeast-1 became unhealthy'],
    ['emergency-level', (s) => healthy(s, { emergencyLevel: true }), 'an emergency response level went to ALARM'],
    ['burn-rate', (s) => healthy(s, { burnRate: true }), 'the error budget burns at the emergency rate'],
    ['max-duration', (s) => healthy(1 + 1800 + s * 0), 'injected for 1800 s, the maximum is 1800 s'],
  ];
  for (const phase of ['injected', 'holding'] as const) {
    test.each(conditions)(`%s while ${phase}`, (condition, obs, detail) => {
      let st = injected();
      if (phase === 'holding') {
        st = advance(st, healthy(60, { servingRegion: 'ap-southeast-1' })).state;
        expect(st.phase).toBe('holding');
      }
      const step = advance(st, obs(70));
      expect(effectTypes(step)).toEqual(['fail-back', 'announce:abort']);
      expect(step.state.phase).toBe('waiting-primary');
      expect(step.state.abort).toMatchObject({ condition, detail });
      expect((step.effects[1] as { text: string }).text).toContain(`Drill aborted (${condition})`);
      // Then waits for the primary and reports the abort as a failure.
      const end = advance(step.state, healthy(Date.parse(step.state.failBackAt!) / 1000 - T0 / 1000 + 40));
      expect(end.state.phase).toBe('done');
      const r = buildReport(end.state);
      expect(r.passed).toBe(false);
      expect(r.failures).toContain(`aborted (${condition}): ${detail}`);
      expect(r.live.abort?.condition).toBe(condition);
    });
  }

  test('just under the maximum duration does not abort', () => {
    const st = injected();
    expect(advance(st, healthy(1 + 1799)).state.phase).toBe('injected');
  });

  test('stop conditions are checked before the standby answer: standby serving but emergency → abort, not hold', () => {
    const step = advance(injected(), healthy(60, { servingRegion: 'ap-southeast-1', emergencyLevel: true }));
    expect(step.state.abort?.condition).toBe('emergency-level');
    expect(step.state.standbyServedAt).toBeUndefined();
  });

  test('operator or runner abort: before injection cancels without fail-back; after, fails back; after fail-back, reports', () => {
    const pending = startDrill(SETTINGS, at(0));
    const a = abort(pending, 'operator', 'stopped by alice', at(0));
    expect(a.state.phase).toBe('cancelled');
    expect(a.effects.some((e) => e.type === 'fail-back')).toBe(false);
    const b = abort(injected(), 'runner-error', 'Route53 throttled', at(20));
    expect(effectTypes(b)).toEqual(['fail-back', 'announce:abort']);
    const c = abort(b.state, 'operator', 'again', at(30));
    expect(c.state.phase).toBe('done');
    expect(effectTypes(c)).toEqual(['report', 'announce:end']);
    expect(abort(c.state, 'operator', 'again', at(40)).effects).toEqual([]);
  });

  test('property: whatever is observed, once injected the machine never finishes without having asked to fail back, and never injects twice', () => {
    const obs = fc.record({
      dt: fc.integer({ min: 0, max: 400 }),
      standbyHealthy: fc.boolean(),
      emergencyLevel: fc.boolean(),
      burnRate: fc.boolean(),
      serving: fc.constantFrom('ap-east-1', 'ap-southeast-1', undefined),
    });
    fc.assert(
      fc.property(fc.array(obs, { minLength: 1, maxLength: 60 }), (seq) => {
        let st = injected();
        let t = 1;
        let failBacks = 0;
        let injects = 0;
        for (const o of seq) {
          t += o.dt;
          const step = advance(st, healthy(t, { standbyHealthy: o.standbyHealthy, emergencyLevel: o.emergencyLevel, burnRate: o.burnRate, servingRegion: o.serving }));
          failBacks += step.effects.filter((e) => e.type === 'fail-back').length;
          injects += step.effects.filter((e) => e.type === 'inject').length;
          st = step.state;
        }
        if (isFinished(st)) expect(failBacks).toBe(1);
        expect(failBacks).toBeLessThanOrEqual(1);
        expect(injects).toBe(0);
        // Fail-back is asked for no later than the first observation at or past the maximum duration.
        if (!st.failBackAt) expect(t - 1).toBeLessThan(SETTINGS.maxDurationSeconds);
      }),
      { seed: 13, numRuns: 300 },
    );
  });
});

describe('drill settings and window', () => {
  test('each rule names the value and the fix', () => {
    expect(settingsProblems({ ...SETTINGS, objectiveSeconds: 0 }).join()).toMatch(/objectiveSeconds must be a positive number of seconds, got: 0/);
    expect(settingsProblems({ ...SETTINGS, maxDurationSeconds: 600 }).join()).toMatch(/maxDurationSeconds must be longer than objectiveSeconds.*got: 600 <= 900; raise the maximum duration/);
    expect(settingsProblems({ ...SETTINGS, holdSeconds: -1 }).join()).toMatch(/holdSeconds must be 0 or more, got: -1/);
    expect(settingsProblems({ ...SETTINGS, regions: { primary: 'a', standby: 'a' } }).join()).toMatch(/must differ, got: a for both/);
    expect(settingsProblems({ ...SETTINGS, window: { ...SETTINGS.window, days: [] } }).join()).toMatch(/at least one day/);
    expect(settingsProblems({ ...SETTINGS, window: { ...SETTINGS.window, startHour: 16, endHour: 10 } }).join()).toMatch(/endHour must be after window.startHour, got: 16-10/);
    expect(settingsProblems({ ...SETTINGS, window: { ...SETTINGS.window, timeZone: 'Mars/Olympus' } }).join()).toMatch(/IANA time zone, got: "Mars\/Olympus"/);
    expect(() => startDrill({ ...SETTINGS, pollSeconds: 0 }, at(0))).toThrow(/pollSeconds must be a positive number/);
    expect(settingsProblems(SETTINGS)).toEqual([]);
  });

  test('the window is read in its time zone', () => {
    const w = SETTINGS.window;
    expect(insideWindow(w, '2026-12-01T02:00:00Z')).toBe(true); // Tue 10:00 HKT
    expect(insideWindow(w, '2026-12-01T01:59:59Z')).toBe(false); // Tue 09:59
    expect(insideWindow(w, '2026-12-01T08:00:00Z')).toBe(false); // Tue 16:00 (end excluded)
    expect(insideWindow(w, '2026-11-30T20:00:00Z')).toBe(false); // Tue 04:00 HKT, Mon in UTC
    expect(insideWindow({ ...w, timeZone: 'UTC' }, '2026-12-01T10:00:00Z')).toBe(true);
    expect(fitsInWindow(w, '2026-12-01T07:01:00Z', 1800)).toBe(false); // 15:01 + 60 min > 16:00
    expect(fitsInWindow(w, '2026-12-01T07:00:00Z', 1800)).toBe(true); // 15:00 + 60 min = 16:00
  });

  test('the Markdown report shows every measure and the verdict', () => {
    let st = injected({ ...SETTINGS, holdSeconds: 0 });
    st = advance(st, healthy(50, { servingRegion: 'ap-southeast-1', signals: { dnsSwitched: at(41) } })).state;
    st = advance(st, healthy(51, { servingRegion: 'ap-southeast-1' })).state;
    const md = renderReportMarkdown(buildReport(advance(st, healthy(71)).state), 'acme-chat');
    expect(md).toContain('result: **PASSED**');
    expect(md).toContain('| First standby answer = measured RTO (objective 900 s) | 49 s |');
    expect(md).toContain('| DNS switch (public name resolves to the standby) | 40 s |');
    expect(md).toContain('| Time back (fail-back → primary answers) | 20 s |');
    expect(md).toContain('| Customer notice (must be n/a) | n/a |');
  });
});
