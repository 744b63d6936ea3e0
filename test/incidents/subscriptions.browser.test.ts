import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { AddressInfo } from 'net';
import { chromium, BrowserContext, Page } from 'playwright-core';
import { buildStatusDocument } from '../../lambdas/incidents/status';
import { incidentTemplates, renderStatusSite, statusPageTexts } from '../../lib/incidents';
import { STRICT_CSP } from '../../lib/site';
import { loadedPlanWith } from '../helpers/plan';
import { seriousViolations } from '../helpers/axe';

// The subscribe form on the status page and the confirm / unsubscribe pages the mails link to, in
// Debian's chromium under the site's strict CSP (violations reported back and asserted empty), in
// both plan languages, against a stand-in for the subscription API that answers as
// lambdas/subscriptions/api.ts does. axe-core finds no serious or critical violation. Screenshots
// go to test-artifacts/subscriptions/.
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'subscriptions');
const { plan } = loadedPlanWith((p) => {
  p.incidents = { ...(p.incidents ?? {}), statusPage: { ...(p.incidents?.statusPage ?? {}), subscriptions: { enabled: true, from: 'status@acme-example.com' } } };
});
const site = renderStatusSite(statusPageTexts(plan), plan.timeZone);
const now = new Date().toISOString();
const status = buildStatusDocument([], { now, historyLength: 5, templates: incidentTemplates(plan) });
const GOOD_TOKEN = 'A'.repeat(43);

let server: http.Server;
let base: string;
let context: BrowserContext;
const cspViolations: string[] = [];
const calls: { action: string; body: any; contentType: string }[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the browser tests need Debian's chromium. Run \`bash scripts/ensure-chromium.sh\`.`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  server = http.createServer((req, res): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    const name = url.pathname.replace(/^\//, '') || 'index.html';
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', (): void => {
      if (req.method === 'POST' && name === 'csp-report') {
        cspViolations.push(body);
        return void res.end();
      }
      const headers = { 'content-security-policy': `${STRICT_CSP}; report-uri /csp-report`, 'x-content-type-options': 'nosniff' };
      const api = /^api\/subscriptions\/(\w+)$/.exec(name);
      if (api && req.method === 'POST') {
        const parsed = JSON.parse(body || '{}');
        calls.push({ action: api[1], body: parsed, contentType: String(req.headers['content-type']) });
        const json = (code: number, b: unknown) => res.writeHead(code, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(b));
        if (api[1] === 'subscribe') parsed.email.startsWith('flood') ? json(429, { error: 'rate-limited', message: 'x' }) : json(202, { ok: true });
        else if (parsed.token === GOOD_TOKEN) json(200, { ok: true });
        else json(400, { error: 'invalid-token', message: 'x' });
        return;
      }
      if (name === 'status.json') return void res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(status));
      const file = site[name];
      if (file === undefined) return void res.writeHead(404, headers).end();
      const type = name.endsWith('.html') ? 'text/html' : name.endsWith('.js') ? 'text/javascript' : 'text/css';
      res.writeHead(200, { ...headers, 'content-type': `${type}; charset=utf-8` }).end(file);
    });
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
}, 60_000);

afterAll(async () => {
  await context?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});
beforeEach(() => {
  calls.length = 0;
});
afterEach(() => {
  expect(cspViolations).toEqual([]);
});

async function open(pathAndQuery: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && !/429|400/.test(m.text()) && errors.push(m.text()));
  await page.goto(`${base}/${pathAndQuery}`);
  return { page, errors };
}
const w = (lang: string) => plan.words[lang];
const statusText = (page: Page) => page.locator('#subscribe-status').innerText();

describe.each(['zh-Hant', 'en'])('subscribe form (%s)', (lang) => {
  test('labelled input and button in the reader language; a valid address is posted with the page language and the answer is announced', async () => {
    const { page, errors } = await open(`?lang=${lang}`);
    await page.waitForFunction(() => document.body.dataset.status === 'operational');
    const input = page.getByLabel(w(lang)['subscribe.label']);
    await expect(input.isVisible()).resolves.toBe(true);
    expect(await page.getByRole('button', { name: w(lang)['subscribe.button'] }).isVisible()).toBe(true);
    expect(await page.locator('#subscribe-status').getAttribute('aria-live')).toBe('polite');
    expect(await seriousViolations(page)).toEqual([]);
    await input.fill('reader@example.com');
    await page.keyboard.press('Enter');
    await page.waitForFunction((t) => document.getElementById('subscribe-status')!.textContent === t, w(lang)['subscribe.sent']);
    expect(calls).toEqual([{ action: 'subscribe', body: { email: 'reader@example.com', lang }, contentType: 'application/json' }]);
    expect(await input.inputValue()).toBe('');
    await page.screenshot({ path: path.join(ARTIFACTS, `form-sent-${lang}.png`), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('an invalid address is refused in the page without a request; a rate-limited one says so', async () => {
    const { page, errors } = await open(`?lang=${lang}`);
    const input = page.locator('#subscribe-email');
    await input.fill('not an address');
    await page.locator('#subscribe-form button').click();
    expect(await statusText(page)).toBe(w(lang)['subscribe.invalid']);
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(calls).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, `form-invalid-${lang}.png`), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    await input.fill('flood@example.com');
    await page.locator('#subscribe-form button').click();
    await page.waitForFunction((t) => document.getElementById('subscribe-status')!.textContent === t, w(lang)['subscribe.limited']);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe.each([
  ['confirm', 'subscribe.confirmButton', 'subscribe.confirmed'],
  ['unsubscribe', 'subscribe.unsubscribeButton', 'subscribe.unsubscribed'],
] as const)('%s page', (action, button, done) => {
  test.each(['zh-Hant', 'en'])('the button posts the link token; success is announced (%s)', async (lang) => {
    const { page, errors } = await open(`${action}.html?token=${GOOD_TOKEN}&lang=${lang}`);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: w(lang)[button] }).click();
    await page.waitForFunction((t) => document.getElementById('subscribe-status')!.textContent === t, w(lang)[done]);
    expect(calls).toEqual([{ action, body: { token: GOOD_TOKEN }, contentType: 'application/json' }]);
    await page.screenshot({ path: path.join(ARTIFACTS, `${action}-done-${lang}.png`), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a link without a well-formed token shows the bad-link text and no button; a refused token shows it after the click', async () => {
    const { page } = await open(`${action}.html?token=short&lang=en`);
    expect(await statusText(page)).toBe(w('en')['subscribe.badToken']);
    expect(await page.locator('#subscribe-action').isHidden()).toBe(true);
    await page.close();
    const { page: second } = await open(`${action}.html?token=${'B'.repeat(43)}&lang=en`);
    await second.locator('#subscribe-action').click();
    await second.waitForFunction((t) => document.getElementById('subscribe-status')!.textContent === t, w('en')['subscribe.badToken']);
    await second.close();
  });
});
