import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { Alerting, AlertingDashboard } from '../../lib/alerting';
import { recordAlarm } from '../../lib/alerting/registry';
import { LEVEL_LABELS } from '../../lib/config';
import { loadedPlan } from '../helpers/plan';

/**
 * The dashboards' alarm widgets come from the alarm registry: an alarm recorded anywhere in the
 * stack (or the alerting hub's stack), before or after the dashboard is built, is on it, in the
 * widget of its level, and in the legend with its registry title and indicator.
 */

type Widget = { type: string; x: number; y: number; width: number; height: number; properties: { title?: string; alarms?: string[]; markdown?: string } };

/** The dashboard body with every token written as <Arn:logicalId> / <Ref:logicalId>. */
function dashboardWidgets(template: Template): Widget[] {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0].Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] } | string;
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1]
          .map((p: any) => (typeof p === 'string' ? p : p['Fn::GetAtt'] ? `<Arn:${p['Fn::GetAtt'][0]}>` : p.Ref ? `<Ref:${p.Ref}>` : JSON.stringify(p)))
          .join('');
  return JSON.parse(text).widgets;
}

const plan = loadedPlan().plan;
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new Stack(app, 'Board', { env: { region: 'eu-west-1', account: '111111111111' } });
const alerting = new Alerting(stack, 'Alerting', { plan });
const metric = (name: string) => new cw.Metric({ namespace: 'Test', metricName: name, period: Duration.minutes(5) });
const before = new cw.Alarm(stack, 'Before', { metric: metric('Before'), threshold: 1, evaluationPeriods: 1 });
alerting.addAlarm(before, 'emergency', 'error-rate', 'Errors before the dashboard');
new AlertingDashboard(stack, 'BigScreen', { plan, alerting, heading: 'test' });
// Added after the dashboard, as the regional stack adds the incident recorder's dead-letter alarm.
const after = new cw.Alarm(stack, 'After', { metric: metric('After'), threshold: 1, evaluationPeriods: 1 });
alerting.addAlarm(after, 'important', 'dropped-events', 'Queue backing up after the dashboard');
// Recorded directly (not through the hub): an alerting-path alarm to ops, and a composite input.
const direct = new cw.Alarm(stack, 'Direct', { metric: metric('Direct'), threshold: 1, evaluationPeriods: 1 });
recordAlarm(direct, { route: 'ops-direct', indicator: 'alerting-heartbeat', title: 'Custom path check' });
const input = new cw.Alarm(stack, 'Input', { metric: metric('Input'), threshold: 1, evaluationPeriods: 1 });
recordAlarm(input, { level: 'important', route: 'composite-input', indicator: 'error-budget-burn', title: 'A composite input' });
// Not in the registry: not on the dashboard.
new cw.Alarm(stack, 'Unregistered', { metric: metric('Unregistered'), threshold: 1, evaluationPeriods: 1 });

const template = Template.fromStack(stack);
const widgets = dashboardWidgets(template);
const id = (c: cw.Alarm) => stack.getLogicalId(c.node.defaultChild as cw.CfnAlarm);
const statusWidget = (title: string) => widgets.find((w) => w.type === 'alarm' && w.properties.title?.startsWith(title));
const legend = widgets.find((w) => w.type === 'text' && w.properties.markdown?.includes('alarm registry'))!;

test('each registered alarm is in the status widget of its registry level, whenever it was added', () => {
  expect(statusWidget(`${LEVEL_LABELS.emergency.zh} ${LEVEL_LABELS.emergency.en}`)!.properties.alarms).toContain(`<Arn:${id(before)}>`);
  const important = statusWidget(`${LEVEL_LABELS.important.zh} ${LEVEL_LABELS.important.en}`)!;
  expect(important.properties.alarms).toContain(`<Arn:${id(after)}>`);
  expect(important.properties.alarms).not.toContain(`<Arn:${id(before)}>`);
  expect(statusWidget('Alerting path')!.properties.alarms).toContain(`<Arn:${id(direct)}>`);
  // The notifier's own alarms are in the registry (ops-direct) and so on the dashboard.
  expect(statusWidget('Alerting path')!.properties.alarms).toContain(`<Arn:${stack.getLogicalId(alerting.notifier.heartbeatAlarm.node.defaultChild as cw.CfnAlarm)}>`);
});

test('a status widget title counts its alarms; composite inputs and unregistered alarms are not shown', () => {
  const important = statusWidget(`${LEVEL_LABELS.important.zh} ${LEVEL_LABELS.important.en}`)!;
  expect(important.properties.title).toBe(`${LEVEL_LABELS.important.zh} ${LEVEL_LABELS.important.en} (${important.properties.alarms!.length})`);
  const shown = JSON.stringify(widgets);
  expect(shown).not.toContain(id(input));
  expect(shown).not.toContain('Unregistered');
});

test('the legend lists each shown alarm with its registry level, family, indicator and title, and its CloudWatch name', () => {
  const md = legend.properties.markdown!;
  expect(md).toContain(`| ${LEVEL_LABELS.important.zh} important | alerting path | dropped-events | Queue backing up after the dashboard | <Ref:${id(after)}> |`);
  expect(md).toContain(`| ${LEVEL_LABELS.emergency.zh} emergency | software anomaly | error-rate | Errors before the dashboard | <Ref:${id(before)}> |`);
  expect(md).toContain(`| to ops directly | alerting path | alerting-heartbeat | Custom path check | <Ref:${id(direct)}> |`);
  expect(md).not.toContain('A composite input');
});

test('widgets do not overlap: the legend is below the status widgets', () => {
  const status = widgets.filter((w) => w.type === 'alarm');
  const bottom = Math.max(...status.map((w) => w.y + w.height));
  expect(legend.y).toBeGreaterThanOrEqual(bottom);
  for (const a of widgets) for (const b of widgets) if (a !== b) expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
});
