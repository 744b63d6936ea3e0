import { createHash } from 'crypto';
import { bestMatch } from '../../lambdas/chatbot/matcher';
import type { Plan } from './schema';
import type { AddIssue, PlanRule } from './rules';

/**
 * The plan's `canaries` section as what each canary run sends and expects. Stated once here: the
 * canary construct, the plan rules and the docs read it.
 */

/** One chat turn of a canary run: sent in `lang`, answered by FAQ entry `faqId`. */
export interface CanaryProbe {
  readonly lang: string;
  readonly question: string;
  readonly faqId: string;
  /** SHA-256 (hex) of the entry's answer in `lang`: the reply's `answer` must hash to it. */
  readonly answerSha256: string;
  /** The entry asks for a hand-off: the reply may carry `handoff: true` with reason `requested` only. */
  readonly handoff: boolean;
}

/** SHA-256 of a text, hex: what the canary compares answers by (short, and no FAQ text in the environment). */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The FAQ entry the probe expects: `canaries.probe.faq`, else the first entry. Undefined if the id is unknown. */
function probeEntry(plan: Plan) {
  const id = plan.canaries.probe.faq;
  return id === undefined ? plan.knowledgeBase[0] : plan.knowledgeBase.find((e) => e.id === id);
}

/**
 * The turns of one canary run, one per plan language (in plan order): the plan's probe question
 * for the language, else the entry's first question, and the entry's answer in that language.
 * Throws when the plan's probe is not usable (the plan rules report the same with the fix).
 */
export function canaryProbes(plan: Plan): CanaryProbe[] {
  const entry = probeEntry(plan);
  if (!entry) throw new Error(`canaries.probe.faq: no knowledge-base entry has the id "${plan.canaries.probe.faq}"`);
  return plan.languages.map((lang) => {
    const block = entry.texts[lang];
    const question = plan.canaries.probe.questions?.[lang] ?? block.questions[0];
    return { lang, question, faqId: entry.id, answerSha256: sha256(block.answer), handoff: entry.handoff };
  });
}

/**
 * Rules of the canaries section: the probe entry exists, its questions are in the plan's languages,
 * and (for the reference bot) each question is answered by that entry above the match threshold,
 * so a healthy bot passes every run.
 */
export const CANARY_RULES: readonly PlanRule[] = [
  {
    id: 'canary-probe-entry',
    check: (plan: Plan, add: AddIssue) => {
      if (!plan.canaries.enabled) return;
      const id = plan.canaries.probe.faq;
      if (id !== undefined && !plan.knowledgeBase.some((e) => e.id === id)) {
        add('canaries.probe.faq', `no knowledge-base entry has the id "${id}"; use one of ${plan.knowledgeBase.map((e) => `"${e.id}"`).join(', ')}, or leave it out to probe with the first entry`);
      }
    },
  },
  {
    id: 'canary-probe-languages',
    check: (plan: Plan, add: AddIssue) => {
      if (!plan.canaries.enabled) return;
      for (const lang of Object.keys(plan.canaries.probe.questions ?? {})) {
        if (!plan.languages.includes(lang)) add(`canaries.probe.questions.${lang}`, `"${lang}" is not one of the plan's languages (${plan.languages.join(', ')}); give a question per plan language or leave one out to use the entry's first question`);
      }
    },
  },
  {
    id: 'canary-probe-answered',
    check: (plan: Plan, add: AddIssue) => {
      if (!plan.canaries.enabled || plan.chatbot.entry) return;
      const entry = probeEntry(plan);
      if (!entry) return;
      for (const lang of plan.languages) {
        const own = plan.canaries.probe.questions?.[lang];
        const question = own ?? entry.texts[lang]?.questions[0];
        if (question === undefined) continue;
        const match = bestMatch(question, plan.knowledgeBase);
        const where = own !== undefined ? `canaries.probe.questions.${lang}` : 'canaries.probe.faq';
        if (!match || match.entry.id !== entry.id) {
          add(where, `the probe question "${question}" (${lang}) is answered by ${match ? `"${match.entry.id}"` : 'no entry'}, not by "${entry.id}"; choose a question that entry answers`);
        } else if (match.score < plan.chatbot.matchThreshold) {
          add(where, `the probe question "${question}" (${lang}) matches "${entry.id}" with score ${match.score.toFixed(2)}, below chatbot.matchThreshold ${plan.chatbot.matchThreshold}: the bot would hand off; use one of the entry's own questions`);
        }
      }
    },
  },
];
