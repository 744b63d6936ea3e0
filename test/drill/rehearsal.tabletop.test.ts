/**
 * A live drill rehearsed in the tabletop: the drill runner's state machine (ops/drill/machine.ts)
 * against the simulated AWS of the example plan. The measured RTO must stay within the failover
 * timing model; a stop condition (standby unhealthy) must abort and fail back at once.
 */
import * as path from 'path';
import { DrillAssembly, loadAssembly, synthesizeForDrill } from '../../drill/assembly';
import { failoverModel, RunOutcome, runTabletop } from '../../drill/runner';
import { loadScenario, parseScenario } from '../../drill/scenario';
import { EXAMPLE_PLAN_PATH } from '../../lib/config';

const FILE = path.join(__dirname, '..', '..', 'drill', 'scenarios', 'drill-rehearsal.yaml');
const scenario = loadScenario(FILE);
let assembly: DrillAssembly;
let ok: RunOutcome;

beforeAll(async () => {
  assembly = loadAssembly(await synthesizeForDrill(EXAMPLE_PLAN_PATH));
  ok = await runTabletop({ assembly, scenario });
}, 300_000);

test('the rehearsed dns-switch drill passes; the measured RTO is within the failover timing model', () => {
  const r = ok.rehearsal!;
  const model = failoverModel(assembly).failover!;
  expect(model).toBeGreaterThan(0);
  expect(r.rehearsal.failoverModelSeconds).toBe(model);
  expect(r.live).toMatchObject({ kind: 'dns-switch', phase: 'done', abort: null });
  const m = r.measured;
  // Inverting changes the aggregate from the next probe result: detection is one interval at most,
  // then the TTL; the model's worst case also has the probe timeout and the failure threshold.
  expect(m.recoverySeconds).not.toBeNull();
  expect(m.recoverySeconds!).toBeLessThanOrEqual(model);
  expect(m.recoverySeconds!).toBeLessThanOrEqual(r.objectives.rtoSeconds);
  // The observer saw the switch first; the runner's next poll (every 15 s) records the standby's answer.
  expect(m.failoverSeconds).not.toBeNull();
  expect(m.recoverySeconds! - m.failoverSeconds!).toBeGreaterThanOrEqual(0);
  expect(m.recoverySeconds! - m.failoverSeconds!).toBeLessThan(scenario.drill!.pollSeconds);
  expect(r.live.timeBackSeconds).not.toBeNull();
  expect(r.live.timeBackSeconds!).toBeLessThanOrEqual(model);
  expect(r.passed).toBe(true);
  // Customers are not told about a drill; on-call got the announcements.
  expect(m.customerNoticeSeconds).toBeNull();
  const t = ok.result.timeline;
  expect(t.filter((e) => e.audience === 'customers' && e.kind === 'notice')).toEqual([]);
  expect(t.filter((e) => e.audience === 'on-call' && e.level === 'drill').map((e) => e.title)).toEqual(['[DRILL] announcement (start)', '[DRILL] announcement (end)']);
  expect(t.some((e) => /incident log: drill drill-rehearsal started/.test(e.title))).toBe(true);
});

test('standby unhealthy during the drill: the stop condition aborts and fails back at once', async () => {
  const broken = parseScenario({ ...JSON.parse(JSON.stringify(scenario)), name: 'drill-abort', faults: [{ kind: 'down', target: 'standby', mode: 'refused', at: 7, for: 10 }] });
  const out = await runTabletop({ assembly, scenario: broken });
  const r = out.rehearsal!;
  expect(r.live.abort).toMatchObject({ condition: 'standby-unhealthy' });
  expect(r.passed).toBe(false);
  expect(r.failures[0]).toMatch(/^aborted \(standby-unhealthy\)/);
  // Failed back in the same step as the abort: within one poll of the standby going down (minute 7).
  const times = out.result.drill!.times;
  expect(times.failBack).toBeGreaterThanOrEqual(7 * 60);
  expect(times.failBack!).toBeLessThanOrEqual(7 * 60 + scenario.drill!.pollSeconds);
  expect(out.result.timeline.some((e) => e.t === times.failBack && /Inverted=false/.test(e.title))).toBe(true);
  expect(r.live.phase).toBe('done');
  expect(r.live.timeBackSeconds).not.toBeNull();
});
