/**
 * FAQ matching for the reference bot: pure functions, no AWS. Bilingual (zh/en) and tolerant of
 * small wording changes: Chinese is compared on characters and character bigrams (after folding
 * common simplified characters to traditional), English on stemmed words plus character trigrams
 * (which survive typos). Similarity is the Dice coefficient of the two feature sets.
 */

export type Lang = 'zh' | 'en';

export interface KnowledgeEntry {
  readonly id: string;
  readonly zh: { readonly questions: readonly string[]; readonly answer: string };
  readonly en: { readonly questions: readonly string[]; readonly answer: string };
  readonly handoff?: boolean;
}

export interface MatchResult {
  readonly entry: KnowledgeEntry;
  readonly score: number;
  /** The question variant that matched best. */
  readonly question: string;
}

const HAN = /\p{Script=Han}/u;

/** Common simplified characters folded to the traditional forms the knowledge base is written in. */
const SIMPLIFIED_TO_TRADITIONAL: Record<string, string> = Object.fromEntries(
  [
    '么麼', '们們', '时時', '间間', '码碼', '记記', '设設', '这這', '点點', '联聯', '络絡', '务務', '单單', '货貨',
    '发發', '变變', '费費', '讯訊', '据據', '号號', '账賬', '户戶', '启啟', '动動', '帮幫', '问問', '题題', '关關',
    '开開', '买買', '卖賣', '订訂', '运運', '递遞', '达達', '钱錢', '银銀', '说說', '话話', '请請', '谢謝', '吗嗎',
    '还還', '没沒', '办辦', '为為', '个個', '过過', '后後', '会會', '对對', '线線', '营營', '业業', '态態', '邮郵',
    '转轉', '员員', '隐隱', '资資', '护護', '录錄', '让讓', '处處', '种種', '样樣', '该該', '几幾', '钟鐘', '网網',
    '页頁', '统統', '断斷', '复復', '换換', '实實', '从從', '应應', '续續', '与與', '无無', '难難', '错錯', '误誤',
    '导導', '气氣', '长長', '东東',
  ].map((pair) => [pair[0], pair[1]]),
);

const ZH_STOP = new Set('的了嗎呢吧啊呀是我你您們他她它在有和就也都很請麼要可以能這那如何怎樣什'.split(''));
/** Question-word bigrams that say nothing about the topic. */
const ZH_STOP_BIGRAMS = new Set(['如何', '怎樣', '怎麼', '什麼', '可以', '請問', '你們', '我的', '是不', '不是']);
const EN_STOP = new Set(
  'a an the is are was were be been to of in on at for from by with and or but do does did i me my we our you your it its this that can could would will shall should please how what when where which who why there here have has had am not any about'.split(
    ' ',
  ),
);

/** NFKC, lower case, simplified → traditional, punctuation and symbols to spaces. */
export function normalize(text: string): string {
  const folded = Array.from(text.normalize('NFKC').toLowerCase())
    .map((ch) => SIMPLIFIED_TO_TRADITIONAL[ch] ?? ch)
    .join('');
  return folded.replace(/[\p{P}\p{S}]+/gu, ' ').replace(/\s+/g, ' ').trim();
}

/** Chinese when any Han character is present, otherwise English. */
export function detectLang(text: string): Lang | undefined {
  if (HAN.test(text)) return 'zh';
  if (/[a-z]/i.test(text)) return 'en';
  return undefined;
}

function stem(word: string): string {
  for (const suffix of ['ing', 'ed', 'es', 's']) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) return word.slice(0, -suffix.length);
  }
  return word;
}

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
 * Finds the best entry for a message. Questions in both languages are considered (a customer may
 * mix them); the caller decides the answer language. Returns undefined when nothing shares a feature.
 */
export function bestMatch(message: string, entries: readonly KnowledgeEntry[]): MatchResult | undefined {
  const query = features(message);
  let best: MatchResult | undefined;
  for (const entry of entries) {
    for (const question of [...entry.zh.questions, ...entry.en.questions]) {
      const score = similarity(query, features(question));
      if (score > 0 && (!best || score > best.score)) best = { entry, score, question };
    }
  }
  return best;
}
