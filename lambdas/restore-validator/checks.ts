import { KEYS, knowledgeBaseVersionOf } from '../../contracts';
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
  | 'RESTORE_JOB_NOT_FOUND'
  | 'KEY_SCHEMA_MISMATCH'
  | 'KEY_TYPE_MISMATCH'
  | 'ENCRYPTION_MISMATCH'
  | 'INDEX_MISMATCH'
  | 'CAPACITY_MISMATCH'
  | 'EMPTY_TABLE'
  | 'ITEM_COUNT_OUT_OF_TOLERANCE'
  | 'KNOWLEDGE_BASE_CORRUPT'
  | 'SENTINEL_MISSING'
  | 'SENTINEL_CHECKSUM_MISMATCH'
  | 'SENTINEL_STALE'
  | 'SENTINEL_IN_FUTURE';

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
  /** Scalar type (S, N, B) of each key attribute, from the attribute definitions. */
  readonly keyTypes?: Readonly<Record<string, string>>;
  /** Secondary indexes, each as `name (global|local) keys projection`, sorted. */
  readonly indexes?: readonly string[];
  /** PAY_PER_REQUEST or PROVISIONED. */
  readonly billingMode?: string;
  /** Provisioned read/write capacity units (0/0 on demand). */
  readonly capacity?: { readonly read: number; readonly write: number };
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
  for (const k of source.keySchema) {
    const want = source.keyTypes?.[k.name];
    const got = restored.keyTypes?.[k.name];
    if (want !== got) {
      return { code: 'KEY_TYPE_MISMATCH', reason: `key attribute ${k.name} has type ${got ?? 'unknown'} in the restored table, the source's is ${want ?? 'unknown'}` };
    }
  }
  if (source.sseType !== restored.sseType || (source.kmsKeyArn ?? '') !== (restored.kmsKeyArn ?? '')) {
    return {
      code: 'ENCRYPTION_MISMATCH',
      reason: `encryption ${restored.sseType}${restored.kmsKeyArn ? ` (${restored.kmsKeyArn})` : ''} differs from the source's ${source.sseType}${source.kmsKeyArn ? ` (${source.kmsKeyArn})` : ''}`,
    };
  }
  const idx = (t: TableFacts) => (t.indexes ?? []).join('; ') || 'none';
  if (idx(source) !== idx(restored)) {
    return { code: 'INDEX_MISMATCH', reason: `secondary indexes [${idx(restored)}] differ from the source's [${idx(source)}]` };
  }
  const cap = (t: TableFacts) => `${t.billingMode ?? 'unknown'}${t.billingMode === 'PROVISIONED' ? ` ${t.capacity?.read ?? 0} RCU/${t.capacity?.write ?? 0} WCU` : ''}`;
  if (cap(source) !== cap(restored)) {
    return { code: 'CAPACITY_MISMATCH', reason: `billing ${cap(restored)} differs from the source's ${cap(source)}` };
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

/** The knowledge-base item as read back from a table (attributes may be missing or rewritten). */
export interface KnowledgeBaseRecord {
  readonly version?: string;
  readonly entries?: string;
}

/**
 * The knowledge-base item of a restored copy, when it has one, is intact: its `entries` are a JSON
 * list and its `version` is their content hash, as the seed wrote them. A copy without the item
 * passes (tables of other teams join the backup by tag and have none). This is the check that
 * catches a recovery point taken after a bad write to the knowledge base: item count and sentinels
 * cannot see it.
 */
export function checkKnowledgeBase(item: KnowledgeBaseRecord | undefined, where = 'the restored copy'): CheckFailure | undefined {
  if (!item) return undefined;
  const bad = (why: string): CheckFailure => ({ code: 'KNOWLEDGE_BASE_CORRUPT', reason: `the knowledge-base item ${KEYS.knowledgeBase.pk}/${KEYS.knowledgeBase.sk} in ${where} ${why}` });
  if (item.entries === undefined) return bad('has no entries');
  let parsed: unknown;
  try {
    parsed = JSON.parse(item.entries);
  } catch {
    return bad('has entries that are not JSON');
  }
  if (!Array.isArray(parsed)) return bad('has entries that are not a list');
  const want = knowledgeBaseVersionOf(item.entries);
  if (item.version !== want) return bad(`has version ${item.version ?? '(none)'} but its entries hash to ${want}`);
  return undefined;
}

export interface SentinelVerdict {
  readonly failure?: CheckFailure;
  /** This region's intact sentinel's write time, when there is one. */
  readonly newest?: Date;
}

export interface SentinelExpectation {
  /** The region whose table was backed up: its own sentinel must be in the copy, fresh. */
  readonly region: string;
  /** When the recovery point was taken. */
  readonly recoveryPointCreated: Date;
  /** How much older than the recovery point this region's sentinel may be. */
  readonly allowanceMinutes: number;
}

/**
 * The sentinels in a restored copy: every one intact (checksum over its fields, stored under its
 * own region's key) and none written after the recovery point (beyond clock skew); this region's
 * own sentinel present and written no more than `allowanceMinutes` before the recovery point.
 * The other region's sentinel proves nothing about this region's backup (it replicates in), so it
 * is checked for integrity only.
 */
export function checkSentinels(records: readonly SentinelRecord[], expect: SentinelExpectation): SentinelVerdict {
  const { region, recoveryPointCreated, allowanceMinutes } = expect;
  if (records.length === 0) return { failure: { code: 'SENTINEL_MISSING', reason: 'no sentinel record in the restored table' } };
  const latestPossible = recoveryPointCreated.getTime() + SENTINEL_CLOCK_SKEW_MINUTES * 60000;
  let own: Date | undefined;
  for (const r of records) {
    const ok =
      r.region !== undefined &&
      r.writtenAt !== undefined &&
      r.nonce !== undefined &&
      r.sk === KEYS.sentinel(r.region).sk &&
      r.checksum === sentinelChecksum({ region: r.region, writtenAt: r.writtenAt, nonce: r.nonce });
    if (!ok) return { failure: { code: 'SENTINEL_CHECKSUM_MISMATCH', reason: `sentinel ${r.sk} has a checksum or key that does not match its contents` } };
    const at = new Date(r.writtenAt!);
    if (Number.isNaN(at.getTime())) return { failure: { code: 'SENTINEL_CHECKSUM_MISMATCH', reason: `sentinel ${r.sk} has an unreadable time "${r.writtenAt}"` } };
    if (at.getTime() > latestPossible) {
      return {
        failure: {
          code: 'SENTINEL_IN_FUTURE',
          reason: `sentinel ${r.sk} says it was written at ${at.toISOString()}, after the recovery point (${recoveryPointCreated.toISOString()}, ${SENTINEL_CLOCK_SKEW_MINUTES} min clock skew allowed): the copy is not what the backup held`,
        },
      };
    }
    if (r.region === region) own = at;
  }
  if (!own) {
    const found = records.map((r) => r.region ?? r.sk).join(', ');
    return { failure: { code: 'SENTINEL_MISSING', reason: `no sentinel from this region (${region}) in the restored table; found only: ${found}` } };
  }
  const lagMinutes = (recoveryPointCreated.getTime() - own.getTime()) / 60000;
  if (lagMinutes > allowanceMinutes) {
    return {
      newest: own,
      failure: {
        code: 'SENTINEL_STALE',
        reason: `this region's (${region}) sentinel (${own.toISOString()}) is ${lagMinutes.toFixed(1)} min older than the recovery point (${recoveryPointCreated.toISOString()}); allowed ${allowanceMinutes} min`,
      },
    };
  }
  return { newest: own };
}

/** How far after the recovery point a sentinel's own clock may put its write (Lambda and AWS Backup clocks). */
export const SENTINEL_CLOCK_SKEW_MINUTES = 1;

/**
 * How stale a sentinel may be relative to its recovery point: one write interval (the write just
 * before the backup) plus a grace for schedule jitter and global-table replication.
 */
export const SENTINEL_GRACE_MINUTES = 5;
export function sentinelAllowanceMinutes(intervalMinutes: number): number {
  return intervalMinutes + SENTINEL_GRACE_MINUTES;
}
