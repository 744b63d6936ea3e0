import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { announcedWindows, isActive, MaintenanceScope, MaintenanceWindow, suppressed } from '../../contracts/maintenance';
import type { ResponseLevel } from './model';
import type { Texts } from '../../contracts/languages';

export type { MaintenanceWindow } from '../../contracts/maintenance';

/** One composite's suppressor alarm, in its own region. */
export interface Suppressor {
  readonly region: string;
  readonly alarmName: string;
  readonly scope: MaintenanceScope;
  readonly level: ResponseLevel;
}

/** What status.json shows of a window (announced, not over). */
export interface MaintenanceEntry {
  readonly id: string;
  readonly title: Texts;
  readonly message: Texts | null;
  readonly start: string;
  readonly end: string;
  readonly active: boolean;
  readonly components: readonly string[];
}

export function maintenanceEntries(windows: readonly MaintenanceWindow[], now: string): MaintenanceEntry[] {
  return announcedWindows(windows, now).map((w) => ({ id: w.id, title: w.title, message: w.message ?? null, start: w.start, end: w.end, active: isActive(w, now), components: w.components }));
}

/** A suppressor state set, and when: re-asserted after this long even when unchanged (someone may have set it by hand). */
export const SUPPRESSOR_REASSERT_MS = 10 * 60_000;

/**
 * Holds each composite's suppressor in ALARM while a window naming its scope and level runs, and
 * in OK otherwise. Calls CloudWatch only when the wanted state differs from the one this container
 * last set, or that was SUPPRESSOR_REASSERT_MS ago. Returns what it set and what failed (a failure
 * never stops the status page from being published; the next run tries again).
 */
export async function applySuppressors(
  suppressors: readonly Suppressor[],
  windows: readonly MaintenanceWindow[],
  now: string,
  deps: { client: (region: string) => Pick<CloudWatchClient, 'send'>; memory: Map<string, { state: string; at: number }> },
): Promise<{ set: string[]; failed: string[] }> {
  const set: string[] = [];
  const failed: string[] = [];
  const nowMs = Date.parse(now);
  for (const s of suppressors) {
    const on = suppressed(windows, s.scope, s.level, now);
    const state = on ? 'ALARM' : 'OK';
    const key = `${s.region}/${s.alarmName}`;
    const last = deps.memory.get(key);
    if (last && last.state === state && nowMs - last.at < SUPPRESSOR_REASSERT_MS) continue;
    const ids = windows.filter((w) => isActive(w, now) && w.scopes.includes(s.scope) && w.levels.includes(s.level)).map((w) => w.id);
    try {
      await deps.client(s.region).send(
        new SetAlarmStateCommand({ AlarmName: s.alarmName, StateValue: state, StateReason: on ? `maintenance window ${ids.join(', ')} running: ${s.level} alarms of ${s.scope} do not page` : 'no maintenance window running' }),
      );
      deps.memory.set(key, { state, at: nowMs });
      set.push(`${key}=${state}`);
    } catch (err) {
      failed.push(`${key}=${state}: ${(err as Error).name}: ${(err as Error).message}`);
    }
  }
  return { set, failed };
}
