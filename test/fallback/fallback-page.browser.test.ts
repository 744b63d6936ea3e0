/**
 * Real browser: Debian's chromium (scripts/ensure-chromium.sh) driven by playwright-core opens the
 * generated fallback page from a local server that sends the same Content-Security-Policy as
 * CloudFront. Never skipped: without chromium it fails and says how to install it.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { BrowserContext, chromium } from 'playwright-core';
import { FALLBACK_CONTENT_SECURITY_POLICY, HANDOFF_DOCUMENT_PATH, renderFallbackSite } from '../../lib/fallback';
import { loadedPlan } from '../helpers/plan';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', json: 'application/json', css: 'text/css', svg: 'image/svg+xml' };

const plan = loadedPlan().plan;
const files = renderFallbackSite({ languages: plan.languages, words: plan.words, ...plan.handoff, title: plan.title!, notice: plan.failover.fallbackNotice! });

let server: http.Server;
let base: string;
let context: BrowserContext;
let userDataDir: string;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: run "bash scripts/ensure-chromium.sh" as root, or "sudo apt-get install -y chromium", then rerun the tests`);
  }
  server = http.createServer((req, res) => {
    const key = (req.url ?? '/').split('?')[0].replace(/^\//, '') || 'index.html';
    const body = files[key];
    const headers = { 'Content-Security-Policy': FALLBACK_CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'DENY' };
    if (body === undefined) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[key.split('.').pop()!] ?? 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await context?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

test('the fallback page shows the agents\' contacts in Chinese and English, loads cleanly, and serves the hand-off document', async () => {
  const page = await context.newPage();
  const failed: string[] = [];
  const consoleErrors: string[] = [];
  page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => r.status() >= 400 && failed.push(`${r.url()} HTTP ${r.status()}`));
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));

  const response = await page.goto(`${base}/`, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);

  for (const [lang, langAttr] of [['zh-Hant', 'zh-Hant'], ['en', 'en']] as const) {
    const section = page.locator(`section#contacts-${lang}`);
    expect(await section.getAttribute('lang')).toBe(langAttr);
    expect(await section.locator('h2').isVisible()).toBe(true);
    expect(await section.locator('h2').textContent()).toBe(plan.handoff.teamName[lang]);
    expect(await section.locator('a.phone').isVisible()).toBe(true);
    expect(await section.locator('a.phone').textContent()).toBe(plan.handoff.phone);
    expect(await section.locator('a.chat').getAttribute('href')).toBe(plan.handoff.chatUrl);
    expect(await section.locator('a.chat').isVisible()).toBe(true);
    expect(await section.locator('a.email').textContent()).toBe(plan.handoff.email);
    expect(await section.locator('.hours').isVisible()).toBe(true);
    expect(await section.locator('.hours').textContent()).toBe(plan.handoff.hours[lang]);
  }
  // The stylesheet applied under the CSP (no inline styles): sections get their border.
  expect(await page.locator('section#contacts-en').evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe('solid');

  // What a chat widget on this origin does when the bot fails: read the hand-off document.
  const doc = await page.evaluate(async (p) => (await fetch(p)).json(), HANDOFF_DOCUMENT_PATH);
  expect(doc).toMatchObject({ mode: 'human', phone: plan.handoff.phone, chatUrl: plan.handoff.chatUrl });

  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const shot = path.join(ARTIFACTS, 'fallback-page.png');
  await page.screenshot({ path: shot, fullPage: true });
  expect(fs.statSync(shot).size).toBeGreaterThan(1000);

  expect(failed).toEqual([]);
  expect(consoleErrors).toEqual([]);
});
