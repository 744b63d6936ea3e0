import { sentinelChecksum } from '../sentinel/sentinel';

/**
 * Pure checks that a restored table really holds the source's data. No AWS calls here: the facts
 * are read by `tables.ts` and composed in `validate.ts`, so each rule is testable on its own and
 * runs the same in the Lambda and in the operator restore command.
 */

/** Why a validation failed; each check has its own code so alarms and logs say which one. */
export type FailureCode =
  | 'RESTORE_JOB_NOT_COMPLETED'
  | 'TABLE_MISSING'
  | 'KEY_SCHEMA_MISMATCH'
  | 'ENCRYPTION_MISMATCH'
  | 'EMPTY_TABLE'
  | 'ITEM_COUNT_OUT_OF_TOLERANCE'
  | 'SENTINEL_MISSING'
  | 'SENTINEL_CHECKSUM_MISMATCH'
  | 'SENTINEL_STALE';

export interface CheckFailure {
  readonly code: FailureCode;
  readonly reason: string;
}

/** What the checks need to know about one table. */
export interface TableFacts {
  readonly name: string;
  /** e.g. [{ name: 'pk', type: 'HASH' }, { name: 'sk', type: 'RANGE' }] */
  readonly keySchema: ReadonlyArray<{ readonly name: string; readonly type: string }>;
  /** SSE type ('KMS' for a customer-managed or AWS-managed KMS key; 'AWS_OWNED' when none is reported). */
  readonly sseType: string;
  /** ARN of the KMS key, when SSE is KMS. */
  readonly kmsKeyArn?: string;
}

/** A sentinel record as read back from a table (fields may be missing or tampered with). */
export interface SentinelRecord {
  readonly sk: string;
  readonly region?: string;
  readonly writtenAt?: string;
  readonly nonce?: string;
  readonly checksum?: string;
}

/** The restored table has the source's key schema and encryption. */
export function checkShape(source: TableFacts, restored: TableFacts | undefined): CheckFailure | undefined {
  if (!restored) return { code: 'TABLE_MISSING', reason: 'the restored table does not exist' };
  const fmt = (k: TableFacts['keySchema']) => k.map((e) => `${e.name}:${e.type}`).join(',');
  if (fmt(source.keySchema) !== fmt(restored.keySchema)) {
    return { code: 'KEY_SCHEMA_MISMATCH', reason: `key schema ${fmt(restored.keySchema)} differs from the source's ${fmt(source.keySchema)}` };
  }
  if (source.sseType !== restored.sseType || (source.kmsKeyArn ?? '') !== (restored.kmsKeyArn ?? '')) {
    return {
      code: 'ENCRYPTION_MISMATCH',
      reason: `encryption ${restored.sseType}${restored.kmsKeyArn ? ` (${restored.kmsKeyArn})` : ''} differs from the source's ${source.sseType}${source.kmsKeyArn ? ` (${source.kmsKeyArn})` : ''}`,
    };
  }
  return undefined;
}

/** The restored item count is within `tolerancePercent` of the source's. An empty copy always fails. */
export function checkItemCount(sourceCount: number, restoredCount: number, tolerancePercent: number): CheckFailure | undefined {
  if (restoredCount === 0) return { code: 'EMPTY_TABLE', reason: `the restored table is empty (source has ${sourceCount} items)` };
  const diffPercent = (Math.abs(sourceCount - restoredCount) / Math.max(sourceCount, 1)) * 100;
  if (diffPercent > tolerancePercent) {
    return {
      code: 'ITEM_COUNT_OUT_OF_TOLERANCE',
      reason: `restored ${restoredCount} items vs ${sourceCount} in the source: ${diffPercent.toFixed(2)}% apart, tolerance ${tolerancePercent}%`,
    };
  }
  return undefined;
}

export interface SentinelVerdict {
  readonly failure?: CheckFailure;
  /** The newest intact sentinel's write time, when there is one. */
  readonly newest?: Date;
}

/**
 * Every sentinel in the restored copy carries a matching checksum, and the newest was written no
 * more than `allowanceMinutes` before the recovery point was taken.
 */
export function checkSentinels(records: readonly SentinelRecord[], recoveryPointCreated: Date, allowanceMinutes: number): SentinelVerdict {
  if (records.length === 0) return { failure: { code: 'SENTINEL_MISSING', reason: 'no sentinel record in the restored table' } };
  let newest: Date | undefined;
  for (const r of records) {
    const ok =
      r.region !== undefined &&
      r.writtenAt !== undefined &&
      r.nonce !== undefined &&
      r.checksum === sentinelChecksum({ region: r.region, writtenAt: r.writtenAt, nonce: r.nonce });
    if (!ok) return { failure: { code: 'SENTINEL_CHECKSUM_MISMATCH', reason: `sentinel ${r.sk} has a checksum that does not match its contents` } };
    const at = new Date(r.writtenAt!);
    if (Number.isNaN(at.getTime())) return { failure: { code: 'SENTINEL_CHECKSUM_MISMATCH', reason: `sentinel ${r.sk} has an unreadable time "${r.writtenAt}"` } };
    if (!newest || at > newest) newest = at;
  }
  const lagMinutes = (recoveryPointCreated.getTime() - newest!.getTime()) / 60000;
  if (lagMinutes > allowanceMinutes) {
    return {
      newest,
      failure: {
        code: 'SENTINEL_STALE',
        reason: `newest sentinel (${newest!.toISOString()}) is ${lagMinutes.toFixed(1)} min older than the recovery point (${recoveryPointCreated.toISOString()}); allowed ${allowanceMinutes} min`,
      },
    };
  }
  return { newest };
}

/**
 * How stale a sentinel may be relative to its recovery point: one write interval (the write just
 * before the backup) plus a grace for schedule jitter and global-table replication.
 */
export const SENTINEL_GRACE_MINUTES = 5;
export function sentinelAllowanceMinutes(intervalMinutes: number): number {
  return intervalMinutes + SENTINEL_GRACE_MINUTES;
}
