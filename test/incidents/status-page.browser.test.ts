import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { AddressInfo } from 'net';
import { chromium, BrowserContext, Page } from 'playwright-core';
import { foldIncidents } from '../../lambdas/incidents/state';
import { buildStatusDocument, StatusDocument } from '../../lambdas/incidents/status';
import type { IncidentEvent, ResponseLevel } from '../../lambdas/incidents/model';
import { incidentTemplates, renderStatusSite, statusPageTexts } from '../../lib/incidents';
import { STRICT_CSP } from '../../lib/site';
import { loadedPlan } from '../helpers/plan';

// The status page in Debian's chromium, served from 127.0.0.1 with the same Content-Security-Policy
// CloudFront adds: every state in both languages, and with status.json missing. Screenshots go to
// test-artifacts/status-page/.
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'status-page');
const { plan } = loadedPlan();
const templates = incidentTemplates(plan);
const site = renderStatusSite(statusPageTexts(plan), plan.timeZone);

let status: StatusDocument | undefined;
let server: http.Server;
let base: string;
let context: BrowserContext;
const cspViolations: string[] = [];

const MIN = 60_000;
const now = new Date();
const at = (m: number) => new Date(now.getTime() + m * MIN).toISOString();
const alarm = (m: number, state: 'ALARM' | 'OK', level: ResponseLevel): IncidentEvent => ({ kind: 'alarm', id: `a${m}${state}`, time: at(m), alarm: `chat-${level}`, region: 'ap-southeast-1', level, state });
const doc = (events: IncidentEvent[]) => buildStatusDocument(foldIncidents(events, { confirmationMs: 15 * MIN, now: at(0), templates }), { now: at(0), historyLength: 5, templates });
const ETA = at(120);

const STATES: Record<'operational' | 'degraded' | 'outage', () => StatusDocument> = {
  operational: () => doc([alarm(-300, 'ALARM', 'severe'), alarm(-280, 'OK', 'severe')]),
  degraded: () =>
    doc([
      alarm(-20, 'ALARM', 'severe'),
      { kind: 'update', id: 'u1', time: at(-10), status: 'identified', message: { 'zh-Hant': '已確定原因:新加坡區域網絡故障', en: 'Identified: network fault in the Singapore region' }, eta: ETA },
    ]),
  outage: () =>
    doc([
      alarm(-30, 'ALARM', 'emergency'),
      { kind: 'update', id: 'u1', time: at(-5), status: 'identified', message: { 'zh-Hant': '正在切換至備用區域', en: 'Switching to the standby region' }, eta: ETA, components: { agents: 'degraded' } },
    ]),
};

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the status-page browser tests need Debian's chromium. Run \`bash scripts/ensure-chromium.sh\` (as root it installs it with apt-get).`);
  }
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
    if (name === 'status.json') {
      if (!status) {
        res.writeHead(403, headers).end('<Error><Code>AccessDenied</Code></Error>'); // what S3 behind OAC answers
        return;
      }
      res.writeHead(200, { ...headers, 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(status));
      return;
    }
    const body = site[name];
    if (body === undefined) {
      res.writeHead(404, headers).end();
      return;
    }
    const type = name.endsWith('.html') ? 'text/html' : name.endsWith('.js') ? 'text/javascript' : 'text/css';
    res.writeHead(200, { ...headers, 'content-type': `${type}; charset=utf-8` }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 900, height: 1100 },
    timezoneId: 'UTC',
  });
});

afterAll(async () => {
  await context?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

async function open(lang: 'zh-Hant' | 'en', shot: string): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // CSP refusals and script errors show up as console errors ("Refused to execute inline script…").
  page.on('console', (m) => m.type() === 'error' && !/status\.json|403/.test(m.text()) && errors.push(m.text()));
  await page.goto(`${base}/?lang=${lang}`);
  await page.waitForFunction(() => document.body.dataset.status && document.body.dataset.status !== 'loading');
  await page.screenshot({ path: path.join(ARTIFACTS, `${shot}-${lang}.png`), fullPage: true });
  expect(errors).toEqual([]);
  return page;
}

const L = {
  'zh-Hant': { overall: { operational: '所有服務運作正常', degraded: '部分服務受影響', outage: '服務中斷' }, state: { operational: '正常運作', degraded: '部分受影響', outage: '服務中斷' }, eta: '預計恢復時間', unavailable: '狀態資料暫時無法載入' },
  en: { overall: { operational: 'All systems operational', degraded: 'Some services are affected', outage: 'Service outage' }, state: { operational: 'Operational', degraded: 'Degraded', outage: 'Outage' }, eta: 'Expected recovery', unavailable: 'Status information cannot be loaded right now' },
};

describe.each(['zh-Hant', 'en'] as const)('status page in %s', (lang) => {
  test.each(['operational', 'degraded', 'outage'] as const)('%s', async (state) => {
    status = STATES[state]();
    const page = await open(lang, state);
    expect(await page.getAttribute('body', 'data-status')).toBe(state);
    expect(await page.textContent('#overall')).toBe(L[lang].overall[state]);
    expect(await page.textContent('[data-component="chatbot"] .state')).toBe(L[lang].state[status.components[0].state]);
    expect(await page.textContent('[data-component="agents"] .state')).toBe(L[lang].state[status.components[1].state]);
    expect(await page.isVisible(`#title [data-l="${lang}"]`)).toBe(true);
    expect(await page.isVisible(`#title [data-l="${lang === 'zh-Hant' ? 'en' : 'zh-Hant'}"]`)).toBe(false);
    if (state === 'operational') {
      expect(await page.isHidden('#current')).toBe(true);
      expect(await page.textContent('#history')).toContain(plan.incidents.templates.severe.title[lang]);
    } else {
      const current = (await page.textContent('#current'))!;
      expect(current).toContain(status.current!.title[lang]);
      expect(await page.textContent('#eta')).toContain(L[lang].eta);
      expect(await page.textContent('#eta')).toContain('(Asia/Hong_Kong)');
      expect(current).toContain(status.current!.updates[0].message[lang]);
      // the automatic first update renders the level template with the contacts
      expect(current).toContain(plan.handoff.phone);
    }
    await page.close();
  });

  test('status.json missing: the page says so and the contacts stay readable', async () => {
    status = undefined;
    const page = await open(lang, 'missing-json');
    expect(await page.getAttribute('body', 'data-status')).toBe('unavailable');
    expect(await page.textContent('#overall')).toContain(L[lang].unavailable);
    expect(await page.isVisible('#contact')).toBe(true);
    expect(await page.textContent('#contact')).toContain(plan.handoff.phone);
    expect(await page.isVisible(`#contact [data-l="${lang}"]`)).toBe(true);
    await page.close();
  });
});

test('the language buttons switch the whole page', async () => {
  status = STATES.outage();
  const page = await open('zh-Hant', 'switch-before');
  await page.click('nav button[data-lang="en"]');
  expect(await page.textContent('#overall')).toBe(L.en.overall.outage);
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  expect(page.url()).toContain('lang=en');
  await page.close();
});

test('no Content-Security-Policy violations (no inline script or style)', () => {
  expect(cspViolations).toEqual([]);
});
