/**
 * The drill, as one pure state machine (plan §9.2.2 實戰演練, §9.2.3, §9.3). No AWS SDK, no
 * aws-cdk-lib, no clock of its own: the caller passes what it observed and when, and executes the
 * effects the machine asks for. The same machine is driven
 * - live, by the Step Functions drill runner (lambdas/drill/: one `tick` per loop iteration, the
 *   state carried between ticks as JSON in the execution), and
 * - in the tabletop simulator, with simulated observations.
 *
 *   pending ──preconditions fail──▶ cancelled (nothing was touched)
 *      │ ok: effect announce(start)
 *      ▼
 *   announced ──effect inject──▶ injected ──standby answers the public name──▶ holding
 *                                   │                                            │ hold elapsed
 *                                   │ stop condition (standby unhealthy,          ▼
 *                                   │ emergency level, burn rate, max duration) failing-back ──effect fail-back──▶ waiting-primary
 *                                   └──────────────── abort: effect fail-back ──▶ waiting-primary
 *   waiting-primary ──primary answers again──▶ done (effects: report, announce(end))
 *                   └─fail-back timeout (maxDurationSeconds)──▶ done, failed
 *
 * Stop conditions are checked on every observation from injection until fail-back, holding
 * included; each one aborts at once (fail-back in the same tick). `abort()` is the same abort for an
 * operator or for an error in the runner.
 *
 * API (small on purpose):
 * - `startDrill(settings, startedAt)` → the initial state (serialisable JSON);
 * - `advance(state, observation)` → `{ state, effects, waitSeconds }`;
 * - `abort(state, reason, time)` → the same shape, for errors and operators;
 * - `isFinished(state)`; `buildReport(state)` (also carried in the `report` effect);
 * - `insideWindow(window, time)` for schedules and preconditions;
 * - `recordExperiment(state, id)`: a `fault-injection` drill's runner keeps the id of the AWS FIS
 *   experiment it started (the `inject` effect), so later ticks read and stop that experiment.
 *
 * Kinds: `dns-switch` inverts the primary's health check; `fault-injection` starts the plan's FIS
 * experiment (`faults`). The experiment's own end counts as a stop condition while the fault should
 * be on: FIS stopped it (`fis-stop-condition`: one of its alarms fired), it failed
 * (`experiment-failed`), or it completed its actions (their duration is the maximum duration:
 * `max-duration`). Only `lambda-errors` makes the primary fail its health check, so only drills
 * with it (and dns-switch drills) expect the standby to take over and are judged on the measured
 * RTO; the others hold the fault for `holdSeconds` and pass when the public name kept being served.
 */

import type { DrillFault } from '../../contracts/names';

export const DRILL_KINDS = ['dns-switch', 'fault-injection'] as const;
export type DrillKind = (typeof DRILL_KINDS)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** When a drill may run: days of the week and whole hours [startHour, endHour) in a time zone. */
export interface DrillWindow {
  readonly days: readonly Weekday[];
  readonly startHour: number;
  readonly endHour: number;
  /** IANA time zone, e.g. Asia/Hong_Kong. */
  readonly timeZone: string;
}

export interface DrillSettings {
  /** Name of the scenario (shown in reports), e.g. "dns-switch: primary ap-east-1 fails". */
  readonly scenario: string;
  readonly kind: DrillKind;
  /** fault-injection: what the plan's FIS experiment injects (its actions run in parallel). */
  readonly faults?: readonly DrillFault[];
  readonly regions: { readonly primary: string; readonly standby: string };
  readonly window: DrillWindow;
  /** The objective the drill is judged against: injection → customers served by the standby, seconds (plan RTO by default). */
  readonly objectiveSeconds: number;
  /** Longest time the fault may stay injected (and the longest wait for the primary after fail-back), seconds. */
  readonly maxDurationSeconds: number;
  /** How long the standby keeps serving before fail-back, so pages and incidents can be measured, seconds. */
  readonly holdSeconds: number;
  /** Seconds between observations while something is expected to change. */
  readonly pollSeconds: number;
}

