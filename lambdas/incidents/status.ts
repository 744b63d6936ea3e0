import { textIn, Texts } from '../../contracts/languages';
import { COMPONENT_IDS, COMPONENT_RANK, ComponentId, ComponentState, Incident, OperatorUpdate, ResponseLevel } from './model';
import { currentIncident } from './state';
import type { MessageTemplates } from './templates';

/** The JSON document the status page renders (`status.json`). Version it when the shape changes. */
export interface StatusDocument {
  readonly version: 1;
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
    /** Newest first. */
    readonly updates: Pick<OperatorUpdate, 'time' | 'status' | 'message' | 'eta'>[];
  };
  /** Closed incidents, newest first. */
  readonly history: { readonly id: string; readonly level: ResponseLevel; readonly title: Texts; readonly startedAt: string; readonly closedAt: string }[];
}

/** Builds the status document from the folded incidents; the same updates feed the notices. */
export function buildStatusDocument(incidents: readonly Incident[], opts: { now: string; historyLength: number; templates: MessageTemplates }): StatusDocument {
  const cur = currentIncident(incidents);
  const components: Record<ComponentId, ComponentState> = cur ? cur.components : { chatbot: 'operational', agents: 'operational' };
  const overall = COMPONENT_IDS.map((id) => components[id]).reduce((a, b) => (COMPONENT_RANK[b] > COMPONENT_RANK[a] ? b : a));
  const byTimeDesc = <T extends { time: string }>(xs: readonly T[]) => [...xs].sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
  return {
    version: 1,
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
          updates: byTimeDesc(cur.updates).map((u) => ({ time: u.time, status: u.status, message: u.message, ...(u.eta ? { eta: u.eta } : {}) })),
        }
      : null,
    history: incidents
      .filter((i) => i.phase === 'closed')
      .reverse()
      .slice(0, opts.historyLength)
      .map((i) => ({ id: i.id, level: i.level, title: opts.templates.levels[i.level].title, startedAt: i.openedAt, closedAt: i.closedAt! })),
  };
}

/** One customer notice: the same bilingual text the status page shows for that update. */
export interface Notice {
  /** `<incident id>#<update id>`: a notice is sent at most once per key. */
  readonly key: string;
  readonly subject: string;
  readonly body: string;
}

/**
 * Notices still to send: one per update of an incident (automatic or by an operator), skipping
 * updates older than `maxAgeMs` (so a first deployment does not replay history) and keys already sent.
 */
export function pendingNotices(incidents: readonly Incident[], opts: { now: string; maxAgeMs: number; sent: ReadonlySet<string>; templates: MessageTemplates; pageUrl?: string }): Notice[] {
  const out: Notice[] = [];
  const nowMs = Date.parse(opts.now);
  for (const i of incidents) {
    const title = opts.templates.levels[i.level].title;
    for (const u of i.updates) {
      const key = `${i.id}#${u.id}`;
      if (opts.sent.has(key) || nowMs - Date.parse(u.time) > opts.maxAgeMs) continue;
      // Every plan language, the default first: the same texts the status page shows.
      const langs = opts.templates.languages;
      const subject = `[${u.status}] ${[...new Set(langs.map((l) => textIn(title, l)))].join(' / ')}`.slice(0, 99);
      const messages = [...new Set(langs.map((l) => textIn(u.message, l)))];
      const body = [...messages.flatMap((m) => [m, '']), `${i.id} · ${u.time}`, ...(opts.pageUrl ? [opts.pageUrl] : [])].join('\n');
      out.push({ key, subject, body });
    }
  }
  return out;
}
