import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { createHandler } from '../../lambdas/incidents/handler';
import { IncidentStore, publishAll, PublishConfig } from '../../lambdas/incidents/store';
import type { AlarmStateChangeEvent } from '../../lambdas/incidents/events';
import type { IncidentEvent } from '../../lambdas/incidents/model';
import { loadedPlan } from '../helpers/plan';
import { incidentEnvironment } from '../helpers/incident-env';

// Issue 9, incidents: one test per defect seen under late, duplicated, malformed and failing
// inputs, against DynamoDB, S3 and SNS in moto_server. Notices reach an SQS queue subscribed to the
// topic (raw delivery, message attributes kept) so the test reads what customers would receive.
// The publisher is run explicitly at chosen times (`now`), as the table stream and the schedule do.
const { plan } = loadedPlan();
const TABLE = 'acme-chat-incidents';
const SG = 'arn:aws:cloudwatch:ap-southeast-1:123456789012:alarm:acme-chat-severe';
const TK = 'arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:acme-chat-severe-standby';
let ddb: DynamoDBClient;
let s3: S3Client;
let sns: SNSClient;
let sqs: SQSClient;
let queueUrl: string;
let cfg: PublishConfig;
let store: IncidentStore;

const MIN = 60_000;
const T0 = Date.parse('2026-11-23T08:00:00.000Z');
const at = (m: number) => new Date(T0 + m * MIN).toISOString();

function alarmEvent(arn: string, value: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA', minutes: number): AlarmStateChangeEvent {
  const region = arn.split(':')[3];
  return {
    id: `d-${region}-${value}-${minutes}`,
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    time: at(minutes),
    region,
    resources: [arn],
    detail: { alarmName: arn.split(':alarm:')[1], state: { value, reason: `went ${value}`, timestamp: at(minutes) } },
  };
}

const levels = [
  { arn: SG, level: 'severe' as const },
  { arn: TK, level: 'severe' as const },
];
/** A chatbot region's recorder (records only), its clock at `minutes`. */
const recorder = (minutes = 0) => createHandler({ tableName: TABLE, retentionDays: 400, alarmLevels: levels }, { ddb }, () => new Date(T0 + minutes * MIN));
const record = (e: unknown, receivedAtMinutes?: number) => recorder(receivedAtMinutes ?? 0)(e as AlarmStateChangeEvent);
const publish = (minutes: number, c: PublishConfig = cfg, clients = { s3, sns }) => publishAll({ store, ...clients }, c, at(minutes));

interface Received {
  readonly body: string;
  readonly key?: string;
}
/** Every notice delivered to the queue so far (each read once). */
const delivered: Received[] = [];
async function drain(): Promise<Received[]> {
  for (;;) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 3600, MessageAttributeNames: ['All'] }));
    if (!r.Messages?.length) return delivered;
    for (const m of r.Messages) delivered.push({ body: m.Body!, key: m.MessageAttributes?.notice_key?.StringValue });
  }
}
async function statusDoc(): Promise<any> {
  const r = await s3.send(new GetObjectCommand({ Bucket: 'status-bucket', Key: 'status.json' }));
  return JSON.parse(await r.Body!.transformToString());
}

const env = incidentEnvironment({ table: TABLE, statusBucket: 'status-bucket', reportBucket: 'report-bucket', queue: 'notice-copy' });
beforeAll(async () => {
  ({ ddb, s3, sns, sqs } = await env.start());
});
afterAll(() => env.stop());
beforeEach(async () => {
  let topicArn: string;
  ({ topicArn, queueUrl } = await env.reset());
  delivered.length = 0;
  store = new IncidentStore(ddb, TABLE, 400);
  cfg = env.publishConfig(topicArn, plan, { noticeMaxAgeMinutes: 60 });
});

