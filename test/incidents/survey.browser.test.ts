import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { AddressInfo } from 'net';
import { chromium, BrowserContext, Page } from 'playwright-core';
import { foldIncidents } from '../../lambdas/incidents/state';
import { buildStatusDocument, StatusDocument } from '../../lambdas/incidents/status';
import type { IncidentEvent } from '../../lambdas/incidents/model';
import { incidentTemplates, renderStatusSite, statusPageTexts } from '../../lib/incidents';
import { STRICT_CSP } from '../../lib/site';
import { loadedPlan } from '../helpers/plan';
import { seriousViolations } from '../helpers/axe';

// The satisfaction survey (§10.2) in Debian's chromium under the status site's strict CSP: the
// status page links the survey from a resolved incident, the survey page is used with the
// keyboard only, and its answers reach /api/survey/<id> on the same origin (a stand-in API here
// answers as the survey function does; the function itself is tested against moto). Both plan
// languages; axe-core finds no serious or critical violation. Screenshots: test-artifacts/survey/.
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'survey');
const { plan } = loadedPlan();
const LANGS = plan.languages as readonly string[];
const MIN = 60_000;
const now = Date.now();
const at = (m: number) => new Date(now + m * MIN).toISOString();
const events: IncidentEvent[] = [
  { kind: 'alarm', id: 'a1', time: at(-120), alarm: 'chat-emergency', region: 'ap-southeast-1', level: 'emergency', state: 'ALARM' },
  { kind: 'alarm', id: 'a2', time: at(-80), alarm: 'chat-emergency', region: 'ap-southeast-1', level: 'emergency', state: 'OK' },
];
const templates = incidentTemplates(plan);
const incidents = foldIncidents(events, { confirmationMs: 15 * MIN, now: at(0), templates });
const status: StatusDocument = buildStatusDocument(incidents, { now: at(0), historyLength: 5, templates });
const INCIDENT = status.history[0].id;
const site = renderStatusSite(statusPageTexts(plan), plan.timeZone);

let server: http.Server;
let base: string;
let context: BrowserContext;
const cspViolations: string[] = [];
const posted: { path: string; contentType: string; body: any }[] = [];
/** What the stand-in API answers next. */
let nextAnswer: { status: number; outcome: string } = { status: 201, outcome: 'recorded' };

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`bash scripts/ensure-chromium.sh\` (as root it installs Debian's chromium).`);
  expect(incidents[0].phase).toBe('closed');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  server = http.createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\//, '') || 'index.html';
    const headers = { 'content-security-policy': `${STRICT_CSP}; report-uri /csp-report`, 'x-content-type-options': 'nosniff' };
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (name === 'csp-report') cspViolations.push(body);
        else if (name.startsWith('api/survey/')) {
          posted.push({ path: name, contentType: String(req.headers['content-type']), body: JSON.parse(body) });
          return void res.writeHead(nextAnswer.status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify({ outcome: nextAnswer.outcome }));
        }
        res.end();
      });
      return;
    }
    if (name === 'status.json') return void res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(status));
    const body = site[name];
    if (body === undefined) return void res.writeHead(404, headers).end();
    const type = name.endsWith('.html') ? 'text/html' : name.endsWith('.js') ? 'text/javascript' : 'text/css';
    res.writeHead(200, { ...headers, 'content-type': `${type}; charset=utf-8` }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 900, height: 1000 },
    timezoneId: 'UTC',
  });
});

