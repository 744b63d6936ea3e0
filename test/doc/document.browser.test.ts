import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, Browser } from 'playwright-core';
import { parsePlan, Plan } from '../../lib/config';
import { readAssembly, StackTemplate } from '../../lib/assembly/templates';
import { contactVolumes, planSecrets } from '../../lib/cost/plan-inputs';
import { costReport } from '../../lib/cost/report';
import { DocModel, EvidenceError, modelFromAssembly, readEvidence } from '../../lib/doc/model';
import { synthesizeAssembly } from '../../lib/doc/synthesize';
import { DOC_WORDS } from '../../lib/doc/words';
import { renderDocument, writeDocument } from '../../lib/doc/write';
import { threeLanguagePlanInput } from '../fixtures/three-languages';

/**
 * The plan document from a changed plan (threshold and failover settings changed, three languages:
 * zh-Hant, en and ja with Japanese plan texts): the values come from the synthesized assembly,
 * every language is written, the HTML renders in chromium and the PDF is printed. One synth.
 */
const ROOT = path.join(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'plan-doc');
const committed = (lang: string) => fs.readFileSync(path.join(ROOT, 'docs', 'plan', `plan.${lang}.md`), 'utf8');

let model: DocModel;
let plan: Plan;
let templates: StackTemplate[];
let out: string;
let browser: Browser;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run "bash scripts/ensure-chromium.sh" as root, then rerun the tests`);
  const input = threeLanguagePlanInput();
  input.thresholds.apiLatencyP99Ms.general = 1700;
  input.failover.failureThreshold = 2;
  // Slow health checks: each drops its fast-interval option (a cost change the §5.4 figures must show).
  input.failover.requestIntervalSeconds = 30;
  plan = parsePlan(input, 'changed plan');
  const assembly = synthesizeAssembly({ plan, source: 'changed plan', dir: path.join(ROOT, 'plans') });
  model = modelFromAssembly(assembly);
  templates = readAssembly(assembly.directory);
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-doc-'));
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  // One synth of the four stacks plus a browser start: allow for a shared, busy two-core machine.
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (out) fs.rmSync(out, { recursive: true, force: true });
});

const row = (md: string, title: string) => md.split('\n').find((l) => l.includes(`| ${title} |`)) ?? '';

test('a changed threshold changes the document in every plan language (the example stays at its own value)', () => {
  for (const lang of ['zh-Hant', 'en']) expect(row(committed(lang), 'API p99 latency')).toMatch(/\| ≥ 1500 ms \| ≥ 3000 ms \| ≥ 6000 ms \|/);
  for (const lang of ['zh-Hant', 'en', 'ja']) {
    const md = renderDocument(model, lang).markdown;
    expect([lang, row(md, 'API p99 latency')]).toEqual([lang, expect.stringMatching(/\| ≥ 1700 ms \| ≥ 3000 ms \| ≥ 6000 ms \|/)]);
  }
});

test('failover timings are read from the synthesized health checks and records', () => {
  // 30 s × 2 + 6 s probe timeout + 20 s TTL = 86 s (the example plan: 10 s × 3 + 6 + 20 = 56 s).
  expect(model.failover.map((h) => [h.from, h.to, h.hopSeconds])).toEqual([
    ['primary', 'standby', 86],
    ['standby', 'fallback', 86],
  ]);
  expect(renderDocument(model, 'en').markdown).toContain('| primary → standby (chat.acme-example.com) | 86 | 86 | 30 s × 2 + TTL 20 s | within RTO (900 s) |');
  expect(row(committed('en'), 'primary → standby (chat.acme-example.com)')).toContain('| 56 |');
});

describe('§5.4 cost: the cost report of the synthesized templates, in every plan language', () => {
  const section = (md: string, title: string) => md.slice(md.indexOf(`### ${title}`), md.indexOf('## ', md.indexOf(`### ${title}`) + 4));

  test('the figures are the cost report (lib/cost) of the templates synthesized for the plan, by region and item', () => {
    // Computed here independently: the assembly's templates read from disk, the plan's contacts and secrets.
    const report = costReport(templates, { contacts: contactVolumes(plan), external: { secrets: planSecrets(plan) } });
    expect(report.fixed.totalUsd).toBeGreaterThan(0);
    for (const lang of ['zh-Hant', 'en', 'ja']) {
      const w = lang === 'zh-Hant' ? DOC_WORDS['zh-Hant'] : DOC_WORDS.en;
      const md = section(renderDocument(model, lang).markdown, w.costTitle);
      for (const [region, usd] of Object.entries(report.fixed.byRegion)) expect([lang, md]).toEqual([lang, expect.stringContaining(`| ${region} | ${w.costSubtotal} |  |  |  | $${usd.toFixed(2)} |`)]);
      expect(md).toContain(`| ${w.costTotal} |  |  |  |  | $${report.fixed.totalUsd.toFixed(2)} |`);
      expect(md).toContain(report.prices.date);
      for (const d of report.usage) expect(md).toContain(`| ${d.name} | ${d.per} | $`);
    }
    expect(section(renderDocument(model, 'zh-Hant').markdown, DOC_WORDS['zh-Hant'].costTitle)).toContain('| us-east-1 | Route 53 健康檢查選項(AWS 端點) |');
  });

  test('a plan change that changes the cost changes the figures (health checks at 30 s lose the fast-interval option)', () => {
    const example = section(committed('en'), DOC_WORDS.en.costTitle);
    const changed = section(renderDocument(model, 'en').markdown, DOC_WORDS.en.costTitle);
    // Example: 2 execute-api checks × (HTTPS, 10 s interval) × $1.00; the public-name check × 2 × $2.00.
    expect(example).toContain('| us-east-1 | Route 53 health-check options, AWS endpoint | 2 | 4 | $1.00 | $4.00 |');
    expect(example).toContain('| us-east-1 | Route 53 health-check options, non-AWS endpoint | 1 | 2 | $2.00 | $4.00 |');
    // Changed: 1 option each (no fast interval): 2 × 1 × $1.00 and 1 × 1 × $2.00, $4.00 a month less in us-east-1.
    expect(changed).toContain('| us-east-1 | Route 53 health-check options, AWS endpoint | 2 | 2 | $1.00 | $2.00 |');
    expect(changed).toContain('| us-east-1 | Route 53 health-check options, non-AWS endpoint | 1 | 1 | $2.00 | $2.00 |');
    const subtotal = (md: string) => Number(/\| us-east-1 \| Subtotal \|  \|  \|  \| \$([\d.]+) \|/.exec(md)![1]);
    expect(subtotal(example) - subtotal(changed)).toBeCloseTo(4, 6);
  });
});

