/**
 * Pure logic of the restore-test silence watch: how many hours since a restore test last passed
 * validation. When none passed within the lookback, the clock starts at the restore-testing plan's
 * creation (a fresh deployment is not "silent" before its first scheduled test).
 */
export interface JobSummary {
  readonly completionDate?: Date;
  readonly validationStatus?: string;
}

export function hoursSinceLastSuccess(jobs: readonly JobSummary[], now: Date, planCreated: Date): number {
  let last: Date | undefined;
  for (const j of jobs) {
    if (j.validationStatus !== 'SUCCESSFUL' || !j.completionDate) continue;
    if (!last || j.completionDate > last) last = j.completionDate;
  }
  const since = last ?? planCreated;
  return Math.max(0, (now.getTime() - since.getTime()) / 3_600_000);
}
