import { BackupClient, DescribeRestoreJobCommand, GetRestoreTestingPlanCommand, ListRestoreJobsCommand, PutRestoreValidationResultCommand } from '@aws-sdk/client-backup';
import { DescribeTableCommand, DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { buildSentinel } from '../../lambdas/sentinel/sentinel';
import { validateRestoreJob, ValidatorDeps } from '../../lambdas/restore-validator/handler';
import { RestoreJobError, waitForRestoreJob, withRetry } from '../../lambdas/restore-validator/backup';
import { measureSilence } from '../../lambdas/restore-watch/handler';
import { hoursSinceLastSuccess } from '../../lambdas/restore-watch/silence';

const backupMock = mockClient(BackupClient);
const ddbMock = mockClient(DynamoDBClient);
const KEY = 'arn:aws:kms:ap-southeast-1:123456789012:key/k';
const RP = new Date('2026-03-02T03:00:00Z');
const noSleep = { sleep: async () => undefined, baseDelayMs: 1 };

const throttle = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

function deps(): ValidatorDeps {
  return { backup: new BackupClient({}), ddb: new DynamoDBClient({}), sourceTable: 'acme-chat-chatbot', region: 'ap-southeast-1', itemCountTolerancePercent: 1, sentinelIntervalMinutes: 5, retry: noSleep };
}

const event = { 'detail-type': 'Restore Job State Change', detail: { restoreJobId: 'job-1', status: 'COMPLETED', restoreTestingPlanArn: 'arn:plan' } };

function completedJob() {
  backupMock.on(DescribeRestoreJobCommand).resolves({
    RestoreJobId: 'job-1',
    Status: 'COMPLETED',
    CreatedResourceArn: 'arn:aws:dynamodb:ap-southeast-1:123456789012:table/acme-chat-chatbot-restore-test-1',
    RecoveryPointCreationDate: RP,
    CreationDate: new Date('2026-03-09T05:00:00Z'),
    CompletionDate: new Date('2026-03-09T05:20:00Z'),
  });
}

function tables(sentinelAt: Date, restoredCount = 10) {
  const desc = { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }, { AttributeName: 'sk', KeyType: 'RANGE' as const }], SSEDescription: { SSEType: 'KMS' as const, KMSMasterKeyArn: KEY } };
  ddbMock.on(DescribeTableCommand).resolves({ Table: desc });
  ddbMock.on(ScanCommand, { TableName: 'acme-chat-chatbot' }).resolves({ Count: 10 });
  ddbMock.on(ScanCommand, { TableName: 'acme-chat-chatbot-restore-test-1' }).resolves({ Count: restoredCount });
  const s = buildSentinel('ap-southeast-1', sentinelAt, 'n');
  ddbMock.on(QueryCommand).resolves({ Items: [{ pk: { S: s.pk }, sk: { S: s.sk }, region: { S: s.region }, writtenAt: { S: s.writtenAt }, nonce: { S: s.nonce }, checksum: { S: s.checksum } }] });
  // No knowledge-base item in these tables (the check passes a table without one).
  ddbMock.on(QueryCommand, { KeyConditionExpression: 'pk = :pk AND sk = :sk' }).resolves({ Items: [] });
}

beforeEach(() => {
  backupMock.reset();
  ddbMock.reset();
});

