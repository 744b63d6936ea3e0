import { Duration, Tags } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { perLevel, Plan, WarningLevel } from '../config';
import { Alerting, LEVEL_TAG } from './alerting';
import { burnRateThresholdPercent } from './catalogue';
import { recordAlarm } from './registry';
import { sharePercent } from './indicator-alarms';
import type { ChatbotApiMetrics } from '../chatbot/chatbot-api';

export interface BurnRateAlarmsProps {
  readonly plan: Plan;
  readonly alerting: Alerting;
  readonly api: ChatbotApiMetrics;
}

/** The long-window, short-window and combined alarms of one burn-rate tier. */
export interface BurnRateTier {
  readonly long: cw.Alarm;
  readonly short: cw.Alarm;
  /** long AND short: the alarm wired to the level's topic. */
  readonly alert: cw.CompositeAlarm;
}

/**
 * Multiwindow, multi-burn-rate alerts on the 5xx error budget (SRE workbook ch. 5): per level, a
 * long-window and a short-window alarm on the 5xx share (each window is one alarm period), fired
 * together by a composite alarm that goes to the level's topic. The children carry no actions.
 */
export class BurnRateAlarms extends Construct {
  public readonly tiers: Record<WarningLevel, BurnRateTier>;

  constructor(scope: Construct, id: string, props: BurnRateAlarmsProps) {
    super(scope, id);
    const { plan, alerting, api } = props;
    this.tiers = perLevel((level) => {
      const tier = plan.alerting.burnRates[level];
      const threshold = burnRateThresholdPercent(plan, level);
      const window = (name: 'long' | 'short', minutes: number) => {
        const period = Duration.minutes(minutes);
        const alarm = new cw.Alarm(this, `${level}-${name}`, {
          metric: sharePercent(`5xx % over ${minutes} min`, api.metricServerError({ period, statistic: 'Sum' }), api.metricCount({ period, statistic: 'Sum' })).with({ period }),
          threshold,
          evaluationPeriods: 1,
          comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cw.TreatMissingData.NOT_BREACHING,
          alarmDescription: `${name} window (${minutes} min) of the ${tier.factor}x burn-rate alert: 5xx share >= ${threshold}% (input of a composite; no actions)`,
        });
        Tags.of(alarm).add(LEVEL_TAG, level);
        recordAlarm(alarm, { level, route: 'composite-input', indicator: 'error-budget-burn', title: `5xx share over the ${name} window (${minutes} min)`, condition: `≥ ${threshold}% over ${minutes} min` });
        return alarm;
      };
      const long = window('long', tier.longWindowMinutes);
      const short = window('short', tier.shortWindowMinutes);
      const title = `Error budget burning at ${tier.factor}x (5xx >= ${threshold}% over ${tier.longWindowMinutes} min and ${tier.shortWindowMinutes} min)`;
      const alert = new cw.CompositeAlarm(this, `${level}-alert`, {
        alarmRule: cw.AlarmRule.allOf(cw.AlarmRule.fromAlarm(long, cw.AlarmState.ALARM), cw.AlarmRule.fromAlarm(short, cw.AlarmState.ALARM)),
        alarmDescription: alerting.describe(level, title, 'error-budget-burn'),
      });
      alerting.addAlarm(alert, level, 'error-budget-burn', undefined, {
        title: `5xx error-budget burn (long / short window, SLO ${plan.objectives.availabilityPercent}%)`,
        condition: `${tier.factor}× = ${threshold}% over ${tier.longWindowMinutes} / ${tier.shortWindowMinutes} min`,
      });
      return { long, short, alert };
    });
  }
}
