/**
 * Both customer pages in Debian's chromium for each language case: English only, zh-Hans + en, and
 * three languages (zh-Hant, en, ja; Japanese supplied by the plan). Served from 127.0.0.1 with the
 * Content-Security-Policy CloudFront adds. Screenshots go to test-artifacts/languages/.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { AddressInfo } from 'net';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { foldIncidents } from '../../lambdas/incidents/state';
import { buildStatusDocument, StatusDocument } from '../../lambdas/incidents/status';
import type { IncidentEvent } from '../../lambdas/incidents/model';
import { loadPlan, parsePlan, Plan } from '../../lib/config';
import { FALLBACK_CONTENT_SECURITY_POLICY, renderFallbackSite } from '../../lib/fallback';
import { incidentTemplates, renderStatusSite, statusPageTexts } from '../../lib/incidents';
import { STRICT_CSP } from '../../lib/site';
import { threeLanguagePlanInput } from '../fixtures/three-languages';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'languages');
const HAN = /\p{Script=Han}/u;
const MIN = 60_000;

const CASES: Record<string, Plan> = {
  'english-only': loadPlan('plans/examples/english-only.yaml').plan,
  'zh-hans-en': loadPlan('plans/examples/zh-hans-en.yaml').plan,
  'three-languages': parsePlan(threeLanguagePlanInput()),
};

/** Every file of both sites per case, and a degraded status document with one operator update in every language. */
const SITES: Record<string, { fallback: Record<string, string>; status: Record<string, string>; doc: StatusDocument }> = Object.fromEntries(
  Object.entries(CASES).map(([name, plan]) => {
    const templates = incidentTemplates(plan);
    const now = new Date();
    const at = (m: number) => new Date(now.getTime() + m * MIN).toISOString();
    const message = Object.fromEntries(plan.languages.map((l) => [l, `${plan.words[l]['status.identified']} (${l})`]));
    const events: IncidentEvent[] = [
      { kind: 'alarm', id: 'a1', time: at(-20), alarm: 'chat-severe', region: plan.regions.primary, level: 'severe', state: 'ALARM' },
      { kind: 'update', id: 'u1', time: at(-10), status: 'identified', message, eta: at(90) },
    ];
    const doc = buildStatusDocument(foldIncidents(events, { confirmationMs: 15 * MIN, now: at(0), templates }), { now: at(0), historyLength: 5, templates });
    return [
      name,
      {
        fallback: renderFallbackSite({ languages: plan.languages, words: plan.words, ...plan.handoff, ...(plan.title ? { title: plan.title } : {}), ...(plan.failover.fallbackNotice ? { notice: plan.failover.fallbackNotice } : {}) }),
        status: renderStatusSite(statusPageTexts(plan), plan.timeZone),
        doc,
      },
    ];
  }),
);

