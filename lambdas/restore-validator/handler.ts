import { BackupClient } from '@aws-sdk/client-backup';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS, restoreValidatorConfig } from '../../contracts';
import { createPowertools } from '../shared/powertools';
import { describeRestoreJob, putValidationResult, RetryOptions } from './backup';
import { tableNameFromArn, validateRestoredTable } from './validate';

const { logger, metrics } = createPowertools(restoreValidatorConfig.service);

/** The `Restore Job State Change` event detail fields the validator reads. */
export interface RestoreJobEvent {
  readonly 'detail-type'?: string;
  readonly detail: {
    readonly restoreJobId: string;
    readonly status?: string;
    readonly restoreTestingPlanArn?: string;
    readonly createdResourceArn?: string;
    readonly resourceType?: string;
  };
}

export interface ValidatorDeps {
  readonly backup: BackupClient;
  readonly ddb: DynamoDBClient;
  readonly sourceTable: string;
  /** Region of the source table (the function's own): its sentinel must come back. */
  readonly region: string;
  readonly itemCountTolerancePercent: number;
  readonly sentinelIntervalMinutes: number;
  readonly now?: () => Date;
  readonly retry?: RetryOptions;
}

export interface Outcome {
  readonly status: 'SUCCESSFUL' | 'FAILED';
  readonly code?: string;
  readonly message: string;
}

/**
 * Validates one restore-test job: reads the job from AWS Backup, checks the restored table against
 * the live source, reports SUCCESSFUL/FAILED with the reason through PutRestoreValidationResult and
 * publishes metrics. It never modifies the restored table and never extends its validation window:
 * AWS Backup deletes it when the window ends.
 */
export async function validateRestoreJob(event: RestoreJobEvent, deps: ValidatorDeps): Promise<Outcome> {
  const jobId = (event as { detail?: { restoreJobId?: unknown } } | undefined)?.detail?.restoreJobId;
  if (typeof jobId !== 'string' || jobId === '') {
    // Checked before any call: a malformed event reads, reports and changes nothing.
    throw new Error(
      `restore validator expects an AWS Backup "Restore Job State Change" event with detail.restoreJobId (a string); got detail.restoreJobId = ${JSON.stringify(jobId)}. It is invoked by the EventBridge rule of the RestoreValidator construct.`,
    );
  }
  const finish = async (outcome: Outcome, report: boolean): Promise<Outcome> => {
    metrics.addMetric(METRICS.restoreValidator.succeeded, MetricUnit.Count, outcome.status === 'SUCCESSFUL' ? 1 : 0);
    metrics.addMetric(METRICS.restoreValidator.failed, MetricUnit.Count, outcome.status === 'FAILED' ? 1 : 0);
    if (report) await putValidationResult(deps.backup, jobId, outcome.status, outcome.message, deps.retry);
    // Powertools drops a `message` key: the reason goes under `reason`.
    (outcome.status === 'SUCCESSFUL' ? logger.info : logger.error).call(logger, 'restore test validated', {
      restoreJobId: jobId,
      status: outcome.status,
      ...(outcome.code ? { code: outcome.code } : {}),
      reason: outcome.message,
      reported: report,
    });
    return outcome;
  };
  let job: Awaited<ReturnType<typeof describeRestoreJob>>;
  try {
    job = await describeRestoreJob(deps.backup, jobId, deps.retry);
  } catch (e) {
    if ((e as Error).name !== 'ResourceNotFoundException') throw e;
    // An event for a job AWS Backup does not know (replayed from another account or region, or
    // forged): nothing to validate and no job to report to; the failure metric and log say so.
    return finish(
      {
        status: 'FAILED',
        code: 'RESTORE_JOB_NOT_FOUND',
        message: `RESTORE_JOB_NOT_FOUND: AWS Backup has no restore job ${jobId} in this account and region (${deps.region}): ${(e as Error).message}`,
      },
      false,
    );
  }
  if (job.Status !== 'COMPLETED' || !job.CreatedResourceArn) {
    // Nothing was restored to check; AWS Backup already records the job as failed.
    return finish({ status: 'FAILED', code: 'RESTORE_JOB_NOT_COMPLETED', message: `RESTORE_JOB_NOT_COMPLETED: restore job is ${job.Status ?? 'unknown'}: ${job.StatusMessage ?? 'no message'}` }, false);
  }
  if (job.CreationDate && job.CompletionDate) {
    metrics.addMetric(METRICS.restoreValidator.durationMinutes, MetricUnit.Count, (job.CompletionDate.getTime() - job.CreationDate.getTime()) / 60000);
  }
  const recoveryPointCreated = job.RecoveryPointCreationDate ?? job.CreationDate ?? (deps.now ?? (() => new Date()))();
  const result = await validateRestoredTable(deps.ddb, {
    sourceTable: deps.sourceTable,
    region: deps.region,
    restoredTable: tableNameFromArn(job.CreatedResourceArn),
    recoveryPointCreated,
    itemCountTolerancePercent: deps.itemCountTolerancePercent,
    sentinelIntervalMinutes: deps.sentinelIntervalMinutes,
    ...(deps.now ? { now: deps.now() } : {}),
  });
  if (result.newestSentinel) {
    const restoredAt = job.CompletionDate ?? (deps.now ?? (() => new Date()))();
    metrics.addMetric(METRICS.restoreValidator.dataAgeMinutes, MetricUnit.Count, (restoredAt.getTime() - result.newestSentinel.getTime()) / 60000);
  }
  if (!result.ok) return finish({ status: 'FAILED', code: result.failure!.code, message: `${result.failure!.code}: ${result.failure!.reason}` }, true);
  return finish(
    {
      status: 'SUCCESSFUL',
      message: `restored ${result.restoredCount} items as of the recovery point (source ${result.sourceCount}${result.countNotCompared ? `; ${result.countNotCompared}` : ''}); ${deps.region} sentinel ${result.newestSentinel!.toISOString()} intact; key schema, key types, encryption, indexes and billing match`,
    },
    true,
  );
}

let deps: ValidatorDeps | undefined;

export async function handler(event: RestoreJobEvent): Promise<Outcome> {
  deps ??= {
    backup: new BackupClient({}),
    ddb: new DynamoDBClient({}),
    ...restoreValidatorConfig.fromEnvironment(process.env),
  };
  try {
    return await validateRestoreJob(event, deps);
  } catch (e) {
    // Thrown again so EventBridge retries; the log says what failed (never under the reserved `message` key).
    logger.error('restore validation could not run', {
      restoreJobId: (event as { detail?: { restoreJobId?: unknown } } | undefined)?.detail?.restoreJobId,
      error: { name: (e as Error).name, detail: (e as Error).message },
    });
    throw e;
  } finally {
    metrics.publishStoredMetrics();
  }
}
