import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Incident, IncidentEvent, RegisteredIncident } from './model';
import { foldIncidents } from './state';
import { buildStatusDocument, Notice, pendingNotices, StatusDocument } from './status';
import { renderReport, reportKey } from './report';
import { renderAtomFeed } from './feed';
import { buildUptime, UPTIME_DAYS } from './uptime';
import type { MessageTemplates } from './templates';
import { SurveyReader } from './survey';
import { summarise } from '../../contracts/survey';

/**
 * The incident table layout (partition key `pk`, sort key `sk`, TTL `expiresAt`):
 *   EVENT    / <time>#<id>   one incident-log entry (append-only; JSON in `event`)
 *   STATE    / register      the incident register: what has been published (ids, closes) and
 *                            `seq`, the publication sequence; written only with a version check
 *   NOTICE   / <incident>    the notice ledger of one incident: per update `n:<update>` = claimed
 *                            or sent; `wm` the newest update claimed (never goes back; `~` once the
 *                            final "resolved" is claimed); `leaseKey`/`leaseUntil` the one notice
 *                            in flight (a lease that expires)
 *   REPORT   / <incident>    a post-incident report: claimed (lease) or written
 */
import { FEED_OBJECT_KEY, feedObjectKey, INCIDENT_KEYS, NOTICE_KEY_ATTRIBUTE, NOTICE_TEXTS_ATTRIBUTE, STATUS_MAX_AGE_SECONDS, STATUS_OBJECT_KEY } from '../../contracts';
import { MAINTENANCE_PK, MaintenanceWindow, mergeWindows, windowOfIncident } from '../../contracts/maintenance';
import { applySuppressors, Suppressor } from './maintenance';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
export { INCIDENT_KEYS, STATUS_MAX_AGE_SECONDS, STATUS_OBJECT_KEY };
/** S3 user metadata on status.json carrying the publication sequence (newest wins). */
export const STATUS_SEQ_METADATA = 'seq';
/**
 * How long a notice or report claim holds before another publisher may take it over (a claimer
 * that died). Longer than one SNS call with the SDK's retries; shorter than the schedule's patience.
 */
export const DEFAULT_CLAIM_LEASE_SECONDS = 120;
export { NOTICE_KEY_ATTRIBUTE };
/** The watermark of an incident whose final notice is claimed: above every ISO time. */
const FINAL_WATERMARK = '~';

export interface NoticeLedger {
  /** Keys (`<incident>#<update>`) sent or claimed. */
  readonly claimedOrSent: Set<string>;
  readonly sent: Set<string>;
  /** Per incident: the newest update time claimed (`~` once the final notice is claimed). */
  readonly watermarks: Map<string, string>;
}

