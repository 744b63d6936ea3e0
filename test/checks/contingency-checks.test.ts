import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CUSTOMER_DATA, DATA_CLASS_TAG_KEY, WARNING_LEVEL_TAG_KEY } from '../../contracts/names';
import { LEVEL_TAG } from '../../lib/alerting/alerting';
import { CHECKS_RESULTS_FILE, ContingencyChecks, evaluateRules, readAssembly, readChecksResults, RULES, RuleResult } from '../../lib';
import { synthPlan } from '../helpers/synth';

// A team's own app with the rule pack added the documented way, built right (every rule passes)
// and then broken one clause at a time (that rule fails, naming the resource).

type Break =
  | 'pitr'
  | 'selection'
  | 'copy'
  | 'tableKms'
  | 'alarmLevel'
  | 'alarmAction'
  | 'topicKms'
  | 'topicTls'
  | 'topicDenyOther'
  | 'healthCheck'
  | 'logRetention';

interface Built {
  readonly app: App;
  readonly pack: ContingencyChecks;
  readonly error?: string;
}

function teamApp(breaks: Break[] = [], opts: { rtoSeconds?: number; acknowledgeLevel?: boolean } = {}): Built {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-test-'));
  const app = new App({ outdir });
  const has = (b: Break) => breaks.includes(b);
  const stack = new Stack(app, 'Team', { env: { account: '111111111111', region: 'ap-southeast-1' } });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });

  const table = new dynamodb.TableV2(stack, 'Conversations', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    replicas: [{ region: 'ap-northeast-1' }],
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: !has('pitr') },
    ...(has('tableKms') ? {} : { encryption: dynamodb.TableEncryptionV2.customerManagedKey(key, { 'ap-northeast-1': 'arn:aws:kms:ap-northeast-1:111111111111:key/replica' }) }),
  });
  Tags.of(table).add(DATA_CLASS_TAG_KEY, CUSTOMER_DATA);
  const plan = new backup.BackupPlan(stack, 'Backups');
  plan.addRule(
    new backup.BackupPlanRule({
      ruleName: 'Daily',
      scheduleExpression: backup.BackupPlanRule.daily().props.scheduleExpression,
      deleteAfter: Duration.days(35),
      copyActions: has('copy') ? [] : [{ destinationBackupVault: backup.BackupVault.fromBackupVaultArn(stack, 'Far', 'arn:aws:backup:ap-northeast-1:111111111111:backup-vault:far'), deleteAfter: Duration.days(35) }],
    }),
  );
  if (!has('selection')) plan.addSelection('Tables', { resources: [backup.BackupResource.fromArn(table.tableArn)] });

  const topic = new sns.Topic(stack, 'Important', { ...(has('topicKms') ? {} : { masterKey: key }), enforceSSL: !has('topicTls') && !has('topicDenyOther') });
  // A Deny statement that is not about TLS must not count as TLS-only.
  if (has('topicDenyOther')) {
    topic.addToResourcePolicy(
      new iam.PolicyStatement({ effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ['sns:Publish'], resources: [topic.topicArn], conditions: { StringNotEquals: { 'aws:SourceAccount': '111111111111' } } }),
    );
  }
  const metric = (name: string) => new cw.Metric({ namespace: 'Team', metricName: name, period: Duration.minutes(1) });
  const paging = new cw.Alarm(stack, 'Errors', { metric: metric('Errors'), threshold: 1, evaluationPeriods: 1 });
  paging.addAlarmAction(new cwActions.SnsAction(topic));
  const input = new cw.Alarm(stack, 'Latency', { metric: metric('Latency'), threshold: 1, evaluationPeriods: 1 });
  const lonely = new cw.Alarm(stack, 'Throttles', { metric: metric('Throttles'), threshold: 1, evaluationPeriods: 1 });
  if (!has('alarmAction')) lonely.addAlarmAction(new cwActions.SnsAction(topic));
  // A maintenance switch: the composite's actions suppressor, with no level and no action by design.
  const maintenance = new cw.Alarm(stack, 'MaintenanceSwitch', { metric: metric('Maintenance'), threshold: 1, evaluationPeriods: 1, actionsEnabled: false });
  const composite = new cw.CompositeAlarm(stack, 'Outage', { alarmRule: cw.AlarmRule.allOf(paging, input), actionsSuppressor: maintenance });
  composite.addAlarmAction(new cwActions.SnsAction(topic));
  for (const a of [paging, input, composite]) Tags.of(a).add(WARNING_LEVEL_TAG_KEY, 'important');
  if (!has('alarmLevel')) Tags.of(lonely).add(WARNING_LEVEL_TAG_KEY, 'general');
  if (opts.acknowledgeLevel) Validations.of(lonely).acknowledge({ id: 'CC-4.2.3-AlarmLevel', reason: 'a test acknowledgement' });

  new logs.LogGroup(stack, 'Logs', { retention: has('logRetention') ? logs.RetentionDays.INFINITE : logs.RetentionDays.ONE_MONTH });

  const dns = new Stack(app, 'TeamDns', { env: { account: '111111111111', region: 'us-east-1' } });
  const zone = new route53.PublicHostedZone(dns, 'Zone', { zoneName: 'example.net' });
  const check = new route53.CfnHealthCheck(dns, 'Check', {
    healthCheckConfig: { type: 'HTTPS', fullyQualifiedDomainName: 'primary.example.net', resourcePath: '/health', requestInterval: 10, failureThreshold: 3 },
  });
  new route53.CfnRecordSet(dns, 'Primary', {
    hostedZoneId: zone.hostedZoneId,
    name: 'chat.example.net',
    type: 'CNAME',
    ttl: '60',
    setIdentifier: 'primary',
    failover: 'PRIMARY',
    resourceRecords: ['primary.example.net'],
    ...(has('healthCheck') ? {} : { healthCheckId: check.attrHealthCheckId }),
  });
  new route53.CfnRecordSet(dns, 'Secondary', {
    hostedZoneId: zone.hostedZoneId,
    name: 'chat.example.net',
    type: 'CNAME',
    ttl: '60',
    setIdentifier: 'secondary',
    failover: 'SECONDARY',
    resourceRecords: ['standby.example.net'],
  });

  const pack = new ContingencyChecks({ rtoSeconds: opts.rtoSeconds ?? 15 * 60 });
  Validations.of(app).addPlugins(pack);
  try {
    app.synth();
    return { app, pack };
  } catch (e) {
    return { app, pack, error: (e as Error).message };
  }
}

