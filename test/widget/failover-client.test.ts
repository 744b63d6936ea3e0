/**
 * The widget's failover logic without a browser: which endpoint a message goes to, what counts as a
 * region failure, human mode with the first readable hand-off document, probing back to the
 * primary. A scripted transport and a manual clock stand in for fetch and timers.
 */
import * as fs from 'fs';
import type { WidgetDocument, WidgetHandoff } from '../../contracts/widget';
import { FailoverClient, FailoverState, isRegionFailure, Transport } from '../../web/widget/failover';
import { buildWidgetScript } from '../../lib/widget';
import { widgetDocument } from '../../lib/stacks/global-stack';
import { loadedPlan } from '../helpers/plan';

const doc: WidgetDocument = {
  version: 1,
  languages: ['en'],
  words: {} as WidgetDocument['words'],
  endpoints: [
    { role: 'primary', region: 'ap-southeast-1', url: 'https://p.example.com' },
    { role: 'standby', region: 'ap-northeast-1', url: 'https://s.example.com/' },
  ],
  fallback: ['handoff.json', 'https://chat.example.com/handoff.json'],
  timeoutMs: 5000,
  probeIntervalMs: 60000,
};
const handoff: WidgetHandoff = { mode: 'human', languages: ['en'], notice: { en: 'n' }, team: { en: 't' }, phone: '+852 3100 0000', chatUrl: 'https://agents.example.com', hours: { en: 'h' } };
const reply = (region: string) => ({ conversationId: 'c-12345678', lang: 'en', answer: `from ${region}`, handoff: false, region });

type Behaviour = number | 'refuse' | 'hang' | { status: number; body: unknown };

/** A transport whose answers are scripted per URL, with a manual clock for timeouts and probes. */
class Fake implements Transport {
  readonly calls: string[] = [];
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private now = 0;
  private seq = 0;
  constructor(public routes: Record<string, Behaviour>) {}

