import { cents, ExternalItems, fixedMonthlyCost, FixedCostReport } from './estimate';
import { FIXED_PRICES, USAGE_PRICES, SMS_PRICES, Price, PRICE_TABLE_DATE, PRICE_TABLE_REGION } from './prices';
import type { StackTemplate } from '../assembly/templates';
import { ContactVolumes, UsageDriver, usageDrivers, UsageInputs } from './usage';

/** The whole cost report: fixed items, usage drivers, and the price table they come from. */
export interface CostReport {
  readonly fixed: FixedCostReport;
  readonly usage: UsageDriver[];
  /** Fixed total plus every usage driver that was given a volume. */
  readonly monthlyWithUsageUsd: number;
  readonly prices: { readonly date: string; readonly region: string; readonly used: Record<string, Price> };
}

/** Builds the cost report of synthesized stacks (and the plan's contacts). */
export function costReport(
  stacks: readonly StackTemplate[],
  opts: { readonly contacts?: ContactVolumes; readonly inputs?: UsageInputs; readonly external?: ExternalItems } = {},
): CostReport {
  const fixed = fixedMonthlyCost(stacks, opts.external);
  const contacts = opts.contacts ?? { smsNumbers: [], emails: [] };
  const inputs = opts.inputs ?? {};
  const usage = usageDrivers(stacks, contacts, inputs);
  const used: Record<string, Price> = {};
  for (const l of fixed.lines) used[l.price] = FIXED_PRICES[l.price];
  for (const [k, v] of Object.entries(USAGE_PRICES)) used[k] = v;
  for (const [k, v] of Object.entries(SMS_PRICES)) used[`sms:${k}`] = v;
  return {
    fixed,
    usage,
    monthlyWithUsageUsd: cents(fixed.totalUsd + usage.reduce((s, d) => s + (d.monthlyUsd ?? 0), 0)),
    prices: { date: PRICE_TABLE_DATE, region: PRICE_TABLE_REGION, used },
  };
}

const money = (usd: number) => `$${usd < 0.01 && usd > 0 ? usd.toPrecision(2) : cents(usd).toFixed(2)}`;
const unitMoney = (usd: number) => (Number.isInteger(Math.round(usd * 1e6) / 1e4) ? `$${usd.toFixed(2)}` : `$${Number(usd.toPrecision(4))}`);

function table(rows: string[][], rightAligned: number[]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (rightAligned.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd());
}

/** The report as lines for a terminal: fixed items by region, totals, usage drivers with formulas. */
export function renderCostReport(report: CostReport): string[] {
  const out: string[] = [];
  const { fixed } = report;
  out.push(`Fixed monthly cost (list prices, ${fixed.priceRegion}, price table of ${fixed.priceDate})`);
  const regions = [...new Set(fixed.lines.map((l) => l.region))];
  const rows: string[][] = [['region', 'stack', 'item', 'count', 'units', 'unit price', 'per month']];
  for (const region of regions) {
    for (const l of fixed.lines.filter((x) => x.region === region)) {
      rows.push([region, l.stack, l.item, String(l.resources), Number(l.quantity.toFixed(2)).toString(), unitMoney(l.unitUsd), money(l.monthlyUsd)]);
    }
  }
  out.push(...table(rows, [3, 4, 5, 6]).map((l) => `  ${l}`));
  out.push('');
  out.push('By region:');
  out.push(...table(Object.entries(fixed.byRegion).map(([r, v]) => [r, money(v)]), [1]).map((l) => `  ${l}`));
  out.push(`Fixed total: ${money(fixed.totalUsd)} a month`);
  for (const n of fixed.notes) out.push(`  note: ${n}`);
  if (fixed.freeTier.usd > 0) {
    out.push(
      `Free tier, not subtracted: at most ${money(fixed.freeTier.usd)} a month (${fixed.freeTier.items.map((i) => `${i.units} of ${i.what}, ${money(i.usd)}`).join('; ')}), ` +
        `and only if nothing else in the account uses it: the allowance is per account, shared by every region and workload → ${money(fixed.totalUsd - fixed.freeTier.usd)} at best`,
    );
  }
  out.push('');
  out.push('Usage drivers (what scales with traffic, data and incidents):');
  for (const d of report.usage) {
    out.push(`  ${d.name}: ${money(d.perUnitUsd)} per ${d.per}${d.monthlyUsd !== undefined ? ` → ${money(d.monthlyUsd)} a month for ${d.volume} × ${d.per}` : ''}`);
    for (const t of d.terms) out.push(`    ${money(t.usd).padStart(9)}  ${t.label}`);
    for (const n of d.notes) out.push(`    note: ${n}`);
  }
  if (report.usage.some((d) => d.monthlyUsd !== undefined)) out.push(`Fixed + the usage given: ${money(report.monthlyWithUsageUsd)} a month`);
  const assumed = Object.entries(report.prices.used).filter(([, p]) => p.check === 'assumption').length;
  out.push('');
  out.push(`Prices: lib/cost/prices.ts (${Object.keys(report.prices.used).length} used, ${assumed} marked as assumptions to verify); --json prints each with its source.`);
  return out;
}
