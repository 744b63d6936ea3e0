import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { createHandler } from '../../lambdas/incidents/handler';
import { IncidentStore, publishAll, PublishConfig } from '../../lambdas/incidents/store';
import type { AlarmStateChangeEvent } from '../../lambdas/incidents/events';
import { loadedPlan } from '../helpers/plan';
import { incidentEnvironment } from '../helpers/incident-env';

// The incident state machine end to end against DynamoDB, S3 and SNS in moto_server: the handler
// appends alarm events to the log, the publisher folds it and writes status.json, notices (to an
// SQS queue subscribed to the topic, to count them) and the post-incident report.
const { plan } = loadedPlan();
const TABLE = 'acme-chat-incidents';
const ARN = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:acme-chat-emergency';
let ddb: DynamoDBClient;
let s3: S3Client;
let sns: SNSClient;
let sqs: SQSClient;
let queueUrl: string;
let cfg: PublishConfig;

const MIN = 60_000;
const T0 = Date.now() - 60 * MIN; // an hour ago: the closing happens "now"
const at = (m: number) => new Date(T0 + m * MIN).toISOString();

function alarmEvent(value: 'ALARM' | 'OK', minutes: number, deliveryId = `d-${value}-${minutes}`): AlarmStateChangeEvent {
  return {
    id: deliveryId,
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    time: at(minutes),
    region: 'us-east-1',
    resources: [ARN],
    detail: { alarmName: 'acme-chat-emergency', state: { value, reason: `went ${value}`, timestamp: at(minutes) } },
  };
}

async function getText(bucket: string, key: string): Promise<string> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return r.Body!.transformToString();
}
async function status(): Promise<any> {
  return JSON.parse(await getText('status-bucket', 'status.json'));
}
async function queued(): Promise<number> {
  const r = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(r.Attributes!.ApproximateNumberOfMessages);
}

const env = incidentEnvironment({ table: TABLE, statusBucket: 'status-bucket', reportBucket: 'report-bucket', queue: 'notice-copy' });
beforeAll(async () => {
  ({ ddb, s3, sns, sqs } = await env.start());
});
afterAll(() => env.stop());
beforeEach(async () => {
  let topicArn: string;
  ({ topicArn, queueUrl } = await env.reset());
  cfg = env.publishConfig(topicArn, plan);
});

const handlerWith = (publish: boolean) =>
  createHandler({ tableName: TABLE, retentionDays: 400, alarmLevels: [{ arn: ARN, level: 'emergency' }], ...(publish ? { publish: cfg } : {}) }, { ddb, s3, sns });

test('open → status outage with the emergency template, one notice; a duplicate delivery changes nothing', async () => {
  const h = handlerWith(true);
  expect(await h(alarmEvent('ALARM', 0))).toEqual({ appended: true, published: true });
  const doc = await status();
  expect(doc.overall).toBe('outage');
  expect(doc.current).toMatchObject({ level: 'emergency', phase: 'open', startedAt: at(0), title: plan.incidents.templates.emergency.title });
  expect(doc.current.updates[0].message.en).toContain(plan.handoff.phone);
  expect(await queued()).toBe(1);
  expect(await h(alarmEvent('ALARM', 0, 'redelivered'))).toEqual({ appended: false, published: true });
  expect(await queued()).toBe(1);
  const msg = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
  expect(msg.Messages![0].Body).toContain(doc.current.updates[0].message['zh-Hant']);
  // Each language alone, for the e-mail subscribers (lambdas/subscriptions): the subscriber's text only.
  const texts = JSON.parse(msg.Messages![0].MessageAttributes!.notice_texts.StringValue!);
  expect(Object.keys(texts)).toEqual(plan.languages);
  expect(texts.en.body).toContain(doc.current.updates[0].message.en);
  expect(texts.en.body).not.toContain(doc.current.updates[0].message['zh-Hant']);
  expect(texts['zh-Hant'].subject).toContain(plan.incidents.templates.emergency.title['zh-Hant']);
  expect(texts['zh-Hant'].subject).not.toContain(plan.incidents.templates.emergency.title.en);
});

