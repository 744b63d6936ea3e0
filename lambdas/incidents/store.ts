import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Incident, IncidentEvent } from './model';
import { foldIncidents } from './state';
import { buildStatusDocument, pendingNotices, StatusDocument } from './status';
import { renderReport, reportKey } from './report';
import type { MessageTemplates } from './templates';

/**
 * The incident table layout (partition key `pk`, sort key `sk`, TTL `expiresAt`):
 *   EVENT  / <time>#<id>  one incident-log entry (append-only; JSON in `event`)
 *   NOTICE / <key>        a customer notice that was sent (at most once per key)
 *   REPORT / <incident>   a post-incident report that was written
 */
import { INCIDENT_KEYS, STATUS_MAX_AGE_SECONDS, STATUS_OBJECT_KEY } from '../../contracts';
export { INCIDENT_KEYS, STATUS_MAX_AGE_SECONDS, STATUS_OBJECT_KEY };
/** Cache-Control of status.json: CloudFront and browsers keep it at most this long. */

export class IncidentStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(client: DynamoDBClient, private readonly tableName: string, private readonly retentionDays: number) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  private expiresAt(time: string): number {
    return Math.floor(Date.parse(time) / 1000) + this.retentionDays * 86400;
  }

  /** Appends an entry; returns false when the same entry is already in the log (a duplicate). */
  async append(e: IncidentEvent): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: INCIDENT_KEYS.eventPk, sk: `${e.time}#${e.id}`, event: JSON.stringify(e), expiresAt: this.expiresAt(e.time) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  private async queryAll(pk: string, since?: string): Promise<Record<string, any>[]> {
    const items: Record<string, any>[] = [];
    let start: Record<string, any> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: since ? 'pk = :pk AND sk >= :since' : 'pk = :pk',
          ExpressionAttributeValues: since ? { ':pk': pk, ':since': since } : { ':pk': pk },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Log entries since a time, plus the notices already sent (as log entries). */
  async load(since: string): Promise<{ events: IncidentEvent[]; sent: Set<string> }> {
    const [events, notices] = await Promise.all([this.queryAll(INCIDENT_KEYS.eventPk, since), this.queryAll(INCIDENT_KEYS.noticePk)]);
    const out = events.map((i) => JSON.parse(i.event as string) as IncidentEvent);
    const sent = new Set<string>();
    for (const n of notices) {
      sent.add(n.sk as string);
      out.push({ kind: 'notice', id: `notice#${n.sk}`, time: n.time as string, key: n.sk as string, subject: n.subject as string });
    }
    return { events: out, sent };
  }

  /** Claims a marker (notice or report) once; false when another writer already has it. */
  async claim(pk: string, sk: string, attrs: Record<string, string>): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk, sk, ...attrs, expiresAt: this.expiresAt(new Date().toISOString()) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  async release(pk: string, sk: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk, sk } }));
  }
}

export interface PublishConfig {
  readonly statusBucket: string;
  readonly reportBucket: string;
  readonly noticeTopicArn: string;
  readonly confirmationMinutes: number;
  readonly lookbackDays: number;
  readonly historyLength: number;
  /** Updates older than this are not sent as notices (no replay of history). */
  readonly noticeMaxAgeMinutes: number;
  readonly planName: string;
  readonly pageUrl?: string;
  readonly templates: MessageTemplates;
}

export interface PublishResult {
  readonly incidents: Incident[];
  readonly status: StatusDocument;
  readonly noticesSent: string[];
  readonly reportsWritten: string[];
}

/**
 * The one path from the incident log to every customer channel (plan §8.1: consistent across
 * channels): folds the log, sends each not-yet-sent update as a notice, writes status.json from
 * the same updates, and writes a report for each newly closed incident. Safe to run concurrently
 * and repeatedly (the incident function, the schedule and the operator CLI all run it): notices
 * and reports are claimed once with conditional writes.
 */
export async function publishAll(deps: { store: IncidentStore; s3: S3Client; sns: SNSClient }, cfg: PublishConfig, now: string = new Date().toISOString()): Promise<PublishResult> {
  const since = new Date(Date.parse(now) - cfg.lookbackDays * 86400_000).toISOString();
  const fold = (events: IncidentEvent[]) => foldIncidents(events, { confirmationMs: cfg.confirmationMinutes * 60_000, now, templates: cfg.templates });
  const first = await deps.store.load(since);
  let incidents = fold(first.events);

  const noticesSent: string[] = [];
  const notices = pendingNotices(incidents, { now, maxAgeMs: cfg.noticeMaxAgeMinutes * 60_000, sent: first.sent, templates: cfg.templates, ...(cfg.pageUrl ? { pageUrl: cfg.pageUrl } : {}) });
  const extra: IncidentEvent[] = [];
  for (const n of notices) {
    if (!(await deps.store.claim(INCIDENT_KEYS.noticePk, n.key, { time: now, subject: n.subject }))) continue;
    try {
      await deps.sns.send(new PublishCommand({ TopicArn: cfg.noticeTopicArn, Subject: n.subject, Message: n.body }));
    } catch (err) {
      await deps.store.release(INCIDENT_KEYS.noticePk, n.key);
      throw err;
    }
    noticesSent.push(n.key);
    extra.push({ kind: 'notice', id: `notice#${n.key}`, time: now, key: n.key, subject: n.subject });
  }
  if (extra.length) incidents = fold([...first.events, ...extra]);

  const status = buildStatusDocument(incidents, { now, historyLength: cfg.historyLength, templates: cfg.templates });
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: cfg.statusBucket,
      Key: STATUS_OBJECT_KEY,
      Body: JSON.stringify(status),
      ContentType: 'application/json; charset=utf-8',
      CacheControl: `public, max-age=${STATUS_MAX_AGE_SECONDS}`,
    }),
  );

  const reportsWritten: string[] = [];
  for (const i of incidents) {
    if (i.phase !== 'closed') continue;
    if (!(await deps.store.claim(INCIDENT_KEYS.reportPk, i.id, { time: now }))) continue;
    const key = reportKey(i);
    try {
      await deps.s3.send(
        new PutObjectCommand({
          Bucket: cfg.reportBucket,
          Key: key,
          Body: renderReport(i, { timeZone: cfg.templates.timeZone, planName: cfg.planName, confirmationMinutes: cfg.confirmationMinutes }),
          ContentType: 'text/markdown; charset=utf-8',
        }),
      );
    } catch (err) {
      await deps.store.release(INCIDENT_KEYS.reportPk, i.id);
      throw err;
    }
    reportsWritten.push(key);
  }
  return { incidents, status, noticesSent, reportsWritten };
}
