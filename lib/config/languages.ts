import { z } from 'zod';
import type { AudienceKey, OrgUnit, planObjectSchema, RiskCategory, RunbookKey } from './schema';
import { DEFAULT_ORGANISATION } from './organisation-defaults';
import {
  BUILTIN_LANGUAGES,
  BUILTIN_TEXTS,
  BUILTIN_WORDS,
  builtinFor,
  DefaultedTextKey,
  Texts,
  WORD_KEYS,
  wordTexts,
  Words,
} from '../../contracts/languages';
import { MAINTENANCE_NOTICE_DAYS, MaintenanceWindow, zonedToUtc } from '../../contracts/maintenance';

/**
 * The plan's `languages:` rules, applied after the schema: tags are canonical BCP 47, every text is
 * a map over exactly the plan's languages, texts left out take the built-in text of each language,
 * and a language without built-in words is fully supplied by the plan. Every problem is reported
 * with the key's path, the rule and the fix (as zod issues, so the loader lists them all at once).
 */

type PlanObject = z.output<typeof planObjectSchema>;
type Ctx = z.core.$RefinementCtx<PlanObject>;

/** One FAQ entry after resolution: a `{questions, answer}` block per plan language. */
export interface FaqEntry {
  readonly id: string;
  readonly handoff: boolean;
  readonly texts: Record<string, { questions: string[]; answer: string }>;
}

export interface LevelTemplate {
  readonly chatbot: PlanObject['incidents']['templates']['general']['chatbot'];
  readonly title: Texts;
  readonly message: Texts;
}

/** One unit of the organisation (§2) with its texts over the plan's languages. */
export interface OrganisationUnit {
  readonly members: Texts;
  readonly contacts: string[];
  readonly duties: Texts[];
  readonly audiences: AudienceKey[];
  /** True when the unit is the built-in default (the plan left `organisation` out). */
  readonly builtIn: boolean;
}

/** One risk of the register (§3.1-3.2), with its priority. */
export interface Risk {
  readonly id: string;
  readonly category: RiskCategory;
  readonly title: Texts;
  readonly likelihood: number;
  readonly impact: number;
  /** likelihood × impact, 1-25. */
  readonly priority: number;
  readonly detectedBy: RunbookKey[];
  readonly controls: Texts[];
}

/** The plan with every text resolved over its languages. */
export type ResolvedPlan = Omit<PlanObject, 'knowledgeBase' | 'incidents' | 'handoff' | 'failover' | 'title' | 'texts' | 'maintenance' | 'organisation' | 'risks'> & {
  /** Scheduled maintenance windows, times in UTC. */
  readonly maintenance: MaintenanceWindow[];
  /** The units of the organisation the plan has (all five by default). */
  readonly organisation: Partial<Record<OrgUnit, OrganisationUnit>>;
  readonly risks: { readonly detectionRequiredFrom: number; readonly register: Risk[] };
  readonly title?: Texts;
  /** The fixed words in each plan language (built-in, with the plan's `texts` applied). */
  readonly words: Readonly<Record<string, Words>>;
  readonly failover: Omit<PlanObject['failover'], 'fallbackNotice'> & { readonly fallbackNotice?: Texts };
  readonly handoff: Omit<PlanObject['handoff'], 'teamName' | 'hours'> & { readonly teamName: Texts; readonly hours: Texts };
  readonly knowledgeBase: FaqEntry[];
  readonly incidents: Omit<PlanObject['incidents'], 'templates' | 'recoveringMessage' | 'resolvedMessage' | 'noEta' | 'statusPage'> & {
    readonly templates: Readonly<Record<'general' | 'severe' | 'emergency', LevelTemplate>>;
    readonly recoveringMessage: Texts;
    readonly resolvedMessage: Texts;
    readonly noEta: Texts;
    readonly statusPage: { readonly title: Texts; readonly components: { readonly chatbot: Texts; readonly agents: Texts }; readonly subscriptions: PlanObject['incidents']['statusPage']['subscriptions']; readonly survey: PlanObject['incidents']['statusPage']['survey'] };
  };
};

const list = (xs: readonly string[]) => `[${xs.join(', ')}]`;

