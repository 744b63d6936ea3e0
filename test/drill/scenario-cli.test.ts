/**
 * Scenario files, the objectives verdict and the command line of `contingency drill tabletop`,
 * without running a drill.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { judge } from '../../drill/runner';
import { parseScenario, loadAnyScenario, loadScenario } from '../../drill/scenario';
import type { DrillAssembly } from '../../drill/assembly';
import type { DrillResult } from '../../drill/engine';
import { runCli } from '../helpers/cli';

const DIR = path.join(__dirname, '..', '..', 'drill', 'scenarios');

test('every built-in scenario file is valid, named after its file, and has at least one fault (outages) or a damage (data corruption)', () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
  expect(files.length).toBeGreaterThanOrEqual(8);
  for (const f of files) {
    const s = loadAnyScenario(path.join(DIR, f));
    expect(`${s.name}.yaml`).toBe(f);
    if ('corruption' in s) expect(s.corruption.at).toBeGreaterThan(0);
    else if (s.kind === 'drill-rehearsal') expect(s.drill?.at).toBeGreaterThan(0);
    else expect(loadScenario(path.join(DIR, f)).faults.length).toBeGreaterThan(0);
  }
  expect(() => loadAnyScenario(path.join(DIR, 'data-corruption.yaml'))).not.toThrow();
  // A rehearsal needs its drill section; an outage needs a fault.
  expect(() => parseScenario({ kind: 'drill-rehearsal', name: 'x', title: 'x', durationMinutes: 30 }, 'r.yaml')).toThrow(/drill: a drill-rehearsal scenario needs a drill section/);
  expect(() => parseScenario({ name: 'x', title: 'x', durationMinutes: 30, faults: [] }, 'o.yaml')).toThrow(/faults: an outage scenario needs at least one fault/);
});

test('a bad scenario names every problem with its path', () => {
  const raw = parse(fs.readFileSync(path.join(DIR, 'primary-down.yaml'), 'utf8'));
  raw.faults[0].target = 'tertiary';
  raw.durationMinutes = -1;
  expect(() => parseScenario(raw, 'x.yaml')).toThrow(/x\.yaml is not a valid tabletop scenario:\n {2}- durationMinutes: .*\n {2}- faults\.0\.target: /);
});

const assembly = { sidecar: { objectives: { rtoMinutes: 15 } }, stacks: [], dir: '/nonexistent' } as unknown as DrillAssembly;
function result(measured: Partial<DrillResult['measured']>): DrillResult {
  return {
    scenario: parseScenario({ name: 'x', title: 'x', durationMinutes: 30, faults: [{ kind: 'down', target: 'primary', at: 5 }], objectives: { customerNoticeMinutes: 10, detectionMinutes: { emergency: 2 } } }),
    startIso: '2026-01-05T02:00:00.000Z',
    faultStart: 300,
    faultEnd: 1800,
    timeline: [],
    series: [],
    measured: { detectionSeconds: { general: null, important: 60, emergency: 60 }, burnRateDetectionSeconds: { general: null, important: null, emergency: null }, failoverSeconds: 90, fallbackSeconds: null, firstPageSeconds: 60, customerNoticeSeconds: 60, incidentOpenSeconds: 60, recoverySeconds: null, failedRequests: 0, requests: 1, ...measured },
  };
}

test('objectives: RTO, scenario bounds; a moment that never came is a miss', () => {
  expect(judge(assembly, result({}).scenario, result({}))).toMatchObject({ passed: true, failures: [] });
  const late = judge(assembly, result({}).scenario, result({ failoverSeconds: 901, customerNoticeSeconds: null, detectionSeconds: { general: null, important: 60, emergency: 180 } }));
  expect(late.passed).toBe(false);
  expect(late.failures).toEqual([
    'failover to the standby: 901 s, objective 900 s',
    'first customer notice: never happened (objective 600 s)',
    'emergency detection: 180 s, objective 120 s',
  ]);
});

test('command line: --scenario is required, an unknown scenario lists the built-in ones, unknown flags exit 2', async () => {
  const missing = await runCli(['drill', 'tabletop']);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/--scenario/);
  const unknown = await runCli(['drill', 'tabletop', '--scenario', 'no-such-drill']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(/one of the built-in scenarios \(.*primary-down.*\), got "no-such-drill"/);
  expect((await runCli(['drill', 'tabletop', '--scenario', 'primary-down', '--bogus'])).code).toBe(2);
  const help = await runCli(['drill', 'tabletop', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/--out <dir>/);
});
