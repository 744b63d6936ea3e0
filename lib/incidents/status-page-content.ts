import type { Plan } from '../config';
import { MessageTemplatesInput as MessageTemplates, RESPONSE_LABELS } from '../../contracts';

/** Texts of the page that come from the plan (baked into index.html at synth). */
export interface StatusPageTexts {
  readonly title: { zh: string; en: string };
  readonly components: { chatbot: { zh: string; en: string }; agents: { zh: string; en: string } };
  readonly contacts: { team: { zh: string; en: string }; phone: string; chatUrl: string; hours: { zh: string; en: string } };
  /** Status JSON older than this is flagged as possibly out of date. */
  readonly staleAfterSeconds: number;
}

/** The message templates the incident function renders automatic updates from. */
export function incidentTemplates(plan: Plan): MessageTemplates {
  const inc = plan.incidents;
  return {
    levels: inc.templates,
    recovering: inc.recoveringMessage,
    resolved: inc.resolvedMessage,
    noEta: inc.noEta,
    contacts: { team: plan.handoff.teamName, phone: plan.handoff.phone, chatUrl: plan.handoff.chatUrl },
    timeZone: plan.timeZone,
  };
}

export function statusPageTexts(plan: Plan): StatusPageTexts {
  return {
    title: plan.incidents.statusPage.title,
    components: plan.incidents.statusPage.components,
    contacts: { team: plan.handoff.teamName, phone: plan.handoff.phone, chatUrl: plan.handoff.chatUrl, hours: plan.handoff.hours },
    staleAfterSeconds: 600,
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const UI = {
  zh: {
    loading: '正在載入狀態…',
    unavailable: '狀態資料暫時無法載入。以下聯絡方式仍然有效;請稍後重新整理本頁。',
    stale: '狀態資料可能已過時,最後更新:',
    updated: '最後更新:',
    operational: '正常運作',
    degraded: '部分受影響',
    outage: '服務中斷',
    overall: { operational: '所有服務運作正常', degraded: '部分服務受影響', outage: '服務中斷' },
    current: '目前事件',
    started: '開始時間',
    eta: '預計恢復時間',
    noEta: '正在評估',
    updates: '最新進展',
    history: '近期事件',
    noHistory: '近期沒有事件。',
    contact: '聯絡人工客服',
    phone: '電話',
    chat: '線上人工客服',
    hours: '服務時間',
    investigating: '調查中',
    identified: '已確定原因',
    monitoring: '觀察中',
    resolved: '已解決',
    recovering: '已恢復,確認中',
  },
  en: {
    loading: 'Loading status…',
    unavailable: 'Status information cannot be loaded right now. The contacts below still work; please refresh this page later.',
    stale: 'Status information may be out of date. Last updated:',
    updated: 'Last updated:',
    operational: 'Operational',
    degraded: 'Degraded',
    outage: 'Outage',
    overall: { operational: 'All systems operational', degraded: 'Some services are affected', outage: 'Service outage' },
    current: 'Current incident',
    started: 'Started',
    eta: 'Expected recovery',
    noEta: 'being assessed',
    updates: 'Updates',
    history: 'Recent incidents',
    noHistory: 'No recent incidents.',
    contact: 'Contact a human agent',
    phone: 'Phone',
    chat: 'Live chat with an agent',
    hours: 'Hours',
    investigating: 'Investigating',
    identified: 'Identified',
    monitoring: 'Monitoring',
    resolved: 'Resolved',
    recovering: 'Recovered, confirming',
  },
};

/**
 * The static status page: index.html (texts and contacts baked in, readable without JavaScript or
 * status.json), app.js (fetches status.json, renders it in zh or en) and style.css. No inline
 * script or style, so the site's Content-Security-Policy can forbid both.
 */
export function renderStatusSite(texts: StatusPageTexts, timeZone: string): Record<string, string> {
  const both = (b: { zh: string; en: string }) => `<span lang="zh-Hant" data-l="zh">${esc(b.zh)}</span><span lang="en" data-l="en">${esc(b.en)}</span>`;
  const ui = (k: 'loading' | 'contact' | 'phone' | 'chat' | 'hours') => both({ zh: UI.zh[k], en: UI.en[k] });
  const config = { texts, ui: UI, levels: RESPONSE_LABELS, timeZone };
  const html = `<!doctype html>
<html lang="zh-Hant">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(texts.title.zh)} · ${esc(texts.title.en)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="style.css">
<script id="page-config" type="application/json">${JSON.stringify(config).replace(/</g, '\\u003c')}</script>
<script src="app.js" defer></script>
</head>
<body class="lang-zh">
<header>
  <h1 id="title">${both(texts.title)}</h1>
  <nav aria-label="language"><button type="button" id="btn-zh" lang="zh-Hant">中文</button><button type="button" id="btn-en" lang="en">English</button></nav>
</header>
<main>
  <section id="overall" class="banner state-unknown" role="status" aria-live="polite">${ui('loading')}</section>
  <section id="components" aria-label="components">
    <div class="component" data-component="chatbot"><span class="name">${both(texts.components.chatbot)}</span><span class="state">–</span></div>
    <div class="component" data-component="agents"><span class="name">${both(texts.components.agents)}</span><span class="state">–</span></div>
  </section>
  <section id="current" hidden></section>
  <section id="history" hidden></section>
  <section id="contact">
    <h2>${ui('contact')}</h2>
    <p>${both(texts.contacts.team)}</p>
    <p>${ui('phone')}: <a href="tel:${esc(texts.contacts.phone.replace(/\s+/g, ''))}">${esc(texts.contacts.phone)}</a></p>
    <p><a href="${esc(texts.contacts.chatUrl)}">${ui('chat')}</a></p>
    <p>${ui('hours')}: ${both(texts.contacts.hours)}</p>
  </section>
  <p id="updated"></p>
</main>
</body>
</html>
`;
  return { 'index.html': html, 'app.js': APP_JS, 'style.css': STYLE_CSS };
}

const STYLE_CSS = `:root{font-family:system-ui,-apple-system,"Noto Sans CJK TC","Microsoft JhengHei",sans-serif;color:#1a1a1a;background:#f6f7f9}
body{margin:0 auto;max-width:760px;padding:1rem}
header{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap}
h1{font-size:1.6rem;margin:.5rem 0}
nav button{margin-left:.25rem;padding:.3rem .7rem;border:1px solid #888;background:#fff;border-radius:4px;cursor:pointer}
nav button[aria-pressed=true]{background:#1a1a1a;color:#fff}
body.lang-zh [data-l=en],body.lang-en [data-l=zh]{display:none}
.banner{padding:1rem;border-radius:6px;font-weight:600;margin:1rem 0;background:#ddd}
.state-operational{background:#d7f5dd;color:#0b4d1a}.state-degraded{background:#fff1c2;color:#5c4300}.state-outage{background:#ffd6d6;color:#7a0000}.state-unavailable{background:#e4e8ef;color:#1a1a1a}
.component{display:flex;justify-content:space-between;padding:.7rem 1rem;background:#fff;border:1px solid #e0e0e0;margin-top:-1px}
.component .state{font-weight:600}.component.operational .state{color:#0b6b22}.component.degraded .state{color:#8a6500}.component.outage .state{color:#b00000}
section{margin:1rem 0}
#current,#history,#contact{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:1rem}
.update{border-left:3px solid #999;padding-left:.7rem;margin:.7rem 0}.update time,.muted{color:#555;font-size:.9rem}
h2{font-size:1.2rem;margin:.2rem 0 .6rem}
`;

const APP_JS = `(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('page-config').textContent);
  var params = new URLSearchParams(location.search);
  var lang = params.get('lang') === 'en' || params.get('lang') === 'zh' ? params.get('lang') : ((navigator.language || '').toLowerCase().indexOf('zh') === 0 ? 'zh' : 'en');
  var doc = null, failed = false;
  function t(k) { return cfg.ui[lang][k]; }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function fmt(iso) {
    try {
      return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-HK' : 'en-GB', { timeZone: cfg.timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) + ' (' + cfg.timeZone + ')';
    } catch (e) { return iso; }
  }
  function render() {
    document.body.className = 'lang-' + lang;
    document.documentElement.lang = lang === 'zh' ? 'zh-Hant' : 'en';
    document.title = cfg.texts.title[lang];
    document.getElementById('btn-zh').setAttribute('aria-pressed', String(lang === 'zh'));
    document.getElementById('btn-en').setAttribute('aria-pressed', String(lang === 'en'));
    var overall = document.getElementById('overall');
    var cur = document.getElementById('current');
    var hist = document.getElementById('history');
    var updated = document.getElementById('updated');
    if (failed || !doc) {
      overall.className = 'banner state-unavailable';
      overall.textContent = failed ? t('unavailable') : t('loading');
      document.body.setAttribute('data-status', failed ? 'unavailable' : 'loading');
      cur.hidden = true; hist.hidden = true; updated.textContent = '';
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
      cur.appendChild(el('h2', {}, [t('current') + ': ' + i.title[lang]]));
      cur.appendChild(el('p', { class: 'muted' }, [cfg.levels[i.level][lang] + (i.phase === 'recovering' ? ' · ' + t('recovering') : '')]));
      cur.appendChild(el('p', {}, [t('started') + ': ' + fmt(i.startedAt)]));
      cur.appendChild(el('p', { id: 'eta' }, [t('eta') + ': ' + (i.eta ? fmt(i.eta) : t('noEta'))]));
      cur.appendChild(el('h2', {}, [t('updates')]));
      i.updates.forEach(function (u) {
        cur.appendChild(el('div', { class: 'update' }, [el('strong', {}, [t(u.status) + ' ']), el('time', { datetime: u.time }, [fmt(u.time)]), el('p', {}, [u.message[lang]])]));
      });
    } else { cur.hidden = true; }
    hist.textContent = '';
    hist.hidden = false;
    hist.appendChild(el('h2', {}, [t('history')]));
    if (!doc.history.length) hist.appendChild(el('p', { class: 'muted' }, [t('noHistory')]));
    doc.history.forEach(function (h) {
      hist.appendChild(el('p', {}, [h.title[lang] + ' — ' + fmt(h.startedAt) + ' → ' + fmt(h.closedAt)]));
    });
    var age = (Date.now() - Date.parse(doc.generatedAt)) / 1000;
    updated.className = age > cfg.texts.staleAfterSeconds ? 'stale' : 'muted';
    updated.textContent = (age > cfg.texts.staleAfterSeconds ? t('stale') : t('updated')) + ' ' + fmt(doc.generatedAt);
  }
  function setLang(l) { lang = l; params.set('lang', l); history.replaceState(null, '', '?' + params.toString()); render(); }
  function load() {
    fetch('status.json', { cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (d) { if (!d || d.version !== 1 || !d.components) throw new Error('unexpected status document'); doc = d; failed = false; render(); })
      .catch(function () { failed = doc === null; render(); });
  }
  document.getElementById('btn-zh').addEventListener('click', function () { setLang('zh'); });
  document.getElementById('btn-en').addEventListener('click', function () { setLang('en'); });
  render();
  load();
  setInterval(load, 30000);
})();
`;