test('flap, re-open, close after the confirmation period; report written once with the figures', async () => {
  const rec = handlerWith(false); // a chatbot region: records only
  const store = new IncidentStore(ddb, TABLE, 400);
  const sent: string[] = [];
  // The publisher runs after every entry (the table stream), at the entry's time.
  for (const [value, m] of [['ALARM', 0], ['OK', 5], ['ALARM', 10], ['OK', 30]] as const) {
    await rec(alarmEvent(value, m));
    sent.push(...(await publishAll({ store, s3, sns }, cfg, at(m))).noticesSent);
  }
  // out of order: a late duplicate of the first ALARM, delivered last
  await rec(alarmEvent('ALARM', 0, 'late-copy'));
  const first = await publishAll({ store, s3, sns }, cfg);
  sent.push(...first.noticesSent);
  expect(first.incidents).toHaveLength(1);
  expect(first.incidents[0]).toMatchObject({ phase: 'closed', reopenCount: 1, recoveredAt: at(30), closedAt: at(45), closedBy: 'confirmed' });
  expect(first.status.current).toBeNull();
  expect(first.status.history[0]).toMatchObject({ startedAt: at(0), closedAt: at(45) });
  expect(first.reportsWritten).toEqual([`reports/${at(0).slice(0, 4)}/${first.incidents[0].id}.md`]);
  const report = await getText('report-bucket', first.reportsWritten[0]);
  expect(report).toContain('- Time to recover: 30 min 0 s');
  expect(report).toContain(`- Customer notices sent: ${sent.length}`);
  expect(report).toMatch(/\| reopened \|/);
  // notices: opened, recovering, reopened, recovering again, resolved: each once, under one id
  const id = first.incidents[0].id;
  expect(sent).toEqual([`${id}#auto-opened`, `${id}#auto-recovering-${at(5)}`, `${id}#auto-reopened-${at(10)}`, `${id}#auto-recovering-${at(30)}`, `${id}#resolved`]);
  const second = await publishAll({ store, s3, sns }, cfg);
  expect(second.noticesSent).toEqual([]);
  expect(second.reportsWritten).toEqual([]);
  expect(await queued()).toBe(5);
  const keys = await s3.send(new ListObjectsV2Command({ Bucket: 'report-bucket' }));
  expect(keys.KeyCount).toBe(1);
});

test('an incident that opened and closed while no publisher ran is recorded and reported, not announced afterwards', async () => {
  const rec = handlerWith(false);
  for (const [value, m] of [['ALARM', 0], ['OK', 5]] as const) await rec(alarmEvent(value, m));
  const store = new IncidentStore(ddb, TABLE, 400);
  const r = await publishAll({ store, s3, sns }, cfg);
  expect(r.incidents[0]).toMatchObject({ phase: 'closed', closedAt: at(20) });
  expect(r.noticesSent).toEqual([]);
  expect(r.reportsWritten).toHaveLength(1);
  expect(r.status.history[0]).toMatchObject({ id: r.incidents[0].id, closedAt: at(20) });
  expect(await queued()).toBe(0);
});

test('still recovering inside the confirmation period: not closed, no report', async () => {
  const h = handlerWith(true);
  await h(alarmEvent('ALARM', 50));
  const r = await h(alarmEvent('OK', 55)); // 5 min ago
  expect(r.published).toBe(true);
  const doc = await status();
  expect(doc.current).toMatchObject({ phase: 'recovering' });
  expect(doc.overall).toBe('operational');
  expect((await s3.send(new ListObjectsV2Command({ Bucket: 'report-bucket' }))).KeyCount).toBe(0);
});

test('a notice that SNS refuses outright is released and sent on the next run (never lost, never doubled)', async () => {
  const rec = handlerWith(false);
  await rec(alarmEvent('ALARM', 58));
  const store = new IncidentStore(ddb, TABLE, 400);
  const broken = { ...cfg, noticeTopicArn: 'arn:aws:sns:us-east-1:123456789012:no-such-topic' };
  await expect(publishAll({ store, s3, sns }, broken)).rejects.toThrow(/customer notices not sent: INC-\S+#auto-opened: NotFound/);
  expect(await queued()).toBe(0);
  const retry = await publishAll({ store, s3, sns }, cfg);
  expect(retry.noticesSent).toHaveLength(1);
  expect(await queued()).toBe(1);
  expect((await publishAll({ store, s3, sns }, cfg)).noticesSent).toEqual([]);
});

test('the recording-only function in a chatbot region ignores alarms it does not watch', async () => {
  const rec = handlerWith(false);
  const other = { ...alarmEvent('ALARM', 1), resources: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:someone-else'] };
  expect(await rec(other)).toEqual({ appended: false, published: false });
  const { events } = await new IncidentStore(ddb, TABLE, 400).load(at(-10));
  expect(events).toEqual([]);
});
