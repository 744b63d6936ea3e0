import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createPowertools } from '../shared/powertools';
import { INCIDENT_TEMPLATES_FILE, incidentsConfig, MAINTENANCE_PLAN_FILE } from '../../contracts';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { readBundledJson } from '../shared/bundled';
import { AlarmLevels, AlarmStateChangeEvent, FailoverObservedEvent, parseIncidentEvent } from './events';
import { IncidentStore, publishAll, PublishConfig } from './store';
import { SurveyReader } from './survey';

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
  return { tableName: c.tableName, retentionDays: c.retentionDays, alarmLevels: c.alarmLevels, ...(c.publish ? { publish: withTemplates(c.publish as Omit<PublishConfig, 'templates'> & Partial<Pick<PublishConfig, 'templates'>>) } : {}) };
}

/**
 * The message templates: in PUBLISH_CONFIG if given there, else the file bundled next to the
 * handler; the plan's maintenance windows and the suppressor alarms from their bundled file.
 */
function withTemplates(publish: Omit<PublishConfig, 'templates'> & Partial<Pick<PublishConfig, 'templates'>>): PublishConfig {
  const templates = publish.templates ?? readBundledJson<PublishConfig['templates']>(INCIDENT_TEMPLATES_FILE);
  if (!templates) throw new Error(`PUBLISH_CONFIG has no templates and ${INCIDENT_TEMPLATES_FILE} is not bundled next to the handler; deploy the function with its construct`);
  const maintenance = readBundledJson<{ windows?: PublishConfig['maintenance']; suppressors?: PublishConfig['suppressors'] }>(MAINTENANCE_PLAN_FILE) ?? {};
  return { ...publish, templates, ...(maintenance.windows ? { maintenance: maintenance.windows } : {}), ...(maintenance.suppressors ? { suppressors: maintenance.suppressors } : {}) };
}

/** One CloudWatch client per region (suppressor alarms live next to the composites they mute). */
function cloudwatchClients(): (region: string) => CloudWatchClient {
  const clients = new Map<string, CloudWatchClient>();
  return (region) => {
    if (!clients.has(region)) clients.set(region, new CloudWatchClient({ region }));
    return clients.get(region)!;
  };
}

type Incoming = AlarmStateChangeEvent | FailoverObservedEvent | { Records: unknown[] } | { source: 'aws.scheduler' | 'aws.events'; 'detail-type': 'Scheduled Event' };

/**
 * The incident function. In every region it appends response-alarm state changes and observed
 * failovers to the incident log (its local replica of the global incident table). In the
 * publishing region (PUBLISH_CONFIG set) it also folds the log and publishes the status page,
 * customer notices and reports — after its own events, on a schedule (so recovery that held is
 * closed on time) and on table stream records replicated from the other regions.
 */
export function createHandler(
  cfg: IncidentFunctionConfig,
  clients: { ddb: DynamoDBClient; s3?: S3Client; sns?: SNSClient; cloudwatch?: (region: string) => Pick<CloudWatchClient, 'send'> },
  clock: () => Date = () => new Date(),
) {
  const store = new IncidentStore(clients.ddb, cfg.tableName, cfg.retentionDays);
  const suppressorMemory = new Map<string, { state: string; at: number }>();
  const survey = cfg.publish?.surveyTable ? new SurveyReader(clients.ddb, cfg.publish.surveyTable) : undefined;
  return async (event: Incoming): Promise<{ appended: boolean; published: boolean; problems?: string[] }> => {
    let appended = false;
    let problems: string[] = [];
    const e = event as Record<string, unknown> | null;
    // Anything with a source other than the schedule is an event to record (or to explain).
    if (e && typeof e === 'object' && 'source' in e && e.source !== 'aws.events' && e.source !== 'aws.scheduler') {
      const parsed = parseIncidentEvent(e, cfg.alarmLevels, clock().toISOString());
      problems = parsed.problems;
      if (problems.length) {
        logger.warn('malformed incident event', { eventId: typeof e.id === 'string' ? e.id : null, source: String(e.source), problems, recorded: Boolean(parsed.entry) });
        metrics.addMetric('IncidentEventsMalformed', MetricUnit.Count, 1);
      }
      if (parsed.entry) {
        appended = await store.append(parsed.entry);
        logger.info('incident log entry', { entryId: parsed.entry.id, kind: parsed.entry.kind, duplicate: !appended });
        metrics.addMetric(appended ? 'IncidentEventsRecorded' : 'IncidentEventsDuplicate', MetricUnit.Count, 1);
      } else if (parsed.ignored) {
        logger.warn('event ignored', { reason: parsed.ignored });
      }
    }
    const extra = problems.length ? { problems } : {};
    if (!cfg.publish || !clients.s3 || !clients.sns) return { appended, published: false, ...extra };
    const result = await publishAll({ store, s3: clients.s3, sns: clients.sns, ...(survey ? { survey } : {}), ...(clients.cloudwatch ? { cloudwatch: clients.cloudwatch } : {}), suppressorMemory }, cfg.publish, clock().toISOString());
    logger.info('published', {
      seq: result.seq,
      statusWritten: result.statusWritten,
      feeds: result.feedsWritten.length,
      overall: result.status.overall,
      current: result.status.current?.id ?? null,
      notices: result.noticesSent.length,
      deferred: result.noticesDeferred,
      reports: result.reportsWritten,
      reportsRerendered: result.reportsRerendered ?? [],
      suppressors: result.suppressorsSet,
    });
    metrics.addMetric('CustomerNoticesSent', MetricUnit.Count, result.noticesSent.length);
    return { appended, published: true, ...extra };
  };
}

let cached: ReturnType<typeof createHandler> | undefined;

export const handler = async (event: Incoming) => {
  if (!cached) {
    const cfg = configFromEnv();
    cached = createHandler(cfg, { ddb: new DynamoDBClient({}), ...(cfg.publish ? { s3: new S3Client({}), sns: new SNSClient({}), cloudwatch: cloudwatchClients() } : {}) });
  }
  try {
    return await cached(event);
  } finally {
    metrics.publishStoredMetrics();
  }
};
