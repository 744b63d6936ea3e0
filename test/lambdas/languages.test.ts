import { respond, Turn } from '../../lambdas/chatbot/bot';
import { bestMatch, detectLang } from '../../lambdas/chatbot/matcher';
import { foldIncidents } from '../../lambdas/incidents/state';
import { pendingNotices } from '../../lambdas/incidents/status';
import type { IncidentEvent } from '../../lambdas/incidents/model';
import { alertFromAlarm, alertWords, renderSms, renderText } from '../../lambdas/notify/message';
import { botPhrases, loadPlan, parsePlan, Plan } from '../../lib/config';
import { incidentTemplates } from '../../lib/incidents';
import { ALARM, CFG } from './notify/fixtures';
import { threeLanguagePlanInput } from '../fixtures/three-languages';

// The bot, the customer notices and the alerts for each language case: English only, Simplified
// Chinese + English, and three languages (zh-Hant, en, ja) with Japanese supplied by the plan.
const HAN = /\p{Script=Han}/u;
const CASES: [string, Plan][] = [
  ['English only', loadPlan('plans/examples/english-only.yaml').plan],
  ['zh-Hans + en', loadPlan('plans/examples/zh-hans-en.yaml').plan],
  ['zh-Hant + en + ja', parsePlan(threeLanguagePlanInput())],
];
const [ENGLISH, HANS, THREE] = CASES.map(([, p]) => p);

const ask = (plan: Plan, message: string, extra: { lang?: string; history?: Turn[]; degraded?: boolean } = {}) =>
  respond({ message, history: extra.history ?? [], knowledgeBase: plan.knowledgeBase, degraded: extra.degraded ?? false, threshold: plan.chatbot.matchThreshold, contacts: plan.handoff, phrases: botPhrases(plan), ...(extra.lang ? { lang: extra.lang } : {}) });

describe('the bot speaks the plan\'s languages', () => {
  test('English only: answers, hands off and falls back in English, whatever the customer writes', () => {
    expect(ask(ENGLISH, 'I forgot my pasword')).toMatchObject({ lang: 'en', faqId: 'reset-password', handoff: false });
    const zh = ask(ENGLISH, '我忘記了密碼');
    expect(zh).toMatchObject({ lang: 'en', handoff: true, handoffReason: 'no-match', answer: ENGLISH.words.en['bot.noMatch'] });
    expect(zh.contacts).toMatchObject({ team: 'Northwind customer care', hours: ENGLISH.handoff.hours.en });
    expect(HAN.test(JSON.stringify(zh))).toBe(false);
    expect(ask(ENGLISH, 'hello', { degraded: true }).answer).toBe(ENGLISH.words.en['bot.degraded']);
  });

  test('zh-Hans + en: Simplified and Traditional questions both match, answers in Simplified', () => {
    const simplified = ask(HANS, '忘记密码怎么办');
    expect(simplified).toMatchObject({ lang: 'zh-Hans', faqId: 'reset-password', answer: HANS.knowledgeBase.find((e) => e.id === 'reset-password')!.texts['zh-Hans'].answer });
    // A Traditional question against a Simplified knowledge base (the other way round from the example plan).
    for (const [q, id] of [['忘記密碼怎麼辦', 'reset-password'], ['退款要多久才到帳', 'refund'], ['包裹到哪裡了', 'delivery-status']]) {
      const m = bestMatch(q, HANS.knowledgeBase);
      expect([q, m?.entry.id]).toEqual([q, id]);
      expect(m!.score).toBeGreaterThanOrEqual(HANS.chatbot.matchThreshold);
    }
    expect(ask(HANS, '忘記密碼怎麼辦')).toMatchObject({ lang: 'zh-Hans', faqId: 'reset-password', handoff: false });
    const handoff = ask(HANS, '今天天气怎么样');
    expect(handoff).toMatchObject({ lang: 'zh-Hans', handoff: true, answer: HANS.words['zh-Hans']['bot.noMatch'] });
    expect(handoff.contacts?.team).toBe('华夏商城人工客服');
    expect(ask(HANS, 'where is my parcel')).toMatchObject({ lang: 'en', faqId: 'delivery-status' });
    expect(ask(HANS, '12345').lang).toBe('zh-Hans'); // the plan's first language
  });

  test('both Chinese scripts in one plan: the characters choose, an ambiguous text keeps the conversation', () => {
    const langs = ['zh-Hant', 'zh-Hans', 'en'];
    expect(detectLang('忘記密碼怎麼辦', langs)).toBe('zh-Hant');
    expect(detectLang('忘记密码怎么办', langs)).toBe('zh-Hans');
    const phrases = { ...botPhrases(HANS), languages: langs, noMatch: { 'zh-Hant': '繁', 'zh-Hans': '简', en: 'en' } };
    const r = respond({ message: '退款', history: [{ role: 'customer', text: '忘记密码', lang: 'zh-Hans' }], knowledgeBase: [], degraded: false, threshold: 0.3, contacts: { ...HANS.handoff, teamName: { 'zh-Hant': 'a', 'zh-Hans': 'b', en: 'c' }, hours: { 'zh-Hant': 'a', 'zh-Hans': 'b', en: 'c' } }, phrases });
    expect(r).toMatchObject({ lang: 'zh-Hans', answer: '简' });
  });

  test('three languages: a Japanese question is answered and handed off in Japanese', () => {
    const r = ask(THREE, 'パスワードを忘れてしまいました');
    expect(r).toMatchObject({ lang: 'ja', faqId: 'reset-password', handoff: false, answer: THREE.knowledgeBase.find((e) => e.id === 'reset-password')!.texts.ja.answer });
    const h = ask(THREE, 'オペレーターにつないでください');
    expect(h).toMatchObject({ lang: 'ja', faqId: 'human-agent', handoff: true, handoffReason: 'requested' });
    expect(h.contacts).toMatchObject({ team: THREE.handoff.teamName.ja, hours: THREE.handoff.hours.ja });
    expect(ask(THREE, 'ペットの天気予報', {}).answer).toBe(THREE.words.ja['bot.noMatch']);
    expect(ask(THREE, '密碼忘記了').lang).toBe('zh-Hant');
    expect(ask(THREE, 'reset my password').lang).toBe('en');
    expect(ask(THREE, 'password', { lang: 'ja' }).lang).toBe('ja');
  });
});

