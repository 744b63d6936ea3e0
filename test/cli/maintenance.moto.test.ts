import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { IncidentStore, publishAll, PublishConfig } from '../../lambdas/incidents/store';
import { MaintenanceOptions, runMaintenance } from '../../cli/commands/maintenance';
import { incidentTemplates } from '../../lib/incidents';
import { maintenanceSuppressors } from '../../lib/alerting';
import { loadedPlan } from '../helpers/plan';
import { cleanEnv, MOTO_CREDENTIALS, runCli } from '../helpers/cli';
import { IncidentClients, incidentEnvironment } from '../helpers/incident-env';

// `contingency maintenance` against DynamoDB in moto_server, then the publisher reading what it
// wrote: the window on status.json, its suppressor alarms set in CloudWatch (moto), cancel undoing it.
const TABLE = 'acme-chat-incidents';
const { plan } = loadedPlan();
let c: IncidentClients;
let cw: CloudWatchClient;
let cfg: PublishConfig;
const env = incidentEnvironment({ table: TABLE, statusBucket: 'status', reportBucket: 'reports', queue: 'copy' });
const suppressors = maintenanceSuppressors(plan.name, { 'us-east-1': 'us-east-1', primary: 'us-east-1', standby: 'us-east-1' });
const NOW = new Date();
const inMin = (m: number) => new Date(NOW.getTime() + m * 60_000);
const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');
const ADD: MaintenanceOptions = {
  id: 'db-upgrade',
  start: iso(inMin(60)),
  end: iso(inMin(180)),
  title: ['zh-Hant=資料庫升級', 'en=Database upgrade'],
  message: ['zh-Hant=或會短暫中斷', 'en=May pause briefly'],
  levels: 'severe,general',
  regions: 'primary',
};
const run = (action: 'add' | 'list' | 'cancel', o: MaintenanceOptions, now = NOW) => runMaintenance(action, { endpointUrl: c.moto.endpoint, ...o }, () => c.ddb, now);
const status = async () => JSON.parse(await (await c.s3.send(new GetObjectCommand({ Bucket: 'status', Key: 'status.json' }))).Body!.transformToString());
const publish = (now: Date) => publishAll({ store: new IncidentStore(c.ddb, TABLE, 400), s3: c.s3, sns: c.sns, cloudwatch: () => cw }, cfg, now.toISOString());
const stateOf = async (name: string) => (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms![0].StateValue;

beforeAll(async () => {
  c = await env.start();
  cw = new CloudWatchClient(c.moto.clientConfig);
});
afterAll(async () => {
  cw?.destroy();
  await env.stop();
});
beforeEach(async () => {
  const { topicArn } = await env.reset();
  for (const s of suppressors) {
    await cw.send(new PutMetricAlarmCommand({ AlarmName: s.alarmName, Namespace: 'Contingency/Maintenance', MetricName: 'WindowActive', Statistic: 'Maximum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'ignore', ActionsEnabled: false }));
  }
  cfg = { statusBucket: 'status', reportBucket: 'reports', noticeTopicArn: topicArn, confirmationMinutes: 15, lookbackDays: 30, historyLength: 5, noticeMaxAgeMinutes: 60, planName: plan.name, templates: incidentTemplates(plan), suppressors };
});

test('add is a dry run without --execute: it prints the window in UTC and writes nothing', async () => {
  const out = await run('add', { ...ADD, start: '2030-01-05T02:00', end: '2030-01-05T04:00' });
  expect(out).toContain('would add to acme-chat-incidents: {"id":"db-upgrade","start":"2030-01-04T18:00:00.000Z","end":"2030-01-04T20:00:00.000Z","timeZone":"Asia/Hong_Kong"');
  expect(out).toContain('dry run: nothing changed; add --execute to apply');
  expect(await new IncidentStore(c.ddb, TABLE, 400).loadMaintenance()).toEqual([]);
});

test('add → shown ahead on the page; while it runs the named suppressors are in ALARM and the others OK; cancel → gone, OK again', async () => {
  expect(await run('add', { ...ADD, execute: true })).toMatch(/^added db-upgrade: .* muted severe, general in primary/);
  await expect(run('add', { ...ADD, execute: true })).rejects.toThrow(/a window "db-upgrade" is already in acme-chat-incidents/);
  expect(await run('list', {})).toMatch(/^db-upgrade \[cli\] .* · levels severe,general · regions primary · 資料庫升級$/);

  await publish(NOW);
  const ahead = (await status()).maintenance;
  expect(ahead).toEqual([expect.objectContaining({ id: 'db-upgrade', active: false, title: { 'zh-Hant': '資料庫升級', en: 'Database upgrade' } })]);
  for (const s of suppressors) expect(await stateOf(s.alarmName)).toBe('OK');

  const during = inMin(61);
  const r = await publish(during);
  expect((await status()).maintenance[0].active).toBe(true);
  expect(r.suppressorsSet.filter((x) => x.endsWith('=ALARM'))).toHaveLength(2);
  expect(await stateOf('acme-chat-maintenance-primary-severe')).toBe('ALARM');
  expect(await stateOf('acme-chat-maintenance-primary-general')).toBe('ALARM');
  expect(await stateOf('acme-chat-maintenance-standby-severe')).toBe('OK');
  expect(await stateOf('acme-chat-maintenance-us-east-1-emergency')).toBe('OK');

  expect(await run('cancel', { id: 'db-upgrade' }, during)).toMatch(/^would cancel db-upgrade \(cli\)/);
  expect(await run('cancel', { id: 'db-upgrade', execute: true }, during)).toBe('cancelled db-upgrade: off the status page within a minute; its alarms page again');
  await publish(inMin(62));
  expect((await status()).maintenance).toEqual([]);
  expect(await stateOf('acme-chat-maintenance-primary-severe')).toBe('OK');
  expect(await run('list', {}, inMin(62))).toBe('no maintenance window ahead or running');
  await expect(run('cancel', { id: 'nothing-here', execute: true })).rejects.toThrow(/no window "nothing-here" in force/);
});

test('through the real binary: bad options are one line and exit 2; list needs no --execute', async () => {
  const bad = await runCli(['maintenance', 'add', '--id', 'x', '--start', 'soon', '--end', '2030-01-01T01:00', '--title', 'en=Upgrade'], cleanEnv());
  expect(bad.code).toBe(2);
  expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  expect(bad.stderr).toContain('--start must be a time such as 2026-12-20T02:00 (in Asia/Hong_Kong; --time-zone to change)');
  expect(bad.stderr).toContain('--title is needed once per plan language (zh-Hant, en); missing zh-Hant');
  const unknown = await runCli(['maintenance', 'add', '--when', 'now'], cleanEnv());
  expect(unknown.code).toBe(2);
  expect(unknown.stderr.trim()).toBe("contingency: unknown option '--when'");
  const list = await runCli(['maintenance', 'list', '--endpoint-url', c.moto.endpoint], cleanEnv(MOTO_CREDENTIALS));
  expect(list.stderr).toBe('');
  expect(list.code).toBe(0);
  expect(list.stdout.trim()).toBe('no maintenance window ahead or running');
  const help = await runCli(['maintenance', 'add', '--help'], cleanEnv());
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('--execute');
});
