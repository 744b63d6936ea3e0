import type { IncidentEvent, ResponseLevel } from './model';
import { RESPONSE_LEVELS } from './model';

/** The fields of an EventBridge "CloudWatch Alarm State Change" event the recorder reads. */
export interface AlarmStateChangeEvent {
  readonly id: string;
  readonly source: string;
  readonly 'detail-type': string;
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: {
    readonly alarmName: string;
    readonly state: { readonly value: string; readonly reason?: string; readonly reasonData?: string; readonly timestamp: string };
  };
}

/** A failover seen by the health checks or a drill (custom event, source `contingency.failover`). */
export interface FailoverObservedEvent {
  readonly id: string;
  readonly source: string;
  readonly 'detail-type': string;
  readonly time: string;
  readonly region: string;
  readonly detail: { readonly region?: string; readonly detail?: string };
}

import { FAILOVER_DETAIL_TYPE, FAILOVER_EVENT_SOURCE } from '../../contracts';
export { FAILOVER_DETAIL_TYPE, FAILOVER_EVENT_SOURCE };

/** Which response level each watched alarm stands for (set by the construct as ALARM_LEVELS). */
export type AlarmLevels = { readonly arn: string; readonly level: ResponseLevel }[];

export function parseAlarmLevels(raw: string): AlarmLevels {
  const parsed = JSON.parse(raw) as unknown;
  if (!Array.isArray(parsed)) throw new Error('ALARM_LEVELS must be a JSON array of {arn, level}');
  for (const x of parsed) {
    if (typeof x?.arn !== 'string' || !RESPONSE_LEVELS.includes(x?.level)) throw new Error(`ALARM_LEVELS entry ${JSON.stringify(x)} needs an arn and a level (${RESPONSE_LEVELS.join(', ')})`);
  }
  return parsed as AlarmLevels;
}

function isoOrUndefined(s: unknown): string | undefined {
  if (typeof s !== 'string') return undefined;
  // CloudWatch writes "2026-11-23T08:00:00.000+0000"; make it ISO 8601 with a colon offset.
  const n = Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(n) ? new Date(n).toISOString() : undefined;
}

/** An event time further than this ahead of the receiving clock is not believed. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** What the recorder made of one event: the log entry (if any), what was wrong, or why it is not ours. */
export interface ParsedIncidentEvent {
  readonly entry?: IncidentEvent;
  /** What was malformed, one sentence each (logged and counted; the entry is still written when possible). */
  readonly problems: string[];
  /** Set when the event is simply not for the incident log (not a watched alarm, another source). */
  readonly ignored?: string;
}

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? JSON.stringify(v.slice(0, 60)) : `${typeof v} ${JSON.stringify(v)?.slice(0, 60) ?? ''}`.trim());

/**
 * The first trustworthy time among the candidates; otherwise the receipt time, with the reason.
 * A time more than FUTURE_TOLERANCE_MS ahead of `receivedAt` is not trusted (clock skew or a
 * forged event): it is kept as `reported` but never used as when things happened.
 */
function pickTime(candidates: [string, unknown][], receivedAt: string, problems: string[]): { time: string; reported?: string; trusted: boolean } {
  for (const [name, raw] of candidates) {
    if (raw === undefined) continue;
    const t = isoOrUndefined(raw);
    if (!t) {
      problems.push(`${name} is ${describe(raw)}, not a time`);
      continue;
    }
    if (Date.parse(t) - Date.parse(receivedAt) > FUTURE_TOLERANCE_MS) {
      problems.push(`${name} ${t} is in the future (received ${receivedAt}): recorded at the time it was received, not as when it happened`);
      return { time: receivedAt, reported: t, trusted: false };
    }
    return { time: t, trusted: true };
  }
  problems.push(`no valid time (${candidates.map(([n]) => n).join(', ')}): recorded at the time it was received, ${receivedAt}`);
  return { time: receivedAt, trusted: false };
}

/**
 * Turns an EventBridge event into an incident-log entry. Never throws: a malformed event is
 * recorded as far as it can be (an alarm with no usable time is recorded at receipt time, so the
 * incident is not lost) and every defect is named in `problems`.
 * The entry id is derived from the alarm, the state and its timestamp (not the delivery id), so a
 * re-delivered or duplicated state change is recognised as the same entry; without a usable
 * timestamp the delivery id is used (EventBridge retries keep it).
 */