const isConditionFailed = (err: unknown) => err instanceof ConditionalCheckFailedException || (err as Error)?.name === 'ConditionalCheckFailedException';

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
      if (isConditionFailed(err)) return false;
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

  /** The incident register and its version (`seq`, 0 when none was written yet). */
  async loadRegister(): Promise<{ seq: number; incidents: RegisteredIncident[] }> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: INCIDENT_KEYS.statePk, sk: INCIDENT_KEYS.registerSk }, ConsistentRead: true }));
    if (!res.Item) return { seq: 0, incidents: [] };
    return { seq: Number(res.Item.seq), incidents: JSON.parse(res.Item.incidents as string) as RegisteredIncident[] };
  }

  /** Writes register version `seq + 1` if it is still at `seq`; false when another publisher got there first. */
  async saveRegister(seq: number, incidents: readonly RegisteredIncident[], now: string): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: INCIDENT_KEYS.statePk, sk: INCIDENT_KEYS.registerSk, seq: seq + 1, incidents: JSON.stringify(incidents), updatedAt: now },
          ConditionExpression: seq === 0 ? 'attribute_not_exists(pk)' : 'seq = :seq',
          ...(seq === 0 ? {} : { ExpressionAttributeValues: { ':seq': seq } }),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /** Log entries since a time, plus the notices sent (as log entries) and the notice ledger. */
  async load(since: string): Promise<{ events: IncidentEvent[]; sent: Set<string>; ledger: NoticeLedger }> {
    const [events, notices] = await Promise.all([this.queryAll(INCIDENT_KEYS.eventPk, since), this.queryAll(INCIDENT_KEYS.noticePk)]);
    const out = events.map((i) => JSON.parse(i.event as string) as IncidentEvent);
    const ledger: NoticeLedger = { claimedOrSent: new Set(), sent: new Set(), watermarks: new Map() };
    for (const n of notices) {
      const sk = n.sk as string;
      if (sk.includes('#')) {
        // A notice recorded by an earlier version (one item per notice, written once it was claimed).
        ledger.claimedOrSent.add(sk);
        ledger.sent.add(sk);
        out.push({ kind: 'notice', id: `notice#${sk}`, time: n.time as string, key: sk, subject: n.subject as string });
        continue;
      }
      if (typeof n.wm === 'string') ledger.watermarks.set(sk, n.wm);
      for (const [attr, v] of Object.entries(n)) {
        if (!attr.startsWith('n:') || typeof v !== 'object' || v === null) continue;
        const key = `${sk}#${attr.slice(2)}`;
        ledger.claimedOrSent.add(key);
        if (v.state === 'sent') {
          ledger.sent.add(key);
          out.push({ kind: 'notice', id: `notice#${key}`, time: v.sentAt as string, key, subject: v.subject as string });
        }
      }
    }
    return { events: out, sent: ledger.claimedOrSent, ledger };
  }

  /**
   * Claims one notice: a lease on the incident's ledger, granted only when no other notice of that
   * incident is in flight (or its lease expired), the notice was not sent, and its update is not
   * older than the newest one claimed (the final "resolved" may always be claimed, and nothing
   * after it). Returns the lease, or undefined when the notice must wait or is superseded.
   */
  async claimNotice(n: Notice, now: string, leaseMs: number): Promise<{ until: number } | undefined> {
    const nowMs = Date.parse(now);
    const until = nowMs + leaseMs;
    const wm = n.final ? FINAL_WATERMARK : n.updateTime;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: INCIDENT_KEYS.noticePk, sk: n.incidentId },
          UpdateExpression: 'SET wm = :wm, leaseKey = :key, leaseUntil = :until, #n = :claim, expiresAt = :exp',
          ConditionExpression: '(attribute_not_exists(leaseUntil) OR leaseUntil < :now) AND (attribute_not_exists(#n) OR #n.#st <> :sent) AND (attribute_not_exists(wm) OR wm <= :wm)',
          ExpressionAttributeNames: { '#n': `n:${n.updateId}`, '#st': 'state' },
          ExpressionAttributeValues: {
            ':wm': wm,
            ':key': n.key,
            ':until': until,
            ':now': nowMs,
            ':sent': 'sent',
            ':claim': { state: 'claimed', subject: n.subject, updateTime: n.updateTime, claimedAt: now },
            ':exp': this.expiresAt(now),
          },
        }),
      );
      return { until };
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
  }

  /** Records a notice as sent and ends its lease (if the lease is still ours). */
  async markNoticeSent(n: Notice, lease: { until: number }, now: string): Promise<void> {
    const names = { '#n': `n:${n.updateId}`, '#st': 'state' };
    const key = { pk: INCIDENT_KEYS.noticePk, sk: n.incidentId };
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET #n.#st = :sent, #n.sentAt = :now REMOVE leaseKey, leaseUntil',
          ConditionExpression: 'leaseKey = :key AND leaseUntil = :until',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':sent': 'sent', ':now': now, ':key': n.key, ':until': lease.until },
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      // Our lease expired and another publisher holds the ledger now: record the send only.
      await this.doc.send(new UpdateCommand({ TableName: this.tableName, Key: key, UpdateExpression: 'SET #n.#st = :sent, #n.sentAt = :now', ExpressionAttributeNames: names, ExpressionAttributeValues: { ':sent': 'sent', ':now': now } }));
    }
  }

  /** Gives a claimed notice back (SNS refused it outright, so it was certainly not sent). */
  async releaseNotice(n: Notice, lease: { until: number }): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: INCIDENT_KEYS.noticePk, sk: n.incidentId },
          UpdateExpression: 'REMOVE #n, leaseKey, leaseUntil',
          ConditionExpression: 'leaseKey = :key AND leaseUntil = :until',
          ExpressionAttributeNames: { '#n': `n:${n.updateId}` },
          ExpressionAttributeValues: { ':key': n.key, ':until': lease.until },
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  }

  /** Maintenance windows the CLI added or cancelled (replacing plan windows of the same id). */
  async loadMaintenance(): Promise<MaintenanceWindow[]> {
    const items = await this.queryAll(MAINTENANCE_PK);
    return items.map((i) => JSON.parse(i.window as string) as MaintenanceWindow);
  }

  /**
   * Writes a window. `mode` 'add' refuses an id the table already has (returns false); 'replace'
   * writes over it (a cancellation). Kept until the retention after its end.
   */
  async putMaintenance(w: MaintenanceWindow, mode: 'add' | 'replace'): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: MAINTENANCE_PK, sk: w.id, window: JSON.stringify(w), expiresAt: this.expiresAt(w.end) },
          ...(mode === 'add' ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /** Claims a report (a lease); false when it was written or another writer's lease is live. */
  async claimReport(incidentId: string, now: string, leaseMs: number): Promise<{ until: number } | undefined> {
    const until = Date.parse(now) + leaseMs;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: INCIDENT_KEYS.reportPk, sk: incidentId, state: 'claimed', leaseUntil: until, time: now, expiresAt: this.expiresAt(now) },
          ConditionExpression: 'attribute_not_exists(pk) OR (#st = :claimed AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#st': 'state' },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':now': Date.parse(now) },
        }),
      );
      return { until };
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
  }

  async markReportWritten(incidentId: string, key: string, now: string, surveyCount?: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: INCIDENT_KEYS.reportPk, sk: incidentId },
        UpdateExpression: `SET #st = :written, writtenAt = :now, reportKey = :key${surveyCount !== undefined ? ', surveyCount = :n' : ''} REMOVE leaseUntil`,
        ExpressionAttributeNames: { '#st': 'state' },
        ExpressionAttributeValues: { ':written': 'written', ':now': now, ':key': key, ...(surveyCount !== undefined ? { ':n': surveyCount } : {}) },
      }),
    );
  }

  /** A written report and the number of survey answers it was rendered from (0 when none was recorded). */
  async writtenReport(incidentId: string): Promise<{ surveyCount: number } | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: INCIDENT_KEYS.reportPk, sk: incidentId }, ConsistentRead: true }));
    if (res.Item?.state !== 'written') return undefined;
    return { surveyCount: Number(res.Item.surveyCount ?? 0) };
  }

  /** Records that the report now includes `count` answers (never lowers it: a slower publisher loses). */
  async markReportSurveyCount(incidentId: string, count: number, now: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: INCIDENT_KEYS.reportPk, sk: incidentId },
          UpdateExpression: 'SET surveyCount = :n, surveyRenderedAt = :now',
          ConditionExpression: '#st = :written AND (attribute_not_exists(surveyCount) OR surveyCount < :n)',
          ExpressionAttributeNames: { '#st': 'state' },
          ExpressionAttributeValues: { ':n': count, ':now': now, ':written': 'written' },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  async releaseReport(incidentId: string, lease: { until: number }): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: INCIDENT_KEYS.reportPk, sk: incidentId },
          ConditionExpression: 'leaseUntil = :until',
          ExpressionAttributeValues: { ':until': lease.until },
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
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
  /** How long a notice or report claim holds before another publisher may take it over, seconds. @default 120 */
  readonly claimLeaseSeconds?: number;
  /** The plan's maintenance windows (bundled next to the handler). @default [] */
  readonly maintenance?: readonly MaintenanceWindow[];
  /** The composites' maintenance suppressor alarms in every region. @default [] (no alarm is muted) */
  readonly suppressors?: readonly Suppressor[];
  /** The survey table (§10.2): reports summarise its answers and are re-rendered while the survey window is open. @default - no survey */
  readonly surveyTable?: string;
}

