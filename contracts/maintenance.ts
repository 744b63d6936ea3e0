/**
 * Scheduled maintenance (issue 15): windows announced ahead on the status page and in the feed,
 * during which the response-level composites they name do not page (their actions suppressor is
 * held in ALARM by the publisher) and incidents that open are marked as maintenance. Windows come
 * from the plan (`maintenance:`) and from the operator CLI (`contingency maintenance add`, items in
 * the incident table); a CLI item with the same id replaces or cancels a plan window.
 */
import type { Texts } from './languages';
import { RESPONSE_LEVELS, ResponseLevel } from './levels';

/** Where a set of response-level composites lives (lib/alerting/response-levels.ts). */
export const MAINTENANCE_SCOPES = ['us-east-1', 'primary', 'standby'] as const;
export type MaintenanceScope = (typeof MAINTENANCE_SCOPES)[number];
export const MAINTENANCE_COMPONENTS = ['chatbot', 'agents'] as const;
export type MaintenanceComponent = (typeof MAINTENANCE_COMPONENTS)[number];

/** One maintenance window, times in UTC (ISO 8601). */
export interface MaintenanceWindow {
  /** Lower-case letters, digits and hyphens; unique. */
  readonly id: string;
  readonly start: string;
  readonly end: string;
  /** The time zone the window was declared in (times on the page are shown in the plan's). */
  readonly timeZone: string;
  readonly title: Texts;
  readonly message?: Texts;
  /** Response levels whose composites do not page during the window. */
  readonly levels: readonly ResponseLevel[];
  /** Where: us-east-1 (health checks), the primary or the standby chatbot region. */
  readonly scopes: readonly MaintenanceScope[];
  /** Components shown as under maintenance while the window runs. */
  readonly components: readonly MaintenanceComponent[];
  readonly source: 'plan' | 'cli';
  /** When it was announced (the plan: the start minus the notice period; the CLI: when added). */
  readonly announcedAt: string;
  /** Set by `maintenance cancel`: the window is not shown and mutes nothing. */
  readonly cancelledAt?: string;
}

/** Incident-table partition key of the windows the CLI adds or cancels (sort key: the window id). */
export const MAINTENANCE_PK = 'MAINT';
/** File bundled next to the incident handler with the plan's windows. */
export const MAINTENANCE_PLAN_FILE = 'maintenance-plan.json';
/** A plan window is announced (page, feed) this long before it starts. */
export const MAINTENANCE_NOTICE_DAYS = 14;

export const MAINTENANCE_ID = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** CloudWatch namespace of the suppressor alarms' metric (never published: their state is set). */
export const MAINTENANCE_METRIC_NAMESPACE = 'Contingency/Maintenance';

/** Name of the suppressor alarm of one response-level composite (`<plan>-maintenance-<scope>-<level>`). */
export function maintenanceAlarmName(planName: string, scope: MaintenanceScope, level: ResponseLevel): string {
  return `${planName}-maintenance-${scope}-${level}`;
}

/**
 * A wall-clock time in an IANA time zone (`2026-12-20T02:00`, seconds optional) as UTC ISO; a time
 * with its own offset or `Z` is taken as written. Undefined when it is not a time or the zone is
 * unknown. In a daylight-saving gap the time is moved forward by the gap, like most calendars.
 */
export function zonedToUtc(local: string, timeZone: string): string | undefined {
  if (/(Z|[+-]\d{2}:\d{2})$/.test(local)) {
    const t = Date.parse(local);
    return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return undefined;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  } catch {
    return undefined;
  }
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0));
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(wall).getUTCDate() !== d) return undefined;
  // The zone's offset at an instant: its wall clock there minus the instant.
  const offsetAt = (instant: number) => {
    const p = Object.fromEntries(fmt.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - instant;
  };
  let guess = wall - offsetAt(wall);
  guess = wall - offsetAt(guess);
  return new Date(guess).toISOString();
}

/** The windows in force: CLI items replace plan windows of the same id; cancelled ones drop out. */
export function mergeWindows(planWindows: readonly MaintenanceWindow[], cliWindows: readonly MaintenanceWindow[]): MaintenanceWindow[] {
  const byId = new Map(planWindows.map((w) => [w.id, w]));
  for (const w of cliWindows) byId.set(w.id, w);
  return [...byId.values()].filter((w) => !w.cancelledAt).sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || (a.id < b.id ? -1 : 1));
}

export const isActive = (w: MaintenanceWindow, now: string) => Date.parse(w.start) <= Date.parse(now) && Date.parse(now) < Date.parse(w.end);

/** Windows shown now: announced, not over. */
export function announcedWindows(windows: readonly MaintenanceWindow[], now: string): MaintenanceWindow[] {
  return windows.filter((w) => Date.parse(w.announcedAt) <= Date.parse(now) && Date.parse(now) < Date.parse(w.end));
}

/** The window an incident that opened at `openedAt` at `level` belongs to, if it opened during one that mutes that level. */
export function windowOfIncident(windows: readonly MaintenanceWindow[], openedAt: string, level: ResponseLevel): MaintenanceWindow | undefined {
  return windows.find((w) => isActive(w, openedAt) && w.levels.includes(level));
}

/** Whether the suppressor of one composite must be in ALARM now. */
export function suppressed(windows: readonly MaintenanceWindow[], scope: MaintenanceScope, level: ResponseLevel, now: string): boolean {
  return windows.some((w) => isActive(w, now) && w.scopes.includes(scope) && w.levels.includes(level));
}

export const ALL_LEVELS: readonly ResponseLevel[] = RESPONSE_LEVELS;