const byId = (results: RuleResult[]) => Object.fromEntries(results.map((r) => [r.id, r]));

describe('ContingencyChecks in a team\'s own app', () => {
  const good = teamApp();

  test('a well-built app passes every rule, and synth succeeds', () => {
    expect(good.error).toBeUndefined();
    const results = byId(good.pack.lastResults);
    expect(Object.keys(results).sort()).toEqual(RULES.map((r) => r.id).sort());
    for (const r of good.pack.lastResults) expect({ id: r.id, status: r.status, findings: r.findings }).toEqual({ id: r.id, status: 'pass', findings: [] });
    expect(results['CC-4.3-AlarmAction'].checked).toBe(4); // three alarms and the composite
  });

  test('results are written into the cloud assembly for the plan document', () => {
    const file = readChecksResults(good.app.outdir)!;
    expect(file.pack).toBe('ContingencyChecks');
    expect(file.options).toEqual({ rtoSeconds: 900 });
    expect(file.results.map((r) => [r.id, r.status])).toEqual(good.pack.lastResults.map((r) => [r.id, 'pass']));
    // The same rules run on the assembly folder without the CDK give the same answer.
    expect(evaluateRules(readAssembly(good.app.outdir), { rtoSeconds: 900 }).map((r) => [r.id, r.status])).toEqual(file.results.map((r) => [r.id, r.status]));
  });

  const cases: [Break | 'rto', string, RegExp][] = [
    ['pitr', 'CC-6.2.1-PITR', /^Conversations/],
    ['selection', 'CC-6.2.1-BackupSelection', /^Conversations/],
    ['copy', 'CC-6.2.1-CrossRegionCopy', /^Conversations/],
    ['tableKms', 'CC-7.3-TableKms', /^Conversations/],
    ['alarmLevel', 'CC-4.2.3-AlarmLevel', /^Throttles/],
    ['alarmAction', 'CC-4.3-AlarmAction', /^Throttles/],
    ['topicKms', 'CC-7.3-TopicKms', /^Important/],
    ['topicTls', 'CC-7.3-TopicTls', /^Important/],
    ['topicDenyOther', 'CC-7.3-TopicTls', /^Important/],
    ['healthCheck', 'CC-5.3.2-FailoverHealthCheck', /^Primary/],
    ['logRetention', 'CC-6.1-LogRetention', /^Logs/],
    ['rto', 'CC-1.2.2-RTO', /^Check/],
  ];
  test.each(cases)('broken %s: %s fails, names the resource, and synth fails', (broken, ruleId, resource) => {
    const built = broken === 'rto' ? teamApp([], { rtoSeconds: 60 }) : teamApp([broken]);
    const result = byId(built.pack.lastResults)[ruleId];
    expect(result.status).toBe('fail');
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0].logicalId).toMatch(resource);
    expect(built.error).toContain(`Acknowledge with 'ContingencyChecks::${ruleId}'`);
    const failing = built.pack.lastResults.filter((r) => r.status === 'fail').map((r) => r.id);
    // Only the broken clause fails (a PRIMARY record without a health check also cannot be timed).
    expect(failing).toEqual(broken === 'healthCheck' ? ['CC-5.3.2-FailoverHealthCheck', 'CC-1.2.2-RTO'] : [ruleId]);
  });

  test('RTO finding says the modelled time and the objective: 10 s × 3 + 6 s probe + 60 s TTL = 96 s > 60 s', () => {
    const built = teamApp([], { rtoSeconds: 60 });
    expect(byId(built.pack.lastResults)['CC-1.2.2-RTO'].findings[0].message).toMatch(/can take 96 s, more than the objective of 60 s/);
    expect(byId(teamApp([], { rtoSeconds: 96 }).pack.lastResults)['CC-1.2.2-RTO'].status).toBe('pass');
  });

  test('a finding acknowledged like a cdk-nag one passes and is listed with its reason', () => {
    const built = teamApp(['alarmLevel'], { acknowledgeLevel: true });
    expect(built.error).toBeUndefined();
    const r = byId(built.pack.lastResults)['CC-4.2.3-AlarmLevel'];
    expect(r.status).toBe('pass');
    expect(r.acknowledged).toEqual([expect.objectContaining({ logicalId: expect.stringMatching(/^Throttles/), reason: 'a test acknowledgement' })]);
  });

  test('without an objective the RTO rule is not applicable rather than passing', () => {
    expect(evaluateRules(readAssembly(good.app.outdir)).find((r) => r.id === 'CC-1.2.2-RTO')!.status).toBe('not-applicable');
  });
});

