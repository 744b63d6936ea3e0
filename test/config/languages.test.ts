import { BUILTIN_LANGUAGES, BUILTIN_TEXTS, BUILTIN_WORDS, builtinFor, WORD_KEYS } from '../../contracts/languages';
import { chineseScript } from '../../lambdas/chatbot/matcher';
import { loadPlan, parseLanguageTexts, parsePlan, PlanValidationError } from '../../lib/config';
import { JA_WORDS, threeLanguagePlanInput } from '../fixtures/three-languages';
import { examplePlanInput } from '../helpers/plan';

const HAN = /\p{Script=Han}/u;

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parsePlan(input, 'test plan');
  } catch (e) {
    if (e instanceof PlanValidationError) return [...e.issues];
    throw e;
  }
  return [];
}

/** Every string in a value (deep). */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

describe('plan languages', () => {
  test('an English-only plan loads with no Chinese anywhere in what it says', () => {
    const { plan, warnings } = loadPlan('plans/examples/english-only.yaml');
    expect(warnings).toBeUndefined();
    expect(plan.languages).toEqual(['en']);
    expect(Object.keys(plan.words)).toEqual(['en']);
    expect(Object.keys(plan.incidents.templates.emergency.message)).toEqual(['en']);
    const spoken = strings([plan.words, plan.incidents, plan.handoff, plan.knowledgeBase, plan.title, plan.failover.fallbackNotice]);
    expect(spoken.filter((s) => HAN.test(s))).toEqual([]);
  });

  test('a zh-Hans + en plan takes the built-in Simplified texts, Simplified first', () => {
    const { plan } = loadPlan('plans/examples/zh-hans-en.yaml');
    expect(plan.languages).toEqual(['zh-Hans', 'en']);
    expect(Object.keys(plan.incidents.statusPage.title)).toEqual(['zh-Hans', 'en']);
    expect(plan.incidents.noEta['zh-Hans']).toBe(BUILTIN_TEXTS['zh-Hans']['incidents.noEta']);
    expect(plan.words['zh-Hans']['bot.noMatch']).toBe(BUILTIN_WORDS['zh-Hans']['bot.noMatch']);
  });

  test('three languages, the third fully supplied by the plan, load', () => {
    const plan = parsePlan(threeLanguagePlanInput());
    expect(plan.languages).toEqual(['zh-Hant', 'en', 'ja']);
    expect(plan.words.ja).toEqual(JA_WORDS);
    expect(plan.knowledgeBase[0].texts.ja.questions.length).toBeGreaterThan(0);
  });

  test('a missing language is an error naming the key, the language and the fix', () => {
    const input: any = examplePlanInput();
    delete input.handoff.teamName.en;
    expect(issuesOf(input)).toContainEqual({ path: 'handoff.teamName', message: 'has no en text (languages: [zh-Hant, en]); add "en" or remove it from languages' });
  });

  test('an extra language is an error naming the key', () => {
    const input: any = examplePlanInput();
    input.incidents.noEta.fr = 'en cours';
    input.knowledgeBase[1].fr = { questions: ['mot de passe'], answer: 'x' };
    const issues = issuesOf(input);
    expect(issues).toContainEqual({ path: 'incidents.noEta.fr', message: '"fr" is not in languages [zh-Hant, en]; remove it or add "fr" to languages' });
    expect(issues.map((i) => i.path)).toContain('knowledgeBase[1].fr');
  });

  test('English-only: every text that still has Chinese is named, once per key', () => {
    const input: any = examplePlanInput();
    input.languages = ['en'];
    const issues = issuesOf(input);
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['title.zh-Hant', 'handoff.teamName.zh-Hant', 'handoff.hours.zh-Hant', 'knowledgeBase[0].zh-Hant', 'incidents.noEta.zh-Hant']));
    expect(issues.every((i) => /"zh-Hant" is not in languages \[en\]/.test(i.message))).toBe(true);
  });

  test('tags must be canonical BCP 47 and listed once', () => {
    const at = (languages: unknown) => issuesOf({ ...examplePlanInput(), languages }).filter((i) => i.path.startsWith('languages'));
    expect(at(['zh-hant', 'en'])).toEqual([{ path: 'languages[0]', message: '"zh-hant" is not in canonical form; write it as "zh-Hant"' }]);
    expect(at(['en_US'])[0].message).toMatch(/"en_US" is not a BCP 47 language tag; use one such as "en"/);
    expect(at(['en', 'en'])).toEqual([{ path: 'languages[1]', message: '"en" is listed twice; list each language once' }]);
    expect(at([])[0].message).toMatch(/>=1|at least 1/i);
  });

  test('a language without built-in words must supply every word and every defaulted text', () => {
    const input = threeLanguagePlanInput();
    delete input.texts.ja['page.phone'];
    delete input.texts.ja['alert.time'];
    delete input.incidents.noEta;
    const issues = issuesOf(input);
    expect(issues).toContainEqual({
      path: 'texts.ja',
      message: `"ja" has no built-in words (built-in: zh-Hant, zh-Hans, en); give all ${WORD_KEYS.length} under texts.ja, missing 2: page.phone, alert.time`,
    });
    expect(issues).toContainEqual({ path: 'incidents.noEta', message: 'has no built-in ja text; write incidents.noEta as a map over [zh-Hant, en, ja]' });
  });

  test('regional tags use the built-in words of their language and script', () => {
    expect(builtinFor('zh-HK')).toBe('zh-Hant');
    expect(builtinFor('zh-TW')).toBe('zh-Hant');
    expect(builtinFor('zh-CN')).toBe('zh-Hans');
    expect(builtinFor('en-GB')).toBe('en');
    expect(builtinFor('ja')).toBeUndefined();
    const plan = parsePlan({ ...examplePlanInput(), languages: ['en-GB'], ...englishOnly('en-GB') });
    expect(plan.words['en-GB']['page.phone']).toBe('Phone');
  });

  test('the built-in Traditional words are Traditional and the Simplified ones Simplified', () => {
    for (const key of WORD_KEYS) {
      expect([key, chineseScript(BUILTIN_WORDS['zh-Hant'][key])]).not.toEqual([key, 'Hans']);
      expect([key, chineseScript(BUILTIN_WORDS['zh-Hans'][key])]).not.toEqual([key, 'Hant']);
    }
    for (const [key, text] of Object.entries(BUILTIN_TEXTS['zh-Hans'])) expect([key, chineseScript(text)]).not.toEqual([key, 'Hant']);
    for (const [key, text] of Object.entries(BUILTIN_TEXTS['zh-Hant'])) expect([key, chineseScript(text)]).not.toEqual([key, 'Hans']);
    expect(BUILTIN_LANGUAGES).toEqual(['zh-Hant', 'zh-Hans', 'en']);
  });
});