/** Problems of the `languages` list itself: syntax, canonical form, repeats. */
export function languageTagIssues(languages: readonly string[]): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  languages.forEach((tag, i) => {
    let canonical: string | undefined;
    try {
      canonical = Intl.getCanonicalLocales(tag)[0];
    } catch {
      out.push({ path: ['languages', i], message: `"${tag}" is not a BCP 47 language tag; use one such as "en", "zh-Hant", "zh-Hans" or "ja"` });
      return;
    }
    if (canonical !== tag) out.push({ path: ['languages', i], message: `"${tag}" is not in canonical form; write it as "${canonical}"` });
    else if (languages.indexOf(tag) !== i) out.push({ path: ['languages', i], message: `"${tag}" is listed twice; list each language once` });
  });
  return out;
}

/** Hint for a text key that is not a plan language. */
function extraHint(key: string, languages: readonly string[]): string {
  if (key === 'zh') {
    const chinese = languages.find((l) => l.startsWith('zh-'));
    return chinese
      ? `; "zh" is the old key for Chinese: rename it to "${chinese}"`
      : '; "zh" is the old key for Chinese: rename it to "zh-Hant" (Traditional) or "zh-Hans" (Simplified) and add that tag to languages';
  }
  return `; remove it or add "${key}" to languages`;
}

