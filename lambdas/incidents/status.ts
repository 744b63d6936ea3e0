import { textIn, Texts } from '../../contracts/languages';
import { COMPONENT_IDS, COMPONENT_RANK, ComponentId, ComponentState, Incident, OperatorUpdate, ResponseLevel } from './model';
import { currentIncident, RESOLVED_UPDATE_ID } from './state';
import type { MessageTemplates } from './templates';
import { MaintenanceEntry, maintenanceEntries } from './maintenance';
import type { UptimeHistory } from './uptime';
import { MaintenanceWindow, windowOfIncident } from '../../contracts/maintenance';
import { surveyPath } from '../../contracts/survey';

/** The JSON document the status page renders (`status.json`). Version it when the shape changes. */
export interface StatusDocument {
  readonly version: 1;
  /**
   * The publication sequence (the incident register version this document was made from): a
   * writer never replaces a document with a higher one, so the page never steps back.
   */
  readonly seq: number;
  readonly generatedAt: string;
  readonly overall: ComponentState;
  readonly components: { readonly id: ComponentId; readonly state: ComponentState }[];
  readonly current: null | {
    readonly id: string;
    readonly level: ResponseLevel;
    readonly phase: Incident['phase'];
    readonly title: Texts;
    readonly startedAt: string;
    readonly eta: string | null;
    readonly regions: string[];
    /** The incident this one follows (opened within the confirmation period after it closed). */
    readonly previousId: string | null;
    /** Newest first. */
    readonly updates: Pick<OperatorUpdate, 'time' | 'status' | 'message' | 'eta'>[];
    /** The maintenance window it opened in (an incident the maintenance caused), else null. */
    readonly maintenance: string | null;
  };
  /** Maintenance windows announced and not over, by start (running ones have `active`). */
  readonly maintenance: MaintenanceEntry[];
  /** The last 90 days per component (sparse: days with impact only). Absent from documents written before it existed. */
  readonly uptime?: UptimeHistory;
  /** Closed incidents, newest first. */
  readonly history: { readonly id: string; readonly level: ResponseLevel; readonly title: Texts; readonly startedAt: string; readonly closedAt: string; readonly maintenance: string | null }[];
}

/** Builds the status document from the folded incidents; the same updates feed the notices. */
export function buildStatusDocument(
  incidents: readonly Incident[],
  opts: { now: string; historyLength: number; templates: MessageTemplates; seq?: number; maintenance?: readonly MaintenanceWindow[]; uptime?: UptimeHistory },
): StatusDocument {
  const windows = opts.maintenance ?? [];
  const maint = (i: Incident) => windowOfIncident(windows, i.openedAt, i.level)?.id ?? null;
  const cur = currentIncident(incidents);
  const components: Record<ComponentId, ComponentState> = cur ? cur.components : { chatbot: 'operational', agents: 'operational' };
  const overall = COMPONENT_IDS.map((id) => components[id]).reduce((a, b) => (COMPONENT_RANK[b] > COMPONENT_RANK[a] ? b : a));
  const byTimeDesc = <T extends { time: string }>(xs: readonly T[]) => [...xs].sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
  return {
    version: 1,
    seq: opts.seq ?? 0,
    generatedAt: opts.now,
    overall,
    components: COMPONENT_IDS.map((id) => ({ id, state: components[id] })),
    current: cur
      ? {
          id: cur.id,
          level: cur.currentLevel,
          phase: cur.phase,
          title: opts.templates.levels[cur.level].title,
          startedAt: cur.openedAt,
          eta: cur.eta ?? null,
          regions: cur.scope.regions,
          previousId: cur.previousId ?? null,
          updates: byTimeDesc(cur.updates).map((u) => ({ time: u.time, status: u.status, message: u.message, ...(u.eta ? { eta: u.eta } : {}) })),
          maintenance: maint(cur),
        }
      : null,
    maintenance: maintenanceEntries(windows, opts.now),
    ...(opts.uptime ? { uptime: opts.uptime } : {}),
    history: incidents
      .filter((i) => i.phase === 'closed')
      .reverse()
      .slice(0, opts.historyLength)
      .map((i) => ({ id: i.id, level: i.level, title: opts.templates.levels[i.level].title, startedAt: i.openedAt, closedAt: i.closedAt!, maintenance: maint(i) })),
  };
}