describe('the project\'s own synth runs the pack on the example plan', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = synthPlan().app.synth().directory;
  });

  test('every rule passes; only the notifier\'s self-monitoring alarms are acknowledged, with the reason', () => {
    const file = readChecksResults(outdir)!;
    expect(file).toBeDefined();
    expect(file.options.rtoSeconds).toBe(15 * 60);
    for (const r of file.results) expect({ id: r.id, status: r.status, findings: r.findings }).toEqual({ id: r.id, status: 'pass', findings: [] });
    const results = byId(file.results);
    expect(results['CC-6.2.1-PITR'].checked).toBe(1); // the chatbot table holds customer data
    const acks = results['CC-4.2.3-AlarmLevel'].acknowledged;
    expect(acks.map((a) => a.logicalId.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(
      ['global', 'primary', 'standby'].flatMap(() => ['AlertingNotifierDeadLetterDepth', 'AlertingNotifierDeliveryFailures', 'AlertingNotifierHeartbeat']).sort(),
    );
    expect(acks[0].reason).toMatch(/direct topic, outside the warning levels/);
    expect(Object.values(results).flatMap((r) => r.acknowledged.map(() => r.id))).toEqual(acks.map(() => 'CC-4.2.3-AlarmLevel'));
    expect(fs.existsSync(path.join(outdir, CHECKS_RESULTS_FILE))).toBe(true);
  });
});

test('the level tag the rule reads is the one the alerting puts on alarms', () => {
  expect(LEVEL_TAG).toBe(WARNING_LEVEL_TAG_KEY);
});
