import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateHealthCheckCommand, GetHealthCheckCommand, Route53Client, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { abortDrill, DrillWords, RunnerConfig, RunnerDeps, safetyFailBack, tick, TickPayload } from '../../../lambdas/drill/runner';
import { IncidentStore, publishAll } from '../../../lambdas/incidents/store';
import { recordOutcome } from '../../../lambdas/drill/handler';
import type { DrillReport } from '../../../ops/drill/machine';
import { drillSettings } from '../../../lib/config/drills';
import { incidentTemplates } from '../../../lib/incidents';
import { createPkSkTable, Moto, startMoto } from '../../helpers/moto';
import { loadedPlan } from '../../helpers/plan';

// Each step of the live drill runner against moto_server: Route 53 (the inverted health check),
// CloudWatch alarms in three regions (states set with SetAlarmState), DynamoDB (the incident log),
// S3 (status.json, the reports) and SNS (announcements, read back through SQS). The public name is
// a fake probe; the clock is injected.
const { plan } = loadedPlan();
const P = plan.regions.primary;
const S = plan.regions.standby;
let moto: Moto;
let r53: Route53Client;
let ddb: DynamoDBClient;
let s3: S3Client;
let sns: SNSClient;
let sqs: SQSClient;
const cw = new Map<string, CloudWatchClient>();
let queueUrl: string;
let cfg: RunnerConfig;
let deps: RunnerDeps;
let serving: string | undefined;
let resolvesTo: 'primary' | 'standby';
let clock: number;

const T0 = Date.parse('2026-03-03T02:30:00Z'); // Tuesday 10:30 in Hong Kong, the example plan's window
const setClock = (s: number) => (clock = T0 + s * 1000);
const words: DrillWords = {
  languages: plan.languages,
  templates: Object.fromEntries((['start', 'abort', 'end', 'cancelled'] as const).map((w) => [w, Object.fromEntries(plan.languages.map((l) => [l, plan.words[l][`drill.${w}`]]))])) as DrillWords['templates'],
};
const ALARMS = {
  primaryHealth: { region: 'us-east-1', name: 'primary-health' },
  standbyHealth: { region: 'us-east-1', name: 'standby-health' },
  emergency: [{ region: 'us-east-1', name: 'acme-chat-response-us-east-1-emergency' }],
  burnRate: [
    { region: P, name: 'acme-chat-response-primary-severe' },
    { region: S, name: 'acme-chat-response-standby-severe' },
  ],
  levels: { general: [], important: [{ region: 'us-east-1', name: 'primary-health' }], emergency: [{ region: 'us-east-1', name: 'public-health' }] },
};
const client = (region: string) => cw.get(region) ?? cw.set(region, new CloudWatchClient({ ...moto.clientConfig, region })).get(region)!;
async function setAlarm(a: { region: string; name: string }, state: 'ALARM' | 'OK') {
  await client(a.region).send(new SetAlarmStateCommand({ AlarmName: a.name, StateValue: state, StateReason: 'test' }));
}
async function inverted(): Promise<boolean> {
  return (await r53.send(new GetHealthCheckCommand({ HealthCheckId: cfg.primaryHealthCheckId }))).HealthCheck!.HealthCheckConfig!.Inverted ?? false;
}
async function announcements(): Promise<string[]> {
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
  return (r.Messages ?? []).map((m) => m.Body!);
}
async function getJson(key: string): Promise<any> {
  return JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: 'reports', Key: key }))).Body!.transformToString());
}

