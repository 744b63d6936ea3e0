import {
  BackupClient,
  DescribeRestoreJobCommand,
  DescribeRestoreJobCommandOutput,
  ListRecoveryPointsByResourceCommand,
  PutRestoreValidationResultCommand,
  RecoveryPointByResource,
} from '@aws-sdk/client-backup';

/** AWS Backup calls used by the validator and the operator restore command, with throttling retries. */

const RETRYABLE = new Set(['ThrottlingException', 'TooManyRequestsException', 'ServiceUnavailableException', 'LimitExceededException', 'RequestLimitExceeded']);

export interface RetryOptions {
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Retries a call on throttling with exponential backoff (base × 2^n plus jitter). The SDK retries
 * too, but AWS Backup throttles per account and a restore test may run beside a backup window.
 */
export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  const base = opts.baseDelayMs ?? 200;
  const sleep = opts.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const name = (e as Error).name;
      const retryable = RETRYABLE.has(name) || (e as { $retryable?: unknown }).$retryable !== undefined;
      if (!retryable || attempt >= attempts) throw e;
      await sleep(base * 2 ** (attempt - 1) + Math.floor(Math.random() * base));
    }
  }
}

export async function describeRestoreJob(client: BackupClient, restoreJobId: string, retry?: RetryOptions): Promise<DescribeRestoreJobCommandOutput> {
  return withRetry(() => client.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId })), retry);
}

export type ValidationStatus = 'SUCCESSFUL' | 'FAILED' | 'TIMED_OUT';

/** Reports the result to AWS Backup; the message is cut to a length the console shows in full. */
export async function putValidationResult(client: BackupClient, restoreJobId: string, status: ValidationStatus, message: string, retry?: RetryOptions): Promise<void> {
  await withRetry(
    () => client.send(new PutRestoreValidationResultCommand({ RestoreJobId: restoreJobId, ValidationStatus: status, ValidationStatusMessage: message.slice(0, 1000) })),
    retry,
  );
}

/** The newest COMPLETED recovery point of a resource, by creation time, across all pages. */
export async function latestRecoveryPoint(client: BackupClient, resourceArn: string, retry?: RetryOptions): Promise<RecoveryPointByResource | undefined> {
  let token: string | undefined;
  let best: RecoveryPointByResource | undefined;
  do {
    const out = await withRetry(() => client.send(new ListRecoveryPointsByResourceCommand({ ResourceArn: resourceArn, ...(token ? { NextToken: token } : {}) })), retry);
    for (const rp of out.RecoveryPoints ?? []) {
      if (rp.Status !== 'COMPLETED' || !rp.CreationDate) continue;
      if (!best || rp.CreationDate > best.CreationDate!) best = rp;
    }
    token = out.NextToken;
  } while (token);
  return best;
}

export interface WaitOptions extends RetryOptions {
  readonly pollMs?: number;
  readonly timeoutMs: number;
  readonly now?: () => number;
  readonly onProgress?: (job: DescribeRestoreJobCommandOutput) => void;
}

export class RestoreJobError extends Error {
  constructor(
    message: string,
    public readonly status: string,
  ) {
    super(message);
    this.name = 'RestoreJobError';
  }
}

/** Polls a restore job until it completes; throws RestoreJobError when it fails, is aborted or times out. */
export async function waitForRestoreJob(client: BackupClient, restoreJobId: string, opts: WaitOptions): Promise<DescribeRestoreJobCommandOutput> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const deadline = now() + opts.timeoutMs;
  for (;;) {
    const job = await describeRestoreJob(client, restoreJobId, opts);
    opts.onProgress?.(job);
    if (job.Status === 'COMPLETED') return job;
    if (job.Status === 'FAILED' || job.Status === 'ABORTED') {
      throw new RestoreJobError(`restore job ${restoreJobId} ${job.Status}: ${job.StatusMessage ?? 'no message'}`, job.Status);
    }
    if (now() >= deadline) {
      throw new RestoreJobError(`restore job ${restoreJobId} still ${job.Status ?? 'unknown'} after ${Math.round(opts.timeoutMs / 60000)} min; it keeps running in AWS Backup`, 'TIMED_OUT');
    }
    await sleep(opts.pollMs ?? 15000);
  }
}