export function parseIncidentEvent(raw: unknown, levels: AlarmLevels, receivedAt: string): ParsedIncidentEvent {
  const problems: string[] = [];
  if (!raw || typeof raw !== 'object') return { problems, ignored: `not an event (${describe(raw)})` };
  const e = raw as Record<string, any>;
  const deliveryId = typeof e.id === 'string' && e.id ? e.id : undefined;
  if (e.source === 'aws.cloudwatch' && e['detail-type'] === 'CloudWatch Alarm State Change') {
    const arn: unknown = Array.isArray(e.resources) ? e.resources[0] : undefined;
    const level = typeof arn === 'string' ? levels.find((l) => l.arn === arn)?.level : undefined;
    if (!level) return { problems, ignored: `alarm ${typeof arn === 'string' ? arn : '(no resources)'} is not a watched response alarm` };
    const d = e.detail;
    if (!d || typeof d !== 'object') return { problems: [`detail is ${describe(d)}: the state of ${arn} is unknown, nothing recorded`] };
    let alarmName = d.alarmName;
    if (typeof alarmName !== 'string' || !alarmName) {
      alarmName = (arn as string).split(':alarm:')[1] ?? (arn as string);
      problems.push(`detail.alarmName is ${describe(d.alarmName)}: the name is taken from the alarm ARN (${alarmName})`);
    }
    const st = d.state;
    if (!st || typeof st !== 'object') return { problems: [...problems, `detail.state is ${describe(st)}: the state of ${alarmName} is unknown, nothing recorded`] };
    const value = st.value;
    if (value !== 'ALARM' && value !== 'OK' && value !== 'INSUFFICIENT_DATA') {
      return { problems: [...problems, `detail.state.value is ${describe(value)}, not ALARM, OK or INSUFFICIENT_DATA: nothing recorded for ${alarmName}`] };
    }
    const when = pickTime([['detail.state.timestamp', st.timestamp], ['time', e.time]], receivedAt, problems);
    let reason: string | undefined;
    if (typeof st.reason === 'string') reason = st.reason.slice(0, 500);
    else if (st.reason !== undefined && st.reason !== null) problems.push(`detail.state.reason is ${describe(st.reason)}, not text: left out`);
    let impactStart: string | undefined;
    try {
      const data = typeof st.reasonData === 'string' ? (JSON.parse(st.reasonData) as { startDate?: string }) : undefined;
      impactStart = isoOrUndefined(data?.startDate);
      if (impactStart && Date.parse(impactStart) > Date.parse(when.time)) impactStart = undefined;
    } catch {
      /* reasonData is informational */
    }
    return {
      problems,
      entry: {
        kind: 'alarm',
        id: when.trusted ? `alarm#${alarmName}#${value}#${when.time}` : `alarm#${alarmName}#${value}#received#${deliveryId ?? when.time}`,
        time: when.time,
        alarm: alarmName,
        region: typeof e.region === 'string' ? e.region : 'unknown',
        level,
        state: value,
        ...(reason ? { reason } : {}),
        ...(impactStart && value === 'ALARM' ? { impactStart } : {}),
      },
    };
  }
  if (e.source === FAILOVER_EVENT_SOURCE && e['detail-type'] === FAILOVER_DETAIL_TYPE) {
    const d = e.detail;
    if (!d || typeof d !== 'object') problems.push(`detail is ${describe(d)}: region and description unknown, recorded with the event's region`);
    const dd = (d && typeof d === 'object' ? d : {}) as Record<string, unknown>;
    if (dd.region !== undefined && typeof dd.region !== 'string') problems.push(`detail.region is ${describe(dd.region)}, not a region name: the event's region is used`);
    if (dd.detail !== undefined && typeof dd.detail !== 'string') problems.push(`detail.detail is ${describe(dd.detail)}, not text: left out`);
    const region = typeof dd.region === 'string' && dd.region ? dd.region : typeof e.region === 'string' ? e.region : 'unknown';
    const when = pickTime([['time', e.time]], receivedAt, problems);
    const text = (typeof dd.detail === 'string' && dd.detail ? dd.detail : 'traffic moved to the standby').slice(0, 500);
    return {
      problems,
      entry: {
        kind: 'failover',
        id: `failover#${deliveryId ?? `received#${when.time}`}`,
        time: when.time,
        region,
        detail: text,
        ...(when.trusted ? {} : { reportedTime: when.reported ?? 'none' }),
      },
    };
  }
  return { problems, ignored: `source ${describe(e.source)} / detail-type ${describe(e['detail-type'])} is neither a response alarm state change nor a failover` };
}

/** The log entry for an event, or undefined when it is not for us or cannot be recorded (see parseIncidentEvent). */
export function toIncidentEvent(e: AlarmStateChangeEvent | FailoverObservedEvent, levels: AlarmLevels, receivedAt: string = new Date().toISOString()): IncidentEvent | undefined {
  return parseIncidentEvent(e, levels, receivedAt).entry;
}