beforeAll(async () => {
  moto = await startMoto('us-east-1');
  r53 = new Route53Client(moto.clientConfig);
  ddb = new DynamoDBClient(moto.clientConfig);
  s3 = new S3Client({ ...moto.clientConfig, forcePathStyle: true });
  sns = new SNSClient(moto.clientConfig);
  sqs = new SQSClient(moto.clientConfig);
});
afterAll(async () => {
  [r53, ddb, s3, sns, sqs, ...cw.values()].forEach((c) => c.destroy());
  await moto.stop();
});
beforeEach(async () => {
  await moto.reset();
  cw.clear();
  await createPkSkTable(ddb, 'acme-chat-incidents');
  for (const b of ['status', 'reports']) await s3.send(new CreateBucketCommand({ Bucket: b }));
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'drill-announcements' }))).TopicArn!;
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'announce-copy' }))).QueueUrl!;
  const qArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: qArn, Attributes: { RawMessageDelivery: 'true' } }));
  const hc = await r53.send(
    new CreateHealthCheckCommand({ CallerReference: `p-${Math.random()}`, HealthCheckConfig: { Type: 'HTTPS_STR_MATCH', FullyQualifiedDomainName: 'p.example.com', ResourcePath: '/health', SearchString: 'CHATBOT_HEALTHY', RequestInterval: 10, FailureThreshold: 3 } }),
  );
  for (const a of [ALARMS.primaryHealth, ALARMS.standbyHealth, ...ALARMS.emergency, ...ALARMS.burnRate, ...ALARMS.levels.emergency]) {
    await client(a.region).send(new PutMetricAlarmCommand({ AlarmName: a.name, MetricName: 'M', Namespace: 'N', Statistic: 'Minimum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'LessThanThreshold' }));
    await setAlarm(a, 'OK');
  }
  cfg = {
    planName: plan.name,
    settings: drillSettings(plan),
    publicName: plan.dns.name,
    targets: { primary: 'd-p.execute-api.example', standby: 'd-s.execute-api.example' },
    primaryHealthCheckId: hc.HealthCheck!.Id!,
    alarms: ALARMS,
    incidentTable: 'acme-chat-incidents',
    incidentRetentionDays: 400,
    statusBucket: 'status',
    reportBucket: 'reports',
    announceTopicArn: topicArn,
  };
  serving = P;
  resolvesTo = 'primary';
  setClock(0);
  deps = {
    route53: r53,
    cloudwatch: client,
    s3,
    ddb,
    sns,
    now: () => new Date(clock).toISOString(),
    probe: {
      resolve: async (host) => (host === plan.dns.name ? [resolvesTo === 'primary' ? '10.0.0.1' : '10.0.0.2'] : host.startsWith('d-p') ? ['10.0.0.1'] : ['10.0.0.2']),
      getJson: async () => (serving ? { status: 200, body: { status: 'ok', region: serving } } : { status: 404, body: undefined }),
    },
  };
});

/** Ticks once at `s` seconds; returns the payload for the next tick. */
async function at(s: number, input: TickPayload) {
  setClock(s);
  return tick(cfg, deps, words, input);
}

async function toInjected() {
  let p = await at(0, { drillId: 'drill-1' });
  expect(p.state!.phase).toBe('announced');
  p = await at(1, p);
  expect(p.state!.phase).toBe('injected');
  expect(await inverted()).toBe(true);
  return p;
}

test('a full dns-switch drill: announce in every plan language, invert only the primary check, measure, fail back, report JSON + Markdown', async () => {
  let p = await toInjected();
  const [start] = await announcements();
  for (const l of plan.languages) expect(start).toContain(plan.words[l]['drill.start'].split('{')[0].trim());
  expect(start).toContain(`${cfg.settings.objectiveSeconds}`);
  // Detection: the primary health alarm (important) fires; DNS switches, then the standby answers.
  setClock(40);
  await setAlarm(ALARMS.primaryHealth, 'ALARM');
  resolvesTo = 'standby';
  p = await at(60, p);
  expect(p.state!.phase).toBe('injected');
  serving = S;
  p = await at(75, p);
  expect(p.state!.phase).toBe('holding');
  expect(p.waitSeconds).toBe(15);
  p = await at(75 + cfg.settings.holdSeconds, p);
  expect(p.state!.phase).toBe('waiting-primary');
  expect(await inverted()).toBe(false);
  serving = P;
  resolvesTo = 'primary';
  p = await at(75 + cfg.settings.holdSeconds + 90, p);
  expect(p.finished).toBe(true);
  expect(p.passed).toBe(true);
  const report = (p as { report?: DrillReport }).report!;
  expect(report.measured.recoverySeconds).toBe(74);
  expect(report.measured.failoverSeconds).toBe(59);
  expect(report.measured.detectionSeconds.important).toBeGreaterThanOrEqual(0);
  expect(report.live.timeBackSeconds).toBe(90);
  const stored = await getJson('drills/2026/drill-1.json');
  expect(stored).toEqual(JSON.parse(JSON.stringify(report)));
  const md = await (await s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'drills/2026/drill-1.md' }))).Body!.transformToString();
  expect(md).toContain('result: **PASSED**');
  // The incident log holds the drill's start and end markers.
  const { events } = await new IncidentStore(ddb, 'acme-chat-incidents', 400).load('2026-01-01T00:00:00Z');
  expect(events.filter((e) => e.kind === 'drill').map((e) => (e as { phase: string }).phase)).toEqual(['start', 'end']);
  // Metrics of the outcome.
  const m: Record<string, number> = {};
  recordOutcome(report, true, true, (n, v) => (m[n] = v));
  expect(m).toEqual({ DrillMeasuredRtoSeconds: 74, DrillSucceeded: 1, DrillFailed: 0 });
});