describe('restore validator handler (AWS Backup mocked)', () => {
  /** Everything the function logs while `fn` runs (Powertools writes to stdout/stderr, or the console in dev mode). */
  async function captureLogs<T>(fn: () => Promise<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
    const writes: string[] = [];
    const spies = [
      ...[process.stdout, process.stderr].map((stream) =>
        jest.spyOn(stream, 'write').mockImplementation((chunk: any) => {
          writes.push(String(chunk));
          return true;
        }),
      ),
      ...(['log', 'info', 'warn', 'error'] as const).map((m) => jest.spyOn(console, m).mockImplementation((...a: unknown[]) => void writes.push(`${a.join(' ')}\n`))),
    ];
    try {
      const result = await fn();
      return { result, lines: writes.join('').split('\n').filter((l) => l.startsWith('{"level"')).map((l) => JSON.parse(l) as Record<string, unknown>) };
    } finally {
      spies.forEach((sp) => sp.mockRestore());
    }
  }

  test('a COMPLETED event for a job AWS Backup does not know is reported as RESTORE_JOB_NOT_FOUND, not a crash', async () => {
    backupMock.on(DescribeRestoreJobCommand).rejects(Object.assign(new Error('Restore job job-1 not found'), { name: 'ResourceNotFoundException' }));
    const { result, lines } = await captureLogs(() => validateRestoreJob(event, deps()));
    expect(result).toMatchObject({ status: 'FAILED', code: 'RESTORE_JOB_NOT_FOUND' });
    expect(result.message).toMatch(/^RESTORE_JOB_NOT_FOUND: AWS Backup has no restore job job-1 in this account and region \(ap-southeast-1\)/);
    // No job to report to, no table read.
    expect(backupMock.commandCalls(PutRestoreValidationResultCommand)).toHaveLength(0);
    expect(ddbMock.calls()).toHaveLength(0);
    expect(lines.find((l) => l.level === 'ERROR')).toMatchObject({ message: 'restore test validated', code: 'RESTORE_JOB_NOT_FOUND', reason: result.message });
  });

  test('the failure log line carries the reason (Powertools drops a `message` key)', async () => {
    completedJob();
    tables(new Date(RP.getTime() - 60 * 60000));
    backupMock.on(PutRestoreValidationResultCommand).resolves({});
    const { result, lines } = await captureLogs(() => validateRestoreJob(event, deps()));
    expect(result.code).toBe('SENTINEL_STALE');
    const line = lines.find((l) => l.level === 'ERROR');
    expect(line).toMatchObject({ restoreJobId: 'job-1', status: 'FAILED', code: 'SENTINEL_STALE' });
    expect(String(line?.reason)).toMatch(/^SENTINEL_STALE: this region's \(ap-southeast-1\) sentinel .* 60\.0 min older than the recovery point/);
  });

  test.each([[{}], [{ detail: {} }], [{ detail: { restoreJobId: 42 } }]])('a malformed event %j is refused before any call', async (bad) => {
    await expect(validateRestoreJob(bad as any, deps())).rejects.toThrow(/expects an AWS Backup "Restore Job State Change" event with detail\.restoreJobId/);
    expect(backupMock.calls()).toHaveLength(0);
    expect(ddbMock.calls()).toHaveLength(0);
  });

  test('a good restore is reported SUCCESSFUL to the restore job', async () => {
    completedJob();
    tables(new Date(RP.getTime() - 2 * 60000));
    backupMock.on(PutRestoreValidationResultCommand).resolves({});
    const out = await validateRestoreJob(event, deps());
    expect(out.status).toBe('SUCCESSFUL');
    expect(backupMock).toHaveReceivedCommandWith(PutRestoreValidationResultCommand, { RestoreJobId: 'job-1', ValidationStatus: 'SUCCESSFUL' });
    // Read-only on the restored table: no writes, no tagging, no deletion-window changes.
    expect(ddbMock.commandCalls(ScanCommand).map((c) => c.args[0].input.TableName)).toContain('acme-chat-chatbot-restore-test-1');
  });

  test('a stale sentinel is reported FAILED with its reason', async () => {
    completedJob();
    tables(new Date(RP.getTime() - 60 * 60000));
    backupMock.on(PutRestoreValidationResultCommand).resolves({});
    const out = await validateRestoreJob(event, deps());
    expect(out).toMatchObject({ status: 'FAILED', code: 'SENTINEL_STALE' });
    expect(backupMock).toHaveReceivedCommandWith(PutRestoreValidationResultCommand, { RestoreJobId: 'job-1', ValidationStatus: 'FAILED', ValidationStatusMessage: expect.stringMatching(/^SENTINEL_STALE: /) });
  });

  test('throttled AWS Backup calls are retried until they succeed', async () => {
    backupMock
      .on(DescribeRestoreJobCommand)
      .rejectsOnce(throttle())
      .rejectsOnce(throttle())
      .resolves({ RestoreJobId: 'job-1', Status: 'COMPLETED', CreatedResourceArn: 'arn:aws:dynamodb:ap-southeast-1:123456789012:table/acme-chat-chatbot-restore-test-1', RecoveryPointCreationDate: RP });
    tables(new Date(RP.getTime() - 1 * 60000));
    backupMock.on(PutRestoreValidationResultCommand).rejectsOnce(throttle()).resolves({});
    const out = await validateRestoreJob(event, deps());
    expect(out.status).toBe('SUCCESSFUL');
    expect(backupMock).toHaveReceivedCommandTimes(DescribeRestoreJobCommand, 3);
    expect(backupMock).toHaveReceivedCommandTimes(PutRestoreValidationResultCommand, 2);
  });

  test('throttling that never stops surfaces the error after the retry budget', async () => {
    backupMock.on(DescribeRestoreJobCommand).rejects(throttle());
    await expect(validateRestoreJob(event, deps())).rejects.toThrow(/Rate exceeded/);
    expect(backupMock).toHaveReceivedCommandTimes(DescribeRestoreJobCommand, 5);
  });

  test('non-throttling errors are not retried', async () => {
    const calls: number[] = [];
    await expect(withRetry(async () => (calls.push(1), Promise.reject(Object.assign(new Error('nope'), { name: 'AccessDeniedException' }))), noSleep)).rejects.toThrow('nope');
    expect(calls).toHaveLength(1);
  });

  test('a failed restore job is a FAILED test with RESTORE_JOB_NOT_COMPLETED and no table checks', async () => {
    backupMock.on(DescribeRestoreJobCommand).resolves({ RestoreJobId: 'job-1', Status: 'FAILED', StatusMessage: 'KMS key not accessible' });
    const out = await validateRestoreJob({ detail: { restoreJobId: 'job-1', status: 'FAILED' } }, deps());
    expect(out).toMatchObject({ status: 'FAILED', code: 'RESTORE_JOB_NOT_COMPLETED' });
    expect(out.message).toMatch(/FAILED: KMS key not accessible/);
    expect(ddbMock.calls()).toHaveLength(0);
    expect(backupMock).not.toHaveReceivedCommand(PutRestoreValidationResultCommand);
  });
});

describe('waitForRestoreJob (operator restore)', () => {
  test('reports progress and returns the completed job', async () => {
    backupMock.on(DescribeRestoreJobCommand).resolvesOnce({ Status: 'RUNNING', PercentDone: '40%' }).resolvesOnce({ Status: 'RUNNING', PercentDone: '90%' }).resolves({ Status: 'COMPLETED' });
    const seen: string[] = [];
    const job = await waitForRestoreJob(new BackupClient({}), 'j', { timeoutMs: 60000, pollMs: 1, ...noSleep, onProgress: (j) => seen.push(`${j.Status} ${j.PercentDone ?? ''}`) });
    expect(job.Status).toBe('COMPLETED');
    expect(seen).toEqual(['RUNNING 40%', 'RUNNING 90%', 'COMPLETED ']);
  });

  test('a failed job throws RestoreJobError with status FAILED', async () => {
    backupMock.on(DescribeRestoreJobCommand).resolves({ Status: 'FAILED', StatusMessage: 'boom' });
    await expect(waitForRestoreJob(new BackupClient({}), 'j', { timeoutMs: 60000, ...noSleep })).rejects.toMatchObject({ name: 'RestoreJobError', status: 'FAILED' });
  });

  test('a job still running at the deadline throws TIMED_OUT', async () => {
    backupMock.on(DescribeRestoreJobCommand).resolves({ Status: 'RUNNING' });
    let t = 0;
    const err = await waitForRestoreJob(new BackupClient({}), 'j', { timeoutMs: 30 * 60000, now: () => (t += 10 * 60000), ...noSleep }).catch((e) => e);
    expect(err).toBeInstanceOf(RestoreJobError);
    expect(err.status).toBe('TIMED_OUT');
    expect(err.message).toMatch(/still RUNNING after 30 min/);
  });
});

describe('restore-test silence watch', () => {
  test('hours since the newest SUCCESSFUL validation; failed ones do not count', () => {
    const now = new Date('2026-03-10T00:00:00Z');
    const jobs = [
      { completionDate: new Date('2026-03-02T00:00:00Z'), validationStatus: 'SUCCESSFUL' },
      { completionDate: new Date('2026-03-09T00:00:00Z'), validationStatus: 'FAILED' },
    ];
    expect(hoursSinceLastSuccess(jobs, now, new Date('2026-01-01T00:00:00Z'))).toBe(192);
  });

  test('with no success the clock starts at the plan creation', () => {
    expect(hoursSinceLastSuccess([], new Date('2026-03-10T00:00:00Z'), new Date('2026-03-09T00:00:00Z'))).toBe(24);
  });

  test('measureSilence pages ListRestoreJobs for this plan only, completed jobs within the lookback', async () => {
    const now = new Date('2026-03-10T00:00:00Z');
    backupMock
      .on(ListRestoreJobsCommand)
      .resolvesOnce({ RestoreJobs: [{ CompletionDate: new Date('2026-03-09T12:00:00Z'), ValidationStatus: 'FAILED' }], NextToken: 't' })
      .resolves({ RestoreJobs: [{ CompletionDate: new Date('2026-03-09T18:00:00Z'), ValidationStatus: 'SUCCESSFUL' }] });
    backupMock.on(GetRestoreTestingPlanCommand).resolves({ RestoreTestingPlan: { CreationTime: new Date('2026-01-01T00:00:00Z') } as never });
    const hours = await measureSilence({ backup: new BackupClient({}), planName: 'p', planArn: 'arn:plan', lookbackDays: 9, now: () => now });
    expect(hours).toBe(6);
    expect(backupMock).toHaveReceivedCommandWith(ListRestoreJobsCommand, { ByRestoreTestingPlanArn: 'arn:plan', ByStatus: 'COMPLETED', ByCompleteAfter: new Date('2026-03-01T00:00:00Z') });
    expect(backupMock).toHaveReceivedCommandTimes(ListRestoreJobsCommand, 2);
  });
});
