import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { burnRateThresholdPercent, INDICATORS, LEVEL_TAG } from '../../lib/alerting';
import { WARNING_LEVELS, WarningLevel } from '../../lib/config';
import { REGIONAL_HEALTH_SERVICES, RegionalStack } from '../../lib/stacks';
import { loadedPlan } from '../helpers/plan';
import { synthPlan, Synthesized } from '../helpers/synth';

// A plan whose thresholds differ from every default, so equality proves they come from the plan.
const loaded = loadedPlan({
  chatbot: { timeoutSeconds: 20, reservedConcurrency: 200 },
  objectives: { availabilityPercent: 99.5 },
  thresholds: {
    apiLatencyP99Ms: { general: 1111, important: 2222, emergency: 4444 },
    functionDurationPercent: { general: 40, important: 60, emergency: 85 },
    concurrencyPercent: { general: 50, important: 70, emergency: 90 },
    functionThrottles: { general: 2, important: 20, emergency: 200 },
    tableThrottles: { general: 3, important: 30, emergency: 300 },
    clientErrorPercent: { general: 11, important: 22, emergency: 44 },
    trafficAnomalyBand: { general: 2.5, important: 3.5, emergency: 4.5 },
    throttledRequests: { general: 12, important: 120, emergency: 1200 },
    errorRatePercent: { general: 2, important: 6, emergency: 30 },
    functionErrors: { general: 3, important: 13, emergency: 53 },
    unhandledErrors: { general: 4, important: 14, emergency: 54 },
  },
  alerting: {
    burnRates: {
      general: { factor: 2, longWindowMinutes: 1440, shortWindowMinutes: 120 },
      important: { factor: 5, longWindowMinutes: 240, shortWindowMinutes: 20 },
      emergency: { factor: 10, longWindowMinutes: 30, shortWindowMinutes: 3 },
    },
    emergencyRepeatMinutes: 3,
    heartbeatSilenceMinutes: 9,
  },
});
const plan = loaded.plan;

let s: Synthesized;
let primary: Template;
let json: { Resources: Record<string, { Type: string; Properties: any }> };
const idOf = (stack: RegionalStack, c: cw.AlarmBase) => stack.getLogicalId(c.node.defaultChild as cw.CfnAlarm);

beforeAll(() => {
  s = synthPlan(loaded);
  primary = s.templates.primary;
  json = primary.toJSON() as typeof json;
});

const resources = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);

describe('warning topics', () => {
  test('one KMS-encrypted topic per level plus the direct topic, each denying non-TLS publishing', () => {
    // The region's operations key (its incident key stack) encrypts the topics (docs/security.md).
    const keyStack = s.stacks.incidentKeys.primary!;
    expect(s.stacks.primary.alerting.topics.key).toBe(keyStack.key);
    const keyId = keyStack.getLogicalId(keyStack.key.node.defaultChild as never);
    const topics = resources('AWS::SNS::Topic');
    expect(topics).toHaveLength(4);
    for (const [, t] of topics) {
      expect(JSON.stringify(t.Properties.KmsMasterKeyId)).toContain('acme-chat-incident-key-primary');
      expect(JSON.stringify(t.Properties.KmsMasterKeyId)).toContain(keyId);
    }
    const policies = resources('AWS::SNS::TopicPolicy');
    const covered = new Set<string>();
    for (const [, p] of policies) {
      const deny = p.Properties.PolicyDocument.Statement.find((st: any) => st.Effect === 'Deny');
      expect(deny).toMatchObject({ Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Principal: '*' });
      for (const t of p.Properties.Topics) covered.add(t.Ref);
    }
    expect(covered.size).toBe(4);
    // Only CloudWatch (alarms of this account and region) may use the topics' key; EventBridge publishes with a role
    // (see test/security/security.test.ts for the conditions on every topic and key of every stack).
    const topicKey = Template.fromStack(keyStack).findResources('AWS::KMS::Key')[keyId] as any;
    expect(topicKey.Properties.EnableKeyRotation).toBe(true);
    const services = (topicKey.Properties.KeyPolicy.Statement as any[]).filter((st) => st.Principal?.Service).flatMap((st) => [st.Principal.Service].flat());
    expect(services).toEqual(['cloudwatch.amazonaws.com']);
  });

  test('e-mail and SMS get only formatted alerts; the notifier gets only raw ones; the direct topic has no notifier', () => {
    const subs = resources('AWS::SNS::Subscription').map(([, r]) => r.Properties);
    const direct = { Ref: s.stacks.primary.getLogicalId(s.stacks.primary.alerting.topics.direct.node.defaultChild as never) };
    for (const sub of subs) {
      if (JSON.stringify(sub.TopicArn) === JSON.stringify(direct)) {
        expect(['email', 'sms']).toContain(sub.Protocol);
        expect(sub.FilterPolicy).toBeUndefined();
      } else if (sub.Protocol === 'lambda') expect(sub.FilterPolicy).toEqual({ contingency_formatted: [{ exists: false }] });
      else expect(sub.FilterPolicy).toEqual({ contingency_formatted: ['true'] });
    }
    const emails = (level: WarningLevel) => subs.filter((x) => x.Protocol === 'email' && x.TopicArn.Ref === s.stacks.primary.getLogicalId(s.stacks.primary.alerting.topics.topics[level].node.defaultChild as never)).map((x) => x.Endpoint).sort();
    expect(emails('general')).toEqual(['oncall@acme-example.com']);
    expect(emails('important')).toEqual(['cs-leads@acme-example.com', 'oncall@acme-example.com']);
    expect(emails('emergency')).toEqual(['cs-leads@acme-example.com', 'duty-manager@acme-example.com', 'oncall@acme-example.com']);
    expect(subs.filter((x) => x.Protocol === 'sms' && JSON.stringify(x.TopicArn) === JSON.stringify(direct)).map((x) => x.Endpoint)).toEqual(['+85291234567']);
    expect(subs.filter((x) => x.Protocol === 'lambda')).toHaveLength(3);
  });
});