describe('identity and final close', () => {
  test('a late, earlier alarm from the other region keeps the id; customers get "investigating" once', async () => {
    await record(alarmEvent(SG, 'ALARM', 10));
    const first = await publish(10);
    const id = first.status.current!.id;
    expect(first.noticesSent).toEqual([`${id}#auto-opened`]);
    // Tokyo's alarm fired at 08:05 but EventBridge delivered it (or the table replicated it) late.
    await record(alarmEvent(TK, 'ALARM', 5), 12);
    const second = await publish(12);
    expect(second.status.current!.id).toBe(id);
    expect(second.status.current!.regions.sort()).toEqual(['ap-northeast-1', 'ap-southeast-1']);
    expect(second.noticesSent).toEqual([]);
    expect((await drain()).map((n) => n.key)).toEqual([`${id}#auto-opened`]);
    // The first notice stays on the incident's timeline and in its report.
    for (const [arn, m] of [[SG, 20], [TK, 21]] as const) await record(alarmEvent(arn, 'OK', m), m);
    await publish(21);
    const last = await publish(40);
    expect(last.incidents).toHaveLength(1);
    expect(last.incidents[0].id).toBe(id);
    expect(last.incidents[0].notices.map((n) => n.key)).toEqual([`${id}#auto-opened`, `${id}#auto-recovering-${at(21)}`, `${id}#resolved`]);
  });

  test('a late ALARM+OK inside the confirmation window after a published close does not re-open it; one final "resolved"', async () => {
    await record(alarmEvent(SG, 'ALARM', 0));
    await publish(0);
    await record(alarmEvent(SG, 'OK', 5), 5);
    await publish(5);
    const closed = await publish(21);
    const id = closed.incidents[0].id;
    expect(closed.incidents[0]).toMatchObject({ phase: 'closed', closedAt: at(20) });
    expect(closed.noticesSent).toEqual([`${id}#resolved`]);
    // Tokyo flapped at 08:08-08:12, delivered after the close was published.
    await record(alarmEvent(TK, 'ALARM', 8), 25);
    await record(alarmEvent(TK, 'OK', 12), 25);
    const late = await publish(25);
    expect(late.incidents).toHaveLength(1);
    expect(late.incidents[0]).toMatchObject({ id, phase: 'closed', closedAt: at(20) });
    expect(late.incidents[0].timeline.map((e) => e.kind)).toContain('reopened'); // the flap is on the record
    expect(late.noticesSent).toEqual([]);
    expect((await publish(60)).noticesSent).toEqual([]);
    const keys = (await drain()).map((n) => n.key);
    expect(keys.filter((k) => k?.endsWith('#resolved'))).toEqual([`${id}#resolved`]);
    expect(keys[keys.length - 1]).toBe(`${id}#resolved`);
  });

  test('an alarm still in ALARM at a published close, and a later alarm, open a new incident linked to the closed one', async () => {
    await record(alarmEvent(SG, 'ALARM', 0));
    await publish(0);
    await record(alarmEvent(SG, 'OK', 5), 5);
    await publish(21); // closed at 08:20, "resolved" sent
    await record(alarmEvent(TK, 'ALARM', 10), 22); // late: Tokyo went to ALARM at 08:10 and stays there
    const r = await publish(22);
    const [closed, next] = r.incidents;
    expect(closed).toMatchObject({ phase: 'closed', closedAt: at(20) });
    expect(next).toMatchObject({ phase: 'open', openedAt: at(20), previousId: closed.id });
    expect(r.status.current).toMatchObject({ id: next.id, previousId: closed.id });
    expect(r.noticesSent).toEqual([`${next.id}#auto-opened`]);
    // A fresh alarm within the confirmation period after a close is linked the same way.
    await record(alarmEvent(TK, 'OK', 23), 23);
    await publish(40); // next closes at 08:38
    await record(alarmEvent(SG, 'ALARM', 45), 45);
    const third = (await publish(45)).incidents[2];
    expect(third).toMatchObject({ phase: 'open', previousId: next.id });
  });

  test('an operator "update --status resolved" sends one "resolved" notice, not two', async () => {
    await record(alarmEvent(SG, 'ALARM', 0));
    await publish(0);
    const resolved: IncidentEvent = { kind: 'update', id: 'update#op-1', time: at(3), status: 'resolved', message: { zh: '已修復', en: 'Fixed' }, author: 'alice' };
    await store.append(resolved);
    const r = await publish(3);
    expect(r.incidents[0]).toMatchObject({ phase: 'closed', closedBy: 'operator' });
    expect(r.noticesSent).toEqual([`${r.incidents[0].id}#resolved`]);
    const bodies = (await drain()).map((n) => n.body);
    expect(bodies.filter((b) => b.includes('Fixed'))).toHaveLength(1);
    expect(bodies).toHaveLength(2);
  });
});

