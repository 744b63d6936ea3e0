/**
 * Tabletop drills, failover group: the whole outage simulated from the synthesized example plan
 * (real handlers against a moto_server each run starts). Figures are checked against the failover
 * timing model and against the README, which scripts/tabletop-figures.ts writes from these runs.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium } from 'playwright-core';
import { DrillAssembly, loadAssembly, synthesizeForDrill } from '../../drill/assembly';
import { failoverRows } from '../../drill/figures';
import { RunOutcome, runTabletop } from '../../drill/runner';
import { loadScenario } from '../../drill/scenario';
import { EXAMPLE_PLAN_PATH } from '../../lib/config';

const SCENARIOS = path.join(__dirname, '..', '..', 'drill', 'scenarios');
const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const CHROMIUM = '/usr/bin/chromium';
const PROBE_INTERVAL = 10;

let assembly: DrillAssembly;
const runs: Record<string, RunOutcome> = {};
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tabletop-test-'));

async function run(name: string): Promise<RunOutcome> {
  runs[name] ??= await runTabletop({ assembly, scenario: loadScenario(path.join(SCENARIOS, `${name}.yaml`)), outDir: path.join(out, name) });
  return runs[name];
}

beforeAll(async () => {
  assembly = loadAssembly(await synthesizeForDrill(EXAMPLE_PLAN_PATH));
});

const notices = (r: RunOutcome) => r.result.timeline.filter((e) => e.kind === 'notice');
const pages = (r: RunOutcome, audience: string, level?: string) => r.result.timeline.filter((e) => e.kind === 'page' && e.audience === audience && (!level || e.level === level));

test('primary down: clients reach the standby within the modelled worst case (and within one probe interval of it)', async () => {
  const r = await run('primary-down');
  const m = r.report.measured;
  expect(r.report.objectives.failoverModelSeconds).toBe(56);
  expect(m.failoverSeconds).not.toBeNull();
  expect(m.failoverSeconds!).toBeLessThanOrEqual(56);
  expect(m.failoverSeconds!).toBeGreaterThan(56 - PROBE_INTERVAL);
  expect(m.fallbackSeconds).toBeNull();
  expect(r.report.passed).toBe(true);
  // The right people at the right level: on-call and customer service hear of the failed region (important).
  expect(pages(r, 'on-call', 'important').some((e) => /primary region fails its \/health check/.test(e.text ?? ''))).toBe(true);
  expect(pages(r, 'customer service', 'important').some((e) => /primary region fails its \/health check/.test(e.title))).toBe(true);
  // An ordinary failover is not an emergency: the public name is dark only while DNS moves, and its
  // alarm waits that out (response level SEVERE pages; neither the public-name alarm nor EMERGENCY does).
  const pageTitles = r.result.timeline.filter((e) => e.kind === 'page').map((e) => e.title);
  expect(pageTitles.some((t) => /Response level SEVERE/.test(t))).toBe(true);
  expect(pageTitles.filter((t) => /Response level EMERGENCY|public name .* is not served/.test(t))).toEqual([]);
  // Customers: one notice per incident update, never the same twice, and exactly one final "resolved".
  const n = notices(r);
  expect(n.length).toBeGreaterThan(0);
  expect(new Set(n.map((e) => `${e.title}\n${e.text}`)).size).toBe(n.length);
  expect(n.filter((e) => e.title.startsWith('[resolved]'))).toHaveLength(1);
  expect(n[n.length - 1].title).toMatch(/^\[resolved\]/);
  expect(m.recoverySeconds).not.toBeNull();
  // The readable timeline carries the text people received.
  const md = fs.readFileSync(path.join(out, 'primary-down', 'timeline.md'), 'utf8');
  expect(md).toMatch(/## On-call[\s\S]*> \[Important warning 重要預警\] The primary region fails its \/health check/);
  expect(md).toMatch(/## Customers[\s\S]*Acme 人工客服中心/);
  const report = JSON.parse(fs.readFileSync(path.join(out, 'primary-down', 'report.json'), 'utf8'));
  expect(Object.keys(report.measured)).toEqual(expect.arrayContaining(['detectionSeconds', 'failoverSeconds', 'fallbackSeconds', 'firstPageSeconds', 'customerNoticeSeconds', 'incidentOpenSeconds', 'recoverySeconds']));
  expect(report).toMatchObject({ scenario: 'primary-down', passed: true, failures: [] });
});

test('both regions down: clients reach the human-agent page within the modelled worst case; emergency pages management', async () => {
  const r = await run('both-down');
  const m = r.report.measured;
  expect(r.report.objectives.fallbackModelSeconds).toBe(56);
  expect(m.fallbackSeconds).not.toBeNull();
  expect(m.fallbackSeconds!).toBeLessThanOrEqual(56);
  expect(m.fallbackSeconds!).toBeGreaterThan(56 - PROBE_INTERVAL);
  expect(m.detectionSeconds.emergency).toBeLessThanOrEqual(120);
  expect(pages(r, 'management', 'emergency').some((e) => /customers cannot be served/.test(e.title))).toBe(true);
  expect(r.result.timeline.some((e) => e.kind === 'status' && /^status page: outage/.test(e.title))).toBe(true);
  expect(r.result.series.some((s) => s.fallback > 0 && s.primary === 0 && s.standby === 0)).toBe(true);
  expect(notices(r).filter((e) => e.title.startsWith('[resolved]'))).toHaveLength(1);
});

test('the README failover figures are the ones these runs observe', async () => {
  const rows = failoverRows((await run('primary-down')).report, (await run('both-down')).report);
  for (const row of rows) expect(README).toContain(row);
});

test('the timeline picture opens in chromium with every lane and a mark per alarm, page and notice', async () => {
  const r = await run('primary-down');
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run "bash scripts/ensure-chromium.sh" as root, then rerun the tests`);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`file://${path.join(out, 'primary-down', 'timeline.html')}`);
    await expect(page.locator('#verdict').textContent()).resolves.toBe('Every objective met.');
    const box = await page.locator('#timeline').boundingBox();
    expect(box!.width).toBeGreaterThan(900);
    expect(await page.locator('rect.lane-standby').count()).toBeGreaterThan(0);
    expect(await page.locator('circle.mark-alarms').count()).toBe(r.result.timeline.filter((e) => e.kind === 'alarm' && e.title.includes('→ ALARM')).length);
    expect(await page.locator('circle.mark-customers').count()).toBe(r.result.timeline.filter((e) => e.kind === 'notice' || e.kind === 'status').length);
    fs.mkdirSync(path.join(__dirname, '..', '..', 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'test-artifacts', 'tabletop-primary-down.png'), fullPage: true });
    expect(errors).toEqual([]);
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
});