export interface PublishResult {
  readonly incidents: Incident[];
  readonly status: StatusDocument;
  /** The publication sequence this run owns (register version). */
  readonly seq: number;
  /** False when a newer publication had already written status.json (this one is older: not written). */
  readonly statusWritten: boolean;
  /** Feed objects this publication wrote (none when a newer publication had written them). */
  readonly feedsWritten: string[];
  readonly noticesSent: string[];
  /** Notices left for a later run: another notice of the incident is in flight, or it was superseded. */
  readonly noticesDeferred: string[];
  readonly reportsWritten: string[];
  /** Reports written again because survey answers arrived after they were rendered. */
  readonly reportsRerendered?: string[];
  /** Suppressor states set this run (`<region>/<alarm>=ALARM|OK`). */
  readonly suppressorsSet: string[];
}

const REGISTER_ATTEMPTS = 5;
const STATUS_ATTEMPTS = 5;

/** The register after this fold: every incident keeps its first registered id; closes are added once. */
export function nextRegister(prev: readonly RegisteredIncident[], incidents: readonly Incident[], since: string, now: string): RegisteredIncident[] {
  const byId = new Map(prev.map((r) => [r.id, r]));
  const out: RegisteredIncident[] = [];
  for (const i of incidents) {
    const base: RegisteredIncident = byId.get(i.id) ?? { id: i.id, openedAt: i.openedAt, level: i.level, cause: i.cause.slice(0, 300), ...(i.previousId ? { previousId: i.previousId } : {}) };
    if (base.closedAt) out.push(base);
    else if (i.phase === 'closed') out.push({ ...base, closedAt: i.closedAt!, closedBy: i.closedBy ?? 'confirmed' });
    else out.push({ ...base, openAsOf: now });
    byId.delete(i.id);
  }
  // Entries the fold no longer shows stay until they closed before the lookback.
  for (const r of byId.values()) if (!(r.closedAt && r.closedAt < since)) out.push(r);
  return out.sort((a, b) => Date.parse(a.openedAt) - Date.parse(b.openedAt));
}

