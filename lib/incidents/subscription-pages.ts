import { SUBSCRIPTION_API_PATH, SUBSCRIPTION_MAX_BODY_BYTES, SUBSCRIPTION_PAGES } from '../../contracts';
import type { WordKey, Words } from '../../contracts/languages';

/**
 * The status page's e-mail subscription parts (plan §7.2, §8.1): the form on index.html, the
 * confirm and unsubscribe pages the mails link to, and subscribe.js, which drives all three with
 * fetch() to the same-origin API. No inline script or style (the site's strict CSP holds; the form
 * is never submitted natively, which `form-action 'none'` forbids anyway). Every text in each plan
 * language, shown in the reader's.
 */

interface PageTexts {
  readonly languages: readonly string[];
  readonly words: Readonly<Record<string, Words>>;
  readonly title: Readonly<Record<string, string>>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Words subscribe.js shows, by short name. */
const SCRIPT_WORDS = {
  sending: 'subscribe.sending',
  sent: 'subscribe.sent',
  invalid: 'subscribe.invalid',
  limited: 'subscribe.limited',
  error: 'subscribe.error',
  confirmed: 'subscribe.confirmed',
  badToken: 'subscribe.badToken',
  unsubscribed: 'subscribe.unsubscribed',
} as const satisfies Record<string, WordKey>;

function words(t: PageTexts, key: WordKey): string {
  return t.languages.map((l) => `<span lang="${esc(l)}" data-l="${esc(l)}">${esc(t.words[l][key])}</span>`).join('');
}

function config(t: PageTexts): string {
  const c = { languages: t.languages, api: SUBSCRIPTION_API_PATH, maxBytes: SUBSCRIPTION_MAX_BODY_BYTES, words: Object.fromEntries(t.languages.map((l) => [l, Object.fromEntries(Object.entries(SCRIPT_WORDS).map(([k, key]) => [k, t.words[l][key]]))])) };
  return `<script id="subscribe-config" type="application/json">${JSON.stringify(c).replace(/</g, '\\u003c')}</script>`;
}

/** The subscribe section of index.html (and the config and script it needs, for the head). */
export function subscribeSection(t: PageTexts): { head: string; body: string } {
  return {
    head: `${config(t)}\n<script src="${SUBSCRIPTION_PAGES.script}" defer></script>`,
    body: `<section id="subscribe" aria-labelledby="subscribe-heading">
    <h2 id="subscribe-heading">${words(t, 'subscribe.heading')}</h2>
    <form id="subscribe-form" novalidate>
      <label for="subscribe-email">${words(t, 'subscribe.label')}</label>
      <input id="subscribe-email" name="email" type="email" autocomplete="email" inputmode="email" maxlength="254" required>
      <button type="submit">${words(t, 'subscribe.button')}</button>
    </form>
    <p id="subscribe-status" role="status" aria-live="polite"></p>
  </section>`,
  };
}

/** A page the mails link to: one heading, one button, a status line, the way back. */
function actionPage(t: PageTexts, action: 'confirm' | 'unsubscribe'): string {
  const [titleKey, buttonKey]: [WordKey, WordKey] = action === 'confirm' ? ['subscribe.confirmTitle', 'subscribe.confirmButton'] : ['subscribe.unsubscribeTitle', 'subscribe.unsubscribeButton'];
  return `<!doctype html>
<html lang="${esc(t.languages[0])}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${[...new Set(t.languages.map((l) => t.words[l][titleKey]))].map(esc).join(' · ')}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="style.css">
${config(t)}
<script src="${SUBSCRIPTION_PAGES.script}" defer></script>
</head>
<body data-lang="${esc(t.languages[0])}" data-action="${action}">
<main>
  <h1>${words(t, titleKey)}</h1>
  <p class="muted">${t.languages.map((l) => `<span lang="${esc(l)}" data-l="${esc(l)}">${esc(t.title[l])}</span>`).join('')}</p>
  <section id="subscribe">
    <button type="button" id="subscribe-action">${words(t, buttonKey)}</button>
    <p id="subscribe-status" role="status" aria-live="polite"></p>
  </section>
  <p><a href="./">${words(t, 'subscribe.back')}</a></p>
</main>
</body>
</html>
`;
}

/** Extra CSS of the subscription parts. */
export const SUBSCRIBE_CSS = `#subscribe{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:1rem}
#subscribe form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
#subscribe label{flex-basis:100%;font-weight:600}
#subscribe input{flex:1;min-width:14rem;padding:.5rem;border:1px solid #767676;border-radius:4px;font:inherit}
#subscribe button{padding:.5rem 1rem;border:1px solid #1a1a1a;background:#1a1a1a;color:#fff;border-radius:4px;cursor:pointer;font:inherit}
#subscribe button[disabled]{background:#555;border-color:#555;cursor:default}
#subscribe input:focus,#subscribe button:focus{outline:3px solid #1f5fa8;outline-offset:2px}
#subscribe-status.ok{color:#0b4d1a}#subscribe-status.error{color:#7a0000}
`;

const SCRIPT = `(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('subscribe-config').textContent);
  var params = new URLSearchParams(location.search);
  var action = document.body.getAttribute('data-action');
  if (action) {
    // The pages the mails link to: their language is ?lang= (the subscriber's), else the default.
    var asked = params.get('lang');
    var l = asked && cfg.languages.indexOf(asked) >= 0 ? asked : cfg.languages[0];
    document.body.setAttribute('data-lang', l);
    document.documentElement.lang = l;
  }
  // The reader's language: index.html's app.js keeps body[data-lang] current.
  function t(k) { var l = document.body.getAttribute('data-lang'); return (cfg.words[l] || cfg.words[cfg.languages[0]])[k]; }
  var status = document.getElementById('subscribe-status');
  function say(k, ok) { status.className = ok === undefined ? '' : ok ? 'ok' : 'error'; status.textContent = t(k); }
  function post(name, body) {
    return fetch(cfg.api + '/' + name, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit', cache: 'no-store' })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (j) { return { status: r.status, body: j }; }); });
  }
  function failed(r) {
    if (r.status === 429) return 'limited';
    if (r.body && (r.body.error === 'invalid-email')) return 'invalid';
    if (r.body && (r.body.error === 'invalid-token')) return 'badToken';
    return 'error';
  }
  var form = document.getElementById('subscribe-form');
  if (form) {
    var input = document.getElementById('subscribe-email');
    var button = form.querySelector('button');
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var email = input.value.trim();
      if (!email || !input.checkValidity() || /[\\r\\n]/.test(email)) { input.setAttribute('aria-invalid', 'true'); say('invalid', false); input.focus(); return; }
      input.removeAttribute('aria-invalid');
      button.disabled = true;
      say('sending');
      post('subscribe', { email: email, lang: document.body.getAttribute('data-lang') })
        .then(function (r) { if (r.status === 202) { say('sent', true); form.reset(); } else { say(failed(r), false); } })
        .catch(function () { say('error', false); })
        .then(function () { button.disabled = false; });
    });
  }
  var act = document.getElementById('subscribe-action');
  if (act && action) {
    var token = params.get('token') || '';
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) { act.hidden = true; say('badToken', false); return; }
    act.addEventListener('click', function () {
      act.disabled = true;
      say('sending');
      post(action, { token: token })
        .then(function (r) {
          if (r.status === 200) { act.hidden = true; say(action === 'confirm' ? 'confirmed' : 'unsubscribed', true); }
          else { act.disabled = false; say(failed(r), false); }
        })
        .catch(function () { act.disabled = false; say('error', false); });
    });
  }
})();
`;

/** The confirm and unsubscribe pages and subscribe.js. */
export function subscriptionFiles(t: PageTexts): Record<string, string> {
  return { [SUBSCRIPTION_PAGES.confirm]: actionPage(t, 'confirm'), [SUBSCRIPTION_PAGES.unsubscribe]: actionPage(t, 'unsubscribe'), [SUBSCRIPTION_PAGES.script]: SCRIPT };
}