/** The first time each signal was seen (ISO), from the alarms, the notifier and the incident log. */
export interface Signals {
  /** A warning-level alarm of that level went to ALARM. */
  readonly general?: string;
  readonly important?: string;
  readonly emergency?: string;
  /** The first page (a warning-level notification) was sent. */
  readonly firstPage?: string;
  /** A customer notice was sent (a drill must not send one). */
  readonly customerNotice?: string;
  /** The incident recorder opened an incident (recorded as a drill). */
  readonly incidentOpened?: string;
  /** The public name first resolved to the standby. */
  readonly dnsSwitched?: string;
}

/** What the runner read at one moment. */
export interface Observation {
  /** When it was read (ISO). */
  readonly time: string;
  /** The primary endpoint's own health (not counting a drill's inversion). */
  readonly primaryHealthy: boolean;
  readonly standbyHealthy: boolean;
  /** Region that answered /health through the public name; undefined when nothing answered. */
  readonly servingRegion?: string;
  /** An incident that is not a drill is open. */
  readonly openIncident: boolean;
  /** An emergency response level alarm is in ALARM. */
  readonly emergencyLevel: boolean;
  /** An emergency-rate error-budget burn alarm is in ALARM. */
  readonly burnRate: boolean;
  readonly signals?: Signals;
  /** fault-injection: the state of the drill's FIS experiment (GetExperiment), once started. */
  readonly experiment?: { readonly status: ExperimentStatus; readonly reason?: string };
}

/** AWS FIS experiment states. */
export type ExperimentStatus = 'pending' | 'initiating' | 'running' | 'completed' | 'stopping' | 'stopped' | 'failed' | 'cancelled';

export const PHASES = ['pending', 'announced', 'injected', 'holding', 'waiting-primary', 'done', 'cancelled'] as const;
export type DrillPhase = (typeof PHASES)[number];

export const STOP_CONDITIONS = ['standby-unhealthy', 'emergency-level', 'burn-rate', 'max-duration', 'fis-stop-condition', 'experiment-failed', 'operator', 'runner-error'] as const;
export type StopCondition = (typeof STOP_CONDITIONS)[number];

/** The serialisable state carried between ticks. */
export interface DrillState {
  readonly settings: DrillSettings;
  readonly phase: DrillPhase;
  readonly startedAt: string;
  readonly announcedAt?: string;
  readonly injectedAt?: string;
  /** First time the public name was answered by the standby. */
  readonly standbyServedAt?: string;
  readonly failBackAt?: string;
  /** First time the primary answered again after fail-back. */
  readonly primaryBackAt?: string;
  readonly finishedAt?: string;
  /** fault-injection: the FIS experiment the runner started. */
  readonly experimentId?: string;
  /** First time nothing served the public name while the fault was on (drills that expect no failover). */
  readonly unservedAt?: string;
  readonly signals: Signals;
  readonly abort?: { readonly condition: StopCondition; readonly detail: string; readonly time: string };
  /** Preconditions that were not met (phase cancelled). */
  readonly unmet?: string[];
  /** Failures found after the run (besides an abort), e.g. a customer notice was sent. */
  readonly failures: string[];
}

export type Announcement = 'start' | 'abort' | 'end' | 'cancelled';
export type DrillEffect =
  | {
      readonly type: 'announce';
      readonly what: Announcement;
      /** English, for logs and the tabletop. */
      readonly text: string;
      /** Values for the plan's word templates `drill.<what>` (placeholders {scenario} {primary} {standby} {objective} {max} {condition} {detail} {result} {rto} {failures}). */
      readonly params: Readonly<Record<string, string>>;
    }
  | { readonly type: 'inject' }
  | { readonly type: 'fail-back' }
  | { readonly type: 'report'; readonly report: DrillReport };

export interface Step {
  readonly state: DrillState;
  /** To execute in order before the next observation. */
  readonly effects: DrillEffect[];
  /** When to observe next, seconds (0 when finished). */
  readonly waitSeconds: number;
}

