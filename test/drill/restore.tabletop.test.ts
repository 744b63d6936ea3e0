/**
 * The data-corruption scenario: recovery points from the synthesized backup plan's schedule, the
 * real restore validator on a good copy and on a copy of a damaged point, the cut-over, and the
 * verdict against the plan's RPO and RTO. Figures are checked against a hand computation from the
 * example plan's backup schedule and the scenario's minutes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DRILL_SIDECAR, DrillAssembly, loadAssembly, synthesizeForDrill } from '../../drill/assembly';
import { runAnyTabletop } from '../../drill/runner';
import { loadAnyScenario, RestoreScenario } from '../../drill/scenario';
import { scheduleTimes, type RestoreReport } from '../../drill/restore';
import { checkKnowledgeBase } from '../../lambdas/restore-validator/checks';
import { knowledgeBaseVersionOf } from '../../contracts';
import { EXAMPLE_PLAN_PATH, loadPlan } from '../../lib/config';
import { runCli } from '../helpers/cli';

const FILE = path.join(__dirname, '..', '..', 'drill', 'scenarios', 'data-corruption.yaml');
const scenario = loadAnyScenario(FILE) as RestoreScenario;
const { plan } = loadPlan(EXAMPLE_PLAN_PATH);
const START = Date.parse('2026-01-05T02:00:00.000Z');

let assembly: DrillAssembly;
let report: RestoreReport;
let timeline: string;
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tabletop-restore-'));

beforeAll(async () => {
  assembly = loadAssembly(await synthesizeForDrill(EXAMPLE_PLAN_PATH, path.join(out, 'assembly')));
  report = (await runAnyTabletop({ assembly, scenario, outDir: path.join(out, 'run') })).report as RestoreReport;
  timeline = fs.readFileSync(path.join(out, 'run', 'timeline.md'), 'utf8');
}, 300_000);

test('AWS Backup cron expressions: "?" fields, days of the week numbered from Sunday = 1, names', () => {
  const day = 86400_000;
  expect(scheduleTimes('cron(0 3 * * ? *)', START, START + 2 * day).map((t) => new Date(t).toISOString())).toEqual(['2026-01-05T03:00:00.000Z', '2026-01-06T03:00:00.000Z']);
  // 2026-01-05 is a Monday: AWS day 2 and MON are Mondays.
  const mondays = ['2026-01-05T05:00:00.000Z', '2026-01-12T05:00:00.000Z'];
  expect(scheduleTimes('cron(0 5 ? * 2 *)', START, START + 14 * day).map((t) => new Date(t).toISOString())).toEqual(mondays);
  expect(scheduleTimes('cron(0 5 ? * MON *)', START, START + 14 * day).map((t) => new Date(t).toISOString())).toEqual(mondays);
  expect(() => scheduleTimes('rate(1 day)', START, START + day)).toThrow(/not a cron\(\) expression/);
});

test('the knowledge-base check: intact passes, rewritten or stripped fails, none passes', () => {
  const entries = JSON.stringify([{ id: 'a', texts: {} }]);
  expect(checkKnowledgeBase({ entries, version: knowledgeBaseVersionOf(entries) })).toBeUndefined();
  expect(checkKnowledgeBase(undefined)).toBeUndefined();
  expect(checkKnowledgeBase({})?.code).toBe('KNOWLEDGE_BASE_CORRUPT');
  expect(checkKnowledgeBase({ entries: '[]', version: knowledgeBaseVersionOf(entries) })?.reason).toMatch(/hash to/);
  expect(checkKnowledgeBase({ entries: '{not json', version: 'x' })?.reason).toMatch(/not JSON/);
});

test("data loss and recovery time match a hand computation from the plan's backup schedule", () => {
  // The plan snapshots daily at 03:00 UTC; the drill starts 02:00 UTC; the damage comes at +70 min.
  expect(plan.backup.snapshotSchedule).toBe('cron(0 3 * * ? *)');
  const damage = START + scenario.corruption.at * 60_000; // 03:10 UTC
  const point = Date.parse('2026-01-05T03:00:00.000Z'); // the last 03:00 before it
  const m = report.measured;
  expect(m.recoveryPoint).toBe(new Date(point).toISOString());
  expect(m.dataLossSeconds).toBe((damage - point) / 1000); // 600 s
  expect(m.worstCaseDataLossSeconds).toBe(24 * 3600);
  // declared + decision + restore job + validation + flag step + copy + lift step.
  const r = scenario.restore;
  const restored = Number(/restored (\d+) items/.exec(m.attempts[0].message)![1]);
  const expected = scenario.detection.afterMinutes * 60 + (r.decisionMinutes + r.restoreJobMinutes + r.validationMinutes + 2 * r.stepMinutes) * 60 + Math.ceil(restored / r.copyItemsPerSecond);
  expect(m.recoverySeconds).toBe(expected);
  expect(m.declaredSeconds).toBe(120);
  expect(report.objectives).toEqual({ rtoSeconds: plan.objectives.rtoMinutes * 60, rpoSeconds: plan.objectives.rpoMinutes * 60 });
  expect(report.passed).toBe(true);
  // Items written between the recovery point and the damage stay damaged: that is the data lost.
  expect(m.itemsLost).toBeGreaterThan(0);
});

test('the real validator passes the copy of the point before the damage; nothing alarmed; customers saw the hand-off, then the right answer', () => {
  const m = report.measured;
  expect(m.attempts).toHaveLength(1);
  expect(m.attempts[0]).toMatchObject({ verdict: 'SUCCESSFUL', code: null });
  expect(m.attempts[0].message).toMatch(/sentinel .* intact/);
  expect(m.detectionSeconds).toEqual({ general: null, important: null, emergency: null });
  expect(timeline).toMatch(/real \/health of ap-southeast-1 after the damage: 200/);
  const answer = plan.knowledgeBase[0].texts['zh-Hant']!;
  const customers = timeline.split('## Customers')[1].split('## What the systems did')[0];
  expect(customers).toMatch(/\[hand-off: degraded\]/);
  // The last thing customers saw is the knowledge base's answer again.
  expect(customers.trim().split('\n').pop()).toContain(answer.answer);
  expect(timeline).toMatch(/d\. degraded flags lifted: real \/health 200; \/chat answers as before the damage/);
});

test('declared after the next snapshot: the newest point is damaged, the validator fails it, the older one restores; the RTO is missed', async () => {
  const late: RestoreScenario = { ...scenario, name: 'data-corruption-late', detection: { ...scenario.detection, afterMinutes: 24 * 60 } };
  const r = (await runAnyTabletop({ assembly, scenario: late })).report as RestoreReport;
  expect(r.measured.attempts.map((a) => [a.recoveryPointCreated, a.verdict, a.code])).toEqual([
    ['2026-01-06T03:00:00.000Z', 'FAILED', 'KNOWLEDGE_BASE_CORRUPT'],
    ['2026-01-05T03:00:00.000Z', 'SUCCESSFUL', null],
  ]);
  expect(r.measured.dataLossSeconds).toBe(600);
  expect(r.passed).toBe(false);
  expect(r.failures).toEqual([expect.stringMatching(/^recovery \(damage → correct answers again\): \d+ s, objective RTO 900 s$/)]);
});

test('a plan with a tighter RPO than the schedule gives: objective missed, exit 1', async () => {
  const dir = path.join(out, 'tight');
  fs.cpSync(assembly.dir, dir, { recursive: true });
  const sidecar = JSON.parse(fs.readFileSync(path.join(dir, DRILL_SIDECAR), 'utf8'));
  sidecar.objectives.rpoMinutes = 5;
  fs.writeFileSync(path.join(dir, DRILL_SIDECAR), JSON.stringify(sidecar));
  const run = await runCli(['drill', 'tabletop', '--scenario', 'data-corruption', '--assembly', dir]);
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/missed: data loss \(damage − recovery point\): 600 s, objective RPO 300 s/);
});
