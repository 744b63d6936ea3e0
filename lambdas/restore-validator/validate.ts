import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CheckFailure, checkItemCount, checkKnowledgeBase, checkSentinels, checkShape, sentinelAllowanceMinutes } from './checks';
import { countItems, describeTable, readKnowledgeBase, readSentinels } from './tables';

export interface ValidationInput {
  /** The live table the backup was taken from (this region's replica of the global table). */
  readonly sourceTable: string;
  /** The table the restore created. */
  readonly restoredTable: string;
  /** When the recovery point was taken: the restored data must be this fresh. */
  readonly recoveryPointCreated: Date;
  readonly itemCountTolerancePercent: number;
  readonly sentinelIntervalMinutes: number;
  /** Region of the source table: its own sentinel must be in the copy. */
  readonly region: string;
  /** Now, for TTL expiry in the counts. @default new Date() */
  readonly now?: Date;
}

export interface ValidationResult {
  readonly ok: boolean;
  readonly failure?: CheckFailure;
  readonly sourceCount?: number;
  readonly restoredCount?: number;
  /** Why the item count was not compared with the live table (it is damaged), when it was not. */
  readonly countNotCompared?: string;
  /** Newest sentinel found in the restored copy. */
  readonly newestSentinel?: Date;
}

/**
 * Proves a restored table holds the source's data: it exists with the same key schema, key types,
 * encryption, indexes and billing, its item count as of the recovery point is within tolerance of
 * the source's, its knowledge-base item (if any) is intact, and this region's sentinel came back
 * intact and fresh.
 * Stops at the first failing check and says which it was. Used by the restore-test Lambda and by
 * `contingency restore`.
 */
export async function validateRestoredTable(ddb: DynamoDBClient, input: ValidationInput): Promise<ValidationResult> {
  const [source, restored] = await Promise.all([describeTable(ddb, input.sourceTable), describeTable(ddb, input.restoredTable)]);
  if (!source) throw new Error(`source table ${input.sourceTable} not found: cannot validate a restore without it`);
  const shape = checkShape(source, restored);
  if (shape) return { ok: false, failure: shape };
  // Both tables counted as of the recovery point (see CountScope): the live table keeps changing after it.
  const scope = { asOf: input.recoveryPointCreated, now: input.now ?? new Date() };
  const [sourceCount, restoredCount, sourceKb] = await Promise.all([countItems(ddb, input.sourceTable, scope), countItems(ddb, input.restoredTable, scope), readKnowledgeBase(ddb, input.sourceTable)]);
  // A live table whose knowledge base is damaged is being restored from, not a reference: a bad
  // write that dropped attributes (the `at` times the count scope relies on) skews its count.
  const sourceDamaged = checkKnowledgeBase(sourceKb, `the live table ${input.sourceTable}`);
  const count = sourceDamaged ? checkItemCount(restoredCount, restoredCount, input.itemCountTolerancePercent) : checkItemCount(sourceCount, restoredCount, input.itemCountTolerancePercent);
  if (count) return { ok: false, failure: count, sourceCount, restoredCount };
  const kb = checkKnowledgeBase(await readKnowledgeBase(ddb, input.restoredTable));
  if (kb) return { ok: false, failure: kb, sourceCount, restoredCount };
  const verdict = checkSentinels(await readSentinels(ddb, input.restoredTable), {
    region: input.region,
    recoveryPointCreated: input.recoveryPointCreated,
    allowanceMinutes: sentinelAllowanceMinutes(input.sentinelIntervalMinutes),
  });
  return {
    ok: !verdict.failure,
    ...(verdict.failure ? { failure: verdict.failure } : {}),
    sourceCount,
    restoredCount,
    ...(sourceDamaged ? { countNotCompared: `item counts not compared: ${sourceDamaged.reason}` } : {}),
    ...(verdict.newest ? { newestSentinel: verdict.newest } : {}),
  };
}

/** The table name in a DynamoDB table ARN (arn:aws:dynamodb:region:account:table/NAME). */
export function tableNameFromArn(arn: string): string {
  const m = /:table\/([^/]+)/.exec(arn);
  if (!m) throw new Error(`"${arn}" is not a DynamoDB table ARN`);
  return m[1];
}
