import type { Texts } from '../../contracts/languages';

/**
 * The incident model shared by the recorder, the publisher, the operator CLI and the CDK constructs.
 * Response levels are the plan's §5.1 levels (by impact), not the §4.2.3 warning levels.
 */
import type { ComponentState, ResponseLevel } from '../../contracts';
export { COMPONENT_RANK, COMPONENT_STATES, RESPONSE_LABELS, RESPONSE_LEVELS, RESPONSE_RANK } from '../../contracts';
export type { ComponentState, ResponseLevel } from '../../contracts';
export const COMPONENT_IDS = ['chatbot', 'agents'] as const;
export type ComponentId = (typeof COMPONENT_IDS)[number];

/** Operator-facing progress of an incident (what the status page shows next to each update). */
export const UPDATE_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];

/** A text in every plan language, keyed by language tag (the name is historical: any number of languages). */
export type Bilingual = Texts;

/** One immutable entry of the incident log. The log is append-only: (time, id) is its key. */
export type IncidentEvent =
  | {
      readonly kind: 'alarm';
      readonly id: string;
      readonly time: string;
      readonly alarm: string;
      readonly region: string;
      readonly level: ResponseLevel;
      readonly state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
      readonly reason?: string;
      /** When the metric first breached (from the alarm's reason data), if known. */
      readonly impactStart?: string;
    }
  | {
      readonly kind: 'failover';
      readonly id: string;
      readonly time: string;
      readonly region: string;
      readonly detail: string;
      /** Set when the event's own time could not be trusted (missing, or in the future): `time` is then when it was received. */
      readonly reportedTime?: string;
    }
  | {
      readonly kind: 'update';
      readonly id: string;
      readonly time: string;
      readonly status: UpdateStatus;
      readonly message: Bilingual;
      readonly eta?: string;
      readonly components?: Partial<Record<ComponentId, ComponentState>>;
      readonly author?: string;
    }
  | { readonly kind: 'resolve'; readonly id: string; readonly time: string; readonly message?: Bilingual; readonly author?: string }
  | { readonly kind: 'notice'; readonly id: string; readonly time: string; readonly key: string; readonly subject: string }
  /**
   * A live drill started or ended (written by the drill runner). An incident that opens while a
   * drill runs is a drill incident: recorded and reported, never on the status page or in customer
   * notices, unless it reaches the emergency response level (then it is real).
   */
  | { readonly kind: 'drill'; readonly id: string; readonly time: string; readonly phase: 'start' | 'end'; readonly drill: string };

/**
 * What the publisher has told the world about an incident, kept in the incident register (one
 * item, written with a version check). The fold takes these as decisions: the id is kept for the
 * incident that contains `openedAt` however late earlier events arrive, and a registered close is
 * final (events after it belong to the next incident).
 */
export interface RegisteredIncident {
  readonly id: string;
  /** When the incident opened as first published (the anchor that keeps the id). */
  readonly openedAt: string;
  readonly level: ResponseLevel;
  readonly cause: string;
  readonly previousId?: string;
  /**
   * The last publication that showed it not closed: it cannot close before then (a late OK does
   * not end, in the past, an incident customers were shown as ongoing; an ALARM before then
   * re-opens it instead of starting another one).
   */
  readonly openAsOf?: string;
  readonly closedAt?: string;
  readonly closedBy?: 'confirmed' | 'operator';
}

export interface TimelineEntry {
  readonly time: string;
  readonly kind: IncidentEvent['kind'] | 'opened' | 'recovering' | 'reopened' | 'closed';
  readonly text: string;
}

export interface OperatorUpdate {
  readonly id: string;
  readonly time: string;
  readonly status: UpdateStatus;
  readonly message: Bilingual;
  readonly eta?: string;
  readonly automatic: boolean;
}

export type IncidentPhase = 'open' | 'recovering' | 'closed';

export interface Incident {
  /**
   * Stable id: `INC-` + the opening time (compact) as first published, kept in the incident
   * register, so a late earlier event never renames an incident customers were told about.
   */
  readonly id: string;
  readonly phase: IncidentPhase;
  /** Highest response level reached. */
  readonly level: ResponseLevel;
  /** Level of the alarms in ALARM now (or the last ones, once recovering). */
  readonly currentLevel: ResponseLevel;
  readonly openedAt: string;
  readonly impactStart?: string;
  readonly cause: string;
  /** Regions and alarms that fired. */
  readonly scope: { readonly regions: string[]; readonly alarms: string[] };
  readonly firstFailoverAt?: string;
  /** Start of the recovery that held (or is being confirmed). */
  readonly recoveredAt?: string;
  readonly closedAt?: string;
  /** 'confirmed' (recovery held for the confirmation period) or 'operator' (resolved by hand). */
  readonly closedBy?: 'confirmed' | 'operator';
  readonly reopenCount: number;
  /** Set when the incident opened during a live drill (its id) and never reached the emergency level: not public. */
  readonly drill?: string;
  /** The incident this one follows: it opened within the confirmation period after that one was closed. */
  readonly previousId?: string;
  readonly eta?: string;
  readonly components: Record<ComponentId, ComponentState>;
  readonly updates: OperatorUpdate[];
  readonly notices: { time: string; key: string; subject: string }[];
  readonly timeline: TimelineEntry[];
}