/** Seconds from injection; null when not observed. Same shape as the tabletop report. */
export interface DrillMeasured {
  readonly detectionSeconds: { readonly general: number | null; readonly important: number | null; readonly emergency: number | null };
  /** Injection → the public name resolves to the standby (DNS switch). */
  readonly failoverSeconds: number | null;
  /** Injection → the human-agent fallback serves; a drill never sends customers there: null. */
  readonly fallbackSeconds: number | null;
  readonly firstPageSeconds: number | null;
  /** A drill tells no customer: null unless a notice was (wrongly) sent. */
  readonly customerNoticeSeconds: number | null;
  readonly incidentOpenSeconds: number | null;
  /** Injection → first standby answer through the public name: the measured RTO, judged against the objective. */
  readonly recoverySeconds: number | null;
}

export interface DrillReport {
  readonly scenario: string;
  readonly objectives: { readonly rtoSeconds: number };
  readonly measured: DrillMeasured;
  readonly passed: boolean;
  readonly failures: string[];
  /** What only a live drill measures. */
  readonly live: {
    readonly kind: DrillKind;
    /** fault-injection: the faults and the FIS experiment; null for dns-switch. */
    readonly faults: readonly DrillFault[] | null;
    readonly experimentId: string | null;
    readonly phase: DrillPhase;
    readonly startedAt: string;
    readonly injectedAt: string | null;
    readonly finishedAt: string | null;
    /** Fail-back → primary answers the public name again ("time back"). */
    readonly timeBackSeconds: number | null;
    readonly abort: { condition: StopCondition; detail: string; atSeconds: number | null } | null;
  };
}

const ms = (iso: string) => Date.parse(iso);
const params = (s: DrillSettings): Record<string, string> => ({
  scenario: s.scenario,
  primary: s.regions.primary,
  standby: s.regions.standby,
  objective: String(s.objectiveSeconds),
  max: String(s.maxDurationSeconds),
});

/** Fills `{name}` placeholders of a word template; unknown ones stay as written. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m).trim();
}
const secondsBetween = (from: string | undefined, to: string | undefined): number | null =>
  from && to ? Math.max(0, Math.round((ms(to) - ms(from)) / 1000)) : null;

/** Checks the settings; returns the problems (rule, value, fix). */
export function settingsProblems(s: DrillSettings): string[] {
  const p: string[] = [];
  const positive = (name: string, v: number) => {
    if (!Number.isFinite(v) || v <= 0) p.push(`${name} must be a positive number of seconds, got: ${v}; give a value above 0`);
  };
  positive('objectiveSeconds', s.objectiveSeconds);
  positive('maxDurationSeconds', s.maxDurationSeconds);
  positive('pollSeconds', s.pollSeconds);
  if (!Number.isFinite(s.holdSeconds) || s.holdSeconds < 0) p.push(`holdSeconds must be 0 or more, got: ${s.holdSeconds}; give 0 to fail back as soon as the standby serves`);
  if (s.maxDurationSeconds <= s.objectiveSeconds) {
    p.push(`maxDurationSeconds must be longer than objectiveSeconds (a drill stopped before the objective cannot measure it), got: ${s.maxDurationSeconds} <= ${s.objectiveSeconds}; raise the maximum duration`);
  }
  if (s.kind === 'fault-injection' && !(s.faults && s.faults.length)) p.push('faults must name at least one fault for a fault-injection drill, got: none; e.g. ["replication-pause"]');
  if (s.regions.primary === s.regions.standby) p.push(`regions.primary and regions.standby must differ, got: ${s.regions.primary} for both`);
  p.push(...windowProblems(s.window));
  return p;
}

export function windowProblems(w: DrillWindow): string[] {
  const p: string[] = [];
  if (w.days.length === 0) p.push('window.days must name at least one day, got: []; e.g. ["tue", "wed"]');
  for (const d of w.days) if (!WEEKDAYS.includes(d)) p.push(`window.days entries must be one of ${WEEKDAYS.join(', ')}, got: ${JSON.stringify(d)}`);
  for (const [k, v] of [['startHour', w.startHour], ['endHour', w.endHour]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 24) p.push(`window.${k} must be a whole hour from 0 to 24, got: ${v}`);
  }
  if (w.endHour <= w.startHour) p.push(`window.endHour must be after window.startHour, got: ${w.startHour}-${w.endHour}; e.g. startHour 10, endHour 16`);
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: w.timeZone });
  } catch {
    p.push(`window.timeZone must be an IANA time zone, got: ${JSON.stringify(w.timeZone)}; e.g. "Asia/Hong_Kong"`);
  }
  return p;
}

