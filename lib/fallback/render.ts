/**
 * The human-agent fallback site's content (plan §7.1), generated from the plan at synth: a bilingual
 * zh/en page with the agents' contacts and opening hours, and a JSON hand-off document a chat widget
 * reads to switch itself to human mode. Pure functions: no AWS, no file system, so the output is
 * tested directly (and in a real browser) and can never drift from the plan.
 */

/** Fixed path of the hand-off document; chat widgets fetch it when the chatbot API fails. */
export const HANDOFF_DOCUMENT_PATH = '/handoff.json';

/** Version of the hand-off document's shape; bump it on an incompatible change. */
export const HANDOFF_DOCUMENT_VERSION = 1;

/**
 * Content-Security-Policy of the fallback site: no scripts at all, styles and icon from the site
 * itself. CloudFront sends it (FallbackSite) and the browser test's local server sends the same.
 */
export const FALLBACK_CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface Bilingual {
  readonly zh: string;
  readonly en: string;
}

/** What the fallback content is made of: the plan's `handoff` section, its title and notice. */
export interface FallbackContentInput {
  readonly teamName: Bilingual;
  readonly phone: string;
  readonly chatUrl: string;
  readonly email?: string;
  readonly hours: Bilingual;
  /** Plan title shown as the page heading. @default a bilingual "Customer service" */
  readonly title?: Bilingual;
  /** Notice at the top of the page. @default DEFAULT_FALLBACK_NOTICE */
  readonly notice?: Bilingual;
}

export const DEFAULT_FALLBACK_NOTICE: Bilingual = {
  zh: '智能客服暫時無法使用。請透過以下方式聯絡我們的人工客服，我們會盡快為您服務。',
  en: 'Our chat assistant is temporarily unavailable. Please contact our customer-service agents below; we will help you as soon as we can.',
};

const DEFAULT_TITLE: Bilingual = { zh: '客戶服務', en: 'Customer service' };

/** The hand-off document a chat widget reads (`HANDOFF_DOCUMENT_PATH`). */
export interface HandoffDocument {
  readonly version: number;
  /** Always 'human': whoever serves this document tells the widget to stop using the bot. */
  readonly mode: 'human';
  readonly reason: 'chatbot-unavailable';
  readonly notice: Bilingual;
  readonly team: Bilingual;
  readonly phone: string;
  readonly chatUrl: string;
  readonly email?: string;
  readonly hours: Bilingual;
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
    notice: input.notice ?? DEFAULT_FALLBACK_NOTICE,
    team: input.teamName,
    phone: input.phone,
    chatUrl: input.chatUrl,
    ...(input.email ? { email: input.email } : {}),
    hours: input.hours,
  };
}

const LABELS = {
  zh: { lang: 'zh-Hant', phone: '電話', chat: '網上即時對話', email: '電郵', hours: '服務時間', startChat: '與客服對話' },
  en: { lang: 'en', phone: 'Phone', chat: 'Online chat', email: 'E-mail', hours: 'Opening hours', startChat: 'Chat with an agent' },
} as const;

function section(lang: 'zh' | 'en', input: FallbackContentInput): string {
  const l = LABELS[lang];
  const e = escapeHtml;
  const notice = (input.notice ?? DEFAULT_FALLBACK_NOTICE)[lang];
  const rows = [
    `<dt>${l.phone}</dt><dd><a class="phone" href="${e(telHref(input.phone))}">${e(input.phone)}</a></dd>`,
    `<dt>${l.chat}</dt><dd><a class="chat" href="${e(input.chatUrl)}" rel="noopener">${l.startChat}</a></dd>`,
    ...(input.email ? [`<dt>${l.email}</dt><dd><a class="email" href="mailto:${e(input.email)}">${e(input.email)}</a></dd>`] : []),
    `<dt>${l.hours}</dt><dd class="hours">${e(input.hours[lang])}</dd>`,
  ];
  return [
    `<section lang="${l.lang}" id="contacts-${lang}">`,
    `<h2>${e(input.teamName[lang])}</h2>`,
    `<p class="notice">${e(notice)}</p>`,
    `<dl>${rows.join('')}</dl>`,
    `</section>`,
  ].join('\n');
}

export function renderFallbackPage(input: FallbackContentInput): string {
  const title = input.title ?? DEFAULT_TITLE;
  return [
    '<!doctype html>',
    '<html lang="zh-Hant">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title.zh)} | ${escapeHtml(title.en)}</title>`,
    '<link rel="stylesheet" href="/fallback.css">',
    '<link rel="icon" href="/favicon.svg" type="image/svg+xml">',
    '</head>',
    '<body>',
    '<main>',
    `<h1><span lang="zh-Hant">${escapeHtml(title.zh)}</span> <span lang="en">${escapeHtml(title.en)}</span></h1>`,
    section('zh', input),
    section('en', input),
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
