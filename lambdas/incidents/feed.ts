import { textIn } from '../../contracts/languages';
import { feedObjectKey } from '../../contracts';
import type { Incident } from './model';
import type { FeedTexts, MessageTemplates } from './templates';
import { formatTime } from './templates';
import { MaintenanceWindow, windowOfIncident } from '../../contracts/maintenance';

/** At most this many entries per feed (newest first): feed readers poll the whole document. */
export const FEED_MAX_ENTRIES = 50;

/** The Atom namespace (RFC 4287). */
const ATOM_NS = 'http://www.w3.org/2005/Atom';

// XML 1.0 forbids most control characters even when escaped: drop them.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const xml = (s: string) => s.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** Entry ids never change once published: the plan name, the incident id and the update id. */
export function entryId(planName: string, incidentId: string, updateId: string): string {
  return `urn:contingency:${encodeURIComponent(planName)}:${encodeURIComponent(incidentId)}:${encodeURIComponent(updateId)}`;
}

export interface FeedOptions {
  readonly planName: string;
  /** The language of this feed (one of the plan's languages). */
  readonly lang: string;
  /** The message templates, with their `feed` texts (page title, status words). */
  readonly templates: MessageTemplates & { readonly feed: FeedTexts };
  /** The status page URL: entry links and the feed's self link. @default - no links */
  readonly pageUrl?: string;
  /** When nothing was ever published: the feed's `updated`. */
  readonly now: string;
  /** Maintenance windows in force (announced ones become entries; incidents opened in one are marked). @default [] */
  readonly maintenance?: readonly MaintenanceWindow[];
}

interface Entry {
  readonly id: string;
  readonly title: string;
  readonly updated: string;
  readonly published: string;
  readonly content: string;
  readonly category: string;
  readonly anchor: string;
}

/**
 * The status page's Atom feed (RFC 4287) in one plan language: every update of every incident the
 * publisher folded (the same texts as status.json and the notices), newest first. Entry ids are stable (plan, incident, update), so a reader shows each
 * update once however often the feed is rewritten; the feed's `updated` is the newest entry's
 * time, so an unchanged incident log gives a byte-identical document.
 */
export function renderAtomFeed(incidents: readonly Incident[], opts: FeedOptions): string {
  const { lang, templates: t } = opts;
  const words = t.feed.words[lang] ?? t.feed.words[t.languages[0]];
  const entries: Entry[] = [];
  const windows = opts.maintenance ?? [];
  for (const i of incidents) {
    const w = windowOfIncident(windows, i.openedAt, i.level);
    const title = `${textIn(t.levels[i.level].title, lang)}${w ? ` (${words.maintenance}: ${textIn(w.title, lang)})` : ''}`;
    for (const u of i.updates) {
      entries.push({
        id: entryId(opts.planName, i.id, u.id),
        title: `${words[u.status]}: ${title}`,
        updated: u.time,
        published: u.time,
        content: textIn(u.message, lang),
        category: u.status,
        anchor: i.id,
      });
    }
  }
  for (const m of windows) {
    if (Date.parse(m.announcedAt) > Date.parse(opts.now)) continue;
    entries.push({
      // A changed window (the CLI replaced it) is a new entry; the old one stays as it was.
      id: entryId(opts.planName, `maintenance-${m.id}`, m.announcedAt),
      title: `${words.maintenance}: ${textIn(m.title, lang)}`,
      updated: m.announcedAt,
      published: m.announcedAt,
      content: `${formatTime(m.start, t.timeZone)} → ${formatTime(m.end, t.timeZone)}${m.message ? `\n${textIn(m.message, lang)}` : ''}`,
      category: 'maintenance',
      anchor: `maintenance-${m.id}`,
    });
  }
  entries.sort((a, b) => Date.parse(b.updated) - Date.parse(a.updated) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const shown = entries.slice(0, FEED_MAX_ENTRIES);
  const updated = shown.length ? shown.map((e) => e.updated).reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a)) : opts.now;
  const page = opts.pageUrl?.replace(/\/+$/, '');
  const pageLink = (anchor?: string) => `${page}/?lang=${encodeURIComponent(lang)}${anchor ? `#${encodeURIComponent(anchor)}` : ''}`;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="${ATOM_NS}" xml:lang="${xml(lang)}">`,
    `  <id>urn:contingency:${encodeURIComponent(opts.planName)}:status:${encodeURIComponent(lang)}</id>`,
    `  <title>${xml(textIn(t.feed.title, lang))}</title>`,
    `  <updated>${xml(updated)}</updated>`,
    `  <author><name>${xml(textIn(t.contacts.team, lang))}</name></author>`,
    ...(page
      ? [`  <link rel="self" type="application/atom+xml" href="${xml(`${page}/${feedObjectKey(lang)}`)}"/>`, `  <link rel="alternate" type="text/html" href="${xml(pageLink())}"/>`]
      : []),
    ...shown.flatMap((e) => [
      '  <entry>',
      `    <id>${xml(e.id)}</id>`,
      `    <title>${xml(e.title)}</title>`,
      `    <updated>${xml(e.updated)}</updated>`,
      `    <published>${xml(e.published)}</published>`,
      ...(page ? [`    <link rel="alternate" type="text/html" href="${xml(pageLink(e.anchor))}"/>`] : []),
      `    <category term="${xml(e.category)}"/>`,
      `    <content type="text">${xml(e.content)}</content>`,
      '  </entry>',
    ]),
    '</feed>',
    '',
  ];
  return lines.join('\n');
}
