import { Template } from 'aws-cdk-lib/assertions';
import { canaryProbes, sha256 } from '../../lib/config/canaries';
import * as fs from 'fs';
import { CANARY_HANDLER, CANARY_RUNTIME, CANARY_SCRIPT } from '../../lib/canaries';
import { readAlarmRegistry } from '../../lib/alerting/registry';
import { synthPlan } from '../helpers/synth';
import { loadedPlan } from '../helpers/plan';

// The conversation canaries in the synthesized example app (synthesized once for the file): one per
// chatbot region on its own name, one on the public name in us-east-1.
const { plan } = loadedPlan();
const syn = synthPlan();
const registry = readAlarmRegistry(syn.app.synth());

const only = (t: Template, type: string): [string, any] => {
  const all = Object.entries(t.findResources(type));
  expect(all).toHaveLength(1);
  return all[0] as [string, any];
};
const config = (t: Template) => JSON.parse(only(t, 'AWS::Synthetics::Canary')[1].Properties.RunConfig.EnvironmentVariables.CANARY_CONFIG);

const cases = [
  { where: 'primary', stack: syn.stacks.primary.stackName, t: syn.templates.primary, url: `https://${plan.regions.primary}.${plan.dns.name}/chat`, regions: [plan.regions.primary], level: 'important' },
  { where: 'standby', stack: syn.stacks.standby.stackName, t: syn.templates.standby, url: `https://${plan.regions.standby}.${plan.dns.name}/chat`, regions: [plan.regions.standby], level: 'important' },
  { where: 'failover (public name)', stack: syn.stacks.failover.stackName, t: syn.templates.failover, url: `https://${plan.dns.name}/chat`, regions: [plan.regions.primary, plan.regions.standby], level: 'emergency' },
] as const;

describe.each(cases)('conversation canary: $where', ({ stack, t, url, regions, level }) => {
  const [canaryId, canary] = only(t, 'AWS::Synthetics::Canary');

  test('hourly by default, newest plain Node.js runtime, the script inline, one retry', () => {
    expect(canary.Properties.Schedule).toMatchObject({ Expression: 'rate(60 minutes)', RetryConfig: { MaxRetries: 1 } });
    expect(canary.Properties.RuntimeVersion).toBe(CANARY_RUNTIME.name);
    expect(CANARY_RUNTIME.name).toBe('syn-nodejs-3.1');
    expect(canary.Properties.Code.Handler).toBe(CANARY_HANDLER);
    // The script itself, inline (so a packed package and a git clone carry it), exporting the handler.
    expect(canary.Properties.Code.Script).toBe(fs.readFileSync(CANARY_SCRIPT, 'utf8'));
    expect(canary.Properties.Code.Script).toMatch(/module\.exports = \{[^}]*handler: /);
    expect(canary.Properties.RunConfig.TimeoutInSeconds).toBe(plan.canaries.timeoutSeconds);
    expect(canary.Properties.Name.length).toBeLessThanOrEqual(21);
  });

  test('talks to its own name and checks each plan language against the FAQ answer', () => {
    const c = config(t);
    expect(c.url).toBe(url);
    expect(c.regions).toEqual(regions);
    expect(c.probes.map((p: { lang: string }) => p.lang)).toEqual(plan.languages);
    for (const p of c.probes) expect(p.answerSha256).toBe(sha256(plan.knowledgeBase[0].texts[p.lang].answer));
    // Each turn gets an equal share of the run's time after the overhead.
    expect(c.timeoutMs).toBe(Math.floor(((plan.canaries.timeoutSeconds - 5) * 1000) / plan.languages.length));
  });

  test('artifacts bucket: encrypted, TLS only, no public access, expiring, access-logged; the canary writes there', () => {
    const bucketRef = canary.Properties.ArtifactS3Location['Fn::Join'][1][1].Ref as string;
    const bucket = t.toJSON().Resources[bucketRef].Properties;
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.LifecycleConfiguration.Rules).toEqual(expect.arrayContaining([expect.objectContaining({ ExpirationInDays: plan.canaries.artifactRetentionDays, Status: 'Enabled' })]));
    expect(bucket.LoggingConfiguration.DestinationBucketName.Ref).toBeDefined();
    const policies = Object.values<any>(t.findResources('AWS::S3::BucketPolicy')).filter((p) => p.Properties.Bucket.Ref === bucketRef);
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
    );
    expect(canary.Properties.SuccessRetentionPeriod).toBe(plan.canaries.artifactRetentionDays);
    expect(canary.Properties.FailureRetentionPeriod).toBe(plan.canaries.artifactRetentionDays);
  });

  test('role: its own bucket, its own log groups, the Synthetics metric namespace, nothing else', () => {
    const roleId = canary.Properties.ExecutionRoleArn['Fn::GetAtt'][0] as string;
    const role = t.toJSON().Resources[roleId];
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'lambda.amazonaws.com' });
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = Object.values<any>(t.findResources('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const byAction = Object.fromEntries(statements.map((s) => [[s.Action].flat().join(','), s]));
    expect(Object.keys(byAction).sort()).toEqual(['cloudwatch:PutMetricData', 'logs:CreateLogGroup,logs:CreateLogStream,logs:PutLogEvents', 's3:GetBucketLocation', 's3:ListAllMyBuckets', 's3:PutObject']);
    const bucketRef = canary.Properties.ArtifactS3Location['Fn::Join'][1][1].Ref as string;
    expect(JSON.stringify(byAction['s3:PutObject'].Resource)).toContain(`"${bucketRef}","Arn"`);
    expect(byAction['cloudwatch:PutMetricData'].Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': 'CloudWatchSynthetics' } });
    const logs = JSON.stringify(byAction['logs:CreateLogGroup,logs:CreateLogStream,logs:PutLogEvents'].Resource);
    expect(logs).toContain(`log-group:/aws/lambda/cwsyn-${canary.Properties.Name}-*`);
    expect(statements.every((s) => s.Effect === 'Allow' && !String(s.Action).includes('*'))).toBe(true);
  });

  test(`alarm: fails below 100 % success in one run, joins the ${level} level both ways, in the registry`, () => {
    const alarms = Object.entries<any>(t.findResources('AWS::CloudWatch::Alarm')).filter(([, a]) => a.Properties.Namespace === 'CloudWatchSynthetics');
    expect(alarms).toHaveLength(1);
    const [alarmId, alarm] = alarms[0];
    expect(alarm.Properties).toMatchObject({ MetricName: 'SuccessPercent', Threshold: 100, ComparisonOperator: 'LessThanThreshold', EvaluationPeriods: 1, Period: 3600, TreatMissingData: 'ignore' });
    expect(alarm.Properties.Dimensions).toEqual([{ Name: 'CanaryName', Value: { Ref: canaryId } }]);
    const actions = JSON.stringify(alarm.Properties.AlarmActions);
    expect(actions).toMatch(new RegExp(`Topics${level}`));
    expect(JSON.stringify(alarm.Properties.OKActions)).toBe(actions);
    expect(alarm.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'contingency:warning-level', Value: level }]));
    const record = registry.find((r) => r.stack === stack && r.logicalId === alarmId && r.indicator === 'conversation-canary');
    expect(record).toMatchObject({ level, route: 'level', family: 'software anomaly', condition: '1 failed run(s) in a row, every 60 min' });
  });
});

