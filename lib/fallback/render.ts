/**
 * The human-agent fallback site's content (plan §7.1), generated from the plan at synth: a page with
 * the agents' contacts and opening hours in every plan language (one section each, the default
 * language first), and a JSON hand-off document a chat widget
 * reads to switch itself to human mode. Pure functions: no AWS, no file system, so the output is
 * tested directly (and in a real browser) and can never drift from the plan.
 */
import type { Texts, WordKey, Words } from '../../contracts/languages';

/** Fixed path of the hand-off document; chat widgets fetch it when the chatbot API fails. */
export const HANDOFF_DOCUMENT_PATH = '/handoff.json';

/**
 * Version of the hand-off document's shape; bump it on an incompatible change.
 * 2: texts are keyed by the plan's language tags (e.g. zh-Hant, en) and `languages` lists them
 * (1 had fixed `zh`/`en` keys).
 */
export const HANDOFF_DOCUMENT_VERSION = 2;

/**
 * Content-Security-Policy of the fallback site: no scripts at all, styles and icon from the site
 * itself. CloudFront sends it (FallbackSite) and the browser test's local server sends the same.
 */
export const FALLBACK_CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** What the fallback content is made of: the plan's languages, `handoff` section, title and notice. */
export interface FallbackContentInput {
  /** Languages of the page, the default first; every text below has each of them. */
  readonly languages: readonly string[];
  /** Fixed words (labels) per language; the plan's `words`. */
  readonly words: Readonly<Record<string, Words>>;
  readonly teamName: Texts;
  readonly phone: string;
  readonly chatUrl: string;
  readonly email?: string;
  readonly hours: Texts;
  /** Plan title shown as the page heading. @default the word page.title ("Customer service") */
  readonly title?: Texts;
  /** Notice at the top of the page. @default the word page.notice */
  readonly notice?: Texts;
}

/** The hand-off document a chat widget reads (`HANDOFF_DOCUMENT_PATH`). */
export interface HandoffDocument {
  readonly version: number;
  /** Always 'human': whoever serves this document tells the widget to stop using the bot. */
  readonly mode: 'human';
  readonly reason: 'chatbot-unavailable';
  /** The plan's languages (BCP 47), the default first: the keys of every text below. */
  readonly languages: readonly string[];
  readonly notice: Texts;
  readonly team: Texts;
  readonly phone: string;
  readonly chatUrl: string;
  readonly email?: string;
  readonly hours: Texts;
}

function noticeOf(input: FallbackContentInput): Texts {
  return input.notice ?? pick(input, 'page.notice');
}

function pick(input: FallbackContentInput, key: WordKey): Texts {
  return Object.fromEntries(input.languages.map((l) => [l, input.words[l][key]]));
}

/** Escapes text for an HTML text node or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Digits and a leading + only, for a tel: link (the displayed number keeps the plan's spacing). */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

export function renderHandoffDocument(input: FallbackContentInput): HandoffDocument {
  return {
    version: HANDOFF_DOCUMENT_VERSION,
    mode: 'human',
    reason: 'chatbot-unavailable',
    languages: [...input.languages],
    notice: noticeOf(input),
    team: input.teamName,
    phone: input.phone,
    chatUrl: input.chatUrl,
    ...(input.email ? { email: input.email } : {}),
    hours: input.hours,
  };
}

function section(lang: string, input: FallbackContentInput): string {
  const w = input.words[lang];
  const e = escapeHtml;
  const rows = [
    `<dt>${e(w['page.phone'])}</dt><dd><a class="phone" href="${e(telHref(input.phone))}">${e(input.phone)}</a></dd>`,
    `<dt>${e(w['page.chat'])}</dt><dd><a class="chat" href="${e(input.chatUrl)}" rel="noopener">${e(w['page.startChat'])}</a></dd>`,
    ...(input.email ? [`<dt>${e(w['page.email'])}</dt><dd><a class="email" href="mailto:${e(input.email)}">${e(input.email)}</a></dd>`] : []),
    `<dt>${e(w['page.hours'])}</dt><dd class="hours">${e(input.hours[lang])}</dd>`,
  ];
  return [
    `<section lang="${e(lang)}" id="contacts-${e(lang)}">`,
    `<h2>${e(input.teamName[lang])}</h2>`,
    `<p class="notice">${e(noticeOf(input)[lang])}</p>`,
    `<dl>${rows.join('')}</dl>`,
    `</section>`,
  ].join('\n');
}

export function renderFallbackPage(input: FallbackContentInput): string {
  const title = input.title ?? pick(input, 'page.title');
  const [first] = input.languages;
  const titles = [...new Set(input.languages.map((l) => title[l]))];
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(first)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${titles.map(escapeHtml).join(' | ')}</title>`,
    '<link rel="stylesheet" href="/fallback.css">',
    '<link rel="icon" href="/favicon.svg" type="image/svg+xml">',
    '</head>',
    '<body>',
    '<main>',
    `<h1>${input.languages.map((l) => `<span lang="${escapeHtml(l)}">${escapeHtml(title[l])}</span>`).join(' ')}</h1>`,
    ...input.languages.map((l) => section(l, input)),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export const FALLBACK_CSS = `:root{color-scheme:light dark;font-family:system-ui,"Noto Sans CJK TC","PingFang TC","Microsoft JhengHei",sans-serif}
body{margin:0;padding:1.5rem;line-height:1.5}
main{max-width:40rem;margin:0 auto}
h1{font-size:1.5rem}
section{border:1px solid #8884;border-radius:.5rem;padding:1rem;margin:1rem 0}
.notice{font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dt{font-weight:600}
dd{margin:0}
a{font-size:1.1rem}
`;

export const FALLBACK_FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#2a6"/></svg>\n';

/** Every file of the fallback site, keyed by object key (no leading slash). */
export function renderFallbackSite(input: FallbackContentInput): Record<string, string> {
  return {
    'index.html': renderFallbackPage(input),
    [HANDOFF_DOCUMENT_PATH.slice(1)]: `${JSON.stringify(renderHandoffDocument(input), null, 2)}\n`,
    'fallback.css': FALLBACK_CSS,
    'favicon.svg': FALLBACK_FAVICON_SVG,
  };
}
