import { bestMatch, detectLang, KnowledgeEntry, Lang } from './matcher';

/** Human-agent contacts, from the plan's `handoff` section. Public information, not a secret. */
export interface HandoffContacts {
  readonly teamName: { readonly zh: string; readonly en: string };
  readonly phone: string;
  readonly chatUrl: string;
  readonly email?: string;
  readonly hours: { readonly zh: string; readonly en: string };
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
}

const HANDOFF_TEXT: Record<Exclude<HandoffReason, 'requested' | 'storage-unavailable'>, Record<Lang, string>> = {
  'no-match': {
    zh: '抱歉,我暫時未能回答這個問題,現為您轉接人工客服。',
    en: "Sorry, I can't answer that one. Let me pass you to a human agent.",
  },
  degraded: {
    zh: '抱歉,智能客服正處於應急狀態,請聯絡人工客服,我們會盡快為您處理。',
    en: 'Sorry, the assistant is running in contingency mode. Please contact a human agent, who will help you right away.',
  },
};

/**
 * A reply for when the conversation could not be read or stored: the answer stays (it came from the
 * cached knowledge base, or it is already a hand-off), and the customer always gets the human
 * contacts with `handoff: true`, because the bot cannot carry the conversation on.
 */
export function withStorageHandoff(reply: BotReply, contacts: HandoffContacts): BotReply {
  if (reply.handoff) return reply;
  return { ...reply, handoff: true, handoffReason: 'storage-unavailable', contacts: contactsFor(contacts, reply.lang) };
}

/** The reply when something unexpected failed: the degraded hand-off text with the contacts. */
export function failureReply(lang: Lang, contacts: HandoffContacts): BotReply {
  return { lang, answer: HANDOFF_TEXT.degraded[lang], score: 0, handoff: true, handoffReason: 'degraded', contacts: contactsFor(contacts, lang) };
}

function contactsFor(c: HandoffContacts, lang: Lang): NonNullable<BotReply['contacts']> {
  return { team: c.teamName[lang], phone: c.phone, chatUrl: c.chatUrl, ...(c.email ? { email: c.email } : {}), hours: c.hours[lang] };
}

/** Picks the reply language: explicit, else the message's own, else the conversation's, else zh. */
export function replyLang(input: Pick<RespondInput, 'lang' | 'message' | 'history'>): Lang {
  if (input.lang) return input.lang;
  const detected = detectLang(input.message);
  if (detected) return detected;
  const lastCustomer = [...input.history].reverse().find((t) => t.role === 'customer');
  return lastCustomer?.lang ?? 'zh';
}

/**
 * The reference bot's whole decision: degraded → hand off; a good FAQ match → answer (and hand off
 * if the entry says so); otherwise → hand off with the human-agent contacts.
 */
export function respond(input: RespondInput): BotReply {
  const lang = replyLang(input);
  if (input.degraded) {
    return { lang, answer: HANDOFF_TEXT.degraded[lang], score: 0, handoff: true, handoffReason: 'degraded', contacts: contactsFor(input.contacts, lang) };
  }
  const match = bestMatch(input.message, input.knowledgeBase);
  if (!match || match.score < input.threshold) {
    return {
      lang,
      answer: HANDOFF_TEXT['no-match'][lang],
      score: match?.score ?? 0,
      handoff: true,
      handoffReason: 'no-match',
      contacts: contactsFor(input.contacts, lang),
    };
  }
  const base = { lang, answer: match.entry[lang].answer, faqId: match.entry.id, score: match.score };
  if (match.entry.handoff) return { ...base, handoff: true, handoffReason: 'requested', contacts: contactsFor(input.contacts, lang) };
  return { ...base, handoff: false };
}
