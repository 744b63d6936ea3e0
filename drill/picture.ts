import type { DrillResult } from './engine';
import type { Report } from './runner';

/**
 * The timeline as one HTML page with an SVG: where customers' requests went (primary, standby,
 * human-agent fallback, failed) every 10 s, each health check's status, and a mark for every alarm,
 * page and customer notice. Self-contained (no scripts, no external files).
 */

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const LEVEL_COLOUR: Record<string, string> = { general: '#f2c94c', important: '#f2994a', emergency: '#eb5757' };

export function renderPicture(result: DrillResult, report: Report): string {
  const W = 1000;
  const left = 150;
  const duration = result.scenario.durationMinutes * 60;
  const x = (t: number) => left + ((W - left - 20) * t) / duration;
  const rows: string[] = [];
  let y = 40;
  // Traffic lanes.
  const lanes: [keyof DrillResult['series'][number], string, string][] = [
    ['primary', 'requests → primary', '#2f80ed'],
    ['standby', 'requests → standby', '#27ae60'],
    ['fallback', 'requests → fallback page', '#9b51e0'],
    ['failed', 'failed requests', '#eb5757'],
  ];
  const max = Math.max(1, ...result.series.map((s) => s.primary + s.standby + s.fallback));
  for (const [key, label, colour] of lanes) {
    rows.push(`<text x="10" y="${y + 14}" class="label">${esc(label)}</text>`);
    let prev = 0;
    for (const s of result.series) {
      const v = s[key] as number;
      const h = (24 * v) / max;
      if (v > 0) rows.push(`<rect class="lane-${String(key)}" x="${x(prev).toFixed(1)}" y="${(y + 24 - h).toFixed(1)}" width="${Math.max(0.5, x(s.t) - x(prev)).toFixed(1)}" height="${h.toFixed(1)}" fill="${colour}"><title>${s.t} s: ${v}</title></rect>`);
      prev = s.t;
    }
    y += 32;
  }
  // Health lanes.
  const endpoints = [...new Set(result.series.flatMap((s) => Object.keys(s.health)))];
  for (const ep of endpoints) {
    rows.push(`<text x="10" y="${y + 14}" class="label">health: ${esc(ep)}</text>`);
    let prev = 0;
    for (const s of result.series) {
      rows.push(`<rect class="health" x="${x(prev).toFixed(1)}" y="${y + 4}" width="${Math.max(0.5, x(s.t) - x(prev)).toFixed(1)}" height="16" fill="${s.health[ep] ? '#6fcf97' : '#eb5757'}"/>`);
      prev = s.t;
    }
    y += 28;
  }
  // Marks.
  const marks: [string, (e: DrillResult['timeline'][number]) => boolean][] = [
    ['alarms', (e) => e.kind === 'alarm' && e.title.includes('→ ALARM')],
    ['pages', (e) => e.kind === 'page'],
    ['customers', (e) => e.kind === 'notice' || e.kind === 'status'],
    ['faults', (e) => e.kind === 'fault' || e.kind === 'fault-end'],
  ];
  for (const [label, pick] of marks) {
    rows.push(`<text x="10" y="${y + 14}" class="label">${label}</text>`);
    for (const e of result.timeline.filter(pick)) {
      const colour = e.kind === 'fault' ? '#333' : e.kind === 'fault-end' ? '#999' : (LEVEL_COLOUR[e.level ?? ''] ?? '#2f80ed');
      rows.push(`<circle class="mark mark-${label}" cx="${x(e.t).toFixed(1)}" cy="${y + 10}" r="5" fill="${colour}"><title>${esc(`T+${Math.floor(e.t / 60)}:${String(e.t % 60).padStart(2, '0')} ${e.title}`)}</title></circle>`);
    }
    y += 28;
  }
  // Axis.
  const ticks: string[] = [];
  const step = duration > 4 * 3600 ? 3600 : duration > 3600 ? 900 : 300;
  for (let t = 0; t <= duration; t += step) ticks.push(`<line x1="${x(t)}" y1="30" x2="${x(t)}" y2="${y}" class="grid"/><text x="${x(t)}" y="${y + 16}" class="tick">${Math.round(t / 60)} min</text>`);
  const H = y + 30;
  const summary = Object.entries(report.measured)
    .filter(([, v]) => typeof v === 'number' || v === null)
    .map(([k, v]) => `<li>${esc(k)}: ${v === null ? '—' : esc(String(v))}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(`Tabletop: ${result.scenario.title}`)}</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}.label{font-size:12px}.tick{font-size:11px;text-anchor:middle;fill:#555}.grid{stroke:#ddd}</style></head>
<body><h1>${esc(result.scenario.title)}</h1><p>${esc(result.scenario.description)}</p>
<p id="verdict">${report.passed ? 'Every objective met.' : esc(`Objectives missed: ${report.failures.join('; ')}`)}</p>
<svg id="timeline" role="img" aria-label="${esc(`Timeline of ${result.scenario.title}`)}" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
${ticks.join('\n')}
${rows.join('\n')}
</svg>
<ul id="measured">${summary}</ul>
</body></html>
`;
}
