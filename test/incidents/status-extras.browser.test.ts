import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { AddressInfo } from 'net';
import { parseFeed } from '@rowanmanning/feed-parser';
import { chromium, BrowserContext, Page } from 'playwright-core';
import { foldIncidents } from '../../lambdas/incidents/state';
import { buildStatusDocument, StatusDocument } from '../../lambdas/incidents/status';
import { buildUptime } from '../../lambdas/incidents/uptime';
import { feedObjects } from '../../lambdas/incidents/store';
import type { IncidentEvent, ResponseLevel } from '../../lambdas/incidents/model';
import { incidentTemplates, renderStatusSite, statusPageTexts } from '../../lib/incidents';
import { STRICT_CSP } from '../../lib/site';
import { loadedPlan } from '../helpers/plan';
import { seriousViolations } from '../helpers/axe';

// What issue 15 adds to the status page, in Debian's chromium under the site's CSP: scheduled
// maintenance (ahead, running, an incident it caused), the 90-day uptime bars and the feed links,
// in both languages; axe-core finds no serious or critical violation in any state. Screenshots go
// to test-artifacts/status-page-extras/.
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'status-page-extras');
const MIN = 60_000;
const now = new Date();
const at = (m: number) => new Date(now.getTime() + m * MIN).toISOString();
const local = (m: number) => {
  // A wall-clock time in the plan's zone (Asia/Hong_Kong, UTC+8, no DST) for the plan's maintenance list.
  const d = new Date(now.getTime() + m * MIN + 8 * 3600_000);
  return d.toISOString().slice(0, 16);
};
/** Minutes from now to 10:00 in Hong Kong `days` days ago: an incident starting then stays within that day whatever the time of the run. */
const hkMorning = (days: number) => {
  const hkMidnight = Math.floor((now.getTime() + 8 * 3600_000) / 86_400_000) * 86_400_000 - 8 * 3600_000;
  return Math.round((hkMidnight - days * 86_400_000 + 10 * 3600_000 - now.getTime()) / MIN);
};
const WINDOW = (startMin: number, endMin: number) => ({
  id: 'db-upgrade',
  start: local(startMin),
  end: local(endMin),
  title: { 'zh-Hant': '資料庫升級', en: 'Database upgrade' },
  message: { 'zh-Hant': '智能客服或會短暫中斷,人工客服照常服務', en: 'The chat assistant may pause briefly; human agents stay available' },
  levels: ['severe', 'general'],
});
const alarm = (m: number, state: 'ALARM' | 'OK', level: ResponseLevel): IncidentEvent => ({ kind: 'alarm', id: `a${m}${state}`, time: at(m), alarm: `chat-${level}`, region: 'ap-southeast-1', level, state });

type Scenario = { plan: ReturnType<typeof loadedPlan>['plan']; events: IncidentEvent[] };
function build({ plan, events }: Scenario): { status: StatusDocument; feeds: Record<string, string> } {
  const templates = incidentTemplates(plan);
  const incidents = foldIncidents(events, { confirmationMs: 15 * MIN, now: at(0), templates });
  const uptime = buildUptime(incidents, events, { now: at(0), templates });
  const status = buildStatusDocument(incidents, { now: at(0), historyLength: 5, templates, maintenance: plan.maintenance, uptime });
  const feeds = Object.fromEntries(feedObjects(incidents, { planName: plan.name, templates }, at(0), plan.maintenance).map((f) => [f.key, f.body]));
  return { status, feeds };
}

const SCENARIOS = {
  // A window in two days: announced now.
  'maintenance-ahead': () => build({ plan: loadedPlan({ maintenance: [WINDOW(2 * 1440, 2 * 1440 + 120)] } as any).plan, events: [] }),
  // The window started 30 min ago; a severe incident opened in it 20 min ago.
  'maintenance-running': () => build({ plan: loadedPlan({ maintenance: [WINDOW(-30, 90)] } as any).plan, events: [alarm(-20, 'ALARM', 'severe')] }),
  // Three incidents over the last weeks: degraded and outage days on the bar.
  uptime: () =>
    build({
      plan: loadedPlan().plan,
      events: [alarm(hkMorning(20), 'ALARM', 'severe'), alarm(hkMorning(20) + 42, 'OK', 'severe'), alarm(hkMorning(5), 'ALARM', 'emergency'), alarm(hkMorning(5) + 95, 'OK', 'emergency')],
    }),
};

let current: { status: StatusDocument; feeds: Record<string, string> } | undefined;
let server: http.Server;
let base: string;
let context: BrowserContext;
const cspViolations: string[] = [];
const site = renderStatusSite(statusPageTexts(loadedPlan().plan), loadedPlan().plan.timeZone);

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`bash scripts/ensure-chromium.sh\` (as root it installs Debian's chromium).`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  server = http.createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\//, '') || 'index.html';
    if (req.method === 'POST' && name === 'csp-report') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        cspViolations.push(body);
        res.end();
      });
      return;
    }
    const headers = { 'content-security-policy': `${STRICT_CSP}; report-uri /csp-report`, 'x-content-type-options': 'nosniff' };
    if (name === 'status.json' && current) return void res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(current.status));
    if (current?.feeds[name]) return void res.writeHead(200, { ...headers, 'content-type': 'application/atom+xml; charset=utf-8' }).end(current.feeds[name]);
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
    viewport: { width: 900, height: 1100 },
    timezoneId: 'UTC',
  });
});

