import * as http from 'http';
import type { AddressInfo } from 'net';
import { canaryProbes, sha256 } from '../../lib/config/canaries';
import { CANARY_HEADER } from '../../lib/canaries';
import { loadedPlan } from '../helpers/plan';

// The canary script as Synthetics runs it (plain Node.js), against a local server imitating POST /chat.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const script = require('../../lambdas/canary/conversation.js') as {
  CANARY_HEADER: string;
  parseConfig: (env: Record<string, string | undefined>) => unknown;
  run: (config: unknown, log?: (line: string) => void) => Promise<string>;
};

const { plan } = loadedPlan();
const probes = canaryProbes(plan);
const answers: Record<string, string> = Object.fromEntries(plan.languages.map((l) => [l, plan.knowledgeBase[0].texts[l].answer]));
const REGION = plan.regions.primary;

type Behaviour = (body: { message: string; lang: string }, res: http.ServerResponse, req: http.IncomingMessage) => void;
let behaviour: Behaviour;
const seen: { headers: http.IncomingHttpHeaders; body: { message: string; lang: string } }[] = [];
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { message: string; lang: string };
    seen.push({ headers: req.headers, body });
    if (req.method !== 'POST' || req.url !== '/chat') {
      res.writeHead(404).end();
      return;
    }
    behaviour(body, res, req);
  });
});
let url: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen.length = 0;
});

const reply = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};
/** The reference bot's right answer to the probe in the asked language. */
const rightAnswer: Behaviour = (body, res) =>
  reply(res, 200, { conversationId: 'c0ffee00-0000', turn: 1, stored: true, region: REGION, lang: body.lang, answer: answers[body.lang], faqId: plan.knowledgeBase[0].id, score: 1, handoff: false });

const config = (over: Record<string, unknown> = {}) => ({ url, timeoutMs: 800, regions: [REGION], name: 'test-canary', probes, ...over });
const lines: string[] = [];
const log = (l: string) => lines.push(l);

describe('conversation canary script', () => {
  test('passes when every plan language gets its FAQ answer, one fresh conversation each, marked as a canary', async () => {
    behaviour = rightAnswer;
    await expect(script.run(config(), log)).resolves.toMatch(/2 language\(s\) answered with "opening-hours"/);
    expect(seen.map((s) => s.body)).toEqual(plan.languages.map((lang) => ({ message: plan.knowledgeBase[0].texts[lang].questions[0], lang })));
    for (const s of seen) {
      expect(s.headers[CANARY_HEADER]).toBe('test-canary');
      expect(s.headers['user-agent']).toMatch(/^contingency-conversation-canary\//);
      expect(s.body).not.toHaveProperty('conversationId');
    }
    expect(script.CANARY_HEADER).toBe(CANARY_HEADER);
  });

  test('fails on a server error, naming the language and the status', async () => {
    behaviour = (_b, res) => reply(res, 502, { message: 'Internal server error' });
    await expect(script.run(config(), log)).rejects.toThrow(/failed for 2 of 2 language\(s\).*zh-Hant: HTTP 502.*\| en: HTTP 502/);
  });

  test('fails when the bot hands off (degraded region, no match, storage down)', async () => {
    for (const reason of ['degraded', 'no-match', 'storage-unavailable']) {
      behaviour = (body, res) => reply(res, 200, { region: REGION, lang: body.lang, answer: answers[body.lang], faqId: 'opening-hours', handoff: true, handoffReason: reason, score: 0 });
      await expect(script.run(config(), log)).rejects.toThrow(new RegExp(`handed off to a human \\(${reason}\\)`));
    }
  });

  test('fails when no answer comes within the turn timeout', async () => {
    behaviour = () => undefined; // never answers
    await expect(script.run(config({ timeoutMs: 300 }), log)).rejects.toThrow(/zh-Hant: no answer within 300 ms.*en: no answer within 300 ms/);
  });

  test('fails when the answer comes back in the wrong language', async () => {
    // Always answers in the plan's first language, whatever was asked.
    const first = plan.languages[0];
    behaviour = (_b, res) => reply(res, 200, { region: REGION, lang: first, answer: answers[first], faqId: 'opening-hours', handoff: false, score: 1 });
    const err = await script.run(config(), log).catch((e: Error) => e);
    expect(String(err)).toMatch(/failed for 1 of 2 language\(s\)/);
    expect(String(err)).toMatch(/en: answered in "zh-Hant", expected "en"; the answer is not entry "opening-hours" in "en"/);
  });

  test('fails on a wrong FAQ answer, a changed answer text, or the wrong serving region', async () => {
    behaviour = (body, res) => reply(res, 200, { region: REGION, lang: body.lang, answer: 'Refunds take 5–7 days.', faqId: 'refund', handoff: false, score: 0.9 });
    await expect(script.run(config(), log)).rejects.toThrow(/answered with FAQ entry "refund", expected "opening-hours"; the answer is not entry "opening-hours"/);
    behaviour = (body, res) => reply(res, 200, { region: REGION, lang: body.lang, answer: `${answers[body.lang]} `, faqId: 'opening-hours', handoff: false, score: 1 });
    await expect(script.run(config(), log)).rejects.toThrow(/the answer is not entry "opening-hours"/);
    behaviour = (body, res) => reply(res, 200, { region: 'eu-west-1', lang: body.lang, answer: answers[body.lang], faqId: 'opening-hours', handoff: false });
    await expect(script.run(config(), log)).rejects.toThrow(/served by region "eu-west-1", expected "ap-southeast-1"/);
  });

  test('fails on an answer that is not JSON, and when nothing listens', async () => {
    behaviour = (_b, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>fallback page</html>');
    await expect(script.run(config(), log)).rejects.toThrow(/the answer is not JSON: <html>fallback page<\/html>/);
    await expect(script.run(config({ url: 'http://127.0.0.1:1/chat' }), log)).rejects.toThrow(/ECONNREFUSED/);
  });

  test('a FAQ entry that asks for a hand-off passes only with reason "requested"', async () => {
    const handoffProbes = probes.map((p) => ({ ...p, handoff: true }));
    behaviour = (body, res) => reply(res, 200, { region: REGION, lang: body.lang, answer: answers[body.lang], faqId: 'opening-hours', handoff: true, handoffReason: 'requested' });
    await expect(script.run(config({ probes: handoffProbes }), log)).resolves.toMatch(/answered/);
    expect(sha256(answers.en)).toBe(probes.find((p) => p.lang === 'en')!.answerSha256);
  });

  test('configuration: missing, not JSON, or incomplete is refused naming the field', () => {
    expect(() => script.parseConfig({})).toThrow(/CANARY_CONFIG is not set/);
    expect(() => script.parseConfig({ CANARY_CONFIG: '{' })).toThrow(/CANARY_CONFIG must be JSON/);
    expect(() => script.parseConfig({ CANARY_CONFIG: JSON.stringify({ url: 'https://x.example.com/health', timeoutMs: 5, regions: [], probes: [{ lang: 'en' }] }) })).toThrow(
      /url must be the https URL of POST \/chat.*timeoutMs must be a whole number.*regions must list.*probes\[0\]\.question must be a non-empty string.*probes\[0\]\.answerSha256 must be 64 hex digits/,
    );
    expect(script.parseConfig({ CANARY_CONFIG: JSON.stringify(config()) })).toMatchObject({ url, regions: [REGION] });
  });
});