/** One customer notice: the same bilingual text the status page shows for that update. */
export interface Notice {
  /** `<incident id>#<update id>`: the idempotency key; a notice is sent at most once per key. */
  readonly key: string;
  readonly incidentId: string;
  readonly updateId: string;
  /** Time of the update (notices of one incident go out in this order, never back). */
  readonly updateTime: string;
  /** The incident's one final "resolved" notice. */
  readonly final: boolean;
  readonly subject: string;
  readonly body: string;
  /** The same notice in each plan language alone (e-mail subscribers read their own language). */
  readonly texts: Readonly<Record<string, { readonly subject: string; readonly body: string }>>;
}

/**
 * Notices still to send, oldest first, by these rules:
 * - one per update, keyed `<incident>#<update>` (`sent` holds the keys sent; `claimed` those sent
 *   or claimed, whose claim may have died: they stay pending, and the store's lease decides);
 * - never an update older than the newest one already claimed for that incident (`watermarks`),
 *   so a late event that adds an update in the past does not send customers back in time;
 * - never an update older than `maxAgeMs` (a first deployment does not replay history);
 * - a closed incident gets only its one "resolved" notice, and only if customers were told about
 *   it (an incident that closed before its first notice went out is not announced afterwards);
 *   that notice is sent however old it is, so every incident customers heard of ends resolved.
 */
export function pendingNotices(
  incidents: readonly Incident[],
  opts: { now: string; maxAgeMs: number; sent: ReadonlySet<string>; claimed?: ReadonlySet<string>; watermarks?: ReadonlyMap<string, string>; templates: MessageTemplates; pageUrl?: string },
): Notice[] {
  const out: Notice[] = [];
  const nowMs = Date.parse(opts.now);
  const told = [...(opts.claimed ?? opts.sent)];
  for (const i of incidents) {
    const title = opts.templates.levels[i.level].title;
    const langs = opts.templates.languages;
    const surveyed = (u: OperatorUpdate) => u.id === RESOLVED_UPDATE_ID && !!opts.pageUrl && !!opts.templates.survey;
    const make = (u: OperatorUpdate): Notice => ({
      key: `${i.id}#${u.id}`,
      incidentId: i.id,
      updateId: u.id,
      updateTime: u.time,
      final: u.id === RESOLVED_UPDATE_ID,
      // Every plan language, the default first: the same texts the status page shows.
      subject: `[${u.status}] ${[...new Set(langs.map((l) => textIn(title, l)))].join(' / ')}`.slice(0, 99),
      body: [
        ...[...new Set(langs.map((l) => textIn(u.message, l)))].flatMap((m) => [m, '']),
        `${i.id} · ${u.time}`,
        ...(opts.pageUrl ? [opts.pageUrl] : []),
        // The resolved notice links the satisfaction survey (§10.2) in each plan language.
        ...(surveyed(u) ? ['', ...surveyLinks(i.id, opts.pageUrl!, opts.templates)] : []),
      ].join('\n'),
      // Each language alone (e-mail subscribers get their own language), with its survey link.
      texts: Object.fromEntries(
        langs.map((l) => [
          l,
          {
            subject: `[${u.status}] ${textIn(title, l)}`.slice(0, 99),
            body: [
              textIn(u.message, l),
              '',
              `${i.id} · ${u.time}`,
              ...(opts.pageUrl ? [`${opts.pageUrl}/?lang=${encodeURIComponent(l)}`] : []),
              ...(surveyed(u) ? ['', ...surveyLinks(i.id, opts.pageUrl!, { ...opts.templates, languages: [l] })] : []),
            ].join('\n'),
          },
        ]),
      ),
    });
    const announced = told.some((k) => k.startsWith(`${i.id}#`));
    if (i.phase === 'closed') {
      const resolved = i.updates.find((u) => u.id === RESOLVED_UPDATE_ID);
      if (announced && resolved && !opts.sent.has(`${i.id}#${resolved.id}`)) out.push(make(resolved));
      continue;
    }
    const wm = opts.watermarks?.get(i.id);
    const updates = [...i.updates].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    for (const u of updates) {
      if (opts.sent.has(`${i.id}#${u.id}`) || nowMs - Date.parse(u.time) > opts.maxAgeMs) continue;
      if (wm && u.time < wm) continue;
      out.push(make(u));
    }
  }
  return out;
}

/** The survey link of an incident in each plan language: `<words.link>: <page>/survey.html?incident=…&lang=…`. */
export function surveyLinks(incidentId: string, pageUrl: string, t: MessageTemplates): string[] {
  if (!t.survey) return [];
  const base = pageUrl.replace(/\/+$/, '');
  return t.languages.map((l) => `${(t.survey!.words[l] ?? Object.values(t.survey!.words)[0]).link}: ${base}/${surveyPath(incidentId, l)}`);
}