/**
 * Writes status.json unless a newer publication already did: the object carries its sequence in
 * metadata, and the write is conditional on the ETag read (If-Match, or If-None-Match when absent),
 * so two publishers at once can never put an older document back.
 */
export async function writeStatusNewestWins(s3: S3Client, bucket: string, doc: StatusDocument): Promise<boolean> {
  return writeObjectNewestWins(s3, bucket, { key: STATUS_OBJECT_KEY, body: JSON.stringify(doc), contentType: 'application/json; charset=utf-8', seq: doc.seq });
}

/**
 * Writes one object of the status site (status.json, a feed) under the same newest-wins guard:
 * never when the stored object carries a sequence at least `seq`; the write is conditional on the
 * ETag read, retried when another publisher wrote in between. False when a newer one is there.
 */
export async function writeObjectNewestWins(s3: S3Client, bucket: string, obj: { key: string; body: string; contentType: string; seq: number }): Promise<boolean> {
  for (let attempt = 1; attempt <= STATUS_ATTEMPTS; attempt++) {
    let etag: string | undefined;
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: obj.key }));
      etag = head.ETag;
      const stored = Number(head.Metadata?.[STATUS_SEQ_METADATA]);
      if (Number.isFinite(stored) && stored >= obj.seq) return false;
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name !== 'NotFound' && e.$metadata?.httpStatusCode !== 404) throw err;
    }
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: obj.key,
          Body: obj.body,
          ContentType: obj.contentType,
          CacheControl: `public, max-age=${STATUS_MAX_AGE_SECONDS}`,
          Metadata: { [STATUS_SEQ_METADATA]: String(obj.seq) },
          ...(etag ? { IfMatch: etag } : { IfNoneMatch: '*' }),
        }),
      );
      return true;
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      const raced = e.name === 'PreconditionFailed' || e.name === 'ConditionalRequestConflict' || e.$metadata?.httpStatusCode === 412 || e.$metadata?.httpStatusCode === 409;
      if (!raced) throw err;
    }
  }
  throw new Error(`${obj.key} changed ${STATUS_ATTEMPTS} times while writing publication ${obj.seq}: another publisher is writing; the next run publishes`);
}

