import { allTexts } from '../../contracts/languages';
import type { Incident } from './model';
import { RESPONSE_LABELS } from './model';
import { formatTime } from './templates';
import type { MaintenanceWindow } from '../../contracts/maintenance';
import { RATING_MAX, RATING_MIN, SurveySummary, SurveyTemplates } from '../../contracts/survey';

/** Whole minutes and seconds between two ISO times, e.g. "12 min 30 s"; "n/a" when unknown. */
export function duration(from: string | undefined, to: string | undefined): string {
  if (!from || !to) return 'n/a';
  const s = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h} h ${m} min ${sec} s` : m > 0 ? `${m} min ${sec} s` : `${sec} s`;
}

/** Where a closed incident's report is stored in the reports bucket. */
export function reportKey(incident: Pick<Incident, 'id' | 'openedAt'>): string {
  // The year comes from the id (stable), not from the opening time (a late event may move it).
  const year = /^INC-(\d{4})/.exec(incident.id)?.[1] ?? incident.openedAt.slice(0, 4);
  return `reports/${year}/${incident.id}.md`;
}

/**
 * The post-incident report (plan §10.3), rendered when an incident closes: figures, timeline,
 * notices sent, updates, and an improvements section for the review meeting to fill in.
 * Time to detect runs from the first breach the alarm reported (impact start) to the incident
 * opening; time to fail over and to recover run from the incident opening.
 */
export function renderReport(
  incident: Incident,
  opts: {
    timeZone: string;
    planName: string;
    confirmationMinutes: number;
    maintenance?: MaintenanceWindow;
    /** The satisfaction survey's answers so far (§10.2) and its words in every plan language. @default - no survey section */
    survey?: { summary: SurveySummary; templates: SurveyTemplates; languages: readonly string[] };
  },
): string {
  const t = (iso?: string) => (iso ? `${formatTime(iso, opts.timeZone)} · ${iso}` : 'n/a');
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    `# Post-incident report ${incident.id}`,
    '',
    ...(incident.drill ? [`**Drill incident** (live drill ${incident.drill}): recorded for the drill report, not published to customers.`, ''] : []),
    `Plan: ${opts.planName} · Level reached: ${incident.level} (${RESPONSE_LABELS[incident.level].zh} / ${RESPONSE_LABELS[incident.level].en})`,
    '',
    '## Summary',
    '',
    '| | |',
    '|---|---|',
    `| Cause (first alarm) | ${cell(incident.cause)} |`,
    `| Scope | regions ${incident.scope.regions.join(', ')}; alarms ${incident.scope.alarms.join(', ') || 'n/a'} |`,
    `| Impact started | ${t(incident.impactStart)} |`,
    `| Detected (incident opened) | ${t(incident.openedAt)} |`,
    `| First failover observed | ${t(incident.firstFailoverAt)} |`,
    `| Recovered | ${t(incident.recoveredAt)} |`,
    `| Closed | ${t(incident.closedAt)} (${incident.closedBy === 'operator' ? 'resolved by an operator' : `recovery held ${opts.confirmationMinutes} min`}) |`,
    `| Re-opened within the confirmation period | ${incident.reopenCount} time(s) |`,
    ...(incident.previousId ? [`| Follows | ${incident.previousId} (opened within the confirmation period after it closed) |`] : []),
    ...(opts.maintenance
      ? [`| Maintenance | opened during scheduled maintenance ${opts.maintenance.id} (${t(opts.maintenance.start)} → ${t(opts.maintenance.end)}): ${cell(allTexts(opts.maintenance.title))}; its alarms did not page |`]
      : []),
    '',
    '## Figures',
    '',
    `- Time to detect: ${duration(incident.impactStart, incident.openedAt)}`,
    `- Time to fail over: ${duration(incident.openedAt, incident.firstFailoverAt)}`,
    `- Time to recover: ${duration(incident.openedAt, incident.recoveredAt ?? incident.closedAt)}`,
    `- Customer notices sent: ${incident.notices.length}`,
    '',
    '## Timeline',
    '',
    '| time | event | detail |',
    '|---|---|---|',
    ...incident.timeline.map((e) => `| ${e.time} | ${e.kind} | ${cell(e.text)} |`),
    '',
    '## Customer notices sent',
    '',
    ...(incident.notices.length ? incident.notices.map((n) => `- ${n.time} — ${cell(n.subject)}`) : ['- none']),
    '',
    '## Updates published',
    '',
    ...incident.updates.map((u) => `- ${u.time} [${u.status}${u.automatic ? ', automatic' : ''}]${u.eta ? ` ETA ${u.eta}` : ''}: ${cell(allTexts(u.message))}`),
    '',
    ...(opts.survey ? renderSurveySection(opts.survey, t) : []),
    '## Improvements (to fill in at the review)',
    '',
    '- Root cause:',
    '- What worked:',
    '- What did not:',
    '- Actions (owner, due date):',
    '',
  ];
  return lines.join('\n');
}

/**
 * A customer's text made inert in the Markdown report and in any HTML it is rendered to: HTML
 * special characters become entities, Markdown punctuation is backslash-escaped, line breaks
 * become spaces (one comment, one line).
 */
export function inertText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/([\\`*_{}\[\]()#+\-.!|~])/g, '\\$1')
    .replace(/\s*[\r\n]+\s*/g, ' ');
}

/** The survey section: headings and labels in every plan language, figures, comments escaped. */
function renderSurveySection(s: { summary: SurveySummary; templates: SurveyTemplates; languages: readonly string[] }, t: (iso?: string) => string): string[] {
  const words = (k: keyof SurveyTemplates['words'][string]) => [...new Set(s.languages.map((l) => (s.templates.words[l] ?? Object.values(s.templates.words)[0])[k]))].join(' / ');
  const sum = s.summary;
  const ratings = Array.from({ length: RATING_MAX - RATING_MIN + 1 }, (_, i) => (RATING_MIN + i) as 1 | 2 | 3 | 4 | 5);
  return [
    `## ${words('report')}`,
    '',
    `Answers accepted for ${s.templates.windowDays} days after the incident closed; this report is re-rendered when answers arrive in that time.`,
    '',
    `- ${words('answers')}: ${sum.count}`,
    `- ${words('average')}: ${sum.average === null ? 'n/a' : sum.average.toFixed(2)}`,
    '',
    `${words('distribution')}:`,
    '',
    `| ${ratings.join(' | ')} |`,
    `|${ratings.map(() => '---').join('|')}|`,
    `| ${ratings.map((r) => sum.distribution[r]).join(' | ')} |`,
    '',
    `${words('comments')}:`,
    '',
    ...(sum.comments.length ? sum.comments.map((c) => `- ${t(c.time)} · ${c.lang} · ${c.rating}/${RATING_MAX}: ${inertText(c.text)}`) : [`- ${words('none')}`]),
    '',
  ];
}