  fetch(url: string, init: { method: string; signal: AbortSignal }) {
    this.calls.push(`${init.method} ${url}`);
    const b = this.routes[url] ?? 404;
    if (b === 'refuse') return Promise.reject(new TypeError('Failed to fetch'));
    if (b === 'hang') return new Promise<never>((_, reject) => init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const { status, body } = typeof b === 'number' ? { status: b, body: undefined } : b;
    return Promise.resolve({ status, json: async () => body });
  }
  setTimeout(fn: () => void, ms: number) {
    const id = ++this.seq;
    this.timers.push({ at: this.now + ms, fn, id });
    return id;
  }
  clearTimeout(h: unknown) {
    this.timers = this.timers.filter((t) => t.id !== h);
  }
  /** Moves the clock on, firing due timers (and letting their promises settle). */
  async advance(ms: number) {
    const end = this.now + ms;
    for (;;) {
      await new Promise((r) => setImmediate(r));
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.now = due.at;
      due.fn();
    }
    this.now = end;
    await new Promise((r) => setImmediate(r));
  }
  pending() {
    return this.timers.length;
  }
}

const P = 'https://p.example.com';
const S = 'https://s.example.com';
const ok = (region: string): Behaviour => ({ status: 200, body: reply(region) });
const send = (c: FailoverClient) => c.send({ message: 'hi', lang: 'en' });

test('a healthy primary answers; the standby is never called', async () => {
  const t = new Fake({ [`${P}/chat`]: ok('p') });
  const c = new FailoverClient(doc, 'https://status.example.com/widget/plan.json', t);
  expect(await send(c)).toMatchObject({ kind: 'reply', endpoint: 0, reply: { region: 'p' } });
  expect(t.calls).toEqual([`POST ${P}/chat`]);
  expect(t.pending()).toBe(0);
});

test.each<[string, Behaviour]>([
  ['refused', 'refuse'],
  ['HTTP 500 (the handler\'s failure reply)', 500],
  ['HTTP 503', 503],
  ['HTTP 429 (throttled)', 429],
  ['a 200 that is not a chat reply', { status: 200, body: { message: 'Not Found' } }],
])('primary %s: the same message goes to the standby at once, and the next one too', async (_label, primary) => {
  const t = new Fake({ [`${P}/chat`]: primary, [`${S}/chat`]: ok('s') });
  const states: FailoverState[] = [];
  const c = new FailoverClient(doc, 'https://status.example.com/widget/plan.json', t, (s) => states.push(s));
  expect(await send(c)).toMatchObject({ kind: 'reply', endpoint: 1, reply: { region: 's' } });
  expect(states).toEqual([{ mode: 'bot', current: 1 }]);
  await send(c);
  expect(t.calls).toEqual([`POST ${P}/chat`, `POST ${S}/chat`, `POST ${S}/chat`]);
});

test('a hung primary costs one timeout, then the standby answers', async () => {
  const t = new Fake({ [`${P}/chat`]: 'hang', [`${S}/chat`]: ok('s') });
  const c = new FailoverClient(doc, 'https://status.example.com/widget/plan.json', t);
  const out = send(c);
  await t.advance(doc.timeoutMs - 1);
  expect(t.calls).toEqual([`POST ${P}/chat`]);
  await t.advance(1);
  expect(await out).toMatchObject({ kind: 'reply', endpoint: 1 });
});

test('a message the API refuses (400, 413) is not a region failure: no failover', async () => {
  expect(isRegionFailure(400)).toBe(false);
  expect(isRegionFailure(413)).toBe(false);
  const t = new Fake({ [`${P}/chat`]: 400, [`${S}/chat`]: ok('s') });
  const c = new FailoverClient(doc, 'https://status.example.com/widget/plan.json', t);
  expect(await send(c)).toEqual({ kind: 'rejected', status: 400 });
  expect(t.calls).toEqual([`POST ${P}/chat`]);
  expect(c.snapshot).toEqual({ mode: 'bot', current: 0 });
});

test('both regions fail: human mode with the first hand-off document that reads (relative to the widget document), in order', async () => {
  const t = new Fake({ [`${P}/chat`]: 'refuse', [`${S}/chat`]: 503, 'https://status.example.com/widget/handoff.json': 'refuse', 'https://chat.example.com/handoff.json': { status: 200, body: handoff } });
  const c = new FailoverClient(doc, 'https://status.example.com/widget/plan.json', t);
  expect(await send(c)).toEqual({ kind: 'human', handoff });
  expect(t.calls.slice(2)).toEqual(['GET https://status.example.com/widget/handoff.json', 'GET https://chat.example.com/handoff.json']);
  expect(c.snapshot).toEqual({ mode: 'human', current: 0, handoff });
});

test('human mode without any readable hand-off document still switches (the widget shows its own words)', async () => {
  const t = new Fake({ [`${P}/chat`]: 'refuse', [`${S}/chat`]: 'refuse', 'https://status.example.com/widget/handoff.json': { status: 200, body: { mode: 'bot' } } });
  const c = new FailoverClient(doc, 'https://status.example.com/widget/plan.json', t);
  expect(await send(c)).toEqual({ kind: 'human' });
  expect(c.snapshot.mode).toBe('human');
});

test('off the primary it probes /health every probe interval and returns to the primary when it answers 200; on the primary it does not probe', async () => {
  const t = new Fake({ [`${P}/chat`]: 'refuse', [`${S}/chat`]: ok('s'), [`${P}/widget/health`]: 503 });
  const c = new FailoverClient(doc, 'https://status.example.com/widget/plan.json', t);
  await send(c);
  expect(c.snapshot.current).toBe(1);
  await t.advance(doc.probeIntervalMs);
  expect(t.calls.filter((x) => x.endsWith('/health'))).toEqual([`GET ${P}/widget/health`]);
  expect(c.snapshot.current).toBe(1);
  t.routes[`${P}/widget/health`] = 200;
  t.routes[`${P}/chat`] = ok('p');
  await t.advance(doc.probeIntervalMs);
  expect(c.snapshot).toEqual({ mode: 'bot', current: 0 });
  // Back on the primary: no more probes, and the next message goes there.
  expect(t.pending()).toBe(0);
  expect(await send(c)).toMatchObject({ endpoint: 0 });
  // The standby itself is never probed while it is in use.
  expect(t.calls.filter((x) => x.startsWith(`GET ${S}`))).toEqual([]);
});

test('in human mode it probes every region in order and leaves human mode for the first healthy one; stop() ends probing', async () => {
  const t = new Fake({ [`${P}/chat`]: 'refuse', [`${S}/chat`]: 'refuse', 'https://status.example.com/widget/handoff.json': { status: 200, body: handoff }, [`${P}/widget/health`]: 'refuse', [`${S}/widget/health`]: 200 });
  const c = new FailoverClient(doc, 'https://status.example.com/widget/plan.json', t);
  await send(c);
  await t.advance(doc.probeIntervalMs);
  expect(c.snapshot).toEqual({ mode: 'bot', current: 1 });
  c.stop();
  expect(t.pending()).toBe(0);
});

test('the committed web/widget/dist/contingency-chat.js is the current build (npm run build:widget)', () => {
  expect(fs.readFileSync(require.resolve('../../web/widget/dist/contingency-chat.js'), 'utf8')).toBe(buildWidgetScript());
});

test('the example plan\'s widget document lists the primary first and both hand-off documents', () => {
  const d = widgetDocument(loadedPlan().plan);
  expect(d.endpoints.map((e) => e.role)).toEqual(['primary', 'standby']);
  expect(d.fallback).toHaveLength(2);
});

test('the chatbot handler answers the widget probe route with its deep health check', async () => {
  const { createHandler } = await import('../../lambdas/chatbot/handler');
  const store = { getRegionControl: async () => ({ degraded: false }), hasKnowledgeBase: async () => true } as never;
  const h = createHandler(store, { region: 'r', role: 'primary', healthToken: 'TOKEN', threshold: 0.3, ttlHours: 1, contacts: {} as never, phrases: { languages: ['en'], noMatch: { en: '' }, degraded: { en: '' } }, kbCacheMs: 1, healthDeadlineMs: 500 });
  const ev = (path: string) => ({ rawPath: path, requestContext: { http: { method: 'GET' } } }) as never;
  const probe = await h(ev('/widget/health'));
  expect(probe.statusCode).toBe(200);
  expect(JSON.parse(probe.body!)).toMatchObject({ status: 'ok', token: 'TOKEN' });
  const degraded = createHandler({ getRegionControl: async () => ({ degraded: true }), hasKnowledgeBase: async () => true } as never, { region: 'r', role: 'primary', healthToken: 'TOKEN', threshold: 0.3, ttlHours: 1, contacts: {} as never, phrases: { languages: ['en'], noMatch: { en: '' }, degraded: { en: '' } }, kbCacheMs: 1, healthDeadlineMs: 500 });
  expect((await degraded(ev('/widget/health'))).statusCode).toBe(503);
});