/**
 * The Atom feeds of a publication: one per plan language (`feed.<lang>.xml`) and `feed.xml` in the
 * default language. None when the templates carry no feed texts (a function deployed before feeds).
 */
export function feedObjects(incidents: readonly Incident[], cfg: Pick<PublishConfig, 'planName' | 'pageUrl' | 'templates'>, now: string, maintenance: readonly MaintenanceWindow[] = []): { key: string; body: string }[] {
  const t = cfg.templates;
  if (!t.feed) return [];
  const feed = t.feed;
  const render = (lang: string) => renderAtomFeed(incidents, { planName: cfg.planName, lang, templates: { ...t, feed }, now, maintenance, ...(cfg.pageUrl ? { pageUrl: cfg.pageUrl } : {}) });
  return [{ key: FEED_OBJECT_KEY, body: render(t.languages[0]) }, ...t.languages.map((lang) => ({ key: feedObjectKey(lang), body: render(lang) }))];
}

/**
 * The one path from the incident log to every customer channel (plan §8.1: consistent across
 * channels). Safe to run concurrently and repeatedly (the incident function, the schedule and the
 * operator CLI all run it):
 * 1. decide: fold the log with the incident register and save the register with a version check
 *    (retrying on a race), so every publication works from decisions no other run contradicts and
 *    owns a sequence number;
 * 2. notices: each not-yet-sent update is claimed on a lease, published to SNS with its idempotency
 *    key as a message attribute, then recorded as sent; a claim whose publisher died expires;
 * 3. status.json: newest publication wins (never a step back);
 * 4. reports: one per closed incident, claimed on a lease.
 * Notices SNS did not take are reported by throwing after the status page and reports are written.
 */