export function resolveLanguages(p: PlanObject, ctx: Ctx): ResolvedPlan {
  const languages = p.languages;
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message, input: undefined });
  const tagProblems = languageTagIssues(languages);
  for (const t of tagProblems) issue(t.path, t.message);
  if (tagProblems.length) return z.NEVER;

  // Fixed words: built-in per language, the plan's `texts.<lang>` applied on top.
  const words: Record<string, Words> = {};
  for (const lang of languages) {
    const builtin = builtinFor(lang);
    const given = p.texts[lang] ?? {};
    if (!builtin) {
      const missing = WORD_KEYS.filter((k) => given[k] === undefined);
      if (missing.length) {
        issue(
          ['texts', lang],
          `"${lang}" has no built-in words (built-in: ${BUILTIN_LANGUAGES.join(', ')}); give all ${WORD_KEYS.length} under texts.${lang}, missing ${missing.length}: ${missing.join(', ')}`,
        );
      }
    }
    words[lang] = { ...(builtin ? BUILTIN_WORDS[builtin] : ({} as Words)), ...given } as Words;
  }
  for (const lang of Object.keys(p.texts)) {
    if (!languages.includes(lang)) issue(['texts', lang], `"${lang}" is not in languages ${list(languages)}${extraHint(lang, languages)}`);
  }

  /** A text map over exactly the plan's languages (reordered as `languages`). */
  const exact = <T>(path: (string | number)[], value: Readonly<Record<string, T>>, what = 'text'): Record<string, T> => {
    for (const lang of languages) {
      if (value[lang] === undefined) issue(path, `has no ${lang} ${what} (languages: ${list(languages)}); add "${lang}" or remove it from languages`);
    }
    for (const key of Object.keys(value)) {
      if (!languages.includes(key)) issue([...path, key], `"${key}" is not in languages ${list(languages)}${extraHint(key, languages)}`);
    }
    return Object.fromEntries(languages.map((l) => [l, value[l]]));
  };
  /** A text with a built-in default in every built-in language. */
  const defaulted = (key: DefaultedTextKey, value: Texts | undefined): Texts => {
    const path = key.split('.');
    if (value !== undefined) return exact(path, value);
    const missing = languages.filter((l) => !builtinFor(l));
    if (missing.length) {
      issue(path, `has no built-in ${missing.join(', ')} text; write ${key} as a map over ${list(languages)}`);
    }
    return Object.fromEntries(languages.map((l) => [l, BUILTIN_TEXTS[builtinFor(l) ?? 'en'][key]]));
  };

  const inc = p.incidents;
  const level = (l: 'general' | 'severe' | 'emergency'): LevelTemplate => ({
    chatbot: inc.templates[l].chatbot,
    title: defaulted(`incidents.templates.${l}.title`, inc.templates[l].title),
    message: defaulted(`incidents.templates.${l}.message`, inc.templates[l].message),
  });

  const knowledgeBase: FaqEntry[] = p.knowledgeBase.map((entry, i) => {
    const { id, handoff, ...blocks } = entry;
    return { id, handoff, texts: exact(['knowledgeBase', i], blocks, 'questions and answer') };
  });

  const maintenance: MaintenanceWindow[] = [];
  const ids = new Set<string>();
  p.maintenance.forEach((w, i) => {
    const timeZone = w.timeZone ?? p.timeZone;
    const start = zonedToUtc(w.start, timeZone);
    const end = zonedToUtc(w.end, timeZone);
    if (ids.has(w.id)) issue(['maintenance', i, 'id'], `"${w.id}" is used by another window; give each window its own id`);
    ids.add(w.id);
    if (!start) issue(['maintenance', i, 'start'], `must be a time such as "2026-12-20T02:00" (in ${timeZone}) or "2026-12-20T02:00:00+08:00", got "${w.start}"`);
    if (!end) issue(['maintenance', i, 'end'], `must be a time such as "2026-12-20T04:00" (in ${timeZone}) or "2026-12-20T04:00:00+08:00", got "${w.end}"`);
    if (start && end && Date.parse(end) <= Date.parse(start)) issue(['maintenance', i, 'end'], `must be after start (${start}), got ${end}`);
    if (start && end && Date.parse(end) - Date.parse(start) > 7 * 86400_000) issue(['maintenance', i, 'end'], `a window lasts at most 7 days (alarms stay muted all along), got ${start} → ${end}; split it`);
    if (!start || !end) return;
    maintenance.push({
      id: w.id,
      start,
      end,
      timeZone,
      title: exact(['maintenance', i, 'title'], w.title),
      ...(w.message ? { message: exact(['maintenance', i, 'message'], w.message) } : {}),
      levels: w.levels,
      scopes: w.regions,
      components: w.components,
      source: 'plan',
      announcedAt: new Date(Date.parse(start) - MAINTENANCE_NOTICE_DAYS * 86400_000).toISOString(),
    });
  });

  /** Contacts of the audiences a unit owns (its default contacts). */
  const audienceContacts = (keys: readonly AudienceKey[]) => [...new Set(keys.flatMap((k) => (p.audiences[k] ? [...p.audiences[k]!.email, ...p.audiences[k]!.sms] : [])))];
  const organisation: Partial<Record<OrgUnit, OrganisationUnit>> = {};
  if (p.organisation) {
    for (const [unit, u] of Object.entries(p.organisation) as [OrgUnit, NonNullable<NonNullable<PlanObject['organisation']>[OrgUnit]>][]) {
      if (!u) continue;
      organisation[unit] = {
        members: exact(['organisation', unit, 'members'], u.members),
        contacts: u.contacts.length ? u.contacts : audienceContacts(u.audiences),
        duties: u.duties.map((d, i) => exact(['organisation', unit, 'duties', i], d)),
        audiences: [...u.audiences],
        builtIn: false,
      };
    }
  } else {
    const missing = languages.filter((l) => !builtinFor(l));
    if (missing.length) {
      issue(['organisation'], `has no built-in ${missing.join(', ')} text; write organisation (its members and duties as maps over ${list(languages)})`);
    }
    for (const [unit, d] of Object.entries(DEFAULT_ORGANISATION) as [OrgUnit, (typeof DEFAULT_ORGANISATION)[OrgUnit]][]) {
      const over = (t: Record<string, string>) => Object.fromEntries(languages.map((l) => [l, t[builtinFor(l) ?? 'en']]));
      const owns = d.audiences.filter((k) => p.audiences[k] !== undefined);
      organisation[unit] = { members: over(d.members), contacts: audienceContacts(owns), duties: d.duties.map(over), audiences: owns, builtIn: true };
    }
  }
  const risks = {
    detectionRequiredFrom: p.risks.detectionRequiredFrom,
    register: p.risks.register.map((r, i) => ({
      ...r,
      title: exact(['risks', 'register', i, 'title'], r.title),
      priority: r.likelihood * r.impact,
      controls: r.controls.map((c, j) => exact(['risks', 'register', i, 'controls', j], c)),
    })),
  };

  const { texts: _texts, maintenance: _m, ...rest } = p;
  void _texts;
  void _m;
  return {
    ...rest,
    maintenance,
    ...(p.title ? { title: exact(['title'], p.title) } : {}),
    words,
    organisation,
    risks,
    failover: { ...p.failover, ...(p.failover.fallbackNotice ? { fallbackNotice: exact(['failover', 'fallbackNotice'], p.failover.fallbackNotice) } : {}) },
    handoff: { ...p.handoff, teamName: exact(['handoff', 'teamName'], p.handoff.teamName), hours: exact(['handoff', 'hours'], p.handoff.hours) },
    knowledgeBase,
    incidents: {
      ...inc,
      templates: { general: level('general'), severe: level('severe'), emergency: level('emergency') },
      recoveringMessage: defaulted('incidents.recoveringMessage', inc.recoveringMessage),
      resolvedMessage: defaulted('incidents.resolvedMessage', inc.resolvedMessage),
      noEta: defaulted('incidents.noEta', inc.noEta),
      statusPage: {
        title: defaulted('incidents.statusPage.title', inc.statusPage.title),
        components: {
          chatbot: defaulted('incidents.statusPage.components.chatbot', inc.statusPage.components.chatbot),
          agents: defaulted('incidents.statusPage.components.agents', inc.statusPage.components.agents),
        },
        subscriptions: inc.statusPage.subscriptions,
        survey: inc.statusPage.survey,
      },
    },
  };
}

