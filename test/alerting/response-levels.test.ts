import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { Alerting, ResponseLevels } from '../../lib/alerting';
import { loadedPlan } from '../helpers/plan';

/** us-east-1 response levels from three stand-in health-check alarms (issue #3 provides the real ones). */
describe('ResponseLevels in us-east-1', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Global', { env: { region: 'us-east-1' } });
  const alerting = new Alerting(stack, 'Alerting', { plan: loadedPlan().plan });
  const health = (id: string) =>
    new cw.Alarm(stack, id, {
      metric: new cw.Metric({ namespace: 'AWS/Route53', metricName: 'HealthCheckStatus', dimensionsMap: { HealthCheckId: id }, statistic: 'Minimum', period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cw.ComparisonOperator.LESS_THAN_THRESHOLD,
    });
  const [p, s, pub] = [health('Primary'), health('Standby'), health('PublicName')];
  for (const a of [p, s, pub]) alerting.addAlarm(a, 'emergency', 'endpoint-health', 'Endpoint unhealthy');
  const rl = new ResponseLevels(stack, 'ResponseLevels', { alerting, primaryHealthAlarm: p, standbyHealthAlarm: s, publicNameHealthAlarm: pub });
  const t = Template.fromStack(stack);
  const json = t.toJSON() as { Resources: Record<string, { Properties: any }> };
  const id = (c: cw.AlarmBase) => stack.getLogicalId(c.node.defaultChild as cw.CfnAlarm);
  const rule = (c: cw.AlarmBase) => JSON.stringify(json.Resources[id(c)].Properties.AlarmRule);

  test('emergency = (primary AND standby unhealthy) OR public name unhealthy', () => {
    const r = rule(rl.alarms.emergency!);
    const pi = r.indexOf(id(p));
    const si = r.indexOf(id(s));
    const ui = r.indexOf(id(pub));
    expect(pi).toBeGreaterThan(-1);
    expect(r.slice(pi, si)).toContain(' AND ');
    expect(r.slice(si, ui)).toContain(' OR ');
    const flat = (json.Resources[id(rl.alarms.emergency!)].Properties.AlarmRule['Fn::Join'][1] as unknown[])
      .map((x) => (typeof x === 'string' ? x : `<${(x as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]}>`))
      .join('');
    expect(flat).toBe(`((ALARM("<${id(p)}>") AND ALARM("<${id(s)}>")) OR ALARM("<${id(pub)}>"))`);
  });

  test('severe = primary OR standby unhealthy (failover in effect); no general level without regional inputs', () => {
    const r = rule(rl.alarms.severe!);
    expect(r).toContain(id(p));
    expect(r).toContain(id(s));
    expect(r).not.toContain(id(pub));
    expect(r).toContain(' OR ');
    expect(rl.alarms.general).toBeUndefined();
  });

  test('emergency and severe go to the emergency topic; health alarms carry their runbook and level tag', () => {
    const emergencyTopic = { Ref: stack.getLogicalId(alerting.topics.topics.emergency.node.defaultChild as never) };
    for (const c of [rl.alarms.emergency!, rl.alarms.severe!, p]) {
      expect(json.Resources[id(c)].Properties.AlarmActions).toEqual([emergencyTopic]);
      expect(json.Resources[id(c)].Properties.OKActions).toEqual([emergencyTopic]);
    }
    expect(json.Resources[id(p)].Properties.AlarmDescription).toMatch(/^\[Emergency warning 緊急預警\] Endpoint unhealthy\nA public endpoint fails its Route 53 health check/);
    expect(json.Resources[id(p)].Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'contingency:warning-level', Value: 'emergency' }]));
    expect(alerting.alarms.emergency).toEqual(expect.arrayContaining([p, s, pub, rl.alarms.emergency, rl.alarms.severe]));
  });
});