/** Weekday and hour of `time` in the window's time zone. */
export function localDayHour(time: string, timeZone: string): { day: Weekday; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(new Date(time));
  const get = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return { day: get('weekday').toLowerCase().slice(0, 3) as Weekday, hour: Number(get('hour')), minute: Number(get('minute')) };
}

/** True when `time` falls on an allowed day, in [startHour, endHour) local time. */
export function insideWindow(window: DrillWindow, time: string): boolean {
  const { day, hour } = localDayHour(time, window.timeZone);
  return window.days.includes(day) && hour >= window.startHour && hour < window.endHour;
}

/** True when a drill starting at `time` would still be inside the window `maxDurationSeconds` × 2 later (inject + wait for primary). */
export function fitsInWindow(window: DrillWindow, time: string, maxDurationSeconds: number): boolean {
  const end = new Date(ms(time) + 2 * maxDurationSeconds * 1000).toISOString();
  const a = localDayHour(time, window.timeZone);
  const b = localDayHour(end, window.timeZone);
  return insideWindow(window, time) && a.day === b.day && (b.hour < window.endHour || (b.hour === window.endHour && b.minute === 0));
}

export function startDrill(settings: DrillSettings, startedAt: string): DrillState {
  const problems = settingsProblems(settings);
  if (problems.length) throw new Error(`drill settings are invalid: ${problems.join('; ')}`);
  return { settings, phase: 'pending', startedAt, signals: {}, failures: [] };
}

/** True when the drill's fault should make DNS fail over to the standby (judged on the measured RTO). */
export function expectsFailover(s: DrillSettings): boolean {
  return s.kind === 'dns-switch' || (s.faults ?? []).includes('lambda-errors');
}

/** Keeps the id of the FIS experiment the runner started for the `inject` effect. */
export function recordExperiment(state: DrillState, experimentId: string): DrillState {
  return { ...state, experimentId };
}

export function isFinished(state: DrillState): boolean {
  return state.phase === 'done' || state.phase === 'cancelled';
}

/** Keeps the first time of each signal, and only signals seen after injection. */
function mergeSignals(state: DrillState, seen: Signals | undefined): Signals {
  if (!seen || !state.injectedAt) return state.signals;
  const out: Record<string, string> = { ...(state.signals as Record<string, string>) };
  for (const [k, v] of Object.entries(seen)) {
    if (typeof v !== 'string' || !Number.isFinite(ms(v)) || ms(v) < ms(state.injectedAt)) continue;
    if (!out[k] || ms(v) < ms(out[k])) out[k] = v;
  }
  return out as Signals;
}

/** Preconditions of a drill: the reasons it must not start now (empty: go). */
export function unmetPreconditions(s: DrillSettings, o: Observation): string[] {
  const unmet: string[] = [];
  if (!fitsInWindow(s.window, o.time, s.maxDurationSeconds)) {
    unmet.push(`outside the drill window (${s.window.days.join(',')} ${s.window.startHour}:00-${s.window.endHour}:00 ${s.window.timeZone}, with room for ${Math.ceil((2 * s.maxDurationSeconds) / 60)} min)`);
  }
  if (!o.primaryHealthy) unmet.push(`primary ${s.regions.primary} is not healthy`);
  if (!o.standbyHealthy) unmet.push(`standby ${s.regions.standby} is not healthy`);
  if (o.openIncident) unmet.push('an incident is open');
  if (o.emergencyLevel) unmet.push('an emergency response level is in ALARM');
  if (o.burnRate) unmet.push('the error budget burns at the emergency rate');
  if (o.servingRegion !== s.regions.primary) unmet.push(`the public name is served by ${o.servingRegion ?? 'nothing'}, not the primary ${s.regions.primary}`);
  return unmet;
}