describe('INSUFFICIENT_DATA is not recovery', () => {
  test('an alarm that loses its data keeps the incident open; it recovers only on OK', async () => {
    await record(alarmEvent(SG, 'ALARM', 0));
    await publish(0);
    await record(alarmEvent(SG, 'INSUFFICIENT_DATA', 5), 5);
    const r = await publish(40); // 35 min of missing data
    expect(r.incidents[0]).toMatchObject({ phase: 'open' });
    expect(r.status.overall).not.toBe('operational');
    expect(r.noticesSent).toEqual([]);
    expect(r.incidents[0].timeline.some((e) => /no data \(INSUFFICIENT_DATA\): still counted as failing/.test(e.text))).toBe(true);
    await record(alarmEvent(SG, 'OK', 41), 41);
    expect((await publish(41)).incidents[0]).toMatchObject({ phase: 'recovering', recoveredAt: at(41) });
  });
});

describe('notice claims are leases; deliveries carry an idempotency key', () => {
  test('a publisher that dies after claiming a notice blocks it only until the lease expires', async () => {
    await record(alarmEvent(SG, 'ALARM', 0));
    // This publisher claims the notice and never comes back (its SNS call hangs; the process dies).
    const hung = { send: () => new Promise<never>(() => undefined) } as unknown as SNSClient;
    void publish(0, cfg, { s3, sns: hung }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1500));
    const early = await publish(1); // within the 120 s lease: not sent twice
    expect(early.noticesSent).toEqual([]);
    const later = await publish(3); // lease expired: sent
    expect(later.noticesSent).toEqual([`${later.incidents[0].id}#auto-opened`]);
    expect((await drain()).map((n) => n.key)).toEqual([`${later.incidents[0].id}#auto-opened`]);
    expect(early.noticesDeferred).toEqual([`${later.incidents[0].id}#auto-opened`]);
  });

  test('an SNS call that fails after SNS accepted the message: the repeat carries the same key, so a consumer shows it once', async () => {
    await record(alarmEvent(SG, 'ALARM', 0));
    // SNS takes the message, then the answer is lost (a 5xx or a timeout on the way back).
    const lossy = {
      send: async (c: PublishCommand) => {
        await sns.send(c);
        throw Object.assign(new Error('socket hang up'), { name: 'InternalError', $fault: 'server' });
      },
    } as unknown as SNSClient;
    const failed = await publish(0, cfg, { s3, sns: lossy }).then(() => undefined, (e: Error) => e);
    expect((await publish(1)).noticesSent).toEqual([]); // not re-sent while the outcome is unknown
    expect(failed?.message).toMatch(/customer notices not sent: INC-\S+#auto-opened: InternalError: socket hang up \(retried after the 120 s lease, same notice_key\)/);
    const retry = await publish(3);
    expect(retry.noticesSent).toHaveLength(1);
    const got = await drain();
    expect(got).toHaveLength(2); // at least once: SNS delivered both copies
    expect(got[0].key).toBe(retry.noticesSent[0]);
    expect(got[1].key).toBe(got[0].key);
    // A subscriber that keeps the keys it has shown shows the update once.
    expect(new Set(got.map((n) => n.key)).size).toBe(1);
  });
});

