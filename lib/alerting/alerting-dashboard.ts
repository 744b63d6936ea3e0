import { Duration, Stack } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { Construct, IConstruct } from 'constructs';
import { LEVEL_LABELS, Plan, WARNING_LEVELS } from '../config';
import { Alerting } from './alerting';
import { errorBudget } from './catalogue';
import { RegisteredAlarm, registeredAlarms } from './registry';
import type { ChatbotApiMetrics } from '../chatbot/chatbot-api';

/** One status widget of the dashboard: a title and the registered alarms it shows. */
export interface AlarmGroup {
  readonly title: string;
  readonly alarms: readonly RegisteredAlarm[];
}

/**
 * The alarm groups a dashboard shows, from the registry: one per warning level (most severe first)
 * of the alarms routed to it, the alerting path's own alarms (e-mail/SMS to ops directly) and the
 * endpoint-health alarms. Composite inputs are shown through the composite they feed. Groups
 * without alarms are left out.
 */
export function alarmGroups(alarms: readonly RegisteredAlarm[]): AlarmGroup[] {
  const groups: AlarmGroup[] = [...WARNING_LEVELS]
    .reverse()
    .map((level) => ({ title: `${LEVEL_LABELS[level].zh} ${LEVEL_LABELS[level].en}`, alarms: alarms.filter((a) => a.route === 'level' && a.level === level) }));
  groups.push({ title: 'Alerting path', alarms: alarms.filter((a) => a.route === 'ops-direct') });
  groups.push({ title: 'Endpoint health', alarms: alarms.filter((a) => a.route !== 'composite-input' && a.indicator === 'endpoint-health') });
  return groups.filter((g) => g.alarms.length > 0);
}

const STATUS_WIDTH = 8;
const STATUS_HEIGHT = 6;
const GRID = 24;

/**
 * The dashboard's alarm widgets, laid out when the dashboard body is rendered at synth, so every
 * alarm registered by then appears, wherever it was added: a status widget per group
 * (`alarmGroups`), then a legend table of every alarm shown (level, family, indicator, title as
 * recorded in the registry, and the CloudWatch alarm name the status widgets list).
 */
class RegistryAlarmWidgets implements cw.IWidget {
  public readonly width = GRID;
  private x = 0;
  private y = 0;

  constructor(private readonly find: () => RegisteredAlarm[]) {}

  private groups(): AlarmGroup[] {
    return alarmGroups(this.find());
  }

  private legendRows(groups: readonly AlarmGroup[]): RegisteredAlarm[] {
    const seen = new Set<RegisteredAlarm['alarm']>();
    return groups.flatMap((g) => g.alarms).filter((a) => (seen.has(a.alarm) ? false : (seen.add(a.alarm), true)));
  }

  private statusHeight(groups: readonly AlarmGroup[]): number {
    return Math.ceil(groups.length / (GRID / STATUS_WIDTH)) * STATUS_HEIGHT;
  }

  private legendHeight(rows: number): number {
    return Math.min(2 + Math.ceil(rows * 0.75), 30);
  }

  public get height(): number {
    const groups = this.groups();
    return this.statusHeight(groups) + this.legendHeight(this.legendRows(groups).length);
  }

  public position(x: number, y: number): void {
    this.x = x;
    this.y = y;
  }

  public toJson(): any[] {
    const groups = this.groups();
    const widgets: any[] = [];
    groups.forEach((g, i) => {
      const w = new cw.AlarmStatusWidget({ title: `${g.title} (${g.alarms.length})`, alarms: g.alarms.map((a) => a.alarm), width: STATUS_WIDTH, height: STATUS_HEIGHT, sortBy: cw.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP });
      w.position(this.x + (i % 3) * STATUS_WIDTH, this.y + Math.floor(i / 3) * STATUS_HEIGHT);
      widgets.push(...w.toJson());
    });
    const rows = this.legendRows(groups);
    const cell = (t: string) => t.replace(/\|/g, '\\|');
    const markdown = [
      '### Alarms on this dashboard (from the alarm registry)',
      '| level | family | indicator | alarm | CloudWatch name |',
      '|---|---|---|---|---|',
      ...rows.map((a) => `| ${a.level ? `${LEVEL_LABELS[a.level].zh} ${a.level}` : 'to ops directly'} | ${a.family} | ${a.indicator} | ${cell(a.title)} | ${a.alarm.alarmName} |`),
    ].join('\n');
    const legend = new cw.TextWidget({ markdown, width: GRID, height: this.legendHeight(rows.length) });
    legend.position(this.x, this.y + this.statusHeight(groups));
    widgets.push(...legend.toJson());
    return widgets;
  }
}

export interface AlertingDashboardProps {
  readonly plan: Plan;
  readonly alerting: Alerting;
  /** Heading, e.g. "primary (ap-southeast-1)". */
  readonly heading: string;
  /** This region's chatbot API, for traffic, latency and error-budget widgets. @default - none (us-east-1) */
  readonly api?: ChatbotApiMetrics;
  /** Requests AWS WAF blocked in front of the API, graphed next to the 4xx/5xx. @default - not shown */
  readonly blockedRequests?: cw.IMetric;
  /**
   * Where the registered alarms shown are found: every alarm recorded in the alarm registry under
   * these scopes, in this stack's region. @default - this stack and the alerting hub's stack
   */
  readonly alarmsFrom?: readonly IConstruct[];
}

/**
 * The plan's "big screen" (§4.3.1) for one region: the state of every alarm by warning level, the
 * alerting path itself, endpoint health (all read from the alarm registry when the dashboard is
 * synthesized, so an alarm added anywhere, before or after the dashboard, is shown), a legend of
 * those alarms, traffic and errors, and the error budget remaining over the 30-day SLO period.
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
    const scopes = [...new Set(props.alarmsFrom ?? [Stack.of(this), Stack.of(alerting)])];
    const region = Stack.of(this).region;
    this.dashboard.addWidgets(
      new RegistryAlarmWidgets(() => {
        const seen = new Set<cw.AlarmBase>();
        return scopes.flatMap((s) => registeredAlarms(s, region)).filter((a) => (seen.has(a.alarm) ? false : (seen.add(a.alarm), true)));
      }),
    );
    const n = alerting.notifier;
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
