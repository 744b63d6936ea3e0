import { EXTERNAL_STACK, FixedCostLine } from '../cost/estimate';
import type { CostReport } from '../cost/report';
import { Block, h, p, table, ul } from './blocks';
import type { DocWords } from './words';

/**
 * §5.4 of the plan document: the cost report of the synthesized templates (`lib/cost`, the same
 * computation `contingency cost` prints), in the document's words: fixed monthly list price by region
 * and item, the usage drivers with their formulas, and the price table with its date and sources.
 * Item names are translated by their price-table key; formulas and notes stay as the report writes
 * them (English, like alarm titles).
 */

/** "$1.00"; amounts under a cent keep two significant digits. */
export const usd = (n: number): string => (n > 0 && n < 0.01 ? `$${Number(n.toPrecision(2))}` : `$${(Math.round((n + Number.EPSILON) * 100) / 100).toFixed(2)}`);
/** A unit price as the price table writes it ("$0.10", "$0.0012", "$0.0000035"). */
const unitUsd = (n: number): string => (Math.abs(n * 100 - Math.round(n * 100)) < 1e-9 ? `$${n.toFixed(2)}` : `$${Number(n.toPrecision(4)).toFixed(12).replace(/0+$/, '')}`);

const ALARM_KIND = /\((single metric|metric math|anomaly detection)\)$/;

/** The item of a fixed-cost line in the document's words (the report's English when no word exists). */
export function itemLabel(line: FixedCostLine, w: DocWords): string {
  const words = w as Record<string, string>;
  if (line.stack === EXTERNAL_STACK) return `${words[`cost.${line.price}`] ?? line.item}: ${w.costExternal}`;
  const base = words[`cost.${line.price}`];
  if (!base) return line.item;
  const kind = ALARM_KIND.exec(line.item)?.[1];
  return kind ? `${base} (${words[`alarmKind.${kind}`] ?? kind})` : base;
}

export function costBlocks(cost: CostReport, w: DocWords, fill: (text: string, values: Record<string, string | number>) => string): Block[] {
  const out: Block[] = [h(3, w.costTitle), p(fill(w.costText, { date: cost.prices.date, region: cost.prices.region }))];
  const { fixed } = cost;
  // One row per region and item (the stacks of a region added up), then the region's subtotal.
  const rows: string[][] = [];
  for (const region of Object.keys(fixed.byRegion)) {
    const items = new Map<string, { label: string; resources: number; quantity: number; unit: number; monthly: number }>();
    for (const l of fixed.lines.filter((x) => x.region === region)) {
      const key = `${l.item}|${l.stack === EXTERNAL_STACK}`;
      const row = items.get(key) ?? { label: itemLabel(l, w), resources: 0, quantity: 0, unit: l.unitUsd, monthly: 0 };
      row.resources += l.resources;
      row.quantity += l.quantity;
      row.monthly += l.monthlyUsd;
      items.set(key, row);
    }
    for (const r of items.values()) rows.push([region, r.label, String(r.resources), String(Number(r.quantity.toFixed(2))), unitUsd(r.unit), usd(r.monthly)]);
    rows.push([region, w.costSubtotal, '', '', '', usd(fixed.byRegion[region])]);
  }
  rows.push([w.costTotal, '', '', '', '', usd(fixed.totalUsd)]);
  out.push(p(w.costFixed), table([w.region, w.costItem, w.costCount, w.costUnits, w.costUnitPrice, w.costPerMonth], rows));
  if (fixed.notes.length) out.push(p(w.costNotes), ul(fixed.notes));
  out.push(p(w.costUsage));
  out.push(
    table(
      [w.costDriver, w.costPer, w.costUnitPrice, w.costFormula],
      cost.usage.map((d) => [d.name, d.per, usd(d.perUnitUsd), [...d.terms.map((t) => `${usd(t.usd)}: ${t.label}`), ...d.notes.map((n) => `(${n})`)].join('\n')]),
    ),
  );
  const words = w as Record<string, string>;
  out.push(p(w.costPrices), p(fill(w.costPricesText, { date: cost.prices.date, region: cost.prices.region })));
  out.push(
    table(
      [w.costItem, w.costPrice, w.costPriceUnit, w.costSource, w.costCheck],
      Object.entries(cost.prices.used).map(([key, price]) => [words[`cost.${key}`] ?? key, unitUsd(price.usd), price.unit, price.source, words[`check.${price.check}`] ?? price.check]),
    ),
  );
  return out;
}