afterAll(async () => {
  await context?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

async function open(scenario: keyof typeof SCENARIOS, lang: 'zh-Hant' | 'en'): Promise<Page> {
  current = SCENARIOS[scenario]();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${base}/?lang=${lang}`);
  await page.waitForFunction(() => document.body.dataset.status && document.body.dataset.status !== 'loading');
  await page.screenshot({ path: path.join(ARTIFACTS, `${scenario}-${lang}.png`), fullPage: true });
  expect(errors).toEqual([]);
  expect(await seriousViolations(page)).toEqual([]);
  return page;
}

const W = {
  'zh-Hant': { maintenance: '已排定維護', active: '維護進行中', uptime: '過去 90 天的服務狀況', none: '沒有事件', affected: '受影響時間', degraded: '部分受影響', outage: '服務中斷' },
  en: { maintenance: 'Scheduled maintenance', active: 'Maintenance in progress', uptime: 'Service over the last 90 days', none: 'No incidents', affected: 'Affected time', degraded: 'Degraded', outage: 'Outage' },
};
const TITLE = { 'zh-Hant': '資料庫升級', en: 'Database upgrade' };

describe.each(['zh-Hant', 'en'] as const)('%s', (lang) => {
  test('maintenance announced ahead: its title, times and message; not marked as running', async () => {
    const page = await open('maintenance-ahead', lang);
    expect(await page.getAttribute('body', 'data-status')).toBe('operational');
    const box = (await page.textContent('#maintenance'))!;
    expect(box).toContain(W[lang].maintenance);
    expect(box).toContain(TITLE[lang]);
    expect(box).toContain(WINDOW(0, 0).message[lang]);
    expect(box).toContain('(Asia/Hong_Kong)');
    expect(box).not.toContain(W[lang].active);
    expect(await page.locator('.component .maint').count()).toBe(0);
    await page.close();
  });

  test('maintenance running: badge, the chatbot row says so, the incident it caused is marked', async () => {
    const page = await open('maintenance-running', lang);
    expect(await page.textContent('#maintenance .badge')).toBe(W[lang].active);
    expect(await page.textContent('[data-component="chatbot"] .maint')).toBe(`(${W[lang].active})`);
    expect(await page.locator('[data-component="agents"] .maint').count()).toBe(0);
    expect(await page.textContent('#current .maint-mark')).toBe(`${W[lang].maintenance}: ${TITLE[lang]}`);
    await page.close();
  });

  test('uptime: 90 bars per component, the impacted days in their state, the same days in text for screen readers', async () => {
    const page = await open('uptime', lang);
    expect(await page.textContent('#uptime h2')).toBe(W[lang].uptime);
    for (const id of ['chatbot', 'agents']) expect(await page.locator(`[data-uptime="${id}"] .bars li`).count()).toBe(90);
    expect(await page.locator('[data-uptime="chatbot"] .bars li.degraded').count()).toBe(1);
    expect(await page.locator('[data-uptime="chatbot"] .bars li.outage').count()).toBe(1);
    expect(await page.getAttribute('[data-uptime="chatbot"] .bars', 'aria-hidden')).toBe('true');
    const days = await page.locator('[data-uptime="chatbot"] .days li').allTextContents();
    expect(days).toHaveLength(2);
    expect(days[0]).toContain(`${W[lang].outage} · ${W[lang].affected} 95 min`);
    expect(days[1]).toContain(`${W[lang].degraded} · ${W[lang].affected} 42 min`);
    expect(await page.locator('[data-uptime="agents"] .days li').allTextContents()).toEqual([W[lang].none]);
    const pct = Number((await page.textContent('[data-uptime="chatbot"] .percent'))!.replace(' %', ''));
    expect(pct).toBeLessThan(100);
    expect(pct).toBeGreaterThan(99.8);
    await page.close();
  });

  test('the feed link in this language leads to a feed in this language', async () => {
    const page = await open('maintenance-running', lang);
    const href = await page.getAttribute(`#contact a[type="application/atom+xml"][data-l="${lang}"]`, 'href');
    expect(href).toBe(`feed.${lang}.xml`);
    expect(await page.isVisible(`#contact a[type="application/atom+xml"][data-l="${lang}"]`)).toBe(true);
    expect(await page.locator(`link[rel="alternate"][hreflang="${lang}"]`).getAttribute('href')).toBe(`feed.${lang}.xml`);
    const res = await page.request.get(`${base}/${href}`);
    const feed = parseFeed(await res.text());
    expect(feed.language).toBe(lang);
    expect(feed.items.map((i) => i.title)).toEqual(expect.arrayContaining([`${W[lang].maintenance}: ${TITLE[lang]}`]));
    await page.close();
  });
});

test('no Content-Security-Policy violations', () => {
  expect(cspViolations).toEqual([]);
});
