import { DescribeTableCommand, DynamoDBClient, QueryCommand, ResourceNotFoundException, ScanCommand } from '@aws-sdk/client-dynamodb';
import { KEYS, SENTINEL_PK, TTL_ATTRIBUTE } from '../../contracts';
import type { KnowledgeBaseRecord, SentinelRecord, TableFacts } from './checks';

/** Reads the facts the checks need from DynamoDB. Read-only: never writes to, tags or extends a restored table. */

/** Key schema and encryption of a table, or undefined when it does not exist. */
export async function describeTable(ddb: DynamoDBClient, name: string): Promise<TableFacts | undefined> {
  try {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: name }));
    if (!Table) return undefined;
    const sse = Table.SSEDescription;
    const keySchema = (Table.KeySchema ?? []).map((k) => ({ name: k.AttributeName ?? '', type: k.KeyType ?? '' }));
    const defs = Object.fromEntries((Table.AttributeDefinitions ?? []).map((d) => [d.AttributeName ?? '', d.AttributeType ?? '']));
    const keys = (ks: { AttributeName?: string; KeyType?: string }[] | undefined) => (ks ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');
    const projection = (p: { ProjectionType?: string; NonKeyAttributes?: string[] } | undefined) =>
      `${p?.ProjectionType ?? 'ALL'}${p?.NonKeyAttributes?.length ? `(${[...p.NonKeyAttributes].sort().join(',')})` : ''}`;
    const indexes = [
      ...(Table.GlobalSecondaryIndexes ?? []).map((i) => `${i.IndexName} (global) ${keys(i.KeySchema)} ${projection(i.Projection)}`),
      ...(Table.LocalSecondaryIndexes ?? []).map((i) => `${i.IndexName} (local) ${keys(i.KeySchema)} ${projection(i.Projection)}`),
    ].sort();
    const billingMode = Table.BillingModeSummary?.BillingMode ?? (Table.ProvisionedThroughput?.ReadCapacityUnits ? 'PROVISIONED' : 'PAY_PER_REQUEST');
    return {
      name,
      keySchema,
      keyTypes: Object.fromEntries(keySchema.map((k) => [k.name, defs[k.name] ?? 'unknown'])),
      sseType: sse?.SSEType ?? 'AWS_OWNED',
      ...(sse?.KMSMasterKeyArn ? { kmsKeyArn: sse.KMSMasterKeyArn } : {}),
      indexes,
      billingMode,
      capacity: { read: Number(Table.ProvisionedThroughput?.ReadCapacityUnits ?? 0), write: Number(Table.ProvisionedThroughput?.WriteCapacityUnits ?? 0) },
    };
  } catch (e) {
    if (e instanceof ResourceNotFoundException || (e as Error).name === 'ResourceNotFoundException') return undefined;
    throw e;
  }
}

/**
 * Which items to count: those that existed at the recovery point and have not expired since. Items
 * written after it (they carry their write time in `at`, as conversation turns do) and items whose
 * TTL has passed (DynamoDB deletes them up to days late, in either table) are left out of both
 * counts, so normal churn of the live table after the recovery point does not look like data loss.
 * Items without `at` (knowledge base, control flags, sentinels) are always counted.
 */
export interface CountScope {
  readonly asOf: Date;
  readonly now: Date;
}

/** Item count by a paginated COUNT scan (DescribeTable's ItemCount lags by up to six hours), limited to `scope`. */
export async function countItems(ddb: DynamoDBClient, name: string, scope?: CountScope): Promise<number> {
  let count = 0;
  let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  const filter = scope
    ? {
        FilterExpression: '(attribute_not_exists(#at) OR #at <= :asOf) AND (attribute_not_exists(#ttl) OR #ttl > :now)',
        ExpressionAttributeNames: { '#at': 'at', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':asOf': { S: scope.asOf.toISOString() }, ':now': { N: String(Math.floor(scope.now.getTime() / 1000)) } },
      }
    : {};
  do {
    const out = await ddb.send(new ScanCommand({ TableName: name, Select: 'COUNT', ...filter, ...(start ? { ExclusiveStartKey: start } : {}) }));
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
}

/** Every sentinel record in a table (one per writing region). Consistent read. */
export async function readSentinels(ddb: DynamoDBClient, name: string): Promise<SentinelRecord[]> {
  const out = await ddb.send(
    new QueryCommand({ TableName: name, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: SENTINEL_PK } }, ConsistentRead: true }),
  );
  return (out.Items ?? []).map((i) => ({
    sk: i.sk?.S ?? '',
    ...(i.region?.S !== undefined ? { region: i.region.S } : {}),
    ...(i.writtenAt?.S !== undefined ? { writtenAt: i.writtenAt.S } : {}),
    ...(i.nonce?.S !== undefined ? { nonce: i.nonce.S } : {}),
    ...(i.checksum?.S !== undefined ? { checksum: i.checksum.S } : {}),
  }));
}

/** The knowledge-base item of a table, or undefined when it has none. A Query (the validator may Query, not GetItem, restored tables), consistent. */
export async function readKnowledgeBase(ddb: DynamoDBClient, name: string): Promise<KnowledgeBaseRecord | undefined> {
  const out = await ddb.send(
    new QueryCommand({
      TableName: name,
      KeyConditionExpression: 'pk = :pk AND sk = :sk',
      ExpressionAttributeValues: { ':pk': { S: KEYS.knowledgeBase.pk }, ':sk': { S: KEYS.knowledgeBase.sk } },
      ConsistentRead: true,
    }),
  );
  const i = out.Items?.[0];
  if (!i) return undefined;
  return { ...(i.version?.S !== undefined ? { version: i.version.S } : {}), ...(i.entries?.S !== undefined ? { entries: i.entries.S } : {}) };
}
