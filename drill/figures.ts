import type { Report } from './runner';

/**
 * The README's failover and detection figures, as observed by the tabletop (scripts/
 * tabletop-figures.ts runs the scenarios and writes these blocks; the tabletop tests check the
 * README still holds what the runs observe).
 */

const min = (s: number | null) => (s === null ? 'never' : `${Math.round(s / 60)} min`);
const sec = (s: number | null) => (s === null ? 'never' : `${s} s`);

/** Rows of the failover figures: observed vs the timing model's worst case. */
export function failoverRows(primaryDown: Report, bothDown: Report): string[] {
  return [
    `| primary region down → clients on the standby | ${sec(primaryDown.measured.failoverSeconds)} | ${sec(primaryDown.objectives.failoverModelSeconds)} |`,
    `| both regions down → clients on the human-agent page | ${sec(bothDown.measured.fallbackSeconds)} | ${sec(bothDown.objectives.fallbackModelSeconds)} |`,
  ];
}

export function failoverTable(primaryDown: Report, bothDown: Report): string {
  return ['| tabletop scenario (example plan) | observed | model worst case |', '|---|---|---|', ...failoverRows(primaryDown, bothDown)].join('\n');
}

/** One row per error share: when each burn-rate tier fired. */
export function detectionRow(label: string, r: Report): string {
  const b = r.measured.burnRateDetectionSeconds;
  return `| ${label} | ${min(b.emergency)} | ${min(b.important)} | ${min(b.general)} |`;
}

export function detectionTable(rows: readonly [string, Report][]): string {
  return ['| 5xx share (tabletop scenario) | emergency fired after | important | general |', '|---|---|---|---|', ...rows.map(([l, r]) => detectionRow(l, r))].join('\n');
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function replaceBlock(doc: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`the document has no ${start} … ${end} block`);
  return `${doc.slice(0, a + start.length)}\n${body}\n${doc.slice(b)}`;
}