test('each language has the ten chapters in its own words and the plan\'s texts in that language', () => {
  const zh = renderDocument(model, 'zh-Hant').markdown;
  expect(zh.match(/^## .*/gm)).toEqual(['ch1', 'ch2', 'ch3', 'ch4', 'ch5', 'ch6', 'ch7', 'ch8', 'ch9', 'ch10'].map((k) => `## ${DOC_WORDS['zh-Hant'][k as 'ch1']}`));
  const ja = renderDocument(model, 'ja').markdown;
  expect(ja).toContain('プライマリリージョンの障害'); // risk title, ja
  expect(ja).toContain('運用当番'); // organisation members, ja
  expect(ja).toContain('## Chapter 3 Risk assessment and prevention'); // no built-in ja document words: English headings
  expect(renderDocument(model, 'en').markdown).toContain('| region-outage: Primary region fails | technical | 2 | 5 | 10 | endpoint-health (3 × Important warning/Emergency warning) | DNS failover |');
});

test('the built-in Simplified document words are Simplified Chinese', () => {
  expect(DOC_WORDS['zh-Hans'].ch3).toBe('第三章 风险评估与预防');
  expect(DOC_WORDS['zh-Hans'].ch1).not.toBe(DOC_WORDS['zh-Hant'].ch1);
});

test('written as Markdown, HTML and PDF in every language; the HTML renders in chromium and the PDF has pages', async () => {
  const written = await writeDocument(model, out, { pdf: true, chromium: CHROMIUM });
  expect(written.files.map((f) => path.basename(f)).sort()).toEqual(['en', 'ja', 'zh-Hant'].flatMap((l) => [`plan.${l}.html`, `plan.${l}.md`, `plan.${l}.pdf`]).sort());
  expect(written.englishWordsFor).toEqual(['ja']);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const page = await browser.newPage();
  for (const lang of ['zh-Hant', 'en', 'ja']) {
    const pdf = fs.readFileSync(path.join(out, `plan.${lang}.pdf`));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length;
    expect([lang, pages]).toEqual([lang, expect.any(Number)]);
    expect(pages).toBeGreaterThanOrEqual(5);
    await page.goto(`file://${path.join(out, `plan.${lang}.html`)}`);
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    expect(await page.locator('h2').count()).toBe(10);
    const cells = await page.locator('table.matrix td').allTextContents();
    expect(cells.join(' ')).toContain('region-outage');
    expect(await page.locator('td', { hasText: '≥ 1700 ms' }).count()).toBeGreaterThan(0);
    expect(await page.locator('td', { hasText: `$${model.cost.fixed.totalUsd.toFixed(2)}` }).count()).toBeGreaterThan(0);
    // The whole document once (English); the first screen of the others (screenshots are slow on a busy machine).
    await page.screenshot({ path: path.join(ARTIFACTS, `plan.${lang}.png`), fullPage: lang === 'en' });
  }
});

describe('evidence: chapters 6 and 9 show measured against objective', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-'));
  const drill = (scenario: string, recoverySeconds: number, live: boolean) => ({
    scenario,
    objectives: { rtoSeconds: 900 },
    measured: { detectionSeconds: { general: null, important: 70, emergency: 95 }, failoverSeconds: recoverySeconds - 10, fallbackSeconds: null, firstPageSeconds: 72, customerNoticeSeconds: null, incidentOpenSeconds: 80, recoverySeconds },
    passed: recoverySeconds <= 900,
    failures: recoverySeconds <= 900 ? [] : [`recovery ${recoverySeconds} s > RTO 900 s`],
    ...(live ? { live: { kind: 'dns-switch', phase: 'done', startedAt: '2026-11-01T02:00:00Z', injectedAt: '2026-11-01T02:01:00Z', finishedAt: '2026-11-01T02:30:00Z', timeBackSeconds: 300, abort: null } } : {}),
  });
  fs.mkdirSync(path.join(dir, 'drills'));
  fs.writeFileSync(path.join(dir, 'drills', 'tabletop.json'), JSON.stringify(drill('primary region fails', 101, false)));
  fs.writeFileSync(path.join(dir, 'drills', 'live.json'), JSON.stringify(drill('dns-switch: primary fails', 1020, true)));
  fs.writeFileSync(
    path.join(dir, 'restore-jobs.json'),
    JSON.stringify({
      RestoreJobs: [
        { RestoreJobId: 'job-1', Status: 'COMPLETED', ValidationStatus: 'SUCCESSFUL', CreationDate: '2026-11-02T05:00:00Z', CompletionDate: '2026-11-02T05:07:30Z' },
        { RestoreJobId: 'job-2', Status: 'COMPLETED', ValidationStatus: 'FAILED', CreationDate: '2026-11-09T05:00:00Z', CompletionDate: '2026-11-09T05:06:00Z' },
      ],
    }),
  );

  test('drill reports and restore jobs are read and judged against the objectives', () => {
    const md = renderDocument({ ...model, evidence: readEvidence(dir) }, 'en').markdown;
    expect(md).toContain('| primary region fails (drills/tabletop.json) | tabletop | RTO ≤ 900 s | 101 s | 91 s | Emergency warning 95 s<br>Important warning 70 s | met |');
    expect(md).toContain('| dns-switch: primary fails (drills/live.json) | live | RTO ≤ 900 s | 1020 s | 1010 s |');
    expect(row(md, 'dns-switch: primary fails (drills/live.json)')).toMatch(/\| missed: recovery 1020 s > RTO 900 s \|$/);
    expect(md).toContain('| job-1 (restore-jobs.json) | Restore time ≤ 900 s | 450 s | COMPLETED / SUCCESSFUL | met |');
    expect(md).toContain('| job-2 (restore-jobs.json) | Restore time ≤ 900 s | 360 s | COMPLETED / FAILED | missed |');
    expect(renderDocument(model, 'en').markdown).not.toContain('job-1');
  });

  test('a file that is neither is an error naming the file and what to give', () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-bad-'));
    fs.writeFileSync(path.join(bad, 'notes.json'), '{"hello": 1}');
    expect(() => readEvidence(bad)).toThrow(EvidenceError);
    expect(() => readEvidence(bad)).toThrow(/^--evidence notes\.json: neither a drill report \(objectives\.rtoSeconds, measured, passed\) nor AWS Backup restore jobs/);
    fs.writeFileSync(path.join(bad, 'notes.json'), '{oops');
    expect(() => readEvidence(bad)).toThrow(/--evidence notes\.json: not valid JSON/);
    expect(() => readEvidence(path.join(bad, 'missing'))).toThrow(/not a folder/);
  });
});