describe('customer notices carry exactly the plan\'s languages', () => {
  const MIN = 60_000;
  const t = (m: number) => new Date(Date.parse('2026-11-23T08:00:00Z') + m * MIN).toISOString();
  const events: IncidentEvent[] = [{ kind: 'alarm', id: 'a1', time: t(0), alarm: 'chat-severe', region: 'eu-central-1', level: 'severe', state: 'ALARM' }];
  test.each(CASES)('%s', (_name, plan) => {
    const templates = incidentTemplates(plan);
    const incidents = foldIncidents(events, { confirmationMs: 15 * MIN, now: t(1), templates });
    const [notice] = pendingNotices(incidents, { now: t(1), maxAgeMs: 60 * MIN, sent: new Set(), templates });
    const message = incidents[0].updates[0].message;
    expect(Object.keys(message)).toEqual(plan.languages);
    for (const lang of plan.languages) {
      expect(notice.body).toContain(message[lang]);
      expect(notice.subject).toContain(plan.incidents.templates.severe.title[lang].slice(0, 10));
      expect(message[lang]).toContain(plan.handoff.phone);
      expect(message[lang]).toContain(plan.handoff.teamName[lang]);
      expect(message[lang]).not.toMatch(/\{(start|phone|team|eta|scope|chatUrl)\}/);
    }
    // The first language leads: its text is the first line.
    expect(notice.body.split('\n')[0]).toBe(message[plan.languages[0]]);
    if (plan === ENGLISH) expect(HAN.test(notice.body + notice.subject)).toBe(false);
    if (plan === THREE) expect(message.ja).toContain(THREE.incidents.noEta.ja);
  });
});

describe('alerts: fixed words in the plan\'s languages', () => {
  const cfgFor = (plan: Plan) => ({ ...CFG, words: Object.fromEntries(plan.languages.map((l) => [l, alertWords(plan.words[l])])) });
  test('English only: no Chinese word in the alert or the SMS', () => {
    const a = alertFromAlarm('emergency', { ...ALARM, AlarmDescription: '[Emergency warning] API p99 latency\nRaise provisioned concurrency.' }, cfgFor(ENGLISH));
    const text = renderText(a);
    expect(text).toMatch(/^Emergency warning — ALARM/);
    expect(text).toContain('Cause: acme-chat-primary-ApiLatencyEmergency-ABC in ap-southeast-1');
    expect(text).toContain('Level: Emergency warning\n');
    expect(HAN.test(text)).toBe(false);
    expect(renderSms(a)).toMatch(/^Emergency warning EMERGENCY ALARM/);
  });
  test('zh-Hans + en: Simplified words, English field names first', () => {
    const text = renderText(alertFromAlarm('important', ALARM, cfgFor(HANS)));
    expect(text).toMatch(/^重要预警 Important warning — ALARM/);
    expect(text).toContain('Cause 原因: ');
    expect(text).toContain('Time 时间: ');
    expect(text).toContain('Level 级别: Important warning / 重要预警');
  });
  test('three languages: the Japanese words are there too', () => {
    const text = renderText(alertFromAlarm('general', ALARM, cfgFor(THREE)));
    expect(text).toMatch(/^一般預警 General warning 一般警告 — ALARM/);
    expect(text).toContain('Measures 措施 対策: ');
    expect(text).toContain('Contacts 聯絡 連絡先: ');
  });
});