describe('alarms', () => {
  test('every tagged alarm with actions alarms and recovers through its own level topic; children of composites have none', () => {
    const stack = s.stacks.primary;
    const levelTopic = (l: string) => ({ Ref: stack.getLogicalId(stack.alerting.topics.topics[l as WarningLevel].node.defaultChild as never) });
    const direct = { Ref: stack.getLogicalId(stack.alerting.topics.direct.node.defaultChild as never) };
    const composites = resources('AWS::CloudWatch::CompositeAlarm').map(([, r]) => JSON.stringify(r.Properties.AlarmRule));
    const suppressorIds = resources('AWS::CloudWatch::CompositeAlarm').flatMap(([, r]) => (r.Properties.ActionsSuppressor ? [r.Properties.ActionsSuppressor['Fn::GetAtt'][0]] : []));
    let tagged = 0;
    let suppressors = 0;
    for (const [id, r] of [...resources('AWS::CloudWatch::Alarm'), ...resources('AWS::CloudWatch::CompositeAlarm')]) {
      const level = (r.Properties.Tags ?? []).find((t: any) => t.Key === LEVEL_TAG)?.Value;
      const actions = r.Properties.AlarmActions ?? [];
      if (suppressorIds.includes(id)) {
        // A response composite's maintenance suppressor (issue 15): never pages, never recovers anyone.
        expect([id, level, actions, r.Properties.OKActions, r.Properties.ActionsEnabled]).toEqual([id, undefined, [], undefined, false]);
        suppressors++;
        continue;
      }
      if (!level) {
        expect([id, actions]).toEqual([id, [direct]]); // the alerting path's own alarms
        expect(r.Properties.OKActions).toEqual([direct]);
        continue;
      }
      tagged++;
      if (actions.length === 0) {
        expect(composites.some((rule) => rule.includes(id))).toBe(true);
        continue;
      }
      expect([id, actions]).toEqual([id, [levelTopic(level)]]);
      expect([id, r.Properties.OKActions]).toEqual([id, [levelTopic(level)]]);
      expect(r.Properties.AlarmDescription).toMatch(/^\[(General|Important|Emergency) warning .+\] .+\n.+/);
    }
    // 12 indicators × 3 levels + 3 burn tiers × (2 windows + 1 composite) + 2 response levels + 2 restore-test alarms
    // + 2 dead-letter alarms (incident events, restore-job events) + the region's conversation canary
    expect(tagged).toBe(36 + 9 + 2 + 2 + 2 + 1);
    expect(suppressors).toBe(2);
  });

  test('the restore-test alarms (issue 5) alarm and recover through the important topic', () => {
    for (const stack of [s.stacks.primary, s.stacks.standby]) {
      const t = Template.fromStack(stack);
      const important = { Ref: stack.getLogicalId(stack.alerting.topics.topics.important.node.defaultChild as never) };
      for (const alarm of [stack.backup.alarms.validationFailed, stack.backup.alarms.silence]) {
        const r = t.findResources('AWS::CloudWatch::Alarm')[stack.getLogicalId(alarm.node.defaultChild as never)] as any;
        expect(r.Properties.AlarmActions).toEqual([important]);
        expect(r.Properties.OKActions).toEqual([important]);
        expect(r.Properties.AlarmDescription).toMatch(/^\[Important warning .+\] (Restore test failed|No successful restore test)/);
      }
    }
  });

  const expected: Record<string, (l: WarningLevel) => number> = {
    'api-latency': (l) => plan.thresholds.apiLatencyP99Ms[l],
    'function-duration': (l) => (20000 * plan.thresholds.functionDurationPercent[l]) / 100,
    'function-concurrency': (l) => Math.floor((200 * plan.thresholds.concurrencyPercent[l]) / 100),
    'function-throttles': (l) => plan.thresholds.functionThrottles[l],
    'table-throttles': (l) => plan.thresholds.tableThrottles[l],
    'client-errors': (l) => plan.thresholds.clientErrorPercent[l],
    'api-throttled': (l) => plan.thresholds.throttledRequests[l],
    'error-rate': (l) => plan.thresholds.errorRatePercent[l],
    'function-errors': (l) => plan.thresholds.functionErrors[l],
    'unhandled-errors': (l) => plan.thresholds.unhandledErrors[l],
    'blocked-requests': (l) => plan.thresholds.blockedRequests[l],
  };
  test.each(INDICATORS.filter((i) => i.key !== 'traffic-anomaly').flatMap((i) => WARNING_LEVELS.map((l) => [i.key, l] as const)))('%s %s threshold equals the plan', (key, level) => {
    const stack = s.stacks.primary;
    const r = json.Resources[idOf(stack, stack.indicators.alarms[key][level])];
    expect(r.Properties.Threshold).toBe(expected[key](level));
    expect(r.Properties.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
    expect(r.Properties.TreatMissingData).toBe('notBreaching');
  });

  test('the metrics are the right ones (p99 latency of this API, function concurrency, 5xx share, log filters)', () => {
    const stack = s.stacks.primary;
    const props = (key: string, l: WarningLevel) => json.Resources[idOf(stack, stack.indicators.alarms[key][l])].Properties;
    expect(props('api-latency', 'general')).toMatchObject({ MetricName: 'Latency', Namespace: 'AWS/ApiGateway', ExtendedStatistic: 'p99', Period: 300 });
    expect(props('function-concurrency', 'general')).toMatchObject({ MetricName: 'ConcurrentExecutions', Namespace: 'AWS/Lambda', Statistic: 'Maximum' });
    expect(JSON.stringify(props('error-rate', 'emergency').Metrics)).toContain('5xx');
    expect(JSON.stringify(props('table-throttles', 'emergency').Metrics)).toMatch(/ReadThrottleEvents.*WriteThrottleEvents/);
    primary.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.status = "429" }', MetricTransformations: [Match.objectLike({ MetricName: 'ApiThrottled', MetricValue: '1', DefaultValue: 0 })] });
    primary.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '?"Invoke Error" ?"Task timed out" ?"Runtime.Unhandled" ?"Runtime.ExitError"', MetricTransformations: [Match.objectLike({ MetricName: 'UnhandledErrors', MetricValue: '1', DefaultValue: 0 })] });
  });

  test.each(WARNING_LEVELS)('traffic anomaly %s: band width from the plan, both directions', (level) => {
    const stack = s.stacks.primary;
    const r = json.Resources[idOf(stack, stack.indicators.alarms['traffic-anomaly'][level])].Properties;
    expect(r.ComparisonOperator).toBe('LessThanLowerOrGreaterThanUpperThreshold');
    const band = r.Metrics.find((m: any) => m.Expression?.startsWith('ANOMALY_DETECTION_BAND'));
    expect(band.Expression).toMatch(new RegExp(`ANOMALY_DETECTION_BAND\\(\\w+, ${plan.thresholds.trafficAnomalyBand[level]}\\)`));
  });

  test.each(WARNING_LEVELS)('burn rate %s: factor × budget over both windows, combined by AND', (level) => {
    const stack = s.stacks.primary;
    const tier = stack.burnRates.tiers[level];
    const t = plan.alerting.burnRates[level];
    const budget = 0.5; // 99.5% SLO
    expect(burnRateThresholdPercent(plan, level)).toBeCloseTo(t.factor * budget, 9);
    for (const [alarm, minutes] of [
      [tier.long, t.longWindowMinutes],
      [tier.short, t.shortWindowMinutes],
    ] as const) {
      const p = json.Resources[idOf(stack, alarm)].Properties;
      expect(p.Threshold).toBeCloseTo(t.factor * budget, 9);
      expect(p.AlarmActions).toBeUndefined();
      const periods = p.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Period);
      expect(periods).toEqual([minutes * 60, minutes * 60]);
    }
    const rule = JSON.stringify(json.Resources[idOf(stack, tier.alert)].Properties.AlarmRule);
    expect(rule).toContain(`ALARM(\\"`);
    expect(rule).toMatch(new RegExp(`${idOf(stack, tier.long)}.*AND.*${idOf(stack, tier.short)}`));
  });

  test('regional response levels: severe = emergency burn or emergency 5xx; general = any important alarm', () => {
    const stack = s.stacks.primary;
    const rl = stack.responseLevels.alarms;
    expect(rl.emergency).toBeUndefined(); // needs both regions' health: us-east-1 only
    const severe = JSON.stringify(json.Resources[idOf(stack, rl.severe!)].Properties.AlarmRule);
    expect(severe).toContain(idOf(stack, stack.burnRates.tiers.emergency.alert));
    expect(severe).toContain(idOf(stack, stack.indicators.alarms['error-rate'].emergency));
    expect(severe).toContain(' OR ');
    const general = JSON.stringify(json.Resources[idOf(stack, rl.general!)].Properties.AlarmRule);
    for (const key of Object.keys(stack.indicators.alarms)) expect(general).toContain(idOf(stack, stack.indicators.alarms[key].important));
    expect(general).not.toContain(idOf(stack, stack.indicators.alarms['api-latency'].emergency));
  });
});