/** The stop condition met by an observation during injection, if any (first in the order of STOP_CONDITIONS). */
export function stopCondition(state: DrillState, o: Observation): { condition: StopCondition; detail: string } | undefined {
  const s = state.settings;
  if (!o.standbyHealthy) return { condition: 'standby-unhealthy', detail: `standby ${s.regions.standby} became unhealthy` };
  if (o.emergencyLevel) return { condition: 'emergency-level', detail: 'an emergency response level went to ALARM' };
  if (o.burnRate) return { condition: 'burn-rate', detail: 'the error budget burns at the emergency rate' };
  const elapsed = secondsBetween(state.injectedAt, o.time) ?? 0;
  if (elapsed >= s.maxDurationSeconds) return { condition: 'max-duration', detail: `injected for ${elapsed} s, the maximum is ${s.maxDurationSeconds} s` };
  const x = o.experiment;
  if (s.kind === 'fault-injection' && x) {
    const why = x.reason ? `: ${x.reason}` : '';
    if (x.status === 'stopping' || x.status === 'stopped') return { condition: 'fis-stop-condition', detail: `AWS FIS stopped the experiment ${state.experimentId ?? ''}${why}`.replace(/ +:/, ':') };
    if (x.status === 'failed' || x.status === 'cancelled') return { condition: 'experiment-failed', detail: `the experiment ${state.experimentId ?? ''} ${x.status}${why}`.replace(/ +/g, ' ') };
    if (x.status === 'completed') return { condition: 'max-duration', detail: `the experiment ${state.experimentId ?? ''} completed its actions (their duration is the maximum, ${s.maxDurationSeconds} s)`.replace(/ +/g, ' ') };
  }
  return undefined;
}

function abortStep(state: DrillState, condition: StopCondition, detail: string, time: string): Step {
  const next: DrillState = { ...state, phase: 'waiting-primary', failBackAt: time, abort: { condition, detail, time } };
  return {
    state: next,
    effects: [
      { type: 'fail-back' },
      {
        type: 'announce',
        what: 'abort',
        text: `Drill aborted (${condition}): ${detail}. Failing back to the primary ${state.settings.regions.primary} now.`,
        params: { ...params(state.settings), condition, detail },
      },
    ],
    waitSeconds: state.settings.pollSeconds,
  };
}

function finish(state: DrillState, time: string, extraFailure?: string): Step {
  const done: DrillState = { ...state, phase: 'done', finishedAt: time, failures: extraFailure ? [...state.failures, extraFailure] : state.failures };
  const report = buildReport(done);
  return {
    state: done,
    effects: [
      { type: 'report', report },
      {
        type: 'announce',
        what: 'end',
        text: `Drill ended: ${report.passed ? 'passed' : 'failed'}; measured RTO ${report.measured.recoverySeconds ?? 'n/a'} s against ${report.objectives.rtoSeconds} s${report.failures.length ? `; ${report.failures.join('; ')}` : ''}.`,
        params: { ...params(state.settings), result: report.passed ? 'PASSED' : 'FAILED', rto: String(report.measured.recoverySeconds ?? 'n/a'), failures: report.failures.join('; ') },
      },
    ],
    waitSeconds: 0,
  };
}

