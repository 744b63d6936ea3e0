import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { FisClient, GetExperimentCommand, ListExperimentsCommand, ListExperimentTemplatesCommand, StartExperimentCommand, StopExperimentCommand } from '@aws-sdk/client-fis';
import { GetHealthCheckCommand, Route53Client, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { DRILL_FAULTS_TAG_KEY } from '../../../contracts';
import { abortDrill, DrillWords, findTemplate, RunnerConfig, RunnerDeps, safetyFailBack, tick, TickPayload } from '../../../lambdas/drill/runner';
import { drillSettings } from '../../../lib/config/drills';
import type { DrillReport } from '../../../ops/drill/machine';
import { loadedPlan } from '../../helpers/plan';

// The drill runner's AWS FIS steps with mocked clients (moto has no FIS): it finds the plan's
// template by its tag, starts one experiment tagged with the plan, reads it every tick, stops it at
// fail-back or on abort, and the safety net stops only this plan's active experiments.
const { plan } = loadedPlan({ drills: { kind: 'fault-injection', faults: ['lambda-errors'], fis: { lambdaExtension: true } } });
const P = plan.regions.primary;
const S = plan.regions.standby;
const cw = mockClient(CloudWatchClient);
const r53 = mockClient(Route53Client);
const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
// The FIS client comes from an older SDK release than the others; its types differ from the mock's.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fis = mockClient(FisClient as any) as any;

const ALARMS = {
  primaryHealth: { region: 'us-east-1', name: 'primary-health' },
  standbyHealth: { region: 'us-east-1', name: 'standby-health' },
  emergency: [{ region: 'us-east-1', name: `${plan.name}-response-us-east-1-emergency` }],
  burnRate: [{ region: P, name: `${plan.name}-response-primary-severe` }],
  levels: { general: [], important: [{ region: 'us-east-1', name: 'primary-health' }], emergency: [] },
};
const cfg: RunnerConfig = {
  planName: plan.name,
  settings: drillSettings(plan),
  publicName: plan.dns.name,
  targets: { primary: 'd-p.example', standby: 'd-s.example' },
  primaryHealthCheckId: 'hc-primary',
  alarms: ALARMS,
  incidentTable: 'incidents',
  incidentRetentionDays: 400,
  statusBucket: 'status',
  reportBucket: 'reports',
  announceTopicArn: 'arn:aws:sns:us-east-1:111111111111:drills',
  faults: { region: P },
};
const words: DrillWords = {
  languages: ['en'],
  templates: { start: { en: 'start {scenario}: taken out of DNS' }, 'start-faults': { en: 'start-faults {scenario} on {primary}' }, abort: { en: 'abort {condition}: {detail}' }, end: { en: 'end {result}' }, cancelled: { en: 'cancelled {detail}' } },
};
const T0 = Date.parse('2026-03-03T02:30:00Z'); // Tuesday 10:30 in Hong Kong
let clock = T0;
let serving: string = P;
let alarmStates: Record<string, { state: string; since: string }> = {};
let experimentStatus = 'running';
const regions: string[] = [];
const deps: RunnerDeps = {
  route53: new Route53Client({ region: 'us-east-1' }),
  cloudwatch: () => new CloudWatchClient({ region: 'us-east-1' }),
  s3: new S3Client({ region: 'us-east-1' }),
  ddb: new DynamoDBClient({ region: 'us-east-1' }),
  sns: new SNSClient({ region: 'us-east-1' }),
  now: () => new Date(clock).toISOString(),
  probe: { resolve: async () => ['10.0.0.1'], getJson: async () => ({ status: 200, body: { region: serving } }) },
  fis: (region) => {
    regions.push(region);
    return new FisClient({ region });
  },
};
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

beforeEach(() => {
  for (const m of [cw, r53, s3, ddb, sns, fis]) m.reset();
  clock = T0;
  serving = P;
  alarmStates = {};
  experimentStatus = 'running';
  regions.length = 0;
  cw.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames: string[] }) => ({
    MetricAlarms: input.AlarmNames.map((n) => ({ AlarmName: n, StateValue: alarmStates[n]?.state ?? 'OK', StateUpdatedTimestamp: new Date(alarmStates[n]?.since ?? at(-3600)) })),
  }));
  r53.on(GetHealthCheckCommand).resolves({ HealthCheck: { Id: 'hc-primary', CallerReference: 'x', HealthCheckVersion: 1, HealthCheckConfig: { Type: 'HTTPS', Inverted: false } } });
  s3.on(GetObjectCommand).rejects(Object.assign(new Error('no status'), { name: 'NoSuchKey' }));
  s3.on(PutObjectCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(PutCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  fis.on(ListExperimentTemplatesCommand).resolves({
    experimentTemplates: [
      { id: 'EXT-other', tags: { [DRILL_FAULTS_TAG_KEY]: 'another-plan' } },
      { id: 'EXT-plan', tags: { [DRILL_FAULTS_TAG_KEY]: plan.name } },
    ],
  });
  fis.on(StartExperimentCommand).resolves({ experiment: { id: 'EXP-1' } });
  fis.on(GetExperimentCommand).callsFake(() => ({ experiment: { id: 'EXP-1', state: { status: experimentStatus, ...(experimentStatus === 'stopped' ? { reason: 'Experiment halted by stop condition' } : {}) } } }));
  fis.on(StopExperimentCommand).resolves({});
});

async function step(s: number, input: TickPayload) {
  clock = T0 + s * 1000;
  return tick(cfg, deps, words, input);
}

