import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { LEVEL_LABELS, Plan, WARNING_LEVELS } from '../config';
import { Alerting } from './alerting';
import { errorBudget } from './catalogue';
import type { ChatbotApiMetrics } from '../chatbot/chatbot-api';

export interface AlertingDashboardProps {
  readonly plan: Plan;
  readonly alerting: Alerting;
  /** Heading, e.g. "primary (ap-southeast-1)". */
  readonly heading: string;
  /** This region's chatbot API, for traffic, latency and error-budget widgets. @default - none (us-east-1) */
  readonly api?: ChatbotApiMetrics;
  /** Requests AWS WAF blocked in front of the API, graphed next to the 4xx/5xx. @default - not shown */
  readonly blockedRequests?: cw.IMetric;
  /** Extra alarms shown as endpoint health (e.g. Route 53 health-check alarms). @default [] */
  readonly endpointHealthAlarms?: readonly cw.IAlarm[];
}

/**
 * The plan's "big screen" (§4.3.1) for one region: the state of every alarm by warning level, the
 * alerting path itself, endpoint health, traffic and errors, and the error budget remaining over
 * the 30-day SLO period. Create it after every alarm has been added to the hub.
 */
export class AlertingDashboard extends Construct {
  public readonly dashboard: cw.Dashboard;

  constructor(scope: Construct, id: string, props: AlertingDashboardProps) {
    super(scope, id);
    const { plan, alerting, api } = props;
    this.dashboard = new cw.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    // App-wide tags reach the dashboard, but the CloudFormation resource spec cfn-lint checks
    // against has no Tags on AWS::CloudWatch::Dashboard; drop them here only.
    (this.dashboard.node.defaultChild as cw.CfnDashboard).addPropertyDeletionOverride('Tags');
    this.dashboard.addWidgets(
      new cw.TextWidget({ markdown: `# ${plan.name} — ${props.heading}\nWarning levels: ${WARNING_LEVELS.map((l) => `${LEVEL_LABELS[l].zh} ${LEVEL_LABELS[l].en}`).join(' · ')}. SLO ${plan.objectives.availabilityPercent}%.`, width: 24, height: 2 }),
    );
    const status: cw.IWidget[] = [];
    for (const level of [...WARNING_LEVELS].reverse()) {
      if (alerting.alarms[level].length === 0) continue;
      status.push(new cw.AlarmStatusWidget({ title: `${LEVEL_LABELS[level].zh} ${LEVEL_LABELS[level].en}`, alarms: alerting.alarms[level], width: 8, height: 6, sortBy: cw.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP }));
    }
    const n = alerting.notifier;
    status.push(new cw.AlarmStatusWidget({ title: 'Alerting path', alarms: [n.heartbeatAlarm, n.deliveryFailureAlarm, n.deadLetterAlarm], width: 8, height: 6 }));
    if (props.endpointHealthAlarms?.length) status.push(new cw.AlarmStatusWidget({ title: 'Endpoint health', alarms: [...props.endpointHealthAlarms], width: 8, height: 6 }));
    this.dashboard.addWidgets(...status);
    // Which channel is dead (§4.3.1): failed deliveries per channel kind and audience.
    this.dashboard.addWidgets(
      new cw.GraphWidget({
        title: 'Failed alert deliveries by channel (kind · audience)',
        left: n.channels.map((c) => n.metricChannelFailures(c.kind, c.audience)),
        leftYAxis: { min: 0, label: 'failures / 5 min', showUnits: false },
        width: 24,
        height: 6,
      }),
    );
    if (api) {
      const period = Duration.minutes(5);
      const budget = errorBudget(plan);
      const slo = Duration.days(30);
      this.dashboard.addWidgets(
        new cw.SingleValueWidget({
          title: 'Error budget remaining (30 days), %',
          metrics: [
            new cw.MathExpression({
              expression: `100 * (1 - IF(c > 0, FILL(e, 0) / c, 0) / ${budget})`,
              usingMetrics: { e: api.metricServerError({ statistic: 'Sum', period: slo }), c: api.metricCount({ statistic: 'Sum', period: slo }) },
              label: 'budget remaining %',
              period: slo,
            }),
          ],
          width: 6,
          height: 6,
        }),
        new cw.GraphWidget({ title: 'Requests', left: [api.metricCount({ period, statistic: 'Sum' })], width: 6, height: 6 }),
        new cw.GraphWidget({ title: '4xx / 5xx', left: [api.metricClientError({ period, statistic: 'Sum' }), api.metricServerError({ period, statistic: 'Sum' })], width: 6, height: 6 }),
        new cw.GraphWidget({
          title: 'Latency p99 (ms)',
          left: [api.metricLatency({ period, statistic: 'p99' })],
          leftAnnotations: WARNING_LEVELS.map((l) => ({ value: plan.thresholds.apiLatencyP99Ms[l], label: LEVEL_LABELS[l].en })),
          width: 6,
          height: 6,
        }),
      );
      if (props.blockedRequests) {
        this.dashboard.addWidgets(
          new cw.GraphWidget({
            title: 'Blocked by AWS WAF (per 5 min)',
            left: [props.blockedRequests],
            leftAnnotations: WARNING_LEVELS.map((l) => ({ value: plan.thresholds.blockedRequests[l], label: LEVEL_LABELS[l].en })),
            width: 6,
            height: 6,
          }),
        );
      }
    }
  }
}
