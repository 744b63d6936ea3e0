/**
 * <contingency-chat plan-url="https://status.chat.example.com/widget/plan.json">: the chat widget
 * (plan §7.1 "online chat"). Reads the widget document at `plan-url` (endpoints in order, languages,
 * words, hand-off documents), talks to /chat through FailoverClient and shows answers, hand-offs
 * and the agents' contacts in the plan's languages, with a language switch.
 *
 * Strict-CSP safe: no inline script or style, no eval, no innerHTML (every text goes in with
 * textContent); styles are a constructable stylesheet adopted by the shadow root. Accessible: a
 * labelled region, a `log` live region for the conversation, a `status` live region for progress,
 * labelled controls, Enter sends (Shift+Enter is a new line), focus stays in the message box.
 * Light-DOM children are shown (slot) when the widget document cannot be read.
 */
import type { WidgetChatReply, WidgetDocument, WidgetHandoff, WidgetWordKey } from '../../contracts/widget';
import { FailoverClient, FailoverState, Transport } from './failover';

const STYLE = `:host{display:block;font-family:system-ui,"Noto Sans CJK TC","PingFang TC","Microsoft JhengHei",sans-serif;color:#1a1a1a;max-width:28rem}
.box{border:1px solid #767676;border-radius:.5rem;background:#fff;display:flex;flex-direction:column}
header{display:flex;align-items:center;justify-content:space-between;gap:.5rem;padding:.5rem .75rem;border-bottom:1px solid #767676;background:#f4f4f4;border-radius:.5rem .5rem 0 0}
h2{font-size:1.05rem;margin:0}
.lang{display:flex;align-items:center;gap:.25rem;font-size:.9rem}
select,textarea,button{font:inherit}
.log{min-height:8rem;max-height:24rem;overflow-y:auto;padding:.75rem;display:flex;flex-direction:column;gap:.5rem}
.msg{padding:.4rem .6rem;border-radius:.5rem;max-width:85%;white-space:pre-wrap;overflow-wrap:anywhere}
.msg .who{display:block;font-size:.75rem;font-weight:600;color:#454545}
.me{align-self:flex-end;background:#dbeafe}
.bot{align-self:flex-start;background:#eeeeee}
.contacts{margin:.25rem 0 0;display:grid;grid-template-columns:max-content 1fr;gap:.1rem .6rem}
.contacts dt{font-weight:600}
.contacts dd{margin:0}
a{color:#0b4f9c}
.human{padding:.75rem;border-top:1px solid #767676}
.human p{font-weight:600;margin:0 0 .5rem}
.status{min-height:1.25rem;padding:0 .75rem;font-size:.85rem;color:#454545}
form{display:flex;gap:.5rem;padding:.5rem .75rem .75rem;align-items:flex-end}
form label{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
textarea{flex:1;min-height:2.5rem;resize:vertical;border:1px solid #767676;border-radius:.25rem;padding:.4rem}
button{background:#0b4f9c;color:#fff;border:0;border-radius:.25rem;padding:.5rem .9rem;cursor:pointer}
button:disabled{background:#767676;cursor:default}
:focus-visible{outline:3px solid #c2410c;outline-offset:2px}
[hidden]{display:none!important}`;

let sheet: CSSStyleSheet | undefined;
function styleSheet(): CSSStyleSheet {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
  }
  return sheet;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

