import type { Plan } from '../config';
import { feedObjectKey, MessageTemplatesInput as MessageTemplates, RESPONSE_LEVELS } from '../../contracts';
import type { Texts, WordKey, Words } from '../../contracts/languages';
import type { SubscriptionTexts } from '../../contracts';
import { SUBSCRIBE_CSS, subscribeSection, subscriptionFiles } from './subscription-pages';
import { INCIDENT_ID_PATTERN, RATING_MAX, RATING_MIN, SURVEY_API_PREFIX, SURVEY_PAGE, SurveyTemplates } from '../../contracts/survey';

/** Texts of the page that come from the plan (baked into index.html at synth). */
export interface StatusPageTexts {
  /** The plan's languages, the default first. A language switch is shown only when there are several. */
  readonly languages: readonly string[];
  /** Fixed words (labels, states, headings) per language. */
  readonly words: Readonly<Record<string, Words>>;
  readonly title: Texts;
  readonly components: { chatbot: Texts; agents: Texts };
  readonly contacts: { team: Texts; phone: string; chatUrl: string; hours: Texts };
  /** Text for a missing expected recovery time. */
  readonly noEta: Texts;
  /** Status JSON older than this is flagged as possibly out of date. */
  readonly staleAfterSeconds: number;
  /** Show the e-mail subscription form and publish its pages (lib/incidents/subscription-pages.ts). @default false */
  readonly subscriptions?: boolean;
  /** The satisfaction survey (§10.2): history entries closed within the window link survey.html. @default - no survey */
  readonly survey?: { readonly windowDays: number; readonly commentMaxLength: number };
}

/** The message templates the incident function renders automatic updates from. */
export function incidentTemplates(plan: Plan): MessageTemplates {
  const inc = plan.incidents;
  return {
    languages: [...plan.languages],
    levels: inc.templates,
    levelNames: Object.fromEntries(RESPONSE_LEVELS.map((l) => [l, Object.fromEntries(plan.languages.map((lang) => [lang, plan.words[lang][`response.${l}`]]))])) as MessageTemplates['levelNames'],
    recovering: inc.recoveringMessage,
    resolved: inc.resolvedMessage,
    noEta: inc.noEta,
    contacts: { team: plan.handoff.teamName, phone: plan.handoff.phone, chatUrl: plan.handoff.chatUrl },
    timeZone: plan.timeZone,
    ...(plan.incidents.statusPage.survey.enabled ? { survey: surveyTemplates(plan) } : {}),
    feed: {
      title: plan.incidents.statusPage.title,
      words: Object.fromEntries(
        plan.languages.map((lang) => {
          const w = plan.words[lang];
          return [lang, { investigating: w['status.investigating'], identified: w['status.identified'], monitoring: w['status.monitoring'], resolved: w['status.resolved'], maintenance: w['status.maintenance'] }];
        }),
      ),
    },
  };
}

/** The survey's window and the words the report and the resolved notice use, per plan language. */
export function surveyTemplates(plan: Plan): SurveyTemplates {
  return {
    windowDays: plan.incidents.statusPage.survey.windowDays,
    words: Object.fromEntries(
      plan.languages.map((lang) => {
        const w = plan.words[lang];
        return [lang, { link: w['survey.link'], report: w['survey.report'], answers: w['survey.answers'], average: w['survey.average'], distribution: w['survey.distribution'], comments: w['survey.comments'], none: w['survey.none'] }];
      }),
    ),
  };
}

export function statusPageTexts(plan: Plan): StatusPageTexts {
  return {
    languages: [...plan.languages],
    words: plan.words,
    title: plan.incidents.statusPage.title,
    components: plan.incidents.statusPage.components,
    contacts: { team: plan.handoff.teamName, phone: plan.handoff.phone, chatUrl: plan.handoff.chatUrl, hours: plan.handoff.hours },
    noEta: plan.incidents.noEta,
    staleAfterSeconds: 600,
    ...(plan.incidents.statusPage.survey.enabled ? { survey: { windowDays: plan.incidents.statusPage.survey.windowDays, commentMaxLength: plan.incidents.statusPage.survey.commentMaxLength } } : {}),
    ...(plan.incidents.statusPage.subscriptions.enabled ? { subscriptions: true } : {}),
  };
}

