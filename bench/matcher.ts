// FAQ matcher benchmark: microseconds per question for knowledge bases of 10, 100, 1,000 and 2,000
// entries, after the knowledge base is indexed (once per loaded copy, as the function does), and
// the one-off indexing time. Figures only, no thresholds.
//   npx tsx bench/matcher.ts [questions per size]
import { performance } from 'perf_hooks';
import { bestMatch, features, KnowledgeEntry, similarity } from '../lambdas/chatbot/matcher';
import { loadPlan } from '../lib/config';

const perSize = Number(process.argv[2] ?? 2000);
const { plan } = loadPlan();
const example: readonly KnowledgeEntry[] = plan.knowledgeBase;

// Synthetic entries built from a vocabulary so that entries share words the way a real FAQ does.
const EN = 'account order refund delivery password invoice shipping address payment card subscription plan upgrade cancel return exchange warranty store opening hours login email phone change update track parcel coupon discount gift voucher membership points balance transfer limit fee charge receipt tax contract'.split(' ');
const ZH = '帳戶訂單退款配送密碼發票運費地址付款信用卡訂閱方案升級取消退貨換貨保固門市營業時間登入電郵電話變更更新追蹤包裹優惠折扣禮物會員點數餘額轉帳限額費用收據稅務合約'.match(/.{2}/gu)!;
function rng(seed: number) { return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31); }
function synthetic(n: number): KnowledgeEntry[] {
  const r = rng(n);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  return Array.from({ length: n }, (_, i) => {
    const en = () => `how do i ${pick(EN)} my ${pick(EN)} ${pick(EN)} ${i}`;
    const zh = () => `如何${pick(ZH)}我的${pick(ZH)}${pick(ZH)}`;
    return { id: `e${i}`, texts: { 'zh-Hant': { questions: [zh(), zh()], answer: '答' }, en: { questions: [en(), en()], answer: 'a' } } };
  });
}
const queries = ['how can I get a refund for my order', '我想退款', 'where is my parcel delivery', '忘記密碼怎麼辦', 'opening hours of the store', 'cancel subscription plan'];

/** The reference: the message compared with every question's (precomputed) features, as before the index. */
function linear(kb: readonly KnowledgeEntry[]): (message: string) => string | undefined {
  const qs = kb.flatMap((entry) => Object.values(entry.texts).flatMap((t) => t.questions.map((q) => ({ entry, f: features(q) }))));
  return (message) => {
    const query = features(message);
    let best: { id: string; score: number } | undefined;
    for (const q of qs) {
      const score = similarity(query, q.f);
      if (score > 0 && (!best || score > best.score)) best = { id: q.entry.id, score };
    }
    return best?.id;
  };
}

function usPer(fn: (q: string) => unknown): number {
  const t = performance.now();
  for (let i = 0; i < perSize; i++) fn(queries[i % queries.length]);
  return ((performance.now() - t) * 1000) / perSize;
}

function measure(kb: readonly KnowledgeEntry[]): { indexMs: number; usPerQuestion: number; linearUs: number; featuresUs: number } {
  const t0 = performance.now();
  bestMatch('warm-up', kb); // the first call indexes this copy of the knowledge base
  const indexMs = performance.now() - t0;
  const ref = linear(kb);
  for (const q of queries) if (ref(q) !== bestMatch(q, kb)?.entry.id) throw new Error(`index and reference disagree on "${q}"`);
  // Interleaved, so machine load affects both alike; the ratio is the figure to compare.
  const a: number[] = [], b: number[] = [], c: number[] = [];
  for (let r = 0; r < 3; r++) {
    a.push(usPer((q) => bestMatch(q, kb)));
    b.push(usPer(ref));
    c.push(usPer(features));
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[1];
  return { indexMs, usPerQuestion: med(a), linearUs: med(b), featuresUs: med(c) };
}

console.log(`matcher, ${perSize} questions per size, node ${process.version}`);
console.log('entries   index (ms)   µs/question (indexed)   µs/question (compare all)   speed-up   of which message features (µs)');
for (const [label, kb] of [['example', example], ['10', synthetic(10)], ['100', synthetic(100)], ['1000', synthetic(1000)], ['2000', synthetic(2000)]] as const) {
  const m = measure(kb);
  console.log(
    `${label.padEnd(9)} ${m.indexMs.toFixed(1).padStart(10)}   ${m.usPerQuestion.toFixed(1).padStart(21)}   ${m.linearUs.toFixed(1).padStart(25)}   ${(m.linearUs / m.usPerQuestion).toFixed(1).padStart(8)}×   ${m.featuresUs.toFixed(1).padStart(10)}`,
  );
}
