import { Match, Template } from 'aws-cdk-lib/assertions';
import { synthPlan } from '../helpers/synth';
import { loadedPlan } from '../helpers/plan';

// The live drill runner, its schedule, permissions and alarms, and the failover observers, in the
// synthesized example app (synthesized once for the file).
const { plan } = loadedPlan();
const syn = synthPlan();
const failover = syn.templates.failover;
const standby = syn.templates.standby;

function resourcesOf(t: Template, type: string): [string, any][] {
  return Object.entries(t.findResources(type));
}
function roleStatements(t: Template, roleLogicalIdPrefix: RegExp): any[] {
  return resourcesOf(t, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles ?? []).some((r: any) => roleLogicalIdPrefix.test(r.Ref)))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

describe('drill runner (us-east-1, failover stack)', () => {
  const sm = resourcesOf(failover, 'AWS::StepFunctions::StateMachine');

  test('one state machine: Begin → Tick → Finished? → Wait → Tick, Tick caught by Abort, traced and logged', () => {
    expect(sm).toHaveLength(1);
    const props = sm[0][1].Properties;
    expect(props.TracingConfiguration).toEqual({ Enabled: true });
    expect(props.LoggingConfiguration.Level).toBe('ALL');
    const text = JSON.stringify(props.DefinitionString);
    for (const s of ['\\"Begin\\"', '\\"Tick\\"', '\\"Abort\\"', '\\"Wait\\"', '\\"Finished?\\"', '\\"Passed\\"', '\\"Failed\\"']) expect(text).toContain(s);
    expect(text).toContain('\\"SecondsPath\\":\\"$.waitSeconds\\"');
    expect(text).toMatch(/\\"Catch\\":\[\{\\"ErrorEquals\\":\[\\"States.ALL\\"\],\\"ResultPath\\":\\"\$.error\\",\\"Next\\":\\"Abort\\"\}\]/);
    // Timeout: 2 × the maximum duration + 15 min.
    expect(text).toContain(`\\"TimeoutSeconds\\":${2 * plan.drills.maxDurationMinutes * 60 + 900}`);
  });

  test('scheduled by EventBridge Scheduler inside the window, in the window time zone', () => {
    failover.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 10 ? 3 TUE#1 *)',
      ScheduleExpressionTimezone: 'Asia/Hong_Kong',
      State: 'ENABLED',
      Target: Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('DrillsStateMachine') } }),
    });
  });

  test('the runner may invert only the plan primary health check', () => {
    const st = roleStatements(failover, /^DrillsFunctionRole/);
    const r53 = st.filter((s) => JSON.stringify(s.Action).includes('route53:'));
    expect(r53).toHaveLength(1);
    expect(r53[0].Action.sort()).toEqual(['route53:GetHealthCheck', 'route53:UpdateHealthCheck']);
    const res = JSON.stringify(r53[0].Resource);
    expect(res).toContain(':route53:::healthcheck/');
    expect(res).toContain('PrimaryHealth');
    expect(res).not.toContain('StandbyHealth');
    expect(res).not.toContain('PublicHealth');
    expect(res).not.toContain('*');
  });

  test('alarms are read by ARN only, in each region: response levels, health alarms', () => {
    const st = roleStatements(failover, /^DrillsFunctionRole/).filter((s) => JSON.stringify(s.Action).includes('cloudwatch:DescribeAlarms'));
    const res = JSON.stringify(st.map((s) => s.Resource));
    expect(res).toContain(`:cloudwatch:${plan.regions.primary}:`);
    expect(res).toContain(`alarm:${plan.name}-response-primary-severe`);
    expect(res).toContain(`alarm:${plan.name}-response-standby-severe`);
    expect(res).toContain(`alarm:${plan.name}-response-us-east-1-emergency`);
    expect(res).not.toMatch(/alarm:\*|"\*"/);
  });

  test('report bucket: only under drills/; status bucket: only status.json; incident table: query and put', () => {
    const st = roleStatements(failover, /^DrillsFunctionRole/);
    const s3 = JSON.stringify(st.filter((s) => JSON.stringify(s.Action).includes('s3:')).map((s) => s.Resource));
    expect(s3).toContain('/drills/*');
    expect(s3).toContain('/status.json');
    const ddb = st.filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    expect(ddb.flatMap((s) => [].concat(s.Action)).sort()).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);
  });

  test('drill failed and drill overdue alarms join the important warning level', () => {
    const alarms = failover.findResources('AWS::CloudWatch::Alarm');
    const byMetric = (name: string) => Object.values(alarms).find((a: any) => a.Properties.MetricName === name) as any;
    const failed = byMetric('DrillFailed');
    const overdue = byMetric('DaysSinceDrillSucceeded');
    expect(failed.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Namespace: 'ChatbotContingency', Dimensions: [{ Name: 'service', Value: 'drill-runner' }] });
    expect(overdue.Properties).toMatchObject({ Threshold: 365 + 31, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'breaching', Period: 86400 });
    // Wired to the important topic of the us-east-1 alerting hub (in the global stack: an import).
    for (const a of [failed, overdue]) {
      expect(JSON.stringify(a.Properties.AlarmActions)).toMatch(/important/i);
      expect(a.Properties.AlarmDescription).toContain('[Important warning');
    }
  });

  test('safety net: execution FAILED, TIMED_OUT or ABORTED calls the runner', () => {
    failover.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'], detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: Match.stringLikeRegexp('DrillsStateMachine') }] } },
    });
  });

  test('announcements: encrypted topic with the drill audiences only (opsOnCall), never the customer notice topic', () => {
    const ops = plan.audiences.opsOnCall;
    const subs = resourcesOf(failover, 'AWS::SNS::Subscription').filter(([id]) => id.startsWith('DrillsAnnouncements'));
    expect(subs.map(([, s]) => s.Properties.Endpoint).sort()).toEqual([...ops.email, ...ops.sms].sort());
    failover.hasResourceProperties('AWS::SNS::Topic', { DisplayName: `${plan.name} drills`, KmsMasterKeyId: Match.anyValue() });
  });

  test('the runner gets the plan drill settings and announcement texts in every plan language', () => {
    const fn = resourcesOf(failover, 'AWS::Lambda::Function').find(([id]) => id.startsWith('DrillsFunction'))!;
    const cfg = JSON.stringify(fn[1].Properties.Environment.Variables.DRILL_CONFIG);
    expect(cfg).toContain(`\\"objectiveSeconds\\":${plan.objectives.rtoMinutes * 60}`);
    expect(cfg).toContain(`\\"maxDurationSeconds\\":${plan.drills.maxDurationMinutes * 60}`);
    const words = JSON.parse(syn.stacks.failover.drillRunner!.fn.bundledConfig['drill-words.json']);
    expect(words.languages).toEqual(plan.languages);
    for (const l of plan.languages) expect(words.templates.start[l]).toBe(plan.words[l]['drill.start']);
  });

  test('drills.enabled false keeps the runner but disables the schedule', () => {
    const t = synthPlan(loadedPlan({ drills: { enabled: false } })).templates.failover;
    t.hasResourceProperties('AWS::Scheduler::Schedule', { State: 'DISABLED' });
  });
});

describe('failover observer', () => {
  test('runs every minute in us-east-1 and in the standby region, not in the primary', () => {
    for (const t of [failover, standby]) {
      t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)', Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ObserverFunction'), 'Arn'] } })] });
    }
    expect(Object.keys(syn.templates.primary.findResources('AWS::Lambda::Function')).some((id) => id.startsWith('Observer'))).toBe(false);
  });

  test('may only send Failover Observed events and touch its own OBSERVER items', () => {
    for (const t of [failover, standby]) {
      const st = roleStatements(t, /^ObserverFunctionRole/);
      const put = st.find((s) => s.Action === 'events:PutEvents');
      expect(put.Condition).toEqual({ StringEquals: { 'events:source': 'contingency.failover', 'events:detail-type': 'Failover Observed' } });
      const ddb = st.find((s) => s.Action === 'dynamodb:UpdateItem');
      expect(ddb.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['OBSERVER'] } });
    }
  });
});
