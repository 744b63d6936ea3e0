import { BackupClient, GetRestoreTestingPlanCommand, ListRestoreJobsCommand } from '@aws-sdk/client-backup';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { withRetry } from '../restore-validator/backup';
import { METRICS, restoreWatchConfig } from '../../contracts';
import { createPowertools } from '../shared/powertools';
import { hoursSinceLastSuccess, JobSummary } from './silence';

const { logger, metrics } = createPowertools(restoreWatchConfig.service);

export interface WatchDeps {
  readonly backup: BackupClient;
  readonly planName: string;
  readonly planArn: string;
  readonly lookbackDays: number;
  readonly now?: () => Date;
}

/**
 * Hourly: publishes HoursSinceRestoreTestSucceeded from AWS Backup's own restore-job records. The
 * silence alarm fires when it passes the plan's limit, and also when this metric stops arriving.
 */
export async function measureSilence(deps: WatchDeps): Promise<number> {
  const now = (deps.now ?? (() => new Date()))();
  const jobs: JobSummary[] = [];
  let token: string | undefined;
  do {
    const out = await withRetry(() =>
      deps.backup.send(
        new ListRestoreJobsCommand({
          ByRestoreTestingPlanArn: deps.planArn,
          ByStatus: 'COMPLETED',
          ByCompleteAfter: new Date(now.getTime() - deps.lookbackDays * 86_400_000),
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    );
    for (const j of out.RestoreJobs ?? []) jobs.push({ ...(j.CompletionDate ? { completionDate: j.CompletionDate } : {}), ...(j.ValidationStatus ? { validationStatus: j.ValidationStatus } : {}) });
    token = out.NextToken;
  } while (token);
  const plan = await withRetry(() => deps.backup.send(new GetRestoreTestingPlanCommand({ RestoreTestingPlanName: deps.planName })));
  const created = plan.RestoreTestingPlan?.CreationTime ?? new Date(0);
  const hours = hoursSinceLastSuccess(jobs, now, created);
  metrics.addMetric(METRICS.restoreWatch.hoursSinceSuccess, MetricUnit.Count, hours);
  logger.info('restore-test silence measured', { hours, jobsSeen: jobs.length });
  return hours;
}

let deps: WatchDeps | undefined;

export async function handler(): Promise<{ hours: number }> {
  deps ??= { backup: new BackupClient({}), ...restoreWatchConfig.fromEnvironment(process.env) };
  try {
    return { hours: await measureSilence(deps) };
  } finally {
    metrics.publishStoredMetrics();
  }
}