async function toInjected() {
  let p = await step(0, { drillId: 'drill-1' });
  expect(p.state!.phase).toBe('announced');
  p = await step(1, p);
  expect(p.state!.phase).toBe('injected');
  return p;
}

test('inject starts one experiment from the plan template, tagged with the plan, in the primary region; no health check is inverted', async () => {
  const p = await toInjected();
  const starts = fis.commandCalls(StartExperimentCommand);
  expect(starts).toHaveLength(1);
  expect(starts[0].args[0].input).toEqual({ experimentTemplateId: 'EXT-plan', clientToken: 'drill-1', tags: { [DRILL_FAULTS_TAG_KEY]: plan.name, drill: 'drill-1' } });
  expect(p.state!.experimentId).toBe('EXP-1');
  expect(r53.commandCalls(UpdateHealthCheckCommand)).toHaveLength(0);
  expect(new Set(regions)).toEqual(new Set([P]));
  // Operators are told faults are injected, not that DNS moves.
  const start = sns.commandCalls(PublishCommand).map((c) => String(c.args[0].input.Message));
  expect(start).toEqual([`start-faults ${cfg.settings.scenario} on ${P}`]);
});

test('every tick reads the experiment; fail-back stops it; the report carries the experiment and the first page', async () => {
  let p = await toInjected();
  alarmStates['primary-health'] = { state: 'ALARM', since: at(70) };
  p = await step(80, p);
  expect(fis.commandCalls(GetExperimentCommand).map((c: any) => c.args[0].input.id)).toEqual(['EXP-1']);
  serving = S;
  p = await step(100, p);
  expect(p.state!.phase).toBe('holding');
  p = await step(400, p);
  expect(p.state!.phase).toBe('waiting-primary');
  expect(fis.commandCalls(StopExperimentCommand).map((c: any) => c.args[0].input)).toEqual([{ id: 'EXP-1' }]);
  serving = P;
  experimentStatus = 'stopped';
  p = await step(430, p);
  expect(p.finished).toBe(true);
  const json = s3.commandCalls(PutObjectCommand).find((c) => String(c.args[0].input.Key).endsWith('drill-1.json'))!;
  const report = JSON.parse(String(json.args[0].input.Body)) as DrillReport;
  expect(report.live).toMatchObject({ kind: 'fault-injection', faults: ['lambda-errors'], experimentId: 'EXP-1' });
  expect(report.measured.firstPageSeconds).toBe(69);
  expect(report.measured.recoverySeconds).toBe(99);
  expect(report.passed).toBe(true);
});

test('FIS stopped the experiment on a stop condition: the drill aborts and does not stop it twice', async () => {
  let p = await toInjected();
  experimentStatus = 'stopped';
  p = await step(60, p);
  expect(p.state!.abort?.condition).toBe('fis-stop-condition');
  expect(fis.commandCalls(StopExperimentCommand)).toHaveLength(0);
  const abortText = sns.commandCalls(PublishCommand).map((c) => String(c.args[0].input.Message)).find((m) => m.startsWith('abort'));
  expect(abortText).toContain('fis-stop-condition: AWS FIS stopped the experiment EXP-1: Experiment halted by stop condition');
});

test('the template is found by the plan tag only: none or two is an error naming the tag', async () => {
  fis.on(ListExperimentTemplatesCommand).resolves({ experimentTemplates: [{ id: 'EXT-other', tags: { [DRILL_FAULTS_TAG_KEY]: 'another-plan' } }] });
  await expect(findTemplate(cfg, deps)).rejects.toThrow(`expected one FIS experiment template tagged ${DRILL_FAULTS_TAG_KEY}=${plan.name} in ${P}, found 0`);
  fis.reset();
  fis.on(ListExperimentTemplatesCommand).resolvesOnce({ experimentTemplates: [{ id: 'A', tags: { [DRILL_FAULTS_TAG_KEY]: plan.name } }], nextToken: 't' }).resolvesOnce({ experimentTemplates: [{ id: 'B', tags: { [DRILL_FAULTS_TAG_KEY]: plan.name } }] });
  await expect(findTemplate(cfg, deps)).rejects.toThrow('found 2 (A, B)');
});

test('safety net and abort stop only this plan active experiments', async () => {
  fis.on(ListExperimentsCommand).resolves({
    experiments: [
      { id: 'RUN', tags: { [DRILL_FAULTS_TAG_KEY]: plan.name }, state: { status: 'running' } },
      { id: 'DONE', tags: { [DRILL_FAULTS_TAG_KEY]: plan.name }, state: { status: 'completed' } },
      { id: 'OTHER', tags: { [DRILL_FAULTS_TAG_KEY]: 'another-plan' }, state: { status: 'running' } },
      { id: 'UNTAGGED', state: { status: 'initiating' } },
    ],
  });
  expect(await safetyFailBack(cfg, deps)).toEqual({ restored: true, stoppedExperiments: ['RUN'] });
  fis.resetHistory();
  // An abort whose state never recorded the experiment (the runner failed right after starting it).
  const p = await toInjected();
  fis.resetHistory();
  const out = await abortDrill(cfg, deps, words, { drillId: 'drill-1', state: { ...p.state!, experimentId: undefined } }, 'Lambda.Unknown: boom');
  expect(fis.commandCalls(StopExperimentCommand).map((c: any) => c.args[0].input.id)).toEqual(['RUN']);
  expect(out.state!.abort?.condition).toBe('runner-error');
});
