import { bestMatch, chineseScript, detectLang, KnowledgeEntry, Lang } from './matcher';
import { textIn, Texts } from '../../contracts/languages';

/** Human-agent contacts, from the plan's `handoff` section. Public information, not a secret. */
export interface HandoffContacts {
  readonly teamName: Texts;
  readonly phone: string;
  readonly chatUrl: string;
  readonly email?: string;
  readonly hours: Texts;
}

/** What the bot says in each plan language when it hands off (the plan's words bot.noMatch, bot.degraded). */
export interface BotPhrases {
  /** The plan's languages; the first is the default. */
  readonly languages: readonly Lang[];
  readonly noMatch: Texts;
  readonly degraded: Texts;
}

/** One stored conversation turn, newest last. */
export interface Turn {
  readonly role: 'customer' | 'bot';
  readonly text: string;
  readonly lang: Lang;
  readonly faqId?: string;
  readonly handoff?: boolean;
  readonly region?: string;
}

/**
 * Why a reply hands the customer to a human: no good FAQ match, the region is degraded (or the
 * knowledge base is unavailable), the FAQ entry asks for it, or the conversation could not be
 * stored (the bot still answers, but cannot carry the conversation on).
 */
export type HandoffReason = 'no-match' | 'degraded' | 'requested' | 'storage-unavailable';

export interface BotReply {
  readonly lang: Lang;
  readonly answer: string;
  readonly faqId?: string;
  readonly score: number;
  readonly handoff: boolean;
  readonly handoffReason?: HandoffReason;
  /** Present whenever `handoff` is true, in the reply's language. */
  readonly contacts?: { team: string; phone: string; chatUrl: string; email?: string; hours: string };
}

export interface RespondInput {
  readonly message: string;
  /** Language asked for by the client; otherwise detected, then taken from the conversation. */
  readonly lang?: Lang;
  readonly history: readonly Turn[];
  readonly knowledgeBase: readonly KnowledgeEntry[];
  readonly degraded: boolean;
  readonly threshold: number;
  readonly contacts: HandoffContacts;
  readonly phrases: BotPhrases;
}

/**
 * A reply for when the conversation could not be read or stored: the answer stays (it came from the
 * cached knowledge base, or it is already a hand-off), and the customer always gets the human
 * contacts with `handoff: true`, because the bot cannot carry the conversation on.
 */
export function withStorageHandoff(reply: BotReply, contacts: HandoffContacts): BotReply {
  if (reply.handoff) return reply;
  return { ...reply, handoff: true, handoffReason: 'storage-unavailable', contacts: contactsFor(contacts, reply.lang) };
}

/** The reply when something unexpected failed: the plan's degraded hand-off words with the contacts. */
export function failureReply(lang: Lang, contacts: HandoffContacts, phrases: BotPhrases): BotReply {
  return { lang, answer: textIn(phrases.degraded, lang), score: 0, handoff: true, handoffReason: 'degraded', contacts: contactsFor(contacts, lang) };
}

function contactsFor(c: HandoffContacts, lang: Lang): NonNullable<BotReply['contacts']> {
  return { team: textIn(c.teamName, lang), phone: c.phone, chatUrl: c.chatUrl, ...(c.email ? { email: c.email } : {}), hours: textIn(c.hours, lang) };
}

/**
 * Picks the reply language among the plan's: explicit, else the message's own (by its script),
 * else the conversation's, else the plan's first (default) language.
 */
export function replyLang(input: Pick<RespondInput, 'lang' | 'message' | 'history'>, languages: readonly Lang[]): Lang {
  if (input.lang && languages.includes(input.lang)) return input.lang;
  const lastCustomer = [...input.history].reverse().find((t) => t.role === 'customer' && languages.includes(t.lang));
  const detected = detectLang(input.message, languages);
  // Han text that does not say Traditional or Simplified keeps the conversation's Chinese.
  if (detected && lastCustomer && lastCustomer.lang !== detected && sameScriptFamily(lastCustomer.lang, detected) && !distinctive(input.message)) return lastCustomer.lang;
  if (detected) return detected;
  return lastCustomer?.lang ?? languages[0];
}

const chinese = (l: Lang) => l === 'zh' || l.startsWith('zh-');
function sameScriptFamily(a: Lang, b: Lang): boolean {
  return chinese(a) && chinese(b);
}
function distinctive(text: string): boolean {
  return chineseScript(text) !== undefined;
}

/**
 * The reference bot's whole decision: degraded → hand off; a good FAQ match → answer (and hand off
 * if the entry says so); otherwise → hand off with the human-agent contacts.
 */
export function respond(input: RespondInput): BotReply {
  const lang = replyLang(input, input.phrases.languages);
  if (input.degraded) {
    return { lang, answer: textIn(input.phrases.degraded, lang), score: 0, handoff: true, handoffReason: 'degraded', contacts: contactsFor(input.contacts, lang) };
  }
  const match = bestMatch(input.message, input.knowledgeBase);
  if (!match || match.score < input.threshold) {
    return {
      lang,
      answer: textIn(input.phrases.noMatch, lang),
      score: match?.score ?? 0,
      handoff: true,
      handoffReason: 'no-match',
      contacts: contactsFor(input.contacts, lang),
    };
  }
  const base = { lang, answer: (match.entry.texts[lang] ?? Object.values(match.entry.texts)[0]).answer, faqId: match.entry.id, score: match.score };
  if (match.entry.handoff) return { ...base, handoff: true, handoffReason: 'requested', contacts: contactsFor(input.contacts, lang) };
  return { ...base, handoff: false };
}
