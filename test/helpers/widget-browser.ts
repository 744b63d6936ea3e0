/**
 * Driving <contingency-chat> in Debian's chromium (playwright-core): launch, open the customer page,
 * ask a question and wait for the widget's next bot message or human mode. Shared by the browser
 * test and bench/widget-failover.ts, so both measure the same thing.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BrowserContext, chromium, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: run "bash scripts/ensure-chromium.sh" as root, or "sudo apt-get install -y chromium", then rerun`);
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-widget-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 520, height: 760 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Opens the customer page and waits until the widget has read its document. */
export async function openWidget(context: BrowserContext, url: string): Promise<{ page: Page; violations: string[] }> {
  const page = await context.newPage();
  const violations: string[] = [];
  // CSP and Trusted Types violations the page reports (init scripts run outside the page's CSP).
  await page.exposeFunction('__cspViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __cspViolation(v: string): void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('console', (m) => /Content Security Policy|Trusted Type|TrustedHTML|TrustedScript/i.test(m.text()) && violations.push(m.text()));
  page.on('pageerror', (e) => violations.push(`page error: ${e.message}`));
  await page.goto(url, { waitUntil: 'load' });
  await page.locator('contingency-chat section.box').waitFor({ state: 'visible' });
  return { page, violations };
}

/** Types a message and presses Enter (the keyboard path). Returns when it has been handed to the widget. */
export async function send(page: Page, text: string): Promise<void> {
  const box = page.locator('contingency-chat textarea');
  await box.focus();
  await box.fill(text);
  await page.keyboard.press('Enter');
}

/** Waits for the bot's message number `n` (1-based) and returns its text and language. */
export async function botMessage(page: Page, n: number): Promise<{ text: string; lang: string | null; handoff: boolean }> {
  const m = page.locator('contingency-chat .msg.bot').nth(n - 1);
  await m.waitFor({ state: 'attached', timeout: 30_000 });
  return { text: (await m.textContent()) ?? '', lang: await m.getAttribute('lang'), handoff: ((await m.getAttribute('class')) ?? '').includes('handoff') };
}

export async function waitForMode(page: Page, mode: 'bot' | 'human', timeout = 30_000): Promise<void> {
  await page.locator(`contingency-chat[data-mode="${mode}"]`).waitFor({ state: 'attached', timeout });
}

/** The widget's failover state, read from the element. */
export async function failoverState(page: Page): Promise<{ mode: string; current: number }> {
  return page.locator('contingency-chat').evaluate((el) => {
    const s = (el as unknown as { failoverState: { mode: string; current: number } }).failoverState;
    return { mode: s.mode, current: s.current };
  });
}

/**
 * Sends a message and measures, from `t0` (the moment a region died, Date.now()), how long until
 * the next bot message (`until: 'answer'`) or human mode (`until: 'human'`) shows.
 */
export async function timeTo(page: Page, t0: number, text: string, until: 'answer' | 'human'): Promise<number> {
  const before = await page.locator('contingency-chat .msg.bot').count();
  await send(page, text);
  if (until === 'answer') await botMessage(page, before + 1);
  else await waitForMode(page, 'human');
  return Date.now() - t0;
}
