import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createHandler as createIncidentHandler } from '../../lambdas/incidents/handler';
import { IncidentStore, publishAll, PublishConfig } from '../../lambdas/incidents/store';
import { SurveyReader } from '../../lambdas/incidents/survey';
import { createHandler, SurveyRequest } from '../../lambdas/survey/handler';
import type { AlarmStateChangeEvent } from '../../lambdas/incidents/events';
import type { SurveySettings } from '../../contracts';
import { loadedPlan } from '../helpers/plan';
import { incidentEnvironment } from '../helpers/incident-env';
import { createPkSkTable } from '../helpers/moto';

// The survey function against DynamoDB in moto_server, with the incident publisher beside it: an
// incident closes, customers answer (and some abuse it), the post-incident report summarises the
// answers in every plan language and is rendered again when answers arrive after the close.
const { plan } = loadedPlan();
const TABLE = 'acme-chat-incidents';
const SURVEY = 'acme-chat-survey';
const ARN = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:acme-chat-emergency';
const MIN = 60_000;
const T0 = Date.now() - 90 * MIN;
const at = (m: number) => new Date(T0 + m * MIN).toISOString();
let ddb: DynamoDBClient;
let s3: S3Client;
let sns: SNSClient;
let sqs: SQSClient;
let queueUrl: string;
let cfg: PublishConfig;
let incidentId: string;

const settings: SurveySettings = {
  tableName: SURVEY,
  incidentTableName: TABLE,
  languages: [...plan.languages],
  windowDays: 30,
  retentionDays: 365,
  commentMaxLength: 500,
  perAddressPerHour: 3,
  perIncidentPerHour: 8,
};

const alarm = (value: 'ALARM' | 'OK', m: number): AlarmStateChangeEvent => ({
  id: `d-${value}-${m}`,
  source: 'aws.cloudwatch',
  'detail-type': 'CloudWatch Alarm State Change',
  time: at(m),
  region: 'us-east-1',
  resources: [ARN],
  detail: { alarmName: 'acme-chat-emergency', state: { value, reason: `went ${value}`, timestamp: at(m) } },
});

/** A request as CloudFront → API Gateway delivers it: the viewer address in CloudFront-Viewer-Address. */
const post = (incident: string, body: unknown, ip = '198.51.100.7'): SurveyRequest => ({
  httpMethod: 'POST',
  pathParameters: { incident },
  headers: { 'Content-Type': 'application/json', 'CloudFront-Viewer-Address': `${ip}:51234` },
  body: typeof body === 'string' ? body : JSON.stringify(body),
  requestContext: { identity: { sourceIp: '130.176.0.1' } },
});
const outcome = (r: { statusCode: number; body: string }) => ({ status: r.statusCode, ...JSON.parse(r.body) });

async function items(table: string): Promise<Record<string, any>[]> {
  return ((await ddb.send(new ScanCommand({ TableName: table }))).Items ?? []).map((i) => unmarshall(i));
}
async function report(key: string): Promise<string> {
  return (await (await s3.send(new GetObjectCommand({ Bucket: 'report-bucket', Key: key }))).Body!.transformToString());
}

const env = incidentEnvironment({ table: TABLE, statusBucket: 'status-bucket', reportBucket: 'report-bucket', queue: 'notice-copy' });
beforeAll(async () => {
  ({ ddb, s3, sns, sqs } = await env.start());
  let topicArn: string;
  ({ topicArn, queueUrl } = await env.reset());
  await createPkSkTable(ddb, SURVEY);
  cfg = env.publishConfig(topicArn, plan, { pageUrl: 'https://status.chat.example.com', surveyTable: SURVEY });
  // An incident that opened 90 min ago and closed (recovery held 15 min) 60 min ago.
  const h = createIncidentHandler({ tableName: TABLE, retentionDays: 400, alarmLevels: [{ arn: ARN, level: 'emergency' }], publish: cfg }, { ddb, s3, sns });
  await h(alarm('ALARM', 0));
  await h(alarm('OK', 15));
  const r = await publishAll({ store: new IncidentStore(ddb, TABLE, 400), s3, sns, survey: new SurveyReader(ddb, SURVEY) }, cfg);
  incidentId = r.incidents[0].id;
  expect(r.incidents[0].phase).toBe('closed');
});
afterAll(() => env.stop());

const survey = (now = new Date()) => createHandler(settings, ddb, () => now);