/** One step: the state after `o`, the effects to execute, and when to look again. */
export function advance(state: DrillState, o: Observation): Step {
  const s = state.settings;
  if (isFinished(state)) return { state, effects: [], waitSeconds: 0 };
  const signals = mergeSignals(state, o.signals);
  const st: DrillState = { ...state, signals };
  switch (state.phase) {
    case 'pending': {
      const unmet = unmetPreconditions(s, o);
      if (unmet.length) {
        return {
          state: { ...st, phase: 'cancelled', unmet, finishedAt: o.time },
          effects: [{ type: 'announce', what: 'cancelled', text: `Drill not started: ${unmet.join('; ')}.`, params: { ...params(s), detail: unmet.join('; ') } }],
          waitSeconds: 0,
        };
      }
      return {
        state: { ...st, phase: 'announced', announcedAt: o.time },
        effects: [
          {
            type: 'announce',
            what: 'start',
            text:
              s.kind === 'fault-injection'
                ? `DRILL (not a real incident; customers are not told): ${s.scenario}. AWS FIS injects the faults on the primary ${s.regions.primary} now; they stop within ${s.maxDurationSeconds} s at most.`
                : `DRILL (not a real incident; customers are not told): ${s.scenario}. The primary ${s.regions.primary} is taken out of DNS now; traffic should move to ${s.regions.standby} within ${s.objectiveSeconds} s. It fails back within ${s.maxDurationSeconds} s at most.`,
            params: params(s),
          },
        ],
        waitSeconds: 0,
      };
    }
    case 'announced':
      return { state: { ...st, phase: 'injected', injectedAt: o.time }, effects: [{ type: 'inject' }], waitSeconds: s.pollSeconds };
    case 'injected':
    case 'holding': {
      const stop = stopCondition(st, o);
      if (stop) return abortStep(st, stop.condition, stop.detail, o.time);
      if (!expectsFailover(s)) {
        // The fault should not move customers: it stays on for holdSeconds; the public name must keep being served.
        const seen: DrillState = o.servingRegion || st.unservedAt ? st : { ...st, unservedAt: o.time };
        const on = secondsBetween(state.injectedAt, o.time) ?? 0;
        if (on >= s.holdSeconds) return { state: { ...seen, phase: 'waiting-primary', failBackAt: o.time }, effects: [{ type: 'fail-back' }], waitSeconds: s.pollSeconds };
        return { state: seen, effects: [], waitSeconds: Math.max(1, Math.min(s.pollSeconds, s.holdSeconds - on)) };
      }
      if (state.phase === 'injected') {
        if (o.servingRegion === s.regions.standby) {
          return { state: { ...st, phase: 'holding', standbyServedAt: o.time }, effects: [], waitSeconds: Math.min(s.pollSeconds, s.holdSeconds) || 0 };
        }
        return { state: st, effects: [], waitSeconds: s.pollSeconds };
      }
      const held = secondsBetween(state.standbyServedAt, o.time) ?? 0;
      if (held >= s.holdSeconds) return { state: { ...st, phase: 'waiting-primary', failBackAt: o.time }, effects: [{ type: 'fail-back' }], waitSeconds: s.pollSeconds };
      return { state: st, effects: [], waitSeconds: Math.min(s.pollSeconds, s.holdSeconds - held) };
    }
    case 'waiting-primary': {
      if (o.servingRegion === s.regions.primary) return finish({ ...st, primaryBackAt: o.time }, o.time);
      const waited = secondsBetween(state.failBackAt, o.time) ?? 0;
      if (waited >= s.maxDurationSeconds) {
        return finish(st, o.time, `the primary ${s.regions.primary} did not serve the public name again within ${s.maxDurationSeconds} s of fail-back (last answer: ${o.servingRegion ?? 'none'})`);
      }
      return { state: st, effects: [], waitSeconds: s.pollSeconds };
    }
  }
  return { state, effects: [], waitSeconds: 0 };
}

/**
 * Aborts from outside (an operator, or the runner after an error): fails back when something was
 * injected, else cancels. Idempotent on finished drills.
 */
export function abort(state: DrillState, condition: 'operator' | 'runner-error', detail: string, time: string): Step {
  if (isFinished(state)) return { state, effects: [], waitSeconds: 0 };
  if (state.phase === 'pending' || state.phase === 'announced') {
    return {
      state: { ...state, phase: 'cancelled', unmet: [`${condition}: ${detail}`], finishedAt: time, abort: { condition, detail, time } },
      effects: [{ type: 'announce', what: 'cancelled', text: `Drill cancelled before injection (${condition}): ${detail}.`, params: { ...params(state.settings), detail: `${condition}: ${detail}` } }],
      waitSeconds: 0,
    };
  }
  if (state.phase === 'waiting-primary') {
    // Already failed back: record the abort, finish with a report (the primary may still come back).
    return finish({ ...state, abort: state.abort ?? { condition, detail, time } }, time);
  }
  return abortStep(state, condition, detail, time);
}