test('canary alarms open no incident by themselves: no response-level composite reads them', () => {
  for (const { t } of cases) {
    const alarmIds = Object.entries<any>(t.findResources('AWS::CloudWatch::Alarm'))
      .filter(([, a]) => a.Properties.Namespace === 'CloudWatchSynthetics')
      .map(([id]) => id);
    const rules = JSON.stringify(t.findResources('AWS::CloudWatch::CompositeAlarm'));
    for (const id of alarmIds) expect(rules).not.toContain(id);
  }
});

test('plan settings reach the template: schedule, levels, consecutive failures, retention; disabled builds none', () => {
  const custom = synthPlan(loadedPlan({ canaries: { everyMinutes: 15, levels: { region: 'general', publicName: 'important' }, failedRunsToAlarm: 2, artifactRetentionDays: 7 } }));
  const c = only(custom.templates.primary, 'AWS::Synthetics::Canary')[1];
  expect(c.Properties.Schedule.Expression).toBe('rate(15 minutes)');
  const alarm = Object.values<any>(custom.templates.failover.findResources('AWS::CloudWatch::Alarm')).find((a) => a.Properties.Namespace === 'CloudWatchSynthetics');
  expect(alarm.Properties).toMatchObject({ Period: 900, EvaluationPeriods: 2, DatapointsToAlarm: 2 });
  expect(JSON.stringify(alarm.Properties.AlarmActions)).toMatch(/Topicsimportant/);
  const regional = Object.values<any>(custom.templates.standby.findResources('AWS::CloudWatch::Alarm')).find((a) => a.Properties.Namespace === 'CloudWatchSynthetics');
  expect(JSON.stringify(regional.Properties.AlarmActions)).toMatch(/Topicsgeneral/);
  expect(c.Properties.SuccessRetentionPeriod).toBe(7);
  const off = synthPlan(loadedPlan({ canaries: { enabled: false } }));
  for (const t of Object.values(off.templates)) expect(Object.keys(t.findResources('AWS::Synthetics::Canary'))).toHaveLength(0);
  // The probe the example plan yields: the first FAQ entry's first question in each language.
  expect(canaryProbes(plan).map((p) => p.question)).toEqual(plan.languages.map((l) => plan.knowledgeBase[0].texts[l].questions[0]));
});