/** The example plan's texts reduced to one language tag (English). */
function englishOnly(tag: string): Record<string, unknown> {
  const input: any = examplePlanInput();
  const keep = (m: any) => ({ [tag]: m.en });
  return {
    title: keep(input.title),
    failover: { ...input.failover, fallbackNotice: keep(input.failover.fallbackNotice) },
    handoff: { ...input.handoff, teamName: keep(input.handoff.teamName), hours: keep(input.handoff.hours) },
    knowledgeBase: input.knowledgeBase.map((e: any) => ({ id: e.id, ...(e.handoff ? { handoff: true } : {}), [tag]: e.en })),
    incidents: { confirmationMinutes: 15 },
    organisation: onlyEnglish(input.organisation, tag),
    risks: onlyEnglish(input.risks, tag),
  };
}

/** Every {zh-Hant, en} text map below `node` reduced to its English text under `tag`. */
function onlyEnglish(node: any, tag: string): any {
  if (Array.isArray(node)) return node.map((n) => onlyEnglish(n, tag));
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.en === 'string' && typeof node['zh-Hant'] === 'string') return { [tag]: node.en };
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, onlyEnglish(v, tag)]));
}

describe('plans written before languages: existed', () => {
  test('"zh" keys are read as zh-Hant, with one deprecation warning naming the keys', () => {
    const input = JSON.parse(JSON.stringify(examplePlanInput()).replace(/"zh-Hant":/g, '"zh":'));
    delete input.languages;
    const warnings: string[] = [];
    const plan = parsePlan(input, 'old plan', undefined, warnings);
    expect(plan.languages).toEqual(['zh-Hant', 'en']);
    expect(plan.handoff.teamName['zh-Hant']).toBe(examplePlanInput().handoff.teamName['zh-Hant']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^deprecated: \d+ texts use the key "zh" \(title\.zh, failover\.fallbackNotice\.zh, handoff\.teamName\.zh and \d+ more\); it is read as "zh-Hant"/);
    expect(warnings[0]).toMatch(/Rename "zh:" to "zh-Hant:"/);
  });

  test('with Simplified declared, a "zh" key is an error that says to rename it', () => {
    const input: any = examplePlanInput();
    input.languages = ['zh-Hans', 'en'];
    input.handoff.teamName = { zh: '客服', en: 'Agents' };
    expect(issuesOf(input)).toContainEqual({ path: 'handoff.teamName.zh', message: '"zh" is not in languages [zh-Hans, en]; "zh" is the old key for Chinese: rename it to "zh-Hans"' });
  });
});

describe('operator texts: --text <lang>=TEXT', () => {
  const langs = ['zh-Hans', 'en'];
  test('one per plan language, in plan order', () => {
    expect(parseLanguageTexts(['en=Fixed', 'zh-Hans=已修复'], langs, true)).toEqual({ texts: { 'zh-Hans': '已修复', en: 'Fixed' }, errors: [] });
  });
  test('refuses a missing, unknown or repeated language and a malformed option', () => {
    expect(parseLanguageTexts(['en=Fixed'], langs, true).errors).toEqual([
      '--text is needed once per plan language (zh-Hans, en); missing zh-Hans: customers read every language, and every channel must say the same',
    ]);
    const bad = parseLanguageTexts(['fr=Réparé', 'en=a', 'en=b', 'Fixed'], langs, true).errors;
    expect(bad).toEqual(expect.arrayContaining([
      '--text fr=…: "fr" is not a plan language; the plan\'s languages are zh-Hans, en',
      '--text en=… is given twice; give each language once',
      '--text must be <language>=<text>, such as --text zh-Hans="…", got "Fixed"',
    ]));
  });
  test('optional (resolve): none is fine, some is not', () => {
    expect(parseLanguageTexts([], langs, false)).toEqual({ errors: [] });
    expect(parseLanguageTexts(['en=Done'], langs, false).errors[0]).toMatch(/missing zh-Hans/);
  });
});