/** Only http(s) links are rendered as links: a hand-off document never makes a javascript: URL clickable. */
function safeUrl(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

function isWidgetDocument(v: unknown): v is WidgetDocument {
  const d = v as Partial<WidgetDocument> | null;
  return (
    !!d &&
    typeof d === 'object' &&
    Array.isArray(d.languages) &&
    d.languages.length > 0 &&
    !!d.words &&
    d.languages.every((l) => typeof l === 'string' && !!d.words![l]) &&
    Array.isArray(d.endpoints) &&
    d.endpoints.length > 0 &&
    d.endpoints.every((e) => typeof e?.url === 'string') &&
    Array.isArray(d.fallback) &&
    typeof d.timeoutMs === 'number' &&
    typeof d.probeIntervalMs === 'number'
  );
}

const browserTransport: Transport = {
  fetch: (url, init) => fetch(url, { ...init, mode: 'cors', credentials: 'omit', cache: 'no-store' }),
  setTimeout: (fn, ms) => window.setTimeout(fn, ms),
  clearTimeout: (h) => window.clearTimeout(h as number),
};

type Entry = { kind: 'me'; text: string } | { kind: 'bot'; reply: WidgetChatReply };

export class ContingencyChat extends HTMLElement {
  static get observedAttributes(): string[] {
    return ['plan-url'];
  }

  private doc?: WidgetDocument;
  private client?: FailoverClient;
  private language = '';
  private conversationId?: string;
  private entries: Entry[] = [];
  private busy = false;
  private loadSeq = 0;

  private readonly root: ShadowRoot;
  private readonly box = el('section', { class: 'box', hidden: '' });
  private readonly heading = el('h2', { id: 'title' });
  private readonly langLabel = el('label', { for: 'lang' });
  private readonly langSelect = el('select', { id: 'lang' });
  private readonly log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', id: 'log', tabindex: '0' });
  private readonly human = el('div', { class: 'human', role: 'alert', hidden: '' });
  private readonly status = el('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  private readonly form = el('form', { novalidate: '' });
  private readonly msgLabel = el('label', { for: 'message' });
  private readonly input = el('textarea', { id: 'message', rows: '2', maxlength: '1000', autocomplete: 'off' });
  private readonly sendButton = el('button', { type: 'submit' });
  private readonly fallbackSlot = el('slot');

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.root.adoptedStyleSheets = [styleSheet()];
    const header = el('header');
    const langBox = el('div', { class: 'lang' });
    langBox.append(this.langLabel, this.langSelect);
    header.append(this.heading, langBox);
    this.form.append(this.msgLabel, this.input, this.sendButton);
    this.box.setAttribute('aria-labelledby', 'title');
    this.box.append(header, this.log, this.human, this.status, this.form);
    this.root.append(this.box, this.fallbackSlot);

    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.submit();
    });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        void this.submit();
      }
    });
    this.langSelect.addEventListener('change', () => {
      this.language = this.langSelect.value;
      this.remember();
      this.render();
    });
  }

  connectedCallback(): void {
    this.client?.resume();
    if (!this.doc) void this.load();
  }

  disconnectedCallback(): void {
    this.client?.stop();
  }

  attributeChangedCallback(_name: string, old: string | null, value: string | null): void {
    if (old !== null && old !== value && this.isConnected) void this.load();
  }

  /** The failover state, for pages that want to show it (and for tests). */
  get failoverState(): FailoverState | undefined {
    return this.client?.snapshot;
  }

  private word(key: WidgetWordKey, lang = this.language): string {
    return this.doc!.words[lang]?.[key] ?? this.doc!.words[this.doc!.languages[0]][key];
  }

  private storageKey(): string {
    return `contingency-chat:${this.getAttribute('plan-url') ?? ''}`;
  }

  /** Conversation id and language survive a reload of the page (same tab), nothing else is kept. */
  private remember(): void {
    try {
      sessionStorage.setItem(this.storageKey(), JSON.stringify({ conversationId: this.conversationId, lang: this.language }));
    } catch {
      // Storage disabled: the conversation lasts as long as the page.
    }
  }

  private recall(): { conversationId?: string; lang?: string } {
    try {
      return JSON.parse(sessionStorage.getItem(this.storageKey()) ?? '{}') as { conversationId?: string; lang?: string };
    } catch {
      return {};
    }
  }

  private pickLanguage(doc: WidgetDocument, remembered?: string): string {
    if (remembered && doc.languages.includes(remembered)) return remembered;
    const wanted = [this.getAttribute('lang'), document.documentElement.lang, ...navigator.languages].filter((l): l is string => !!l);
    for (const w of wanted) {
      const exact = doc.languages.find((l) => l.toLowerCase() === w.toLowerCase());
      if (exact) return exact;
    }
    for (const w of wanted) {
      const base = w.split('-')[0].toLowerCase();
      const near = doc.languages.find((l) => l.split('-')[0].toLowerCase() === base);
      if (near) return near;
    }
    return doc.languages[0];
  }

  private async load(): Promise<void> {
    const seq = ++this.loadSeq;
    const url = this.getAttribute('plan-url');
    if (!url) return;
    let doc: unknown;
    let absolute: string;
    try {
      absolute = new URL(url, document.baseURI).toString();
      const res = await fetch(absolute, { mode: 'cors', credentials: 'omit', cache: 'no-cache' });
      doc = res.ok ? await res.json() : undefined;
    } catch {
      doc = undefined;
      absolute = url;
    }
    if (seq !== this.loadSeq) return;
    if (!isWidgetDocument(doc)) {
      // The page's own content inside the element stays visible.
      this.box.hidden = true;
      this.fallbackSlot.hidden = false;
      return;
    }
    this.client?.stop();
    this.doc = doc;
    this.client = new FailoverClient(doc, absolute, browserTransport, (state) => this.onFailover(state));
    const remembered = this.recall();
    this.language = this.pickLanguage(doc, remembered.lang);
    this.conversationId = remembered.conversationId;
    this.langSelect.replaceChildren(...doc.languages.map((l) => el('option', { value: l, lang: l }, doc.words[l].languageName)));
    this.langSelect.value = this.language;
    this.fallbackSlot.hidden = true;
    this.box.hidden = false;
    this.render();
    this.dispatchEvent(new CustomEvent('contingency-chat-ready', { bubbles: true, composed: true }));
  }

  private onFailover(state: FailoverState): void {
    this.render();
    this.dispatchEvent(new CustomEvent('contingency-chat-failover', { bubbles: true, composed: true, detail: { mode: state.mode, endpoint: state.current } }));
  }

  private async submit(): Promise<void> {
    const text = this.input.value.trim();
    if (!text || this.busy || !this.client || this.client.snapshot.mode === 'human') return;
    this.busy = true;
    this.entries.push({ kind: 'me', text });
    this.input.value = '';
    this.render();
    this.status.textContent = this.word('widget.sending');
    try {
      const out = await this.client.send({ message: text, lang: this.language, ...(this.conversationId ? { conversationId: this.conversationId } : {}) });
      if (out.kind === 'reply') {
        this.conversationId = out.reply.conversationId;
        this.remember();
        this.entries.push({ kind: 'bot', reply: out.reply });
        this.status.textContent = '';
      } else if (out.kind === 'rejected') {
        this.status.textContent = this.word('widget.error');
      } else {
        this.status.textContent = '';
      }
    } finally {
      this.busy = false;
      this.render();
      if (this.client.snapshot.mode === 'bot') this.input.focus();
    }
  }

  private contactList(c: { team: string; phone: string; chatUrl: string; email?: string; hours: string }, lang: string): HTMLElement {
    const wrap = el('div', { lang });
    wrap.append(el('strong', {}, c.team));
    const dl = el('dl', { class: 'contacts' });
    const phone = el('a', { href: telHref(c.phone), class: 'phone' }, c.phone);
    const rows: Array<[WidgetWordKey, HTMLElement | string]> = [['page.phone', phone]];
    const chat = safeUrl(c.chatUrl);
    if (chat) rows.push(['page.chat', el('a', { href: chat, rel: 'noopener', target: '_blank', class: 'chat' }, this.word('page.startChat', lang))]);
    if (c.email) rows.push(['page.email', el('a', { href: `mailto:${c.email}`, class: 'email' }, c.email)]);
    rows.push(['page.hours', c.hours]);
    for (const [label, value] of rows) {
      const dd = el('dd');
      if (typeof value === 'string') dd.textContent = value;
      else dd.append(value);
      dl.append(el('dt', {}, this.word(label, lang)), dd);
    }
    wrap.append(dl);
    return wrap;
  }

  private renderEntry(e: Entry): HTMLElement {
    if (e.kind === 'me') {
      const m = el('div', { class: 'msg me', lang: this.language });
      m.append(el('span', { class: 'who' }, this.word('widget.you')), document.createTextNode(e.text));
      return m;
    }
    const lang = this.doc!.languages.includes(e.reply.lang) ? e.reply.lang : this.language;
    const m = el('div', { class: `msg bot${e.reply.handoff ? ' handoff' : ''}`, lang });
    m.append(el('span', { class: 'who' }, this.word('widget.bot', lang)), document.createTextNode(e.reply.answer));
    if (e.reply.handoff && e.reply.contacts) m.append(this.contactList(e.reply.contacts, lang));
    return m;
  }

  private renderHuman(h: WidgetHandoff | undefined): void {
    const lang = this.language;
    const pick = (t: Readonly<Record<string, string>>) => t[lang] ?? t[h!.languages[0]] ?? Object.values(t)[0];
    const nodes: HTMLElement[] = [el('p', { lang }, h ? pick(h.notice) : this.word('widget.handoff'))];
    if (h) nodes.push(this.contactList({ team: pick(h.team), phone: h.phone, chatUrl: h.chatUrl, ...(h.email ? { email: h.email } : {}), hours: pick(h.hours) }, lang));
    this.human.replaceChildren(...nodes);
  }

  private render(): void {
    if (!this.doc || !this.client) return;
    const lang = this.language;
    this.setAttribute('data-mode', this.client.snapshot.mode);
    this.box.setAttribute('lang', lang);
    this.heading.textContent = this.word('widget.title');
    this.langLabel.textContent = this.word('widget.language');
    this.log.setAttribute('aria-label', this.word('widget.log'));
    this.msgLabel.textContent = this.word('widget.message');
    this.sendButton.textContent = this.word('widget.send');
    // Only new entries are appended, so the live region announces each message once.
    const shown = this.log.children.length;
    if (shown > this.entries.length) this.log.replaceChildren();
    for (const e of this.entries.slice(this.log.children.length)) this.log.append(this.renderEntry(e));
    this.log.scrollTop = this.log.scrollHeight;
    const state = this.client.snapshot;
    const human = state.mode === 'human';
    this.human.hidden = !human;
    this.form.hidden = human;
    if (human) this.renderHuman(state.handoff);
    // Nothing is disabled while a message is on its way (that would throw focus out of the box):
    // the busy flag ignores a second send, and the log says it is busy.
    this.log.setAttribute('aria-busy', String(this.busy));
  }
}

if (!customElements.get('contingency-chat')) customElements.define('contingency-chat', ContingencyChat);
