import { advance, buildReport, DrillSettings, DrillState, expectsFailover, Observation, recordExperiment, renderReportMarkdown, settingsProblems, startDrill, Step } from '../../ops/drill/machine';

// The fault-injection path of the drill machine: the FIS experiment's own state as a stop condition,
// the maximum duration, drills that expect a failover (lambda-errors) and drills that do not.
const BASE: DrillSettings = {
  scenario: 'fault-injection: AWS FIS injects lambda-errors on the primary ap-east-1',
  kind: 'fault-injection',
  faults: ['lambda-errors'],
  regions: { primary: 'ap-east-1', standby: 'ap-southeast-1' },
  window: { days: ['tue', 'wed'], startHour: 10, endHour: 16, timeZone: 'Asia/Hong_Kong' },
  objectiveSeconds: 900,
  maxDurationSeconds: 1800,
  holdSeconds: 120,
  pollSeconds: 10,
};
const PAUSE: DrillSettings = { ...BASE, scenario: 'fault-injection: replication-pause', faults: ['replication-pause'] };
const T0 = Date.parse('2026-12-01T02:30:00Z'); // Tuesday 10:30 in Hong Kong
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const obs = (s: number, over: Partial<Observation> = {}): Observation => ({
  time: at(s),
  primaryHealthy: true,
  standbyHealthy: true,
  servingRegion: 'ap-east-1',
  openIncident: false,
  emergencyLevel: false,
  burnRate: false,
  ...over,
});
const running = { status: 'running' as const };
const kinds = (s: Step) => s.effects.map((e) => (e.type === 'announce' ? `announce:${e.what}` : e.type));

/** Announced at 0 s, injected at 1 s, experiment EXP-1 recorded (what the runner does with the inject effect). */
function injected(settings: DrillSettings): DrillState {
  const a = advance(startDrill(settings, at(0)), obs(0));
  const b = advance(a.state, obs(1));
  expect(kinds(b)).toEqual(['inject']);
  return recordExperiment(b.state, 'EXP-1');
}

describe('fault-injection drills', () => {
  test('a fault-injection drill must name its faults', () => {
    expect(settingsProblems({ ...BASE, faults: [] })).toEqual([expect.stringMatching(/^faults must name at least one fault/)]);
    expect(settingsProblems(BASE)).toEqual([]);
  });

  test('only lambda-errors (and dns-switch) expect the standby to take over', () => {
    expect(expectsFailover(BASE)).toBe(true);
    expect(expectsFailover(PAUSE)).toBe(false);
    expect(expectsFailover({ ...BASE, faults: ['lambda-delay', 'replication-pause'] })).toBe(false);
    expect(expectsFailover({ ...BASE, kind: 'dns-switch', faults: undefined })).toBe(true);
  });

  test('lambda-errors: standby serves → hold → fail-back stops the experiment → report with the experiment id and first page', () => {
    let st = injected(BASE);
    let step = advance(st, obs(40, { experiment: running, signals: { important: at(70), firstPage: at(72) } }));
    expect(step.state.phase).toBe('injected');
    step = advance(step.state, obs(100, { servingRegion: 'ap-southeast-1', experiment: running, signals: { firstPage: at(72) } }));
    expect(step.state.phase).toBe('holding');
    step = advance(step.state, obs(220, { servingRegion: 'ap-southeast-1', experiment: running }));
    expect(kinds(step)).toEqual(['fail-back']);
    // After fail-back the experiment is stopped by the runner: that is not a stop condition any more.
    step = advance(step.state, obs(240, { servingRegion: 'ap-east-1', experiment: { status: 'stopped', reason: 'Experiment stopped by user' } }));
    expect(kinds(step)).toEqual(['report', 'announce:end']);
    const r = buildReport(step.state);
    expect(r.passed).toBe(true);
    expect(r.measured.recoverySeconds).toBe(99);
    expect(r.measured.firstPageSeconds).toBe(71);
    expect(r.live).toMatchObject({ kind: 'fault-injection', faults: ['lambda-errors'], experimentId: 'EXP-1', timeBackSeconds: 20 });
    const md = renderReportMarkdown(r, 'acme-chat');
    expect(md).toContain('Faults (AWS FIS): lambda-errors · experiment: EXP-1');
    expect(md).toContain('| First page | 71 s |');
  });

  test('FIS stopped the experiment (one of its stop-condition alarms fired) → abort at once, fail back, report fails', () => {
    const st = injected(BASE);
    const step = advance(st, obs(60, { experiment: { status: 'stopped', reason: 'Experiment halted by stop condition' } }));
    expect(kinds(step)).toEqual(['fail-back', 'announce:abort']);
    expect(step.state.abort).toMatchObject({ condition: 'fis-stop-condition', time: at(60) });
    expect(step.state.abort!.detail).toContain('EXP-1: Experiment halted by stop condition');
    const done = advance(step.state, obs(80));
    expect(buildReport(done.state).failures).toContain('aborted (fis-stop-condition): AWS FIS stopped the experiment EXP-1: Experiment halted by stop condition');
  });

  test('the experiment failed → abort (experiment-failed)', () => {
    const step = advance(injected(BASE), obs(30, { experiment: { status: 'failed', reason: 'Target resolution failed' } }));
    expect(step.state.abort?.condition).toBe('experiment-failed');
    expect(kinds(step)[0]).toBe('fail-back');
  });

  test('maximum duration: the machine stops the fault when the standby never took over', () => {
    const step = advance(injected(BASE), obs(1801, { experiment: running }));
    expect(step.state.abort?.condition).toBe('max-duration');
    expect(kinds(step)).toEqual(['fail-back', 'announce:abort']);
  });

  test('the experiment completed its actions (they last the maximum duration) → max-duration', () => {
    const step = advance(injected(BASE), obs(900, { experiment: { status: 'completed' } }));
    expect(step.state.abort?.condition).toBe('max-duration');
    expect(step.state.abort?.detail).toContain('completed its actions');
  });

  test('the usual stop conditions apply to fault-injection too (emergency level before the experiment state)', () => {
    const step = advance(injected(BASE), obs(50, { emergencyLevel: true, experiment: { status: 'stopped' } }));
    expect(step.state.abort?.condition).toBe('emergency-level');
  });

  test('replication-pause: no failover expected; holds the fault, fails back, passes while customers stay served', () => {
    let step = advance(injected(PAUSE), obs(60, { experiment: running }));
    expect(step.state.phase).toBe('injected');
    expect(step.waitSeconds).toBe(10);
    step = advance(step.state, obs(121, { experiment: running }));
    expect(kinds(step)).toEqual(['fail-back']);
    step = advance(step.state, obs(140, { experiment: { status: 'stopped' } }));
    const r = buildReport(step.state);
    expect(r.passed).toBe(true);
    expect(r.measured.recoverySeconds).toBeNull();
  });

  test('replication-pause: a moment when nothing served the public name fails the drill', () => {
    let step = advance(injected(PAUSE), obs(60, { servingRegion: undefined, experiment: running }));
    step = advance(step.state, obs(70, { experiment: running }));
    step = advance(step.state, obs(121, { experiment: running }));
    step = advance(step.state, obs(130));
    const r = buildReport(step.state);
    expect(r.passed).toBe(false);
    expect(r.failures).toEqual([`the public name was not served by the chatbot at ${at(60)} while replication-pause was injected`]);
  });
});
