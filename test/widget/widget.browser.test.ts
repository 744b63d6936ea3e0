/**
 * <contingency-chat> in Debian's chromium against two local servers standing in for the regions
 * (each running the real chatbot handler over one shared table), a status server with the widget's
 * files and a customer page with a strict CSP (no inline script or style, no eval, Trusted Types).
 * Conversation, language switch, hand-off, failover (dead and hung primary), human mode and the
 * return to the primary; screenshots under test-artifacts/, axe-core on every state. Times are
 * written to test-artifacts/widget-failover.json, never asserted (bench/widget-failover.ts prints them).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { BrowserContext, Page } from 'playwright-core';
import { loadedPlan } from '../helpers/plan';
import { startWidgetRig, WidgetRig } from '../helpers/widget-harness';
import { botMessage, failoverState, launchChromium, openWidget, send, timeTo, waitForMode } from '../helpers/widget-browser';

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
const AXE = fs.readFileSync(path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8');
const plan = loadedPlan().plan;
const kb = (id: string, lang: string) => plan.knowledgeBase.find((e) => e.id === id)!.texts[lang];

let rig: WidgetRig;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
const figures: Record<string, number> = {};

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  rig = await startWidgetRig(plan, { timeoutMs: 1500, probeIntervalMs: 400 });
  browser = await launchChromium();
  context = browser.context;
});

afterAll(async () => {
  if (Object.keys(figures).length) fs.writeFileSync(path.join(ARTIFACTS, 'widget-failover.json'), `${JSON.stringify(figures, null, 2)}\n`);
  await browser?.close();
  await rig?.close();
});

/** axe-core (WCAG 2 A/AA rules) on the page: serious and critical violations, as "rule: target". */
async function axe(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP (rightly) refuses to run it otherwise.
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    const a = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
    return a.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
  });
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`));
}

async function shot(page: Page, name: string): Promise<void> {
  const file = path.join(ARTIFACTS, `widget-${name}.png`);
  await page.locator('contingency-chat').screenshot({ path: file });
  expect(fs.statSync(file).size).toBeGreaterThan(2000);
}

async function fresh(lang = 'en'): Promise<{ page: Page; violations: string[] }> {
  await rig.primary.revive();
  await rig.standby.revive();
  return openWidget(context, `${rig.pageUrl}?lang=${lang}`);
}

test('conversation in English: labelled controls, live log, Enter sends, the conversation id is kept across turns and a reload', async () => {
  const { page, violations } = await fresh('en');
  // Accessible names and live regions.
  const region = page.locator('contingency-chat section.box');
  expect(await region.getAttribute('aria-labelledby')).toBe('title');
  expect(await page.locator('contingency-chat h2').textContent()).toBe(plan.words.en['widget.title']);
  expect(await page.getByRole('textbox', { name: plan.words.en['widget.message'] }).count()).toBe(1);
  expect(await page.getByRole('combobox', { name: plan.words.en['widget.language'] }).count()).toBe(1);
  expect(await page.getByRole('button', { name: plan.words.en['widget.send'] }).count()).toBe(1);
  expect(await page.getByRole('log', { name: plan.words.en['widget.log'] }).getAttribute('aria-live')).toBe('polite');
  expect(await page.locator('contingency-chat [role=status]').count()).toBe(1);
  // The fallback content in the light DOM is not shown once the widget runs.
  expect(await page.getByText('Call us.').isVisible()).toBe(false);

  await send(page, 'How do I reset my password?');
  const first = await botMessage(page, 1);
  expect(first.text).toContain(kb('reset-password', 'en').answer);
  expect(first.lang).toBe('en');
  expect(first.handoff).toBe(false);
  // Focus stays in the message box for the next question.
  expect(await page.evaluate(() => document.querySelector('contingency-chat')!.shadowRoot!.activeElement?.id)).toBe('message');

  await send(page, 'How long does a refund take?');
  expect((await botMessage(page, 2)).text).toContain(kb('refund', 'en').answer);
  // Both turns in one conversation of the shared table.
  const ids = [...rig.table.turns.keys()];
  expect(ids).toHaveLength(1);
  expect(rig.table.turns.get(ids[0])!.filter((t) => t.role === 'customer').map((t) => t.text)).toEqual(['How do I reset my password?', 'How long does a refund take?']);
  await shot(page, 'conversation-en');
  expect(await axe(page)).toEqual([]);

  // A reload continues the same conversation.
  await page.reload({ waitUntil: 'load' });
  await page.locator('contingency-chat section.box').waitFor({ state: 'visible' });
  await send(page, 'What are your opening hours?');
  await botMessage(page, 1);
  expect([...rig.table.turns.keys()]).toEqual(ids);
  expect(violations).toEqual([]);
  await page.close();
});

test('language switch: labels and answers in Traditional Chinese, the choice kept on the element', async () => {
  const { page, violations } = await fresh('en');
  await page.getByRole('combobox', { name: plan.words.en['widget.language'] }).selectOption('zh-Hant');
  const zh = plan.words['zh-Hant'];
  expect(await page.locator('contingency-chat h2').textContent()).toBe(zh['widget.title']);
  expect(await page.getByRole('button', { name: zh['widget.send'] }).count()).toBe(1);
  expect(await page.getByRole('textbox', { name: zh['widget.message'] }).count()).toBe(1);
  expect(await page.locator('contingency-chat section.box').getAttribute('lang')).toBe('zh-Hant');
  await send(page, '怎樣重設密碼?');
  const reply = await botMessage(page, 1);
  expect(reply.text).toContain(kb('reset-password', 'zh-Hant').answer);
  expect(reply.lang).toBe('zh-Hant');
  await shot(page, 'conversation-zh-Hant');
  expect(await axe(page)).toEqual([]);
  expect(violations).toEqual([]);
  await page.close();
});

test('hand-off: the answer comes with the agents\' contacts (phone, chat, e-mail, hours) in the conversation language', async () => {
  const { page, violations } = await fresh('en');
  const question = plan.knowledgeBase.find((e) => e.handoff)!.texts.en.questions[0];
  await send(page, question);
  const reply = await botMessage(page, 1);
  expect(reply.handoff).toBe(true);
  const contacts = page.locator('contingency-chat .msg.bot.handoff dl.contacts');
  expect(await contacts.locator('a.phone').textContent()).toBe(plan.handoff.phone);
  expect(await contacts.locator('a.phone').getAttribute('href')).toBe(`tel:${plan.handoff.phone.replace(/[^\d+]/g, '')}`);
  expect(await contacts.locator('a.chat').getAttribute('href')).toBe(plan.handoff.chatUrl);
  expect(await contacts.locator('a.email').textContent()).toBe(plan.handoff.email);
  expect(await contacts.locator('dd').last().textContent()).toBe(plan.handoff.hours.en);
  expect(reply.text).toContain(plan.handoff.teamName.en);
  await shot(page, 'handoff');
  expect(await axe(page)).toEqual([]);
  expect(violations).toEqual([]);
  await page.close();
});

test('failover: the primary dies, the next answer comes from the standby at once, in the same conversation; it returns to the primary when it is back', async () => {
  const known = new Set(rig.table.turns.keys());
  const { page, violations } = await fresh('en');
  await send(page, 'How do I reset my password?');
  await botMessage(page, 1);
  expect(rig.primary.hits).toContain('POST /chat');
  const standbyChats = rig.standby.hits.filter((h) => h === 'POST /chat').length;

  const t0 = Date.now();
  await rig.primary.kill();
  figures.primaryDeadToAnswerMs = await timeTo(page, t0, 'How long does a refund take?', 'answer');
  expect((await botMessage(page, 2)).text).toContain(kb('refund', 'en').answer);
  expect(rig.standby.hits.filter((h) => h === 'POST /chat').length).toBe(standbyChats + 1);
  expect(await failoverState(page)).toEqual({ mode: 'bot', current: 1 });
  // The standby read the conversation the primary started (one id, turns from both regions).
  const ids = [...rig.table.turns.keys()].filter((id) => !known.has(id));
  expect(ids).toHaveLength(1);
  const conversation = rig.table.turns.get(ids[0])!;
  expect(conversation.filter((t) => t.role === 'customer')).toHaveLength(2);
  expect(new Set(conversation.map((t) => t.region))).toEqual(new Set([plan.regions.primary, plan.regions.standby]));
  await shot(page, 'failover');
  expect(await axe(page)).toEqual([]);

  // The primary comes back: a /health probe finds it and the next message goes there.
  await rig.primary.revive();
  await page.waitForFunction(() => (document.querySelector('contingency-chat') as unknown as { failoverState: { current: number } }).failoverState.current === 0, undefined, { timeout: 20_000 });
  expect(rig.primary.hits).toContain('GET /widget/health');
  expect(rig.primary.hits).not.toContain('GET /health');
  const primaryChats = rig.primary.hits.filter((h) => h === 'POST /chat').length;
  await send(page, 'What are your opening hours?');
  await botMessage(page, 3);
  expect(rig.primary.hits.filter((h) => h === 'POST /chat').length).toBe(primaryChats + 1);
  expect(violations).toEqual([]);
  await page.close();
});

test('failover on a hung primary: no answer within the timeout moves the message to the standby', async () => {
  const { page, violations } = await fresh('en');
  await send(page, 'How do I reset my password?');
  await botMessage(page, 1);
  const t0 = Date.now();
  rig.primary.hang();
  figures.primaryHungToAnswerMs = await timeTo(page, t0, 'How long does a refund take?', 'answer');
  figures.timeoutMs = rig.doc.timeoutMs;
  expect((await botMessage(page, 2)).text).toContain(kb('refund', 'en').answer);
  expect(await failoverState(page)).toEqual({ mode: 'bot', current: 1 });
  expect(violations).toEqual([]);
  await page.close();
});

test('human mode: both regions die, the widget shows the agents\' contacts from the hand-off document in both languages, and leaves human mode when a region is back', async () => {
  const { page, violations } = await fresh('en');
  await send(page, 'How do I reset my password?');
  await botMessage(page, 1);
  const t0 = Date.now();
  await rig.primary.kill();
  await rig.standby.kill();
  figures.bothDeadToHumanModeMs = await timeTo(page, t0, 'How long does a refund take?', 'human');
  const human = page.locator('contingency-chat .human');
  expect(await human.getAttribute('role')).toBe('alert');
  expect(await human.isVisible()).toBe(true);
  expect(await page.locator('contingency-chat form').isVisible()).toBe(false);
  expect(await human.locator('p').first().textContent()).toBe(plan.failover.fallbackNotice?.en ?? plan.words.en['page.notice']);
  expect(await human.locator('a.phone').textContent()).toBe(plan.handoff.phone);
  expect(await human.locator('dd').last().textContent()).toBe(plan.handoff.hours.en);
  await shot(page, 'human-en');
  expect(await axe(page)).toEqual([]);

  await page.getByRole('combobox').selectOption('zh-Hant');
  expect(await human.locator('strong').textContent()).toBe(plan.handoff.teamName['zh-Hant']);
  expect(await human.locator('dd').last().textContent()).toBe(plan.handoff.hours['zh-Hant']);
  expect(await human.locator('dt').first().textContent()).toBe(plan.words['zh-Hant']['page.phone']);
  await shot(page, 'human-zh-Hant');
  expect(await axe(page)).toEqual([]);

  // The standby comes back first: probes find it, the form returns.
  await rig.standby.revive();
  await waitForMode(page, 'bot', 20_000);
  expect(await failoverState(page)).toEqual({ mode: 'bot', current: 1 });
  expect(await page.locator('contingency-chat form').isVisible()).toBe(true);
  expect(violations).toEqual([]);
  await page.close();
});

test('the page\'s own content shows when the widget document cannot be read', async () => {
  const page = await context.newPage();
  const saved = rig.doc;
  rig.setDocument({ endpoints: [] });
  try {
    await page.goto(rig.pageUrl, { waitUntil: 'load' });
    await page.getByText('Call us.').waitFor({ state: 'visible' });
    expect(await page.locator('contingency-chat section.box').isVisible()).toBe(false);
  } finally {
    rig.setDocument(saved);
    await page.close();
  }
});
