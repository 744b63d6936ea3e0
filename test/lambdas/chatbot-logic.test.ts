import { bestMatch, detectLang, features, normalize, similarity } from '../../lambdas/chatbot/matcher';
import { respond, replyLang, Turn } from '../../lambdas/chatbot/bot';
import { evaluateHealth, timedCheck } from '../../lambdas/chatbot/health';
import { parseChatRequest } from '../../lambdas/chatbot/handler';
import { botPhrases } from '../../lib/config';
import { loadedPlan } from '../helpers/plan';

const { plan } = loadedPlan();
const kb = plan.knowledgeBase;
const threshold = plan.chatbot.matchThreshold;
const phrases = botPhrases(plan);
const langs = plan.languages;

describe('matcher', () => {
  test('normalize folds width, case, punctuation, and Traditional and Simplified Chinese to one script', () => {
    expect(normalize('ＡＢＣ，忘记密码？')).toBe('abc 忘记密码');
    expect(normalize('ＡＢＣ，忘記密碼？')).toBe('abc 忘记密码');
  });
  test('detectLang picks a plan language by script', () => {
    expect(detectLang('退款要多久', langs)).toBe('zh-Hant');
    expect(detectLang('refund please', langs)).toBe('en');
    expect(detectLang('???', langs)).toBeUndefined();
  });
  test('similarity is 1 for the same text and 0 for nothing shared', () => {
    expect(similarity(features('reset my password'), features('reset my password'))).toBe(1);
    expect(similarity(features('refund'), features('天氣'))).toBe(0);
  });
  test.each([
    ['How do I reset my password?', 'reset-password'], // exact
    ['I forgot my pasword', 'reset-password'], // typo
    ['how can i reset the password', 'reset-password'], // reworded
    ['忘记密码怎么办', 'reset-password'], // simplified Chinese
    ['退款要多久才到帳', 'refund'], // reworded zh
    ['what time do agents start work', 'opening-hours'],
    ['can i pay with a credit card?', 'payment-methods'],
    ['我想找真人客服', 'human-agent'],
    ['地址填錯了怎麼改', 'change-address'],
  ])('"%s" answers from %s', (q, id) => {
    const m = bestMatch(q, kb);
    expect(m?.entry.id).toBe(id);
    expect(m!.score).toBeGreaterThanOrEqual(threshold);
  });
  test.each(['how is the weather today', '今天天氣如何', 'asdf qwerty', 'tell me a joke'])('"%s" stays below the threshold', (q) => {
    expect(bestMatch(q, kb)?.score ?? 0).toBeLessThan(threshold);
  });
});

describe('bot decisions', () => {
  const base = { history: [] as Turn[], knowledgeBase: kb, degraded: false, threshold, contacts: plan.handoff, phrases };
  test('answers a known question in the question\'s language', () => {
    const r = respond({ ...base, message: '怎樣申請退款?' });
    expect(r).toMatchObject({ lang: 'zh-Hant', faqId: 'refund', handoff: false, answer: kb.find((e) => e.id === 'refund')!.texts['zh-Hant'].answer });
    expect(r.contacts).toBeUndefined();
  });
  test('hands off with contacts in the customer\'s language when it cannot answer', () => {
    const r = respond({ ...base, message: 'tell me a joke' });
    expect(r).toMatchObject({ handoff: true, handoffReason: 'no-match', lang: 'en' });
    expect(r.contacts).toEqual({ team: plan.handoff.teamName['en'], phone: plan.handoff.phone, chatUrl: plan.handoff.chatUrl, email: plan.handoff.email, hours: plan.handoff.hours['en'] });
  });
  test('hands off everything when the region is degraded, even a known question', () => {
    const r = respond({ ...base, degraded: true, message: 'How do I reset my password?' });
    expect(r).toMatchObject({ handoff: true, handoffReason: 'degraded', lang: 'en' });
    expect(r.faqId).toBeUndefined();
    expect(r.contacts?.hours).toBe(plan.handoff.hours['en']);
  });
  test('an entry marked handoff answers and hands off', () => {
    const r = respond({ ...base, message: '我要找真人' });
    expect(r).toMatchObject({ faqId: 'human-agent', handoff: true, handoffReason: 'requested', lang: 'zh-Hant' });
    expect(r.contacts?.team).toBe(plan.handoff.teamName['zh-Hant']);
  });
  test('language: explicit, else detected, else from the conversation, else the plan\'s first', () => {
    const history: Turn[] = [{ role: 'customer', text: 'refund', lang: 'en' }];
    expect(replyLang({ lang: 'zh-Hant', message: 'refund', history: [] }, langs)).toBe('zh-Hant');
    expect(replyLang({ message: '退款', history }, langs)).toBe('zh-Hant');
    expect(replyLang({ message: '???', history }, langs)).toBe('en');
    expect(replyLang({ message: '123', history: [] }, langs)).toBe('zh-Hant');
  });
});

describe('health evaluation', () => {
  const ctx = { token: 'TOKEN_X', region: 'eu-west-1', role: 'primary' };
  test('healthy only when every check passes, with the token', () => {
    const ok = evaluateHealth([{ name: 'table', ok: true }, { name: 'knowledgeBase', ok: true }, { name: 'notDegraded', ok: true }], ctx);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toMatchObject({ status: 'ok', token: 'TOKEN_X' });
  });
  test('one failing check gives 503, names it, and leaves the token out', () => {
    const bad = evaluateHealth([{ name: 'table', ok: true }, { name: 'knowledgeBase', ok: false, detail: 'not seeded' }, { name: 'notDegraded', ok: true }], ctx);
    expect(bad.statusCode).toBe(503);
    expect(bad.body).toMatchObject({ status: 'fail', failing: ['knowledgeBase'], checks: { knowledgeBase: 'not seeded' } });
    expect(JSON.stringify(bad.body)).not.toContain('TOKEN_X');
  });
  test('a check slower than its deadline fails as timed out', async () => {
    // A check that never answers (and holds no timer that would outlive the test).
    const slow = await timedCheck('table', 20, () => new Promise<{ ok: boolean }>(() => undefined));
    expect(slow).toEqual({ name: 'table', ok: false, detail: 'timed out after 20 ms' });
  });
  test('a throwing check fails with the error name only', async () => {
    const err = Object.assign(new Error('secret detail'), { name: 'ResourceNotFoundException' });
    const r = await timedCheck('table', 100, async () => {
      throw err;
    });
    expect(r).toEqual({ name: 'table', ok: false, detail: 'ResourceNotFoundException' });
  });
});

describe('chat request validation', () => {
  test.each([
    [undefined, /body is required/],
    ['not json', /must be JSON/],
    ['[]', /non-empty string/],
    ['{"message": ""}', /non-empty string/],
    [JSON.stringify({ message: 'x'.repeat(1001) }), /at most 1000 characters, got 1001/],
    ['{"message": "hi", "conversationId": "../../etc"}', /conversationId must be/],
    ['{"message": "hi", "lang": "fr"}', /lang must be one of the plan's languages: "zh-Hant", "en"/],
    ['{"message": "hi", "lang": "zh"}', /lang must be one of the plan's languages/],
  ])('%s → %s', (body, error) => {
    const r = parseChatRequest(body, false, langs);
    expect('error' in r && r.error).toMatch(error);
  });
  test('accepts base64 bodies', () => {
    expect(parseChatRequest(Buffer.from('{"message":"hi","lang":"en"}').toString('base64'), true, langs)).toEqual({ message: 'hi', lang: 'en' });
  });
});