describe('status.json: newest wins', () => {
  test('a slow publisher with an older view never puts its status.json back over a newer one', async () => {
    await record(alarmEvent(SG, 'ALARM', 0));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // Publisher A folds the log (incident open), then stalls before writing status.json.
    const slowS3 = {
      send: async (c: unknown) => {
        if (c instanceof PutObjectCommand || (c as { constructor: { name: string } }).constructor.name === 'HeadObjectCommand') await gate;
        return s3.send(c as PutObjectCommand);
      },
    } as unknown as S3Client;
    const a = publish(1, cfg, { s3: slowS3, sns });
    await new Promise((r) => setTimeout(r, 1500));
    // Meanwhile the alarm recovers and publisher B publishes "recovering".
    await record(alarmEvent(SG, 'OK', 2), 2);
    const b = await publish(2);
    expect((await statusDoc()).current.phase).toBe('recovering');
    release();
    const ra = await a;
    const doc = await statusDoc();
    expect(doc.current.phase).toBe('recovering');
    expect(doc.seq).toBe(b.seq);
    expect(ra.seq).toBeLessThan(b.seq);
    expect(ra.statusWritten).toBe(false);
    // The feeds carry the same guard: the slow publisher's older feeds are not put back either.
    expect(b.feedsWritten).toEqual(['feed.xml', ...plan.languages.map((l) => `feed.${l}.xml`)]);
    expect(ra.feedsWritten).toEqual([]);
    for (const key of b.feedsWritten) {
      const obj = await s3.send(new GetObjectCommand({ Bucket: cfg.statusBucket, Key: key }));
      expect(obj.Metadata?.seq).toBe(String(b.seq));
      expect(obj.ContentType).toBe('application/atom+xml; charset=utf-8');
      expect(await obj.Body!.transformToString()).toContain('<category term="monitoring"/>');
    }
  });
});

describe('malformed recorder events never throw, never lose the incident, and say what was wrong', () => {
  const base = () => alarmEvent(SG, 'ALARM', 0) as any;

  test('an alarm without a valid time is recorded when received, and opens the incident', async () => {
    const e = base();
    e.time = 'yesterday';
    e.detail.state.timestamp = 12;
    const r = await record(e, 7);
    expect(r.appended).toBe(true);
    expect(r.problems).toEqual([
      'detail.state.timestamp is number 12, not a time',
      'time is "yesterday", not a time',
      `no valid time (detail.state.timestamp, time): recorded at the time it was received, ${at(7)}`,
    ]);
    const p = await publish(7);
    expect(p.status.current).toMatchObject({ phase: 'open', startedAt: at(7) });
  });

  test('detail: null is reported as such, nothing else happens', async () => {
    const e = { ...base(), detail: null };
    const r = await record(e);
    expect(r).toEqual({ appended: false, published: false, problems: [`detail is null: the state of ${SG} is unknown, nothing recorded`] });
  });

  test('a non-string reason is left out and named; the state change is recorded', async () => {
    const e = base();
    e.detail.state.reason = { code: 42 };
    const r = await record(e);
    expect(r.appended).toBe(true);
    expect(r.problems).toEqual(['detail.state.reason is object {"code":42}, not text: left out']);
    expect((await publish(1)).incidents[0].cause).toBe('acme-chat-severe in ALARM');
  });

  const failover = (over: Record<string, unknown>) => ({ id: 'f-1', source: 'contingency.failover', 'detail-type': 'Failover Observed', region: 'us-east-1', detail: { region: 'ap-northeast-1', detail: 'DNS moved to standby' }, ...over });

  test('a failover without time, or with detail: null, is recorded when received and named', async () => {
    const r1 = await record(failover({ time: undefined }), 4);
    expect(r1.appended).toBe(true);
    expect(r1.problems).toEqual([`no valid time (time): recorded at the time it was received, ${at(4)}`]);
    const r2 = await record(failover({ id: 'f-2', time: at(5), detail: null }), 5);
    expect(r2.appended).toBe(true);
    expect(r2.problems).toEqual(["detail is null: region and description unknown, recorded with the event's region"]);
    const i = (await publish(6)).incidents[0];
    expect(i.openedAt).toBe(at(4));
    expect(i.scope.regions).toEqual(['ap-northeast-1', 'us-east-1']);
  });

  test('a failover dated in the future is not written as if it happened then', async () => {
    await record(alarmEvent(SG, 'ALARM', 0));
    const r = await record(failover({ time: at(24 * 60) }), 3);
    expect(r.problems).toEqual([`time ${at(24 * 60)} is in the future (received ${at(3)}): recorded at the time it was received, not as when it happened`]);
    const i = (await publish(4)).incidents[0];
    expect(i.firstFailoverAt).toBeUndefined(); // does not count for "time to fail over"
    const line = i.timeline.find((e) => e.kind === 'failover')!;
    expect(line.time).toBe(at(3));
    expect(line.text).toContain(`reported time ${at(24 * 60)} not trusted`);
  });
});