test('the resolved notice links the survey in every plan language', async () => {
  const msgs = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }))).Messages ?? [];
  const resolved = msgs.map((m) => m.Body!).find((b) => b.includes(plan.incidents.resolvedMessage.en))!;
  for (const lang of plan.languages) {
    expect(resolved).toContain(`${plan.words[lang]['survey.link']}: https://status.chat.example.com/survey.html?incident=${encodeURIComponent(incidentId)}&lang=${lang}`);
  }
});

test('the first report has the survey section with no answers yet, in every plan language', async () => {
  const text = await report(`reports/${at(0).slice(0, 4)}/${incidentId}.md`);
  for (const lang of plan.languages) {
    expect(text).toContain(plan.words[lang]['survey.report']);
    expect(text).toContain(plan.words[lang]['survey.none']);
  }
  expect(text).toMatch(/: 0\n/);
});

test('answers are stored with the rating, comment, language and a TTL of the retention; no address anywhere', async () => {
  const now = new Date();
  expect(outcome(await survey(now)(post(incidentId, { rating: 5, comment: 'Agents answered fast', lang: 'en' }, '203.0.113.1')))).toEqual({ status: 201, outcome: 'recorded' });
  expect(outcome(await survey(now)(post(incidentId, { rating: 2, lang: 'zh-Hant' }, '203.0.113.2')))).toEqual({ status: 201, outcome: 'recorded' });
  const all = await items(SURVEY);
  const answers = all.filter((i) => i.pk === `ANSWER#${incidentId}`);
  expect(answers.map((a) => a.rating).sort()).toEqual([2, 5]);
  const withComment = answers.find((a) => a.rating === 5)!;
  expect(withComment).toMatchObject({ comment: 'Agents answered fast', lang: 'en' });
  expect(withComment.expiresAt).toBe(Math.floor(now.getTime() / 1000) + 365 * 86400);
  const text = JSON.stringify(all);
  expect(text).not.toContain('203.0.113');
  expect(text).not.toContain('130.176');
  // Rate-limit counters expire within hours; the salt that keys them within two days.
  for (const limit of all.filter((i) => i.pk.startsWith('LIMIT#'))) expect(limit.expiresAt - Math.floor(now.getTime() / 1000)).toBeLessThanOrEqual(2 * 3600);
  const salt = all.find((i) => i.pk === 'SALT')!;
  expect(salt.expiresAt - Math.floor(now.getTime() / 1000)).toBeLessThanOrEqual(2 * 86400);
});

test('a flood from one address: the per-address limit answers 429 and stores nothing more', async () => {
  const h = survey();
  const before = (await items(SURVEY)).filter((i) => i.pk.startsWith('ANSWER#')).length;
  const results = [];
  for (let i = 0; i < 6; i++) results.push(outcome(await h(post(incidentId, { rating: 4, lang: 'en' }, '192.0.2.55'))));
  expect(results.map((r) => r.status)).toEqual([201, 201, 201, 429, 429, 429]);
  expect(results[5].outcome).toBe('limited');
  const after = (await items(SURVEY)).filter((i) => i.pk.startsWith('ANSWER#')).length;
  expect(after - before).toBe(3);
});

test('many addresses: the per-incident limit caps the hour however many addresses send', async () => {
  const h = survey();
  const results = [];
  // 5 answers so far this hour; the incident allows 8.
  for (let i = 0; i < 5; i++) results.push(outcome(await h(post(incidentId, { rating: 3, lang: 'en' }, `192.0.2.${100 + i}`))).status);
  expect(results).toEqual([201, 201, 201, 429, 429]);
});

test('malformed, oversize and out-of-range bodies are refused with the rule, and never stored', async () => {
  const h = createHandler({ ...settings, perAddressPerHour: 100, perIncidentPerHour: 1000 }, ddb);
  const before = (await items(SURVEY)).length;
  const cases: [unknown, RegExp][] = [
    ['{not json', /must be JSON/],
    ['[1,2]', /JSON object/],
    [{ rating: 0 }, /rating must be a whole number from 1 to 5/],
    [{ rating: 6 }, /from 1 to 5/],
    [{ rating: 3.5 }, /from 1 to 5/],
    [{ rating: '5' }, /from 1 to 5/],
    [{ rating: 4, comment: 'x'.repeat(501) }, /comment must be at most 500 characters/],
    [{ rating: 4, comment: 42 }, /comment must be text/],
    [{ rating: 4, email: 'a@example.com', name: 'A' }, /no personal data.*email, name/],
    [JSON.stringify({ rating: 4, comment: 'y'.repeat(9000) }), /at most 8192 bytes/],
  ];
  for (const [body, rule] of cases) {
    const r = outcome(await h(post(incidentId, body, '192.0.2.200')));
    expect(r.status).toBe(400);
    expect(r.outcome).toBe('invalid');
    expect(r.problems.join('; ')).toMatch(rule);
  }
  expect((await items(SURVEY)).length).toBe(before);
});