/** The plan's subscription settings, as the StatusPage construct takes them (`subscriptions`). */
export interface SubscriptionSettings {
  readonly from: string;
  readonly perIpPerHour: number;
  readonly mailsPerAddressPerDay: number;
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly configurationSet?: string;
  /** Log retention, days (a CloudWatch Logs retention value). */
  readonly logRetention?: number;
  readonly texts: SubscriptionTexts;
}

/** The plan's subscription settings (only when enabled: `from` is then set). */
export function subscriptionSettings(plan: Plan): SubscriptionSettings {
  const sub = plan.incidents.statusPage.subscriptions;
  if (!sub.enabled || !sub.from) throw new Error('incidents.statusPage.subscriptions: enabled with a from address is required here (the plan rules check it); this is a bug in the caller');
  return {
    from: sub.from,
    perIpPerHour: sub.perIpPerHour,
    mailsPerAddressPerDay: sub.mailsPerAddressPerDay,
    rateLimit: sub.rateLimit,
    burstLimit: sub.burstLimit,
    ...(sub.configurationSet ? { configurationSet: sub.configurationSet } : {}),
    logRetention: plan.chatbot.logRetentionDays,
    texts: {
      languages: [...plan.languages],
      title: plan.incidents.statusPage.title,
      words: Object.fromEntries(
        plan.languages.map((l) => {
          const w = plan.words[l];
          return [l, { confirmSubject: w['subscribe.mailConfirmSubject'], confirmBody: w['subscribe.mailConfirmBody'], ignore: w['subscribe.mailIgnore'], footer: w['subscribe.mailFooter'] }];
        }),
      ),
    },
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The words app.js needs, per language, under the short names it uses. */
const UI_KEYS = {
  loading: 'status.loading',
  unavailable: 'status.unavailable',
  stale: 'status.stale',
  updated: 'status.updated',
  operational: 'status.operational',
  degraded: 'status.degraded',
  outage: 'status.outage',
  current: 'status.current',
  started: 'status.started',
  eta: 'status.eta',
  updates: 'status.updates',
  history: 'status.history',
  noHistory: 'status.noHistory',
  contact: 'status.contact',
  phone: 'page.phone',
  chat: 'status.chat',
  hours: 'page.hours',
  investigating: 'status.investigating',
  identified: 'status.identified',
  monitoring: 'status.monitoring',
  resolved: 'status.resolved',
  recovering: 'status.recovering',
  maintenance: 'status.maintenance',
  maintenanceActive: 'status.maintenanceActive',
  uptime: 'status.uptime',
  uptimeNoIncident: 'status.uptimeNoIncident',
  uptimeAffected: 'status.uptimeAffected',
  survey: 'survey.link',
} as const satisfies Record<string, WordKey>;

function uiWords(w: Words) {
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(UI_KEYS).map(([k, key]) => [k, w[key]]));
  out.overall = { operational: w['status.overall.operational'], degraded: w['status.overall.degraded'], outage: w['status.overall.outage'] };
  return out;
}

/**
 * The static status page: index.html (texts and contacts baked in, readable without JavaScript or
 * status.json), app.js (fetches status.json, renders it in the reader's language) and style.css. No
 * inline script or style, so the site's Content-Security-Policy can forbid both. Every text is in
 * each plan language; the reader's language is `?lang=`, else the browser's best match, else the
 * plan's first. The language buttons appear only when the plan has more than one language.
 */
export function renderStatusSite(texts: StatusPageTexts, timeZone: string): Record<string, string> {
  const langs = texts.languages;
  const all = (t: Texts) => langs.map((l) => `<span lang="${esc(l)}" data-l="${esc(l)}">${esc(t[l])}</span>`).join('');
  const ui = (k: keyof typeof UI_KEYS) => all(Object.fromEntries(langs.map((l) => [l, texts.words[l][UI_KEYS[k]]])));
  const config = {
    languages: langs,
    texts: { title: texts.title, noEta: texts.noEta, staleAfterSeconds: texts.staleAfterSeconds, components: texts.components },
    ui: Object.fromEntries(langs.map((l) => [l, uiWords(texts.words[l])])),
    levels: Object.fromEntries(RESPONSE_LEVELS.map((level) => [level, Object.fromEntries(langs.map((l) => [l, texts.words[l][`response.${level}`]]))])),
    timeZone,
    ...(texts.survey ? { survey: { windowDays: texts.survey.windowDays, page: SURVEY_PAGE } } : {}),
  };
  const subscribe = texts.subscriptions ? subscribeSection(texts) : undefined;
  const nav =
    langs.length > 1
      ? `\n  <nav aria-label="language">${langs.map((l) => `<button type="button" data-lang="${esc(l)}" lang="${esc(l)}">${esc(texts.words[l].languageName)}</button>`).join('')}</nav>`
      : '';
  const html = `<!doctype html>
<html lang="${esc(langs[0])}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${[...new Set(langs.map((l) => texts.title[l]))].map(esc).join(' · ')}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="style.css">
${langs.map((l) => `<link rel="alternate" type="application/atom+xml" hreflang="${esc(l)}" href="${esc(feedObjectKey(l))}" title="${esc(texts.words[l]['status.feed'])}">`).join('\n')}
<script id="page-config" type="application/json">${JSON.stringify(config).replace(/</g, '\\u003c')}</script>
<script src="app.js" defer></script>${subscribe ? `\n${subscribe.head}` : ''}
</head>
<body data-lang="${esc(langs[0])}">
<header>
  <h1 id="title">${all(texts.title)}</h1>${nav}
</header>
<main>
  <section id="overall" class="banner state-unknown" role="status" aria-live="polite">${ui('loading')}</section>
  <section id="components" aria-label="components">
    <div class="component" data-component="chatbot"><span class="name">${all(texts.components.chatbot)}</span><span class="state">–</span></div>
    <div class="component" data-component="agents"><span class="name">${all(texts.components.agents)}</span><span class="state">–</span></div>
  </section>
  <section id="maintenance" hidden></section>
  <section id="current" hidden></section>
  <section id="uptime" hidden></section>
  <section id="history" hidden></section>
${subscribe ? `  ${subscribe.body}\n` : ''}  <section id="contact">
    <h2>${ui('contact')}</h2>
    <p>${all(texts.contacts.team)}</p>
    <p>${ui('phone')}: <a href="tel:${esc(texts.contacts.phone.replace(/\s+/g, ''))}">${esc(texts.contacts.phone)}</a></p>
    <p><a href="${esc(texts.contacts.chatUrl)}">${ui('chat')}</a></p>
    <p>${ui('hours')}: ${all(texts.contacts.hours)}</p>
    <p>${langs.map((l) => `<a data-l="${esc(l)}" lang="${esc(l)}" href="${esc(feedObjectKey(l))}" type="application/atom+xml">${esc(texts.words[l]['status.feed'])}</a>`).join('')}</p>
  </section>
  <p id="updated"></p>
</main>
</body>
</html>
`;
  // Only the reader's language is shown: hide every other language's spans.
  const langCss = langs.map((l) => `body:not([data-lang="${l}"]) [data-l="${l}"]{display:none}`).join('\n');
  return {
    'index.html': html,
    'app.js': APP_JS,
    'style.css': `${STYLE_CSS}${subscribe ? SUBSCRIBE_CSS : ''}${langCss}\n`,
    ...(subscribe ? subscriptionFiles(texts) : {}),
    ...(texts.survey ? { [SURVEY_PAGE]: renderSurveyPage(texts, texts.survey.commentMaxLength, nav), 'survey.js': SURVEY_JS } : {}),
  };
}

/**
 * The survey page (§10.2): `survey.html?incident=<id>&lang=<tag>`. A rating 1–5 (radio buttons in
 * a fieldset with a legend), an optional comment (length-limited), a sentence saying no name or
 * e-mail is needed, and a live region with the outcome. survey.js posts the answer to
 * `api/survey/<id>` on this site's own origin (the CSP's `connect-src 'self'`); no inline script.
 */
function renderSurveyPage(texts: StatusPageTexts, commentMax: number, nav: string): string {
  const langs = texts.languages;
  const esc2 = esc;
  const word = (k: WordKey, vars: Record<string, string> = {}) =>
    langs.map((l) => `<span lang="${esc2(l)}" data-l="${esc2(l)}">${esc2(texts.words[l][k].replace(/\{(\w+)\}/g, (all, v: string) => vars[v] ?? all))}</span>`).join('');
  const ratings = Array.from({ length: RATING_MAX - RATING_MIN + 1 }, (_, i) => RATING_MIN + i);
  const config = {
    languages: langs,
    api: SURVEY_API_PREFIX,
    idPattern: INCIDENT_ID_PATTERN.source,
    commentMaxLength: commentMax,
    messages: Object.fromEntries(langs.map((l) => [l, Object.fromEntries(Object.entries(SURVEY_MESSAGES).map(([k, w]) => [k, texts.words[l][w]]))])),
    title: Object.fromEntries(langs.map((l) => [l, texts.words[l]['survey.title']])),
  };
  return `<!doctype html>
<html lang="${esc(langs[0])}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${[...new Set(langs.map((l) => texts.words[l]['survey.title']))].map(esc).join(' · ')}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="style.css">
<script id="survey-config" type="application/json">${JSON.stringify(config).replace(/</g, '\\u003c')}</script>
<script src="survey.js" defer></script>
</head>
<body data-lang="${esc(langs[0])}" class="survey-page">
<header>
  <h1 id="title">${word('survey.title')}</h1>${nav}
</header>
<main>
  <p id="about">${word('survey.incident')}: <strong id="incident-id">–</strong></p>
  <p id="privacy">${word('survey.privacy')}</p>
  <form id="survey" novalidate>
    <fieldset>
      <legend>${word('survey.rating')}</legend>
${ratings.map((r) => `      <div class="option"><input type="radio" name="rating" id="rating-${r}" value="${r}"><label for="rating-${r}">${word(`survey.r${r}` as WordKey)}</label></div>`).join('\n')}
    </fieldset>
${
  commentMax > 0
    ? `    <label for="comment" class="block">${word('survey.comment', { max: String(commentMax) })}</label>
    <textarea id="comment" name="comment" rows="4" maxlength="${commentMax}"></textarea>
`
    : ''
}    <button type="submit" id="send">${word('survey.submit')}</button>
  </form>
  <p id="result" role="status" aria-live="polite"></p>
  <p><a id="back" href="index.html">${word('survey.back')}</a></p>
</main>
</body>
</html>
`;
}

/**
 * The reader's language, for the page scripts (app.js, survey.js; they define `params` and `langs`):
 * ?lang=, else the browser's first language the plan has (same language and script: zh-TW reads
 * zh-Hant, zh-CN reads zh-Hans), else the plan's first.
 */
const PICK_LANG_JS = `  function key(tag) {
    try { var m = new Intl.Locale(tag).maximize(); return m.language + '-' + m.script; } catch (e) { return String(tag).toLowerCase(); }
  }
  function pickLang() {
    var asked = params.get('lang');
    if (asked && langs.indexOf(asked) >= 0) return asked;
    var wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ''];
    for (var i = 0; i < wanted.length; i++) {
      for (var j = 0; j < langs.length; j++) if (langs[j].toLowerCase() === String(wanted[i]).toLowerCase()) return langs[j];
      for (var k = 0; k < langs.length; k++) if (key(langs[k]) === key(wanted[i])) return langs[k];
    }
    return langs[0];
  }
`;

/** The sentences survey.js shows in its live region, by outcome. */
const SURVEY_MESSAGES = { sending: 'survey.sending', recorded: 'survey.thanks', invalid: 'survey.invalid', closed: 'survey.closed', limited: 'survey.limited', error: 'survey.error' } as const satisfies Record<string, WordKey>;

const SURVEY_JS = `(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('survey-config').textContent);
  var params = new URLSearchParams(location.search);
  var langs = cfg.languages;
${PICK_LANG_JS}  var lang = pickLang();
  var incident = params.get('incident') || '';
  var valid = new RegExp(cfg.idPattern).test(incident);
  var form = document.getElementById('survey');
  var result = document.getElementById('result');
  var send = document.getElementById('send');
  var shown = null;
  function say(outcome) {
    shown = outcome;
    result.textContent = outcome ? cfg.messages[lang][outcome] : '';
    result.className = outcome === 'recorded' ? 'ok' : outcome && outcome !== 'sending' ? 'problem' : '';
  }
  function render() {
    document.body.setAttribute('data-lang', lang);
    document.documentElement.lang = lang;
    document.title = cfg.title[lang];
    Array.prototype.forEach.call(document.querySelectorAll('nav button[data-lang]'), function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-lang') === lang)); });
    var back = document.getElementById('back');
    back.setAttribute('href', 'index.html?lang=' + encodeURIComponent(lang));
    if (shown) say(shown);
  }
  document.getElementById('incident-id').textContent = valid ? incident : '–';
  Array.prototype.forEach.call(document.querySelectorAll('nav button[data-lang]'), function (b) {
    b.addEventListener('click', function () { lang = b.getAttribute('data-lang'); params.set('lang', lang); history.replaceState(null, '', '?' + params.toString()); render(); });
  });
  if (!valid) { form.hidden = true; say('closed'); }
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var picked = form.querySelector('input[name=rating]:checked');
    var comment = document.getElementById('comment');
    var text = comment ? comment.value.trim() : '';
    if (!picked || Array.from(text).length > cfg.commentMaxLength) {
      say('invalid');
      (picked ? comment : document.getElementById('rating-1')).focus();
      return;
    }
    send.disabled = true;
    say('sending');
    var body = { rating: Number(picked.value), lang: lang };
    if (text) body.comment = text;
    fetch(cfg.api + '/' + encodeURIComponent(incident), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit' })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (j) { return { status: r.status, outcome: j && j.outcome }; }); })
      .then(function (r) {
        var outcome = r.status === 201 ? 'recorded' : ['invalid', 'closed', 'limited'].indexOf(r.outcome) >= 0 ? r.outcome : 'error';
        say(outcome);
        if (outcome === 'recorded' || outcome === 'closed') form.hidden = true; else send.disabled = false;
        result.focus();
      })
      .catch(function () { say('error'); send.disabled = false; });
  });
  result.setAttribute('tabindex', '-1');
  render();
})();
`;

const STYLE_CSS = `:root{font-family:system-ui,-apple-system,"Noto Sans CJK TC","Noto Sans CJK SC","Noto Sans CJK JP","Microsoft JhengHei",sans-serif;color:#1a1a1a;background:#f6f7f9}
body{margin:0 auto;max-width:760px;padding:1rem}
header{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap}
h1{font-size:1.6rem;margin:.5rem 0}
nav button{margin-left:.25rem;padding:.3rem .7rem;border:1px solid #888;background:#fff;border-radius:4px;cursor:pointer}
nav button[aria-pressed=true]{background:#1a1a1a;color:#fff}
.banner{padding:1rem;border-radius:6px;font-weight:600;margin:1rem 0;background:#ddd}
.state-operational{background:#d7f5dd;color:#0b4d1a}.state-degraded{background:#fff1c2;color:#5c4300}.state-outage{background:#ffd6d6;color:#7a0000}.state-unavailable{background:#e4e8ef;color:#1a1a1a}
.component{display:flex;justify-content:space-between;padding:.7rem 1rem;background:#fff;border:1px solid #e0e0e0;margin-top:-1px}
.component .state{font-weight:600}.component.operational .state{color:#0b6b22}.component.degraded .state{color:#8a6500}.component.outage .state{color:#b00000}
section{margin:1rem 0}
#current,#history,#contact{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:1rem}
.update{border-left:3px solid #999;padding-left:.7rem;margin:.7rem 0}.update time,.muted{color:#555;font-size:.9rem}
h2{font-size:1.2rem;margin:.2rem 0 .6rem}
#maintenance,#uptime{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:1rem}
.window{border-left:3px solid #1f5fa8;padding-left:.7rem;margin:.7rem 0}.badge{display:inline-block;background:#1f5fa8;color:#fff;border-radius:3px;padding:0 .4rem;font-size:.85rem;margin-left:.4rem}
.component .maint{font-weight:400;color:#1f4f8a;margin-left:.5rem}
.uptime-row{margin:.8rem 0}.uptime-row h3{font-size:1rem;margin:0 0 .3rem;display:flex;justify-content:space-between}
.bars{display:flex;gap:1px;list-style:none;padding:0;margin:0;height:28px}.bars li{flex:1;background:#2e7d32}.bars li.degraded{background:#b58900}.bars li.outage{background:#c62828}
.days{margin:.3rem 0 0;padding-left:1.2rem;font-size:.9rem;color:#333}
.range{display:flex;justify-content:space-between;font-size:.8rem;color:#555}
a{color:#0b4f9c}a:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #0b4f9c;outline-offset:2px}
.survey-link{white-space:nowrap}
.survey-page main{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:1rem}
.survey-page fieldset{border:1px solid #c8c8c8;border-radius:6px;padding:.6rem 1rem;margin:0 0 1rem}
.survey-page legend{font-weight:600;padding:0 .3rem}
.survey-page .option{display:flex;align-items:center;gap:.5rem;padding:.3rem 0}
.survey-page input[type=radio]{width:1.2rem;height:1.2rem;margin:0}
.survey-page label.block{display:block;font-weight:600;margin:.4rem 0}
.survey-page textarea{box-sizing:border-box;width:100%;font:inherit;padding:.5rem;border:1px solid #767676;border-radius:4px}
.survey-page button[type=submit]{margin-top:.8rem;padding:.5rem 1.4rem;font:inherit;font-weight:600;background:#0b4f9c;color:#fff;border:0;border-radius:4px;cursor:pointer}
.survey-page button[disabled]{background:#5a5a5a}
#result.ok{color:#0b4d1a;font-weight:600}#result.problem{color:#7a0000;font-weight:600}
`;

const APP_JS = `(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('page-config').textContent);
  var params = new URLSearchParams(location.search);
  var langs = cfg.languages;
${PICK_LANG_JS}  var lang = pickLang();
  var doc = null, failed = false;
  function t(k) { return cfg.ui[lang][k]; }
  // A text of status.json in the reader's language; an older entry without it shows its first text.
  function tx(m) { if (!m) return ''; if (m[lang] !== undefined) return m[lang]; var ks = Object.keys(m); return ks.length ? m[ks[0]] : ''; }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function fmt(iso) {
    try {
      return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, { timeZone: cfg.timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) + ' (' + cfg.timeZone + ')';
    } catch (e) { return iso; }
  }
  function render() {
    document.body.setAttribute('data-lang', lang);
    document.documentElement.lang = lang;
    document.title = cfg.texts.title[lang];
    Array.prototype.forEach.call(document.querySelectorAll('nav button[data-lang]'), function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-lang') === lang)); });
    var overall = document.getElementById('overall');
    var cur = document.getElementById('current');
    var hist = document.getElementById('history');
    var updated = document.getElementById('updated');
    if (failed || !doc) {
      overall.className = 'banner state-unavailable';
      overall.textContent = failed ? t('unavailable') : t('loading');
      document.body.setAttribute('data-status', failed ? 'unavailable' : 'loading');
      cur.hidden = true; hist.hidden = true; updated.textContent = '';
      document.getElementById('maintenance').hidden = true; document.getElementById('uptime').hidden = true;
      return;
    }
    document.body.setAttribute('data-status', doc.overall);
    overall.className = 'banner state-' + doc.overall;
    overall.textContent = t('overall')[doc.overall];
    doc.components.forEach(function (c) {
      var row = document.querySelector('[data-component="' + c.id + '"]');
      if (!row) return;
      row.className = 'component ' + c.state;
      row.querySelector('.state').textContent = t(c.state);
    });
    cur.textContent = '';
    if (doc.current) {
      var i = doc.current;
      cur.hidden = false;
      cur.appendChild(el('h2', { id: i.id }, [t('current') + ': ' + tx(i.title)]));
      if (i.maintenance) cur.appendChild(el('p', { class: 'maint-mark' }, [t('maintenance') + ': ' + windowTitle(i.maintenance)]));
      cur.appendChild(el('p', { class: 'muted' }, [cfg.levels[i.level][lang] + (i.phase === 'recovering' ? ' · ' + t('recovering') : '')]));
      cur.appendChild(el('p', {}, [t('started') + ': ' + fmt(i.startedAt)]));
      cur.appendChild(el('p', { id: 'eta' }, [t('eta') + ': ' + (i.eta ? fmt(i.eta) : cfg.texts.noEta[lang])]));
      cur.appendChild(el('h2', {}, [t('updates')]));
      i.updates.forEach(function (u) {
        cur.appendChild(el('div', { class: 'update' }, [el('strong', {}, [t(u.status) + ' ']), el('time', { datetime: u.time }, [fmt(u.time)]), el('p', {}, [tx(u.message)])]));
      });
    } else { cur.hidden = true; }
    renderMaintenance();
    renderUptime();
    hist.textContent = '';
    hist.hidden = false;
    hist.appendChild(el('h2', {}, [t('history')]));
    if (!doc.history.length) hist.appendChild(el('p', { class: 'muted' }, [t('noHistory')]));
    doc.history.forEach(function (h) {
      var entry = el('p', { id: h.id }, [tx(h.title) + (h.maintenance ? ' (' + t('maintenance') + ': ' + windowTitle(h.maintenance) + ')' : '') + ' — ' + fmt(h.startedAt) + ' → ' + fmt(h.closedAt)]);
      // The satisfaction survey (§10.2), while its window after the close is open.
      if (cfg.survey && Date.now() - Date.parse(h.closedAt) <= cfg.survey.windowDays * 86400000) {
        entry.appendChild(document.createTextNode(' '));
        entry.appendChild(el('a', { class: 'survey-link', href: cfg.survey.page + '?incident=' + encodeURIComponent(h.id) + '&lang=' + encodeURIComponent(lang) }, [t('survey')]));
      }
      hist.appendChild(entry);
    });
    var age = (Date.now() - Date.parse(doc.generatedAt)) / 1000;
    updated.className = age > cfg.texts.staleAfterSeconds ? 'stale' : 'muted';
    updated.textContent = (age > cfg.texts.staleAfterSeconds ? t('stale') : t('updated')) + ' ' + fmt(doc.generatedAt);
  }
  // The title of a maintenance window still listed, else its id (a window already over).
  function windowTitle(id) {
    var w = (doc.maintenance || []).filter(function (m) { return m.id === id; })[0];
    return w ? tx(w.title) : id;
  }
  function renderMaintenance() {
    var box = document.getElementById('maintenance');
    var list = doc.maintenance || [];
    box.textContent = '';
    Array.prototype.forEach.call(document.querySelectorAll('.component .maint'), function (m) { m.remove(); });
    if (!list.length) { box.hidden = true; return; }
    box.hidden = false;
    box.appendChild(el('h2', {}, [t('maintenance')]));
    list.forEach(function (w) {
      var head = el('strong', {}, [tx(w.title)]);
      var item = el('div', { class: 'window', id: 'maintenance-' + w.id }, [head]);
      if (w.active) {
        head.appendChild(el('span', { class: 'badge' }, [t('maintenanceActive')]));
        w.components.forEach(function (c) {
          var row = document.querySelector('[data-component="' + c + '"] .name');
          if (row) row.appendChild(el('span', { class: 'maint' }, ['(' + t('maintenanceActive') + ')']));
        });
      }
      item.appendChild(el('p', { class: 'muted' }, [fmt(w.start) + ' → ' + fmt(w.end)]));
      if (w.message) item.appendChild(el('p', {}, [tx(w.message)]));
      box.appendChild(item);
    });
  }
  // Calendar dates from .. to (YYYY-MM-DD), by whole days (no time zone involved).
  function dates(from, to) {
    var out = [], d = new Date(from + 'T00:00:00Z'), end = new Date(to + 'T00:00:00Z');
    while (d <= end) { out.push(d.toISOString().slice(0, 10)); d.setUTCDate(d.getUTCDate() + 1); }
    return out;
  }
  function fmtDate(date) {
    try { return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, { timeZone: 'UTC', dateStyle: 'medium' }).format(new Date(date + 'T00:00:00Z')); } catch (e) { return date; }
  }
  function renderUptime() {
    var box = document.getElementById('uptime');
    var u = doc.uptime;
    box.textContent = '';
    if (!u) { box.hidden = true; return; }
    box.hidden = false;
    box.appendChild(el('h2', {}, [t('uptime')]));
    var days = dates(u.from, u.to);
    Object.keys(u.components).forEach(function (id) {
      var impact = u.components[id];
      var row = el('div', { class: 'uptime-row', 'data-uptime': id }, []);
      row.appendChild(el('h3', {}, [el('span', {}, [tx(cfg.texts.components[id])]), el('span', { class: 'percent' }, [u.percent[id].toFixed(2) + ' %'])]));
      // The bars are a picture of the list below: hidden from screen readers, which read the list.
      var bars = el('ol', { class: 'bars', 'aria-hidden': 'true' }, []);
      days.forEach(function (d) {
        var i = impact[d];
        bars.appendChild(el('li', { class: i ? i.state : 'operational', title: fmtDate(d) + ': ' + (i ? t(i.state) + ', ' + t('uptimeAffected') + ' ' + i.minutes + ' min' : t('uptimeNoIncident')), 'data-date': d }, []));
      });
      row.appendChild(bars);
      row.appendChild(el('div', { class: 'range', 'aria-hidden': 'true' }, [el('span', {}, [fmtDate(u.from)]), el('span', {}, [fmtDate(u.to)])]));
      var affected = days.filter(function (d) { return impact[d]; });
      var list = el('ul', { class: 'days' }, []);
      if (!affected.length) list.appendChild(el('li', {}, [t('uptimeNoIncident')]));
      affected.reverse().forEach(function (d) {
        var i = impact[d];
        list.appendChild(el('li', {}, [fmtDate(d) + ': ' + t(i.state) + ' · ' + t('uptimeAffected') + ' ' + i.minutes + ' min']));
      });
      row.appendChild(list);
      box.appendChild(row);
    });
  }
  function setLang(l) { lang = l; params.set('lang', l); history.replaceState(null, '', '?' + params.toString()); render(); }
  function load() {
    fetch('status.json', { cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (d) { if (!d || d.version !== 1 || !d.components) throw new Error('unexpected status document'); doc = d; failed = false; render(); })
      .catch(function () { failed = doc === null; render(); });
  }
  Array.prototype.forEach.call(document.querySelectorAll('nav button[data-lang]'), function (b) {
    b.addEventListener('click', function () { setLang(b.getAttribute('data-lang')); });
  });
  render();
  load();
  setInterval(load, 30000);
})();
`;
