import type { DrillSettings } from '../../ops/drill/machine';
import { DRILL_PERIOD_MONTHS, Plan } from './schema';

/**
 * The plan's `drills` section as the drill machine's settings and as a schedule. Stated once here:
 * the drill runner construct, the CLI and the docs read these.
 */

/** Seconds between observations while a drill runs (the observer and Route 53 work at 10-60 s). */
export const DRILL_POLL_SECONDS = 15;

export function drillSettings(plan: Plan): DrillSettings {
  const d = plan.drills;
  return {
    scenario:
      d.kind === 'fault-injection'
        ? `fault-injection: AWS FIS injects ${d.faults.join(' + ')} on the primary ${plan.regions.primary}${d.faults.includes('lambda-errors') ? `, standby ${plan.regions.standby} takes over` : ', customers stay served'}`
        : `${d.kind}: primary ${plan.regions.primary} taken out of DNS, standby ${plan.regions.standby} takes over`,
    kind: d.kind,
    ...(d.kind === 'fault-injection' ? { faults: [...d.faults] } : {}),
    regions: { primary: plan.regions.primary, standby: plan.regions.standby },
    window: { days: d.window.days, startHour: d.window.startHour, endHour: d.window.endHour, timeZone: d.window.timeZone ?? plan.timeZone },
    objectiveSeconds: Math.round((d.objectiveMinutes ?? plan.objectives.rtoMinutes) * 60),
    maxDurationSeconds: d.maxDurationMinutes * 60,
    holdSeconds: d.holdMinutes * 60,
    pollSeconds: DRILL_POLL_SECONDS,
  };
}

const CRON_DAYS: Record<string, string> = { mon: 'MON', tue: 'TUE', wed: 'WED', thu: 'THU', fri: 'FRI', sat: 'SAT', sun: 'SUN' };

/**
 * EventBridge Scheduler expression (in the window's time zone): the window's first day in the first
 * week of each drill month, at the window's start hour; months every `every` from `month`.
 */
export function drillSchedule(plan: Plan): { expression: string; timeZone: string; months: number[] } {
  const d = plan.drills;
  const step = DRILL_PERIOD_MONTHS[d.every];
  const months: number[] = [];
  for (let m = 0; m < 12; m += step) months.push(((d.month - 1 + m) % 12) + 1);
  months.sort((a, b) => a - b);
  return {
    expression: `cron(0 ${d.window.startHour} ? ${months.join(',')} ${CRON_DAYS[d.window.days[0]]}#1 *)`,
    timeZone: d.window.timeZone ?? plan.timeZone,
    months,
  };
}

/** Days within which a successful drill must have happened (the period, plus a month of grace for a cancelled run). */
export function drillPeriodDays(plan: Plan): number {
  return Math.round((DRILL_PERIOD_MONTHS[plan.drills.every] * 365) / 12) + 31;
}