test('unknown incidents, open incidents and answers after the window are refused', async () => {
  const h = createHandler({ ...settings, perAddressPerHour: 100, perIncidentPerHour: 1000 }, ddb);
  expect(outcome(await h(post('INC-19990101T0000Z', { rating: 5 })))).toMatchObject({ status: 404, outcome: 'closed' });
  expect(outcome(await h(post('../../etc', { rating: 5 })))).toMatchObject({ status: 404, outcome: 'closed' });
  // A second incident, still open: no survey yet.
  const inc = createIncidentHandler({ tableName: TABLE, retentionDays: 400, alarmLevels: [{ arn: ARN, level: 'emergency' }], publish: cfg }, { ddb, s3, sns });
  await inc(alarm('ALARM', 80));
  const open = (await publishAll({ store: new IncidentStore(ddb, TABLE, 400), s3, sns }, cfg)).incidents.find((i) => i.phase !== 'closed')!;
  expect(outcome(await h(post(open.id, { rating: 5 })))).toMatchObject({ status: 404, outcome: 'closed' });
  // 31 days after the first incident closed: the window is over.
  const late = createHandler({ ...settings, perAddressPerHour: 100, perIncidentPerHour: 1000 }, ddb, () => new Date(Date.now() + 31 * 86400_000));
  expect(outcome(await late(post(incidentId, { rating: 5 })))).toMatchObject({ status: 410, outcome: 'closed' });
});

test('HTML in a comment is stored as typed and made inert in the report, which is re-rendered with the late answers', async () => {
  const h = createHandler({ ...settings, perAddressPerHour: 100, perIncidentPerHour: 1000 }, ddb);
  const evil = '<img src=x onerror=alert(1)> [click](javascript:alert(2)) | cell';
  expect(outcome(await h(post(incidentId, { rating: 1, comment: evil, lang: 'zh-Hant' }, '192.0.2.250'))).status).toBe(201);
  const stored = (await items(SURVEY)).find((i) => i.comment === evil);
  expect(stored).toBeDefined();

  const store = new IncidentStore(ddb, TABLE, 400);
  const r = await publishAll({ store, s3, sns, survey: new SurveyReader(ddb, SURVEY) }, cfg);
  const key = `reports/${at(0).slice(0, 4)}/${incidentId}.md`;
  expect(r.reportsRerendered).toEqual([key]);
  const text = await report(key);
  // Answers: 2 (first test) + 3 (flood) + 3 (many addresses) + 1 now = 9; ratings 5,2,4,4,4,3,3,3,1.
  const answers = (await items(SURVEY)).filter((i) => i.pk === `ANSWER#${incidentId}`);
  expect(answers).toHaveLength(9);
  const avg = (answers.reduce((s, a) => s + a.rating, 0) / answers.length).toFixed(2);
  expect(avg).toBe('3.22');
  for (const lang of plan.languages) {
    expect(text).toContain(plan.words[lang]['survey.answers']);
    expect(text).toContain(plan.words[lang]['survey.average']);
  }
  expect(text).toMatch(new RegExp(`${plan.words.en['survey.answers']}: 9\\n`));
  expect(text).toMatch(new RegExp(`${plan.words.en['survey.average']}: 3\\.22\\n`));
  expect(text).toContain('| 1 | 1 | 3 | 3 | 1 |');
  expect(text).toContain('Agents answered fast');
  expect(text).not.toContain('<img');
  expect(text).toContain('&lt;img src=x onerror=alert\\(1\\)&gt; \\[click\\]\\(javascript:alert\\(2\\)\\) \\| cell');
  // Nothing new: the next run leaves the report alone.
  expect((await publishAll({ store, s3, sns, survey: new SurveyReader(ddb, SURVEY) }, cfg)).reportsRerendered).toEqual([]);
});
