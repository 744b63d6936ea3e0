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
  const job = await describeRestoreJob(deps.backup, jobId, deps.retry);
  const finish = async (outcome: Outcome, report: boolean): Promise<Outcome> => {
    metrics.addMetric(METRICS.restoreValidator.succeeded, MetricUnit.Count, outcome.status === 'SUCCESSFUL' ? 1 : 0);
    metrics.addMetric(METRICS.restoreValidator.failed, MetricUnit.Count, outcome.status === 'FAILED' ? 1 : 0);
    if (report) await putValidationResult(deps.backup, jobId, outcome.status, outcome.message, deps.retry);
    (outcome.status === 'SUCCESSFUL' ? logger.info : logger.error).call(logger, 'restore test validated', { restoreJobId: jobId, ...outcome });
    return outcome;
  };
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
    restoredTable: tableNameFromArn(job.CreatedResourceArn),
    recoveryPointCreated,
    itemCountTolerancePercent: deps.itemCountTolerancePercent,
    sentinelIntervalMinutes: deps.sentinelIntervalMinutes,
  });
  if (result.newestSentinel) {
    const restoredAt = job.CompletionDate ?? (deps.now ?? (() => new Date()))();
    metrics.addMetric(METRICS.restoreValidator.dataAgeMinutes, MetricUnit.Count, (restoredAt.getTime() - result.newestSentinel.getTime()) / 60000);
  }
  if (!result.ok) return finish({ status: 'FAILED', code: result.failure!.code, message: `${result.failure!.code}: ${result.failure!.reason}` }, true);
  return finish(
    {
      status: 'SUCCESSFUL',
      message: `restored ${result.restoredCount} items (source ${result.sourceCount}); sentinel ${result.newestSentinel!.toISOString()} intact; key schema and encryption match`,
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
  } finally {
    metrics.publishStoredMetrics();
  }
}