afterAll(async () => {
  await context?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

async function openPage(url: string, shot: string): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  (page as any).errors = errors;
  await page.goto(`${base}/${url}`);
  await page.screenshot({ path: path.join(ARTIFACTS, `${shot}.png`), fullPage: true });
  return page;
}

describe.each(LANGS)('%s', (lang) => {
  const w = plan.words[lang];

  test('the status page links the survey from the resolved incident, in the reader\'s language', async () => {
    const page = await context.newPage();
    await page.goto(`${base}/?lang=${lang}`);
    await page.waitForFunction(() => document.body.dataset.status === 'operational');
    await page.screenshot({ path: path.join(ARTIFACTS, `status-with-survey-link-${lang}.png`), fullPage: true });
    const link = page.locator(`[id="${INCIDENT}"] a.survey-link`);
    expect(await link.textContent()).toBe(w['survey.link']);
    expect(await link.getAttribute('href')).toBe(`survey.html?incident=${encodeURIComponent(INCIDENT)}&lang=${lang}`);
    expect(await seriousViolations(page)).toEqual([]);
    await link.click();
    await page.waitForURL(/survey\.html/);
    expect(await page.textContent('#incident-id')).toBe(INCIDENT);
    await page.close();
  });

  test('keyboard only: choose a rating with the arrow keys, type a comment, send; the answer reaches the API on the same origin', async () => {
    posted.length = 0;
    nextAnswer = { status: 201, outcome: 'recorded' };
    const page = await openPage(`survey.html?incident=${encodeURIComponent(INCIDENT)}&lang=${lang}`, `survey-form-${lang}`);
    expect(await page.title()).toBe(w['survey.title']);
    expect(await page.isVisible(`#privacy [data-l="${lang}"]`)).toBe(true);
    expect(await page.textContent(`#privacy [data-l="${lang}"]`)).toBe(w['survey.privacy']);
    // No field asks for a name or an address.
    expect(await page.locator('input[type=email], input[type=text], input[name*=name i], input[name*=mail i]').count()).toBe(0);
    expect(await page.getAttribute('#comment', 'maxlength')).toBe(String(plan.incidents.statusPage.survey.commentMaxLength));
    expect(await seriousViolations(page)).toEqual([]);
    // Tab order: language buttons, then the rating group.
    await page.locator('#rating-1').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await page.isChecked('#rating-4')).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('comment');
    await page.keyboard.type('Quick hand-off <b>thanks</b>');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('send');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('result')!.className === 'ok');
    expect(await page.textContent('#result')).toBe(w['survey.thanks']);
    expect(await page.getAttribute('#result', 'role')).toBe('status');
    expect(await page.isHidden('#survey')).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, `survey-thanks-${lang}.png`), fullPage: true });
    expect(posted).toEqual([{ path: `api/survey/${INCIDENT}`, contentType: 'application/json', body: { rating: 4, comment: 'Quick hand-off <b>thanks</b>', lang } }]);
    expect(await seriousViolations(page)).toEqual([]);
    expect((page as any).errors).toEqual([]);
    await page.close();
  });

  test('no rating chosen: says so, focuses the first rating, sends nothing', async () => {
    posted.length = 0;
    const page = await openPage(`survey.html?incident=${encodeURIComponent(INCIDENT)}&lang=${lang}`, `survey-missing-rating-${lang}`);
    await page.click('#send');
    expect(await page.textContent('#result')).toBe(w['survey.invalid']);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('rating-1');
    expect(posted).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, `survey-invalid-${lang}.png`), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  test('the API refuses (rate limited): the page says to try later and lets the reader send again', async () => {
    nextAnswer = { status: 429, outcome: 'limited' };
    const page = await openPage(`survey.html?incident=${encodeURIComponent(INCIDENT)}&lang=${lang}`, `survey-limited-${lang}`);
    await page.check('#rating-2');
    await page.click('#send');
    await page.waitForFunction(() => document.getElementById('result')!.className === 'problem');
    expect(await page.textContent('#result')).toBe(w['survey.limited']);
    expect(await page.isEnabled('#send')).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, `survey-limited-after-${lang}.png`), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  test('a link without a valid incident id shows that the survey is not open, and no form', async () => {
    const page = await openPage(`survey.html?incident=%3Cscript%3E&lang=${lang}`, `survey-no-incident-${lang}`);
    expect(await page.textContent('#result')).toBe(w['survey.closed']);
    expect(await page.isHidden('#survey')).toBe(true);
    expect(await page.textContent('#incident-id')).toBe('–');
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });
});

test('no Content-Security-Policy violations', () => {
  expect(cspViolations).toEqual([]);
});