/**
 * Migration of plans written before `languages:` existed: every text then had `zh` (Traditional
 * Chinese) and `en`. When the plan's languages include zh-Hant (the default list does), a `zh` key
 * is read as `zh-Hant` and one deprecation warning says how many keys to rename. Returns the
 * rewritten input (the caller's object is not changed) and the warnings.
 */
export function migrateLegacyChinese(input: unknown): { input: unknown; warnings: string[] } {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { input, warnings: [] };
  const raw = input as Record<string, unknown>;
  const languages = Array.isArray(raw.languages) ? (raw.languages as unknown[]) : ['zh-Hant', 'en'];
  if (!languages.includes('zh-Hant') || languages.includes('zh')) return { input, warnings: [] };
  const paths: string[] = [];
  const walk = (node: unknown, path: string): unknown => {
    if (Array.isArray(node)) return node.map((n, i) => walk(n, `${path}[${i}]`));
    if (node === null || typeof node !== 'object') return node;
    const o = node as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if (k === 'zh' && !('zh-Hant' in o)) {
        paths.push(path ? `${path}.zh` : 'zh');
        out['zh-Hant'] = walk(v, `${path}.zh-Hant`);
      } else out[k] = walk(v, path ? `${path}.${k}` : k);
    }
    return out;
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) out[k] = k === 'tags' || k === 'texts' ? v : walk(v, k);
  if (!paths.length) return { input, warnings: [] };
  const shown = paths.slice(0, 3).join(', ') + (paths.length > 3 ? ` and ${paths.length - 3} more` : '');
  return {
    input: out,
    warnings: [
      `deprecated: ${paths.length} text${paths.length === 1 ? '' : 's'} use the key "zh" (${shown}); it is read as "zh-Hant" (Traditional Chinese). Rename "zh:" to "zh-Hant:" (or to "zh-Hans:" with languages: [zh-Hans, …] for Simplified Chinese); "zh" will stop being accepted in a later version`,
    ],
  };
}

/** The bot's languages and hand-off phrases, from a resolved plan. */
export function botPhrases(plan: Pick<ResolvedPlan, 'languages' | 'words'>): { languages: string[]; noMatch: Texts; degraded: Texts } {
  return { languages: [...plan.languages], noMatch: wordTexts(plan.words, 'bot.noMatch'), degraded: wordTexts(plan.words, 'bot.degraded') };
}

/**
 * The operator's `--text <lang>=TEXT` options (one per plan language) as a text map. Returns the
 * map, or the problems: an option without `=`, a language not in the plan, a language given twice,
 * a missing language (when `required`, or when some but not all are given).
 */
export function parseLanguageTexts(options: readonly string[], languages: readonly string[], required: boolean): { texts?: Texts; errors: string[] } {
  const errors: string[] = [];
  const out: Record<string, string> = {};
  const example = `--text ${languages[0]}="…"`;
  for (const option of options) {
    const eq = option.indexOf('=');
    const lang = eq > 0 ? option.slice(0, eq) : '';
    const text = eq > 0 ? option.slice(eq + 1).trim() : '';
    if (!lang || !text) {
      errors.push(`--text must be <language>=<text>, such as ${example}, got "${option}"`);
      continue;
    }
    if (!languages.includes(lang)) errors.push(`--text ${lang}=…: "${lang}" is not a plan language; the plan's languages are ${languages.join(', ')}`);
    else if (out[lang] !== undefined) errors.push(`--text ${lang}=… is given twice; give each language once`);
    else out[lang] = text;
  }
  const given = Object.keys(out);
  const missing = languages.filter((l) => out[l] === undefined);
  if ((required || given.length > 0) && missing.length) {
    errors.push(
      `--text is needed once per plan language (${languages.join(', ')}); missing ${missing.join(', ')}: customers read every language, and every channel must say the same`,
    );
  }
  if (errors.length || given.length === 0) return { errors };
  return { texts: Object.fromEntries(languages.map((l) => [l, out[l]])), errors };
}
