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

/**
 * Turns an EventBridge event into an incident-log entry, or undefined when it is not for us.
 * The entry id is derived from the alarm, the state and its timestamp (not the delivery id), so a
 * re-delivered or duplicated state change is recognised as the same entry.
 */
export function toIncidentEvent(e: AlarmStateChangeEvent | FailoverObservedEvent, levels: AlarmLevels): IncidentEvent | undefined {
  if (e.source === 'aws.cloudwatch' && e['detail-type'] === 'CloudWatch Alarm State Change') {
    const a = e as AlarmStateChangeEvent;
    const arn = a.resources?.[0];
    const level = levels.find((l) => l.arn === arn)?.level;
    if (!level) return undefined;
    // A watched alarm's event without a state is malformed: ignore it (the caller logs that) rather than throw.
    if (!a.detail?.state || typeof a.detail.alarmName !== 'string') return undefined;
    const value = a.detail.state.value;
    if (value !== 'ALARM' && value !== 'OK' && value !== 'INSUFFICIENT_DATA') return undefined;
    const time = isoOrUndefined(a.detail.state.timestamp) ?? new Date(Date.parse(a.time)).toISOString();
    let impactStart: string | undefined;
    try {
      const data = a.detail.state.reasonData ? (JSON.parse(a.detail.state.reasonData) as { startDate?: string }) : undefined;
      impactStart = isoOrUndefined(data?.startDate);
    } catch {
      /* reasonData is informational */
    }
    return {
      kind: 'alarm',
      id: `alarm#${a.detail.alarmName}#${value}#${time}`,
      time,
      alarm: a.detail.alarmName,
      region: a.region,
      level,
      state: value,
      ...(a.detail.state.reason ? { reason: a.detail.state.reason.slice(0, 500) } : {}),
      ...(impactStart && value === 'ALARM' ? { impactStart } : {}),
    };
  }
  if (e.source === FAILOVER_EVENT_SOURCE && e['detail-type'] === FAILOVER_DETAIL_TYPE) {
    const f = e as FailoverObservedEvent;
    return { kind: 'failover', id: `failover#${f.id}`, time: new Date(Date.parse(f.time)).toISOString(), region: f.detail.region ?? f.region, detail: (f.detail.detail ?? 'traffic moved to the standby').slice(0, 500) };
  }
  return undefined;
}
