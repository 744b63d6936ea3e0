import { Duration, Token } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS, METRICS_NAMESPACE } from '../../contracts';
import type { ChatbotApi } from '../chatbot';
import { perLevel, Plan, WarningLevel } from '../config';
import { Alerting } from './alerting';
import { INDICATORS, IndicatorSpec, thresholdCell } from './catalogue';

/** Namespace of the log-derived metrics. */
export const LOG_METRICS_NAMESPACE = METRICS_NAMESPACE;
const PERIOD = Duration.minutes(5);

export interface IndicatorAlarmsProps {
  readonly plan: Plan;
  readonly alerting: Alerting;
  readonly chatbot: ChatbotApi;
  /** This region's table (or replica): DynamoDB metrics of a global table are per region. */
  readonly table: dynamodb.ITableV2;
  /** Requests AWS WAF blocked in front of this region's API (ChatbotFirewall.metricBlockedRequests). */
  readonly blockedRequests: cw.IMetric;
}

/** The share (%) of `part` in `total` over the period; 0 when there was no traffic. */
export function sharePercent(label: string, part: cw.IMetric, total: cw.IMetric): cw.MathExpression {
  return new cw.MathExpression({ expression: 'IF(total > 0, 100 * FILL(part, 0) / total, 0)', usingMetrics: { part, total }, label, period: PERIOD });
}

/**
 * One alarm per indicator per level for plan §4.2.1 (system load, abnormal traffic, software
 * anomaly; infrastructure faults come from AWS Health and the us-east-1 health checks). Each
 * threshold is the plan's; each alarm is added to the alerting hub at its level.
 */
export class IndicatorAlarms extends Construct {
  /** alarms[indicatorKey][level] */
  public readonly alarms: Record<string, Record<WarningLevel, cw.Alarm>> = {};
  public readonly unhandledErrorsFilter: logs.MetricFilter;
  public readonly apiThrottledFilter: logs.MetricFilter;

  constructor(scope: Construct, id: string, props: IndicatorAlarmsProps) {
    super(scope, id);
    const { plan, chatbot, table, alerting, blockedRequests } = props;
    const t = plan.thresholds;
    const fn = chatbot.fn;
    const timeoutMs = plan.chatbot.timeoutSeconds * 1000;
    const concurrencyLimit = plan.chatbot.reservedConcurrency ?? plan.alerting.accountConcurrencyLimit;
    if (!Token.isUnresolved(concurrencyLimit) && concurrencyLimit < 1) throw new Error(`${this.node.path}: concurrency limit must be at least 1, got: ${concurrencyLimit}`);

    this.unhandledErrorsFilter = new logs.MetricFilter(this, 'UnhandledErrorsFilter', {
      logGroup: chatbot.functionLogs,
      filterPattern: logs.FilterPattern.anyTerm('Invoke Error', 'Task timed out', 'Runtime.Unhandled', 'Runtime.ExitError'),
      metricNamespace: LOG_METRICS_NAMESPACE,
      metricName: METRICS.logs.unhandledErrors,
      metricValue: '1',
      // A 0 for every log line that does not match: the alarm sees a quiet function as 0, not as missing data.
      defaultValue: 0,
      unit: cw.Unit.COUNT,
    });
    this.apiThrottledFilter = new logs.MetricFilter(this, 'ApiThrottledFilter', {
      logGroup: chatbot.accessLogs,
      filterPattern: logs.FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: LOG_METRICS_NAMESPACE,
      metricName: METRICS.logs.apiThrottled,
      metricValue: '1',
      defaultValue: 0,
      unit: cw.Unit.COUNT,
    });

    const count = chatbot.api.metricCount({ period: PERIOD, statistic: 'Sum' });
    const metrics: Record<string, { metric: cw.IMetric; threshold: (v: number) => number }> = {
      'api-latency': { metric: chatbot.api.metricLatency({ period: PERIOD, statistic: 'p99' }), threshold: (v) => v },
      'function-duration': { metric: fn.metricDuration({ period: PERIOD, statistic: 'p99' }), threshold: (v) => Math.round((timeoutMs * v) / 100) },
      'function-concurrency': { metric: fn.metric('ConcurrentExecutions', { period: PERIOD, statistic: 'Maximum' }), threshold: (v) => Math.max(1, Math.floor((concurrencyLimit * v) / 100)) },
      'function-throttles': { metric: fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }), threshold: (v) => v },
      'table-throttles': {
        metric: new cw.MathExpression({
          expression: 'FILL(r, 0) + FILL(w, 0)',
          usingMetrics: { r: table.metric('ReadThrottleEvents', { statistic: 'Sum' }), w: table.metric('WriteThrottleEvents', { statistic: 'Sum' }) },
          label: 'Table read+write throttle events',
          period: PERIOD,
        }),
        threshold: (v) => v,
      },
      'client-errors': { metric: sharePercent('4xx %', chatbot.api.metricClientError({ period: PERIOD, statistic: 'Sum' }), count), threshold: (v) => v },
      'api-throttled': { metric: new cw.Metric({ namespace: LOG_METRICS_NAMESPACE, metricName: METRICS.logs.apiThrottled, period: PERIOD, statistic: 'Sum' }), threshold: (v) => v },
      'blocked-requests': { metric: blockedRequests, threshold: (v) => v },
      'error-rate': { metric: sharePercent('5xx %', chatbot.api.metricServerError({ period: PERIOD, statistic: 'Sum' }), count), threshold: (v) => v },
      'function-errors': { metric: fn.metricErrors({ period: PERIOD, statistic: 'Sum' }), threshold: (v) => v },
      'unhandled-errors': { metric: new cw.Metric({ namespace: LOG_METRICS_NAMESPACE, metricName: METRICS.logs.unhandledErrors, period: PERIOD, statistic: 'Sum' }), threshold: (v) => v },
    };

    for (const spec of INDICATORS) {
      this.alarms[spec.key] = perLevel((level) => {
        const value = t[spec.threshold][level];
        const title = `${spec.title} (${value} ${spec.unit})`;
        const alarm =
          spec.key === 'traffic-anomaly'
            ? new cw.AnomalyDetectionAlarm(this, `${spec.key}-${level}`, {
                metric: count,
                stdDevs: value,
                comparisonOperator: cw.ComparisonOperator.LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD,
                evaluationPeriods: 3,
                datapointsToAlarm: 3,
                treatMissingData: cw.TreatMissingData.NOT_BREACHING,
                alarmDescription: alerting.describe(level, title, spec.key),
              })
            : this.thresholdAlarm(spec, level, value, metrics[spec.key], alerting.describe(level, title, spec.key));
        alerting.addAlarm(alarm, level, spec.key, undefined, { title: spec.title, condition: thresholdCell(plan, spec, level) });
        return alarm;
      });
    }
  }

  private thresholdAlarm(spec: IndicatorSpec, level: WarningLevel, value: number, m: { metric: cw.IMetric; threshold: (v: number) => number }, description: string): cw.Alarm {
    return new cw.Alarm(this, `${spec.key}-${level}`, {
      metric: m.metric,
      threshold: m.threshold(value),
      evaluationPeriods: 1,
      comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cw.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
  }
}

