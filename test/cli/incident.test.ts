import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { IncidentStore } from '../../lambdas/incidents/store';
import { IncidentOptions, parseEta, runIncident } from '../../cli/commands/incident';
import { MOTO_CREDENTIALS, cleanEnv, runCli } from '../helpers/cli';
import type { Moto } from '../helpers/moto';
import { incidentEnvironment } from '../helpers/incident-env';

// The operator CLI against DynamoDB, S3 and SNS in moto_server: an update reaches the status page
// and the notice topic with the same words; resolve closes the incident and writes the report.
const TABLE = 'acme-chat-incidents';
let moto: Moto;
let ddb: DynamoDBClient;
let s3: S3Client;
let sns: SNSClient;
let sqs: SQSClient;
let queueUrl: string;
let topicArn: string;
const clients = () => ({ ddb, s3, sns });
const common = () => ['--endpoint-url', moto.endpoint, '--bucket', 'status', '--report-bucket', 'reports', '--topic-arn', topicArn];
const where = (): IncidentOptions => ({ endpointUrl: moto.endpoint, bucket: 'status', reportBucket: 'reports', topicArn, execute: true });

async function statusDoc(): Promise<any> {
  const r = await s3.send(new GetObjectCommand({ Bucket: 'status', Key: 'status.json' }));
  return JSON.parse(await r.Body!.transformToString());
}
async function messages(): Promise<string[]> {
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
  return (r.Messages ?? []).map((m) => m.Body!);
}
async function openIncident(minutesAgo = 5): Promise<void> {
  const time = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  await new IncidentStore(ddb, TABLE, 400).append({ kind: 'alarm', id: `alarm#x#ALARM#${time}`, time, alarm: 'acme-chat-severe', region: 'ap-southeast-1', level: 'severe', state: 'ALARM' });
}

const env = incidentEnvironment({ table: TABLE, statusBucket: 'status', reportBucket: 'reports', queue: 'copy' });
beforeAll(async () => {
  ({ moto, ddb, s3, sns, sqs } = await env.start());
});
afterAll(() => env.stop());
beforeEach(async () => {
  ({ topicArn, queueUrl } = await env.reset());
});

test('update: the same text in every plan language and ETA on the status page and in the notice', async () => {
  await openIncident();
  const eta = new Date(Date.now() + 90 * 60_000);
  const out = await runIncident('update', { ...where(), status: 'identified', text: ['zh-Hant=已找到原因,正在修復', 'en=Cause found, fix under way'], eta: eta.toISOString(), agents: 'degraded' }, clients);
  expect(out).toMatch(/^updated INC-/);
  const doc = await statusDoc();
  expect(doc.current.updates[0]).toMatchObject({ status: 'identified', message: { 'zh-Hant': '已找到原因,正在修復', en: 'Cause found, fix under way' }, eta: eta.toISOString() });
  expect(doc.current.eta).toBe(eta.toISOString());
  expect(doc.components).toEqual([
    { id: 'chatbot', state: 'degraded' },
    { id: 'agents', state: 'degraded' },
  ]);
  const bodies = await messages();
  const notice = bodies.find((b) => b.includes('Cause found, fix under way'));
  expect(notice).toContain('已找到原因,正在修復');
});

test('resolve: closes at once, the page shows it in history, the report is written', async () => {
  await openIncident();
  const out = await runIncident('resolve', { ...where(), author: 'alice' }, clients);
  expect(out).toMatch(/^resolved INC-/);
  expect(out).toMatch(/report: s3:\/\/reports\/reports\/\d{4}\/INC-.*\.md/);
  const doc = await statusDoc();
  expect(doc.current).toBeNull();
  expect(doc.overall).toBe('operational');
  expect(doc.history).toHaveLength(1);
  const key = /s3:\/\/reports\/(\S+)/.exec(out)![1];
  const report = await (await s3.send(new GetObjectCommand({ Bucket: 'reports', Key: key }))).Body!.transformToString();
  expect(report).toContain('resolved by an operator');
});

test('refuses without an open incident, and names every bad option', async () => {
  await expect(runIncident('update', { ...where(), status: 'identified', text: ['zh-Hant=x', 'en=y'] }, clients)).rejects.toThrow(/no open incident/);
  await openIncident();
  await expect(runIncident('update', { ...where(), status: 'fixed', text: ['zh-Hant=x', 'fr=y'], chatbot: 'broken', eta: 'soon' }, clients)).rejects.toThrow(
    /--status must be one of investigating, identified, monitoring, resolved[\s\S]*"fr" is not a plan language; the plan's languages are zh-Hant, en[\s\S]*--text is needed once per plan language \(zh-Hant, en\); missing en[\s\S]*--chatbot must be one of[\s\S]*--eta must be/,
  );
  await expect(runIncident('update', { status: 'identified', text: ['zh-Hant=x', 'en=y'], execute: true }, clients)).rejects.toThrow(/missing --bucket, --report-bucket, --topic-arn/);
  expect(parseEta('+90m', new Date('2026-11-23T08:00:00Z'))).toBe('2026-11-23T09:30:00.000Z');
  expect(() => parseEta('2020-01-01T00:00:00Z', new Date('2026-11-23T08:00:00Z'))).toThrow(/must be in the future/);
});

test('through the real binary: a dry run changes nothing and needs no credentials; --execute publishes; exit codes', async () => {
  await openIncident();
  const args = ['incident', 'update', '--status', 'monitoring', '--text', 'zh-Hant=觀察中', '--text', 'en=Monitoring'];
  const dry = await runCli(args, cleanEnv());
  expect(dry.stderr).toBe('');
  expect(dry.code).toBe(0);
  expect(dry.stdout).toMatch(/would append to acme-chat-incidents: \{"kind":"update".*"status":"monitoring".*"en":"Monitoring"/);
  expect(dry.stdout).toMatch(/dry run: nothing changed; add --execute to apply/);
  expect((await new IncidentStore(ddb, TABLE, 400).load('2000-01-01T00:00:00Z')).events.map((e) => e.kind)).toEqual(['alarm']);

  const ok = await runCli([...args, ...common(), '--execute'], cleanEnv(MOTO_CREDENTIALS));
  expect(ok.stderr).toBe('');
  expect(ok.code).toBe(0);
  expect(ok.stdout).toMatch(/notices sent: 2/); // the automatic opening notice and this update
  const bad = await runCli(['incident', 'explode'], cleanEnv());
  expect(bad.code).toBe(2);
  expect(bad.stderr.trim()).toBe("contingency: unknown command 'explode'");
  const wrong = await runCli(['incident', 'update', '--status', 'fixed', '--text', 'zh-Hant=x', '--text', 'en=y'], cleanEnv());
  expect(wrong.code).toBe(2);
  expect(wrong.stderr.trim()).toBe('contingency: --status must be one of investigating, identified, monitoring, resolved, got fixed');
});
