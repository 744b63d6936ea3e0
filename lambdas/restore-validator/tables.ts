import { DescribeTableCommand, DynamoDBClient, QueryCommand, ResourceNotFoundException, ScanCommand } from '@aws-sdk/client-dynamodb';
import { SENTINEL_PK } from '../../contracts';
import type { SentinelRecord, TableFacts } from './checks';

/** Reads the facts the checks need from DynamoDB. Read-only: never writes to, tags or extends a restored table. */

/** Key schema and encryption of a table, or undefined when it does not exist. */
export async function describeTable(ddb: DynamoDBClient, name: string): Promise<TableFacts | undefined> {
  try {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: name }));
    if (!Table) return undefined;
    const sse = Table.SSEDescription;
    return {
      name,
      keySchema: (Table.KeySchema ?? []).map((k) => ({ name: k.AttributeName ?? '', type: k.KeyType ?? '' })),
      sseType: sse?.SSEType ?? 'AWS_OWNED',
      ...(sse?.KMSMasterKeyArn ? { kmsKeyArn: sse.KMSMasterKeyArn } : {}),
    };
  } catch (e) {
    if (e instanceof ResourceNotFoundException || (e as Error).name === 'ResourceNotFoundException') return undefined;
    throw e;
  }
}

/** Exact item count by a paginated COUNT scan (DescribeTable's ItemCount lags by up to six hours). */
export async function countItems(ddb: DynamoDBClient, name: string): Promise<number> {
  let count = 0;
  let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const out = await ddb.send(new ScanCommand({ TableName: name, Select: 'COUNT', ...(start ? { ExclusiveStartKey: start } : {}) }));
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