/** The notifier's NOTIFIER_CONFIG with every CloudFormation reference written as <LogicalId> or <AWS::Pseudo>. */
function notifierConfig(stack: RegionalStack): Record<string, any> {
  const env = json.Resources[stack.getLogicalId(stack.alerting.notifier.fn.node.defaultChild as never)].Properties.Environment.Variables.NOTIFIER_CONFIG;
  const parts: any[] = env['Fn::Join'][1];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : `<${p.Ref ?? p['Fn::GetAtt'].join('.')}>`)).join(''));
}

describe('notifier', () => {
  test('reads exactly the webhook secrets named in the plan; no other wildcard but DescribeAlarms', () => {
    const policy = resources('AWS::IAM::Policy').find(([id]) => id.startsWith('AlertingNotifier'))![1].Properties.PolicyDocument.Statement;
    const secrets = policy.filter((st: any) => (Array.isArray(st.Action) ? st.Action : [st.Action]).includes('secretsmanager:GetSecretValue'));
    const names = secrets.flatMap((st: any) => [st.Resource].flat()).map((r: any) => r['Fn::Join'][1].at(-1).replace(/^:secret:/, '')).sort();
    expect(names).toEqual(['acme-chat/alerts/dingtalk-cs-??????', 'acme-chat/alerts/partner-webhook-??????', 'acme-chat/alerts/slack-ops-??????']);
    const wildcards = policy.filter((st: any) => st.Resource === '*');
    expect(wildcards).toEqual([{ Action: 'cloudwatch:DescribeAlarms', Effect: 'Allow', Resource: '*' }]);
    expect(JSON.stringify(policy)).not.toMatch(/hooks\.slack|oapi\.dingtalk|https:\/\//);
  });

  test('failed invocations retry twice then land in an encrypted dead-letter queue', () => {
    primary.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: Match.anyValue() } } });
    primary.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: 'alias/aws/sqs', MessageRetentionPeriod: 1209600 });
  });

  test('tick every emergencyRepeatMinutes; heartbeat fires after heartbeatSilenceMinutes of silence', () => {
    primary.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(3 minutes)', State: 'ENABLED' });
    const hb = json.Resources[idOf(s.stacks.primary, s.stacks.primary.alerting.notifier.heartbeatAlarm)].Properties;
    expect(hb).toMatchObject({ MetricName: 'NotifierHeartbeat', Namespace: 'ChatbotContingency', Period: 540, ComparisonOperator: 'LessThanThreshold', Threshold: 1, TreatMissingData: 'breaching' });
    const df = json.Resources[idOf(s.stacks.primary, s.stacks.primary.alerting.notifier.deliveryFailureAlarm)].Properties;
    expect(df).toMatchObject({ MetricName: 'DeliveryFailures', Dimensions: [{ Name: 'service', Value: 'notifier' }], Threshold: 1 });
  });

  test('AWS Health issues of the chatbot services go to the plan level topic', () => {
    const stack = s.stacks.primary;
    primary.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.health'], detail: { service: REGIONAL_HEALTH_SERVICES, eventTypeCategory: ['issue'] } },
      Targets: [Match.objectLike({ Arn: { Ref: stack.getLogicalId(stack.alerting.topics.topics.important.node.defaultChild as never) } })],
    });
  });

  test('a big-screen dashboard per region shows alarms by level and the error budget', () => {
    // us-east-1's is in the failover stack, after the health alarms have joined.
    s.templates.global.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    for (const t of [s.templates.primary, s.templates.standby, s.templates.failover]) {
      const dashboards = t.findResources('AWS::CloudWatch::Dashboard');
      expect(Object.keys(dashboards)).toHaveLength(1);
      const body = JSON.stringify(Object.values(dashboards)[0].Properties.DashboardBody);
      expect(body).toContain('Alerting path');
    }
    const body = JSON.stringify(Object.values(s.templates.primary.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    for (const label of ['緊急預警 Emergency warning', '重要預警 Important warning', '一般預警 General warning', 'Error budget remaining (30 days)']) expect(body).toContain(label);
    expect(body).toContain('/ 0.005'); // 99.5% SLO budget
  });

  test('only its own schedule ticks: the configuration names the tick rule by the ARN the rule gets', () => {
    const stack = s.stacks.primary;
    const notifier = stack.alerting.notifier;
    const rule = json.Resources[stack.getLogicalId(notifier.tickRule.node.defaultChild as never)].Properties;
    expect(rule.Name).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    expect(rule.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(notifier.fn.node.defaultChild as never), 'Arn'] });
    expect(notifierConfig(stack).tickRuleArn).toBe(`arn:<AWS::Partition>:events:ap-southeast-1:<AWS::AccountId>:rule/${rule.Name}`);
  });

  test('per-channel outcomes: a TTL table the function may only put, get and delete in', () => {
    const stack = s.stacks.primary;
    const table = json.Resources[stack.getLogicalId(stack.alerting.notifier.outcomeTable.node.defaultChild as never)].Properties;
    expect(table).toMatchObject({ TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true }, BillingMode: 'PAY_PER_REQUEST' });
    const tableId = stack.getLogicalId(stack.alerting.notifier.outcomeTable.node.defaultChild as never);
    const policy = resources('AWS::IAM::Policy').find(([id]) => id.startsWith('AlertingNotifier'))![1].Properties.PolicyDocument.Statement;
    const onTable = policy.filter((st: any) => JSON.stringify(st.Resource).includes(tableId));
    expect(onTable.flatMap((st: any) => [st.Action].flat()).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(notifierConfig(stack).outcomeTable).toBe(`<${tableId}>`);
  });

  test('the dashboard shows failed deliveries per channel kind and audience', () => {
    const body = JSON.stringify(Object.values(s.templates.primary.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    expect(body).toContain('Failed alert deliveries by channel (kind · audience)');
    for (const [kind, audience] of [
      ['slack', 'opsOnCall'],
      ['dingtalk', 'customerService'],
      ['webhook', 'partners'],
      ['email-sms', 'emergency subscribers'],
    ]) {
      expect(body).toContain(`[\\"ChatbotContingency\\",\\"ChannelDeliveryFailures\\",\\"audience\\",\\"${audience}\\",\\"kind\\",\\"${kind}\\",\\"service\\",\\"notifier\\"`);
    }
  });

  test('us-east-1 has its own topics and notifier for the health-check alarms', () => {
    // Three level topics and the direct topic (the status page's customer notice topic is not an alerting topic).
    const topics = Object.keys(s.templates.global.findResources('AWS::SNS::Topic')).filter((id) => id.startsWith('AlertingTopics'));
    expect(topics).toHaveLength(4);
    s.templates.global.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['aws.health'], detail: { service: ['ROUTE53', 'CLOUDFRONT'], eventTypeCategory: ['issue'] } } });
    expect(Stack.of(s.stacks.global.alerting).region).toBe('us-east-1');
  });
});