export async function publishAll(
  deps: { store: IncidentStore; s3: S3Client; sns: SNSClient; survey?: SurveyReader; cloudwatch?: (region: string) => Pick<CloudWatchClient, 'send'>; suppressorMemory?: Map<string, { state: string; at: number }> },
  cfg: PublishConfig,
  now: string = new Date().toISOString(),
): Promise<PublishResult> {
  const since = new Date(Date.parse(now) - cfg.lookbackDays * 86400_000).toISOString();
  // The uptime bar covers UPTIME_DAYS (+1 for the first day's start): the log is read that far back once.
  const uptimeSince = new Date(Date.parse(now) - (UPTIME_DAYS + 1) * 86400_000).toISOString();
  const readSince = uptimeSince < since ? uptimeSince : since;
  const inLookback = (events: IncidentEvent[]) => (readSince === since ? events : events.filter((e) => e.kind === 'notice' || e.time >= since));
  const leaseMs = (cfg.claimLeaseSeconds ?? DEFAULT_CLAIM_LEASE_SECONDS) * 1000;
  const fold = (events: IncidentEvent[], register: readonly RegisteredIncident[]) =>
    foldIncidents(events, { confirmationMs: cfg.confirmationMinutes * 60_000, now, templates: cfg.templates, register });

  let seq = 0;
  let register: RegisteredIncident[] = [];
  let loaded: Awaited<ReturnType<IncidentStore['load']>> | undefined;
  let incidents: Incident[] = [];
  for (let attempt = 1; ; attempt++) {
    const reg = await deps.store.loadRegister();
    loaded = await deps.store.load(readSince);
    incidents = fold(inLookback(loaded.events), reg.incidents);
    register = nextRegister(reg.incidents, incidents, since, now);
    if (await deps.store.saveRegister(reg.seq, register, now)) {
      seq = reg.seq + 1;
      incidents = fold(inLookback(loaded.events), register);
      break;
    }
    if (attempt >= REGISTER_ATTEMPTS) throw new Error(`the incident register changed ${REGISTER_ATTEMPTS} times while publishing (last seen seq ${reg.seq}): other publishers are running; the next run publishes`);
  }

  const noticesSent: string[] = [];
  const noticesDeferred: string[] = [];
  const failures: string[] = [];
  // Drill incidents are recorded and reported, never shown to customers.
  const publicIncidents = incidents.filter((i) => !i.drill);
  const notices = pendingNotices(publicIncidents, {
    now,
    maxAgeMs: cfg.noticeMaxAgeMinutes * 60_000,
    sent: loaded.ledger.sent,
    claimed: loaded.ledger.claimedOrSent,
    watermarks: loaded.ledger.watermarks,
    templates: cfg.templates,
    ...(cfg.pageUrl ? { pageUrl: cfg.pageUrl } : {}),
  });
  const extra: IncidentEvent[] = [];
  for (const n of notices) {
    const lease = await deps.store.claimNotice(n, now, leaseMs);
    if (!lease) {
      noticesDeferred.push(n.key);
      continue;
    }
    try {
      await deps.sns.send(
        new PublishCommand({
          TopicArn: cfg.noticeTopicArn,
          Subject: n.subject,
          Message: n.body,
          MessageAttributes: {
            [NOTICE_KEY_ATTRIBUTE]: { DataType: 'String', StringValue: n.key },
            incident_id: { DataType: 'String', StringValue: n.incidentId },
            // Each language alone, for the e-mail subscribers (lambdas/subscriptions).
            [NOTICE_TEXTS_ATTRIBUTE]: { DataType: 'String', StringValue: JSON.stringify(n.texts) },
          },
        }),
      );
    } catch (err) {
      const e = err as Error & { $fault?: string };
      // Refused outright (a client fault: missing topic, no permission, throttled): certainly not
      // sent, so give the claim back. Anything else (a 5xx, a timeout) may have been accepted: keep
      // the claim; it is retried with the same key once the lease expires.
      if (e.$fault === 'client') await deps.store.releaseNotice(n, lease);
      failures.push(`${n.key}: ${e.name}: ${e.message}${e.$fault === 'client' ? '' : ` (retried after the ${leaseMs / 1000} s lease, same ${NOTICE_KEY_ATTRIBUTE})`}`);
      continue;
    }
    await deps.store.markNoticeSent(n, lease, now);
    noticesSent.push(n.key);
    extra.push({ kind: 'notice', id: `notice#${n.key}`, time: now, key: n.key, subject: n.subject });
  }
  if (extra.length) incidents = fold([...inLookback(loaded.events), ...extra], register);
  const uptimeIncidents = readSince === since ? incidents : fold(loaded.events, register);
  const uptime = buildUptime(uptimeIncidents.filter((i) => !i.drill), loaded.events, { now, templates: cfg.templates });

  const windows = mergeWindows(cfg.maintenance ?? [], await deps.store.loadMaintenance());
  // Scheduled maintenance mutes the composites it names (their actions suppressors) while it runs.
  let suppressorsSet: string[] = [];
  const suppressorFailures: string[] = [];
  if (cfg.suppressors?.length && deps.cloudwatch) {
    const r = await applySuppressors(cfg.suppressors, windows, now, { client: deps.cloudwatch, memory: deps.suppressorMemory ?? new Map() });
    suppressorsSet = r.set;
    suppressorFailures.push(...r.failed);
  }
  // Drill incidents are recorded but never shown to customers (page, feed, uptime).
  const shown = incidents.filter((i) => !i.drill);
  const status = buildStatusDocument(shown, { now, historyLength: cfg.historyLength, templates: cfg.templates, seq, maintenance: windows, uptime });
  const statusWritten = await writeStatusNewestWins(deps.s3, cfg.statusBucket, status);
  // The feeds carry the same publication sequence, each under its own newest-wins guard.
  const feedsWritten: string[] = [];
  for (const f of feedObjects(shown, cfg, now, windows)) {
    if (await writeObjectNewestWins(deps.s3, cfg.statusBucket, { ...f, contentType: 'application/atom+xml; charset=utf-8', seq })) feedsWritten.push(f.key);
  }

  const reportsWritten: string[] = [];
  const reportsRerendered: string[] = [];
  const surveyT = cfg.templates.survey;
  const survey = cfg.surveyTable && surveyT && deps.survey ? { reader: deps.survey, t: surveyT } : undefined;
  // Answers of public incidents only: drill incidents are never shown, so never surveyed.
  const surveyOf = async (i: Incident) => (survey && !i.drill ? { summary: summarise(await survey.reader.answers(i.id)), templates: survey.t, languages: cfg.templates.languages } : undefined);
  const putReport = async (i: Incident, key: string, summary: Awaited<ReturnType<typeof surveyOf>>) =>
    deps.s3.send(
      new PutObjectCommand({
        Bucket: cfg.reportBucket,
        Key: key,
        Body: renderReport(i, { timeZone: cfg.templates.timeZone, planName: cfg.planName, confirmationMinutes: cfg.confirmationMinutes, maintenance: windowOfIncident(windows, i.openedAt, i.level), ...(summary ? { survey: summary } : {}) }),
        ContentType: 'text/markdown; charset=utf-8',
      }),
    );
  for (const i of incidents) {
    if (i.phase !== 'closed') continue;
    const key = reportKey(i);
    const lease = await deps.store.claimReport(i.id, now, leaseMs);
    if (!lease) {
      // Written before: while the survey window is open (and a day after, for answers sent at its
      // end), render it again when more answers are stored than it was rendered from. At most once
      // per publisher run (the schedule's interval), only when the count changed.
      if (!survey || i.drill || Date.parse(now) - Date.parse(i.closedAt!) > (survey.t.windowDays + 1) * 86400_000) continue;
      const count = await survey.reader.count(i.id);
      const written = count > 0 ? await deps.store.writtenReport(i.id) : undefined;
      if (!written || count <= written.surveyCount) continue;
      const summary = await surveyOf(i);
      await putReport(i, key, summary);
      if (await deps.store.markReportSurveyCount(i.id, summary!.summary.count, now)) reportsRerendered.push(key);
      continue;
    }
    let summary: Awaited<ReturnType<typeof surveyOf>>;
    try {
      summary = await surveyOf(i);
      await putReport(i, key, summary);
    } catch (err) {
      await deps.store.releaseReport(i.id, lease);
      throw err;
    }
    await deps.store.markReportWritten(i.id, key, now, summary?.summary.count);
    reportsWritten.push(key);
  }
  const problems = [
    ...(failures.length ? [`customer notices not sent: ${failures.join('; ')}`] : []),
    ...(suppressorFailures.length ? [`maintenance suppressors not set (the next run retries): ${suppressorFailures.join('; ')}`] : []),
  ];
  if (problems.length) throw new Error(problems.join('; '));
  return { incidents, status, seq, statusWritten, feedsWritten, noticesSent, noticesDeferred, reportsWritten, reportsRerendered, suppressorsSet };
}