let server: http.Server;
let base: string;
let context: BrowserContext;
let userDataDir: string;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run "bash scripts/ensure-chromium.sh" (as root it installs chromium with apt-get), then rerun the tests`);
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  // /<case>/fallback/<file> and /<case>/status/<file>
  server = http.createServer((req, res) => {
    // The fallback page links its stylesheet and icon from the site root: those go to the case the page (Referer) is from.
    const fromRoot = /^\/(fallback\.css|favicon\.svg)$/.exec(req.url ?? '');
    const url = fromRoot ? `${new URL(req.headers.referer ?? 'http://x/').pathname.replace(/[^/]*$/, '')}${fromRoot[1]}` : (req.url ?? '');
    const [, name, site, file] = /^\/([^/]+)\/(fallback|status)\/([^?]*)/.exec(url) ?? [];
    const s = SITES[name];
    const key = file || 'index.html';
    const csp = site === 'fallback' ? FALLBACK_CONTENT_SECURITY_POLICY : STRICT_CSP;
    const headers = { 'content-security-policy': csp, 'x-content-type-options': 'nosniff' };
    const body = !s ? undefined : site === 'status' && key === 'status.json' ? JSON.stringify(s.doc) : (site === 'fallback' ? s.fallback : s.status)[key];
    if (body === undefined) {
      res.writeHead(404, headers).end();
      return;
    }
    const type = key.endsWith('.html') ? 'text/html' : key.endsWith('.js') ? 'text/javascript' : key.endsWith('.css') ? 'text/css' : key.endsWith('.svg') ? 'image/svg+xml' : 'application/json';
    res.writeHead(200, { ...headers, 'content-type': `${type}; charset=utf-8` }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    // A reader in mainland China: the status page picks zh-Hans where the plan has it.
    locale: 'zh-CN',
    timezoneId: 'UTC',
    viewport: { width: 900, height: 1100 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await context?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

async function open(url: string, waitForStatus: boolean): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && errors.push(`${r.url()} HTTP ${r.status()}`));
  const res = await page.goto(url, { waitUntil: 'load' });
  expect(res?.status()).toBe(200);
  if (waitForStatus) await page.waitForFunction(() => document.body.dataset.status && document.body.dataset.status !== 'loading');
  return { page, errors };
}

const visibleText = (page: Page) => page.evaluate(() => document.body.innerText);

describe.each(Object.keys(CASES))('%s', (name) => {
  const plan = CASES[name];

  test('fallback page: one section per plan language with its labels, contacts and hours', async () => {
    const { page, errors } = await open(`${base}/${name}/fallback/`, false);
    expect(await page.getAttribute('html', 'lang')).toBe(plan.languages[0]);
    const sections = await page.locator('main > section').evaluateAll((els) => els.map((e) => e.getAttribute('lang')));
    expect(sections).toEqual(plan.languages);
    for (const lang of plan.languages) {
      const section = page.locator(`section[lang="${lang}"]`);
      expect(await section.locator('h2').textContent()).toBe(plan.handoff.teamName[lang]);
      expect(await section.locator('dt').first().textContent()).toBe(plan.words[lang]['page.phone']);
      expect(await section.locator('.hours').textContent()).toBe(plan.handoff.hours[lang]);
      expect(await section.locator('a.phone').isVisible()).toBe(true);
    }
    if (name === 'english-only') expect(HAN.test(await visibleText(page))).toBe(false);
    await page.screenshot({ path: path.join(ARTIFACTS, `fallback-${name}.png`), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('status page: the reader\'s language, a switch only when there are several', async () => {
    const { page, errors } = await open(`${base}/${name}/status/`, true);
    const doc = SITES[name].doc;
    const buttons = await page.locator('nav button').evaluateAll((els) => els.map((e) => [e.getAttribute('data-lang'), e.textContent]));
    expect(buttons).toEqual(plan.languages.length > 1 ? plan.languages.map((l) => [l, plan.words[l].languageName]) : []);
    // zh-CN reader: zh-Hans where the plan has it, else the plan's first language.
    const expected = plan.languages.includes('zh-Hans') ? 'zh-Hans' : plan.languages[0];
    expect(await page.getAttribute('html', 'lang')).toBe(expected);
    expect(await page.textContent('#overall')).toBe(plan.words[expected]['status.overall.degraded']);
    expect(await page.textContent('#current')).toContain(doc.current!.updates[0].message[expected]);
    for (const lang of plan.languages) expect(await page.isVisible(`#title [data-l="${lang}"]`)).toBe(lang === expected);
    if (name === 'english-only') expect(HAN.test(await visibleText(page))).toBe(false);
    await page.screenshot({ path: path.join(ARTIFACTS, `status-${name}-${expected}.png`), fullPage: true });

    // Every other language through the switch.
    for (const lang of plan.languages.filter((l) => l !== expected)) {
      await page.click(`nav button[data-lang="${lang}"]`);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      expect(await page.textContent('#overall')).toBe(plan.words[lang]['status.overall.degraded']);
      expect(await page.textContent('[data-component="chatbot"] .state')).toBe(plan.words[lang]['status.degraded']);
      expect(await page.textContent('#current')).toContain(doc.current!.updates[0].message[lang]);
      expect(await page.isVisible(`#contact [data-l="${lang}"]`)).toBe(true);
      expect(page.url()).toContain(`lang=${lang}`);
      await page.screenshot({ path: path.join(ARTIFACTS, `status-${name}-${lang}.png`), fullPage: true });
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
