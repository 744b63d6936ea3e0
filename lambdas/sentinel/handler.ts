import { randomUUID } from 'crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS, sentinelConfig } from '../../contracts';
import { createPowertools } from '../shared/powertools';
import { buildSentinel } from './sentinel';

// Parsed at cold start with the contract the BackupSentinel construct built it with.
const { tableName: TABLE_NAME, region: REGION } = sentinelConfig.fromEnvironment(process.env);
const { logger, metrics } = createPowertools(sentinelConfig.service);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

/** Scheduled: writes this region's sentinel record (timestamp + checksum) to the chatbot table. */
export async function handler(): Promise<{ writtenAt: string }> {
  const sentinel = buildSentinel(REGION, new Date(), randomUUID());
  await doc.send(new PutCommand({ TableName: TABLE_NAME, Item: sentinel }));
  metrics.addMetric(METRICS.sentinel.written, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  logger.info('sentinel written', { writtenAt: sentinel.writtenAt, sk: sentinel.sk });
  return { writtenAt: sentinel.writtenAt };
}
