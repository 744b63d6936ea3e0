/**
 * FAQ matching for the reference bot: pure functions, no AWS. Speaks the plan's languages and is
 * tolerant of small wording changes. Chinese (Traditional or Simplified) is folded to one canonical
 * script (Simplified, with OpenCC's dictionary) and compared on characters and character bigrams;
 * Latin-script words on stems plus character trigrams (which survive typos); any other script
 * (Japanese, Korean, Thai, Cyrillic, …) on the words Intl.Segmenter finds plus character bigrams.
 * Similarity is the Dice coefficient of the two feature sets.
 */
import { Converter, Locale as OpenCcLocale } from 'opencc-js/t2cn';

/** A BCP 47 language tag of the plan (e.g. 'en', 'zh-Hant', 'zh-Hans', 'ja'). */
export type Lang = string;

export interface KnowledgeEntry {
  readonly id: string;
  /** One block per plan language. */
  readonly texts: Readonly<Record<Lang, { readonly questions: readonly string[]; readonly answer: string }>>;
  readonly handoff?: boolean;
}

export interface MatchResult {
  readonly entry: KnowledgeEntry;
  readonly score: number;
  /** The question variant that matched best. */
  readonly question: string;
}

const HAN = /\p{Script=Han}/u;

/** Traditional → Simplified (OpenCC), the one script Chinese text is compared in. */
const toSimplified = Converter({ from: 't', to: 'cn' });

/** Characters only Traditional (keys) or only Simplified (values) writes, from OpenCC's table. */
const { traditionalOnly, simplifiedOnly } = (() => {
  const t = new Set<string>();
  const s = new Set<string>();
  const walk = (d: unknown): void => {
    if (Array.isArray(d)) return d.forEach(walk);
    for (const pair of String(d).split('|')) {
      const [k, v] = pair.split(' ');
      if (k && v && Array.from(k).length === 1 && Array.from(v).length === 1 && k !== v) {
        t.add(k);
        s.add(v);
      }
    }
  };
  walk(OpenCcLocale.to.cn);
  for (const c of t) s.delete(c);
  return { traditionalOnly: t, simplifiedOnly: s };
})();

const ZH_STOP = new Set(toSimplified('的了嗎呢吧啊呀是我你您們他她它在有和就也都很請麼要可以能這那如何怎樣什').split(''));
/** Question-word bigrams that say nothing about the topic. */
const ZH_STOP_BIGRAMS = new Set(['如何', '怎樣', '怎麼', '什麼', '可以', '請問', '你們', '我的', '是不', '不是'].map(toSimplified));
const EN_STOP = new Set(
  'a an the is are was were be been to of in on at for from by with and or but do does did i me my we our you your it its this that can could would will shall should please how what when where which who why there here have has had am not any about'.split(
    ' ',
  ),
);

/** NFKC, lower case, Chinese folded to Simplified, punctuation and symbols to spaces. */
export function normalize(text: string): string {
  const lower = text.normalize('NFKC').toLowerCase();
  const folded = HAN.test(lower) ? toSimplified(lower) : lower;
  return folded.replace(/[\p{P}\p{S}]+/gu, ' ').replace(/\s+/g, ' ').trim();
}

/** The script a language is written in (ISO 15924), e.g. en → Latn, zh-Hant → Hant, ja → Jpan. */
export function scriptOf(lang: Lang): string | undefined {
  try {
    return new Intl.Locale(lang).maximize().script;
  } catch {
    return undefined;
  }
}

/** Which Chinese script a text is written in, when its characters say so. */
export function chineseScript(text: string): 'Hant' | 'Hans' | undefined {
  let t = 0;
  let s = 0;
  for (const c of text) {
    if (traditionalOnly.has(c)) t++;
    else if (simplifiedOnly.has(c)) s++;
  }
  return t > s ? 'Hant' : s > t ? 'Hans' : undefined;
}

const SCRIPT_TESTS: [string, RegExp][] = [
  ['Jpan', /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['Kore', /\p{Script=Hangul}/u],
  ['Han', HAN],
  ['Cyrl', /\p{Script=Cyrillic}/u],
  ['Arab', /\p{Script=Arabic}/u],
  ['Hebr', /\p{Script=Hebrew}/u],
  ['Grek', /\p{Script=Greek}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Deva', /\p{Script=Devanagari}/u],
  ['Latn', /\p{Script=Latin}/u],
];

/**
 * The plan language a message is written in, from its script: kana → the plan's Japanese, Han →
 * its Chinese (Traditional or Simplified by the characters used, when it has both), Latin → its
 * first Latin-script language, and so on. Undefined when the script says nothing (digits, "???")
 * or no plan language uses it.
 */
export function detectLang(text: string, languages: readonly Lang[]): Lang | undefined {
  const scripts = new Map(languages.map((l) => [l, scriptOf(l)]));
  const written = SCRIPT_TESTS.find(([, re]) => re.test(text))?.[0];
  if (!written) return undefined;
  const withScript = (...want: string[]) => languages.filter((l) => want.includes(scripts.get(l) ?? ''));
  if (written === 'Han') {
    const chinese = withScript('Hant', 'Hans');
    if (chinese.length > 1) {
      const script = chineseScript(text);
      return (script && chinese.find((l) => scripts.get(l) === script)) || chinese[0];
    }
    return chinese[0] ?? withScript('Jpan', 'Kore')[0];
  }
  return withScript(written)[0];
}

function stem(word: string): string {
  for (const suffix of ['ing', 'ed', 'es', 's']) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) return word.slice(0, -suffix.length);
  }
  return word;
}