test('preconditions: an open incident (status.json) cancels the drill; the health check is never touched', async () => {
  await s3.send(new PutObjectCommand({ Bucket: 'status', Key: 'status.json', Body: JSON.stringify({ current: { id: 'INC-1' } }) }));
  const p = await at(0, { drillId: 'drill-2' });
  expect(p.state!.phase).toBe('cancelled');
  expect(p.finished).toBe(true);
  expect(p.passed).toBe(false);
  expect(await inverted()).toBe(false);
  expect((await announcements())[0]).toContain('an incident is open');
});

test('preconditions: a primary check left inverted (an earlier drill or operator) cancels the drill', async () => {
  await r53.send(new UpdateHealthCheckCommand({ HealthCheckId: cfg.primaryHealthCheckId, Inverted: true }));
  const p = await at(0, { drillId: 'drill-3' });
  expect(p.state!.unmet!.join()).toMatch(/primary .* is not healthy/);
});

describe('every stop condition aborts and restores the primary check in the same step', () => {
  const cases: [string, () => Promise<void>, number][] = [
    ['standby-unhealthy', () => setAlarm(ALARMS.standbyHealth, 'ALARM'), 30],
    ['emergency-level', () => setAlarm(ALARMS.emergency[0], 'ALARM'), 30],
    ['burn-rate', () => setAlarm(ALARMS.burnRate[1], 'ALARM'), 30],
    ['max-duration', async () => undefined, 1 + 1800],
  ];
  test.each(cases)('%s', async (condition, cause, when) => {
    let p = await toInjected();
    await cause();
    p = await at(when, p);
    expect(p.state!.abort?.condition).toBe(condition);
    expect(p.state!.phase).toBe('waiting-primary');
    expect(await inverted()).toBe(false);
    const texts = await announcements();
    expect(texts.some((t) => t.includes(condition))).toBe(true);
  });
});

test('runner error (Step Functions Catch): the check is restored first, the abort is reported', async () => {
  const p = await toInjected();
  const out = await abortDrill(cfg, deps, words, p, 'Lambda.Unknown: boom');
  expect(await inverted()).toBe(false);
  expect(out.state!.abort?.condition).toBe('runner-error');
  expect(out.finished).toBe(false); // waits for the primary in the next ticks
});

test('safety net (execution failed, timed out or stopped): restores an inverted check, leaves a normal one alone', async () => {
  expect(await safetyFailBack(cfg, deps)).toEqual({ restored: false });
  await r53.send(new UpdateHealthCheckCommand({ HealthCheckId: cfg.primaryHealthCheckId, Inverted: true }));
  expect(await safetyFailBack(cfg, deps)).toEqual({ restored: true });
  expect(await inverted()).toBe(false);
});

test('an alarm missing from its region stops the step with a clear error (the Catch then fails back)', async () => {
  cfg = { ...cfg, alarms: { ...cfg.alarms, burnRate: [{ region: S, name: 'not-deployed' }] } };
  await expect(at(0, { drillId: 'drill-4' })).rejects.toThrow(`alarm not-deployed not found in ${S}: are all the plan's stacks deployed?`);
});

test('incidents opened during a drill are recorded but never published: no current incident on status.json, no customer notice', async () => {
  const p = await toInjected();
  const store = new IncidentStore(ddb, 'acme-chat-incidents', 400);
  // The observer's Failover Observed opens a severe incident while the drill runs.
  await store.append({ kind: 'failover', id: 'failover#x', time: new Date(T0 + 70_000).toISOString(), region: S, detail: 'served by the standby' });
  const topic = (await sns.send(new CreateTopicCommand({ Name: 'notices' }))).TopicArn!;
  const pub = { statusBucket: 'status', reportBucket: 'reports', noticeTopicArn: topic, confirmationMinutes: 15, lookbackDays: 30, historyLength: 5, noticeMaxAgeMinutes: 60 * 24 * 365 * 10, planName: plan.name, templates: incidentTemplates(plan) };
  const r = await publishAll({ store, s3, sns }, pub, new Date(T0 + 80_000).toISOString());
  expect(r.status.current).toBeNull();
  expect(r.noticesSent).toEqual([]);
  expect(p.state!.phase).toBe('injected');
});
