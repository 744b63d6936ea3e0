import fc from 'fast-check';
import { bestMatch, features, KnowledgeEntry, similarity } from '../../lambdas/chatbot/matcher';

/** The definition the index must keep: the question with the highest Dice similarity, the first listed on a tie. */
function reference(message: string, kb: readonly KnowledgeEntry[]) {
  const query = features(message);
  let best: { id: string; question: string; score: number } | undefined;
  for (const entry of kb) {
    for (const t of Object.values(entry.texts)) {
      for (const question of t.questions) {
        const score = similarity(query, features(question));
        if (score > 0 && (!best || score > best.score)) best = { id: entry.id, question, score };
      }
    }
  }
  return best;
}

const WORDS = ['refund', 'order', 'orders', 'password', 'reset', 'delivery', 'hours', 'open', 'agent', 'card', '退款', '訂單', '密碼', '营业', '時間', '人工', '客服', 'カード', '注文'];
const text = fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 5 }).map((w) => w.join(' '));
const kb = fc.array(fc.record({ en: fc.array(text, { minLength: 1, maxLength: 3 }), zh: fc.array(text, { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 25 }).map((entries) =>
  entries.map((e, i): KnowledgeEntry => ({ id: `e${i}`, texts: { en: { questions: e.en, answer: 'a' }, 'zh-Hant': { questions: e.zh, answer: '答' } } })),
);

describe('the indexed matcher answers as the plain comparison does', () => {
  test('same best question and score as comparing the message with every question (fast-check, seeded)', () => {
    fc.assert(
      fc.property(kb, fc.array(text, { minLength: 1, maxLength: 8 }), (entries, messages) => {
        for (const message of messages) {
          const got = bestMatch(message, entries);
          const want = reference(message, entries);
          expect(got && { id: got.entry.id, question: got.question, score: got.score }).toEqual(want);
        }
      }),
      { seed: 20261203, numRuns: 300 },
    );
  });

  test('an index is reused for the same knowledge base and does not leak counts between calls', () => {
    const entries: KnowledgeEntry[] = [
      { id: 'refund', texts: { en: { questions: ['how do I get a refund'], answer: 'a' } } },
      { id: 'hours', texts: { en: { questions: ['opening hours'], answer: 'b' } } },
    ];
    for (let i = 0; i < 3; i++) {
      expect(bestMatch('refund please', entries)?.entry.id).toBe('refund');
      expect(bestMatch('what are your opening hours', entries)?.entry.id).toBe('hours');
      expect(bestMatch('refund please', entries)?.score).toBe(reference('refund please', entries)?.score);
    }
    expect(bestMatch('zzz', entries)).toBeUndefined();
    expect(bestMatch('', entries)).toBeUndefined();
  });
});
