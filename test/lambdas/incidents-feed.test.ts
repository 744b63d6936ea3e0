import { parseFeed } from '@rowanmanning/feed-parser';
import { entryId, FEED_MAX_ENTRIES, renderAtomFeed } from '../../lambdas/incidents/feed';
import { foldIncidents } from '../../lambdas/incidents/state';
import { feedObjects } from '../../lambdas/incidents/store';
import type { IncidentEvent, ResponseLevel } from '../../lambdas/incidents/model';
import type { FeedTexts, MessageTemplates } from '../../lambdas/incidents/templates';
import { incidentTemplates } from '../../lib/incidents';
import { loadedPlan } from '../helpers/plan';
import { threeLanguagePlanInput } from '../fixtures/three-languages';
import { parsePlan } from '../../lib/config';

// The Atom feed of the status page, read back with a feed parser: one feed per plan language, the
// same texts as status.json and the notices, ids that never change once published.
const { plan } = loadedPlan();
const templates = incidentTemplates(plan) as MessageTemplates & { feed: FeedTexts };
const MIN = 60_000;
const T0 = Date.parse('2026-11-23T08:00:00Z');
const at = (m: number) => new Date(T0 + m * MIN).toISOString();
const alarm = (m: number, state: 'ALARM' | 'OK', level: ResponseLevel = 'severe'): IncidentEvent => ({ kind: 'alarm', id: `a${m}${state}`, time: at(m), alarm: `chat-${level}`, region: 'ap-southeast-1', level, state });
const update = (m: number, en: string, zh: string): IncidentEvent => ({ kind: 'update', id: `u${m}`, time: at(m), status: 'identified', message: { 'zh-Hant': zh, en } });
const fold = (events: IncidentEvent[], now: number) => foldIncidents(events, { confirmationMs: 15 * MIN, now: at(now), templates });
const feed = (events: IncidentEvent[], now: number, lang: string) =>
  renderAtomFeed(fold(events, now), { planName: plan.name, lang, templates, now: at(now), pageUrl: 'https://status.chat.example.com' });

const EVENTS: IncidentEvent[] = [alarm(0, 'ALARM'), update(5, 'Identified: network fault in <Singapore> & "friends"', '已確定原因:新加坡網絡故障'), alarm(20, 'OK')];

describe.each(['zh-Hant', 'en'] as const)('feed in %s', (lang) => {
  const xml = feed(EVENTS, 60, lang);
  const parsed = parseFeed(xml);

  test('is an Atom feed in that language, titled like the page, linking back to the page', () => {
    expect(parsed.meta.type).toBe('atom');
    expect(parsed.language).toBe(lang);
    expect(parsed.title).toBe(plan.incidents.statusPage.title[lang]);
    expect(parsed.self).toBe(`https://status.chat.example.com/feed.${lang}.xml`);
    expect(parsed.url).toBe(`https://status.chat.example.com/?lang=${lang}`);
    expect(parsed.authors[0].name).toBe(plan.handoff.teamName[lang]);
  });

  test('one entry per published update, newest first, in that language only, with the page link', () => {
    const incident = fold(EVENTS, 60)[0];
    expect(incident.phase).toBe('closed');
    expect(parsed.items.map((i) => i.id)).toEqual(
      [...incident.updates].sort((a, b) => Date.parse(b.time) - Date.parse(a.time)).map((u) => entryId(plan.name, incident.id, u.id)),
    );
    const newest = parsed.items[0];
    expect(newest.title).toBe(`${plan.words[lang]['status.resolved']}: ${plan.incidents.templates.severe.title[lang]}`);
    expect(newest.categories.map((c) => c.term)).toEqual(['resolved']);
    expect(newest.url).toBe(`https://status.chat.example.com/?lang=${lang}#${incident.id}`);
    const op = parsed.items.find((i) => i.id === entryId(plan.name, incident.id, 'u5'))!;
    // Escaped on the way in, intact on the way out.
    expect(op.content).toBe(lang === 'en' ? 'Identified: network fault in <Singapore> & "friends"' : '已確定原因:新加坡網絡故障');
    expect(op.updated?.toISOString()).toBe(at(5));
    expect(parsed.updated?.toISOString()).toBe(newest.updated?.toISOString());
    const other = lang === 'en' ? '新加坡' : 'network fault';
    expect(xml).not.toContain(other);
  });
});

test('entry ids and the document stay the same when nothing new happened; a new incident adds entries without renaming old ones', () => {
  const before = feed(EVENTS, 60, 'en');
  expect(feed(EVENTS, 90, 'en')).toBe(before);
  const later = [...EVENTS, alarm(120, 'ALARM', 'emergency')];
  const after = parseFeed(feed(later, 125, 'en'));
  const oldIds = parseFeed(before).items.map((i) => i.id);
  expect(after.items.map((i) => i.id).slice(-oldIds.length)).toEqual(oldIds);
  expect(after.items[0].title).toBe(`${plan.words.en['status.investigating']}: ${plan.incidents.templates.emergency.title.en}`);
  expect(new Set(after.items.map((i) => i.id)).size).toBe(after.items.length);
});

test('at most FEED_MAX_ENTRIES entries, the newest kept; control characters never reach the XML', () => {
  const many: IncidentEvent[] = [alarm(0, 'ALARM')];
  for (let m = 1; m <= FEED_MAX_ENTRIES + 10; m++) many.push({ ...update(m, `step ${m}\u0007`, `步驟 ${m}`) });
  const xml = feed(many, FEED_MAX_ENTRIES + 20, 'en');
  expect(xml).not.toContain('\u0007');
  const parsed = parseFeed(xml);
  expect(parsed.items).toHaveLength(FEED_MAX_ENTRIES);
  expect(parsed.items[0].content).toBe(`step ${FEED_MAX_ENTRIES + 10}`);
});

test('with no incident the feed is valid, empty and dated by the publication', () => {
  const parsed = parseFeed(feed([], 0, 'en'));
  expect(parsed.items).toEqual([]);
  expect(parsed.updated?.toISOString()).toBe(at(0));
});

test('the publisher writes feed.xml (default language) and one feed per plan language, for any plan languages', () => {
  const three = parsePlan(threeLanguagePlanInput());
  const t = incidentTemplates(three);
  const objs = feedObjects(fold(EVENTS, 60), { planName: three.name, templates: t }, at(60));
  expect(objs.map((o) => o.key)).toEqual(['feed.xml', ...three.languages.map((l) => `feed.${l}.xml`)]);
  expect(objs[0].body).toBe(objs[1].body);
  for (const [i, lang] of three.languages.entries()) expect(parseFeed(objs[i + 1].body).language).toBe(lang);
  const ja = parseFeed(objs.find((o) => o.key === 'feed.ja.xml')!.body);
  expect(ja.items[0].title).toBe(`${three.words.ja['status.resolved']}: ${three.incidents.templates.severe.title.ja}`);
  // A function deployed before feeds (templates without feed texts) writes none.
  const { feed: _f, ...old } = t;
  expect(feedObjects([], { planName: three.name, templates: old as typeof t }, at(0))).toEqual([]);
});