/** The report of a finished (or cancelled) drill. */
export function buildReport(state: DrillState): DrillReport {
  const s = state.settings;
  const from = state.injectedAt;
  const sig = state.signals;
  const measured: DrillMeasured = {
    detectionSeconds: { general: secondsBetween(from, sig.general), important: secondsBetween(from, sig.important), emergency: secondsBetween(from, sig.emergency) },
    failoverSeconds: secondsBetween(from, sig.dnsSwitched),
    fallbackSeconds: null,
    firstPageSeconds: secondsBetween(from, sig.firstPage),
    customerNoticeSeconds: secondsBetween(from, sig.customerNotice),
    incidentOpenSeconds: secondsBetween(from, sig.incidentOpened),
    recoverySeconds: secondsBetween(from, state.standbyServedAt),
  };
  const failures: string[] = [];
  if (state.phase === 'cancelled') failures.push(`not run: ${(state.unmet ?? []).join('; ')}`);
  if (state.abort) failures.push(`aborted (${state.abort.condition}): ${state.abort.detail}`);
  if (state.phase !== 'cancelled') {
    if (!expectsFailover(s)) {
      if (state.unservedAt) failures.push(`the public name was not served by the chatbot at ${state.unservedAt} while ${(s.faults ?? []).join(', ')} was injected`);
    } else if (measured.recoverySeconds === null) failures.push(`the standby ${s.regions.standby} never answered the public name`);
    else if (measured.recoverySeconds > s.objectiveSeconds) failures.push(`measured RTO ${measured.recoverySeconds} s exceeds the objective ${s.objectiveSeconds} s`);
    if (sig.customerNotice) failures.push(`a customer notice was sent during the drill (${sig.customerNotice}); drills must not tell customers`);
  }
  failures.push(...state.failures);
  return {
    scenario: s.scenario,
    objectives: { rtoSeconds: s.objectiveSeconds },
    measured,
    passed: failures.length === 0,
    failures,
    live: {
      kind: s.kind,
      faults: s.kind === 'fault-injection' ? [...(s.faults ?? [])] : null,
      experimentId: state.experimentId ?? null,
      phase: state.phase,
      startedAt: state.startedAt,
      injectedAt: state.injectedAt ?? null,
      finishedAt: state.finishedAt ?? null,
      timeBackSeconds: secondsBetween(state.failBackAt, state.primaryBackAt),
      abort: state.abort ? { condition: state.abort.condition, detail: state.abort.detail, atSeconds: secondsBetween(from, state.abort.time) } : null,
    },
  };
}

/** The report as Markdown (what operators read; the JSON is for tools). */
export function renderReportMarkdown(r: DrillReport, planName: string): string {
  const v = (n: number | null) => (n === null ? 'n/a' : `${n} s`);
  const m = r.measured;
  return [
    `# Drill report: ${r.scenario}`,
    '',
    `Plan: ${planName} · kind: ${r.live.kind} · started ${r.live.startedAt} · result: **${r.passed ? 'PASSED' : 'FAILED'}**`,
    ...(r.live.faults ? ['', `Faults (AWS FIS): ${r.live.faults.join(', ')} · experiment: ${r.live.experimentId ?? 'not started'}`] : []),
    '',
    '| measure (from injection) | seconds |',
    '|---|---|',
    `| Detection, general warning | ${v(m.detectionSeconds.general)} |`,
    `| Detection, important warning | ${v(m.detectionSeconds.important)} |`,
    `| Detection, emergency warning | ${v(m.detectionSeconds.emergency)} |`,
    `| DNS switch (public name resolves to the standby) | ${v(m.failoverSeconds)} |`,
    `| First standby answer = measured RTO (objective ${r.objectives.rtoSeconds} s) | ${v(m.recoverySeconds)} |`,
    `| First page | ${v(m.firstPageSeconds)} |`,
    `| Incident opened (as a drill) | ${v(m.incidentOpenSeconds)} |`,
    `| Customer notice (must be n/a) | ${v(m.customerNoticeSeconds)} |`,
    `| Time back (fail-back → primary answers) | ${v(r.live.timeBackSeconds)} |`,
    '',
    '## Failures',
    '',
    ...(r.failures.length ? r.failures.map((f) => `- ${f}`) : ['- none']),
    '',
    '## Evaluation (§9.3, to fill in at the review)',
    '',
    '- What worked:',
    '- What did not:',
    '- Actions (owner, due date):',
    '',
  ].join('\n');
}
