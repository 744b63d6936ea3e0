import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createPowertools } from '../shared/powertools';
import { incidentsConfig } from '../../contracts';
import { AlarmLevels, AlarmStateChangeEvent, FailoverObservedEvent, toIncidentEvent } from './events';
import { IncidentStore, publishAll, PublishConfig } from './store';

const { logger, metrics } = createPowertools('incidents');

export interface IncidentFunctionConfig {
  readonly tableName: string;
  readonly retentionDays: number;
  readonly alarmLevels: AlarmLevels;
  /** Only in the publishing region (us-east-1): where status, notices and reports go. */
  readonly publish?: PublishConfig;
}

/** The function's configuration, parsed with its contract (contracts/functions.ts); one clear line when it does not match. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): IncidentFunctionConfig {
  const c = incidentsConfig.fromEnvironment(env);
  return { tableName: c.tableName, retentionDays: c.retentionDays, alarmLevels: c.alarmLevels, ...(c.publish ? { publish: c.publish as PublishConfig } : {}) };
}

type Incoming = AlarmStateChangeEvent | FailoverObservedEvent | { Records: unknown[] } | { source: 'aws.scheduler' | 'aws.events'; 'detail-type': 'Scheduled Event' };

/**
 * The incident function. In every region it appends response-alarm state changes and observed
 * failovers to the incident log (its local replica of the global incident table). In the
 * publishing region (PUBLISH_CONFIG set) it also folds the log and publishes the status page,
 * customer notices and reports — after its own events, on a schedule (so recovery that held is
 * closed on time) and on table stream records replicated from the other regions.
 */
export function createHandler(cfg: IncidentFunctionConfig, clients: { ddb: DynamoDBClient; s3?: S3Client; sns?: SNSClient }) {
  const store = new IncidentStore(clients.ddb, cfg.tableName, cfg.retentionDays);
  return async (event: Incoming): Promise<{ appended: boolean; published: boolean }> => {
    let appended = false;
    if ('detail' in event && 'source' in event && event.source !== 'aws.events') {
      const entry = toIncidentEvent(event as AlarmStateChangeEvent | FailoverObservedEvent, cfg.alarmLevels);
      if (entry) {
        appended = await store.append(entry);
        logger.info('incident log entry', { entryId: entry.id, kind: entry.kind, duplicate: !appended });
        metrics.addMetric(appended ? 'IncidentEventsRecorded' : 'IncidentEventsDuplicate', MetricUnit.Count, 1);
      } else {
        logger.warn('event ignored: not a watched response alarm or failover', { source: event.source });
      }
    }
    if (!cfg.publish || !clients.s3 || !clients.sns) return { appended, published: false };
    const result = await publishAll({ store, s3: clients.s3, sns: clients.sns }, cfg.publish);
    logger.info('published', { overall: result.status.overall, current: result.status.current?.id ?? null, notices: result.noticesSent.length, reports: result.reportsWritten });
    metrics.addMetric('CustomerNoticesSent', MetricUnit.Count, result.noticesSent.length);
    return { appended, published: true };
  };
}

let cached: ReturnType<typeof createHandler> | undefined;

export const handler = async (event: Incoming) => {
  if (!cached) {
    const cfg = configFromEnv();
    cached = createHandler(cfg, { ddb: new DynamoDBClient({}), ...(cfg.publish ? { s3: new S3Client({}), sns: new SNSClient({}) } : {}) });
  }
  try {
    return await cached(event);
  } finally {
    metrics.publishStoredMetrics();
  }
};