/** A letter of a script other than Han and basic Latin. */
const OTHER_SCRIPT = /[^\p{Script=Han}\p{Script=Common}\p{Script=Inherited}a-z]/u;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });

/** The feature set a text is compared on. */
export function features(text: string): Set<string> {
  const norm = normalize(text);
  const out = new Set<string>();
  // Chinese: runs of Han characters → unigrams (minus particles) and bigrams.
  for (const run of norm.match(/\p{Script=Han}+/gu) ?? []) {
    const chars = Array.from(run);
    chars.forEach((c, i) => {
      if (!ZH_STOP.has(c)) out.add(`c:${c}`);
      if (i + 1 < chars.length && !ZH_STOP_BIGRAMS.has(c + chars[i + 1])) out.add(`b:${c}${chars[i + 1]}`);
    });
  }
  // Other scripts (kana, Hangul, Thai, Cyrillic, …): the words Intl.Segmenter finds and character
  // bigrams inside each, so a reworded or inflected question still shares features.
  if (OTHER_SCRIPT.test(norm)) {
    for (const seg of segmenter.segment(norm)) {
      if (!seg.isWordLike || !OTHER_SCRIPT.test(seg.segment)) continue;
      const chars = Array.from(seg.segment.replace(/[\p{Script=Han}a-z0-9]+/gu, ''));
      out.add(`g:${seg.segment}`);
      chars.forEach((c, i) => {
        out.add(`u:${c}`);
        if (i + 1 < chars.length) out.add(`n:${c}${chars[i + 1]}`);
      });
    }
  }
  // Latin words → stems and character trigrams of the stems.
  for (const raw of norm.match(/[a-z0-9]+/g) ?? []) {
    if (EN_STOP.has(raw)) continue;
    const w = stem(raw);
    out.add(`w:${w}`);
    const padded = `_${w}_`;
    for (let i = 0; i + 3 <= padded.length; i++) out.add(`t:${padded.slice(i, i + 3)}`);
  }
  return out;
}

/** Dice coefficient of two feature sets, 0 (nothing shared) to 1 (identical). */
export function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const f of a) if (b.has(f)) shared++;
  return (2 * shared) / (a.size + b.size);
}

/**
 * A knowledge base's questions, indexed once per loaded copy: each question's feature count and an
 * inverted index from feature to the questions that have it. A message then touches only the
 * questions that share a feature with it, instead of comparing against every question.
 */
interface MatchIndex {
  readonly questions: readonly { readonly entry: KnowledgeEntry; readonly question: string; readonly size: number }[];
  readonly postings: ReadonlyMap<string, readonly number[]>;
  /** Shared-feature counts per question, reused by every call (bestMatch is synchronous) and left zeroed. */
  readonly scratch: Uint32Array;
}
const indexes = new WeakMap<readonly KnowledgeEntry[], MatchIndex>();

function indexed(entries: readonly KnowledgeEntry[]): MatchIndex {
  let index = indexes.get(entries);
  if (!index) {
    const questions: { entry: KnowledgeEntry; question: string; size: number }[] = [];
    const postings = new Map<string, number[]>();
    for (const entry of entries) {
      for (const t of Object.values(entry.texts)) {
        for (const question of t.questions) {
          const f = features(question);
          for (const feature of f) {
            const list = postings.get(feature);
            if (list) list.push(questions.length);
            else postings.set(feature, [questions.length]);
          }
          questions.push({ entry, question, size: f.size });
        }
      }
    }
    index = { questions, postings, scratch: new Uint32Array(questions.length) };
    indexes.set(entries, index);
  }
  return index;
}

/**
 * Finds the best entry for a message. Questions in every language are considered (a customer may
 * mix them); the caller decides the answer language. Returns undefined when nothing shares a feature.
 * The score is the Dice coefficient (`similarity`) of the message's and the question's features; on
 * a tie the question listed first wins.
 */
export function bestMatch(message: string, entries: readonly KnowledgeEntry[]): MatchResult | undefined {
  const query = features(message);
  if (query.size === 0) return undefined;
  const { questions, postings, scratch } = indexed(entries);
  const touched: number[] = [];
  for (const feature of query) {
    const list = postings.get(feature);
    if (!list) continue;
    for (const i of list) if (scratch[i]++ === 0) touched.push(i);
  }
  let best = -1;
  let bestScore = 0;
  for (const i of touched) {
    const score = (2 * scratch[i]) / (query.size + questions[i].size);
    scratch[i] = 0;
    if (score > bestScore || (score === bestScore && i < best)) {
      best = i;
      bestScore = score;
    }
  }
  return best < 0 ? undefined : { entry: questions[best].entry, score: bestScore, question: questions[best].question };
}
