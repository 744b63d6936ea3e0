import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { maintenanceAlarmName, MAINTENANCE_METRIC_NAMESPACE } from '../../contracts/maintenance';
import { Construct } from 'constructs';
import { RunbookKey, WarningLevel } from '../config';
import { Alerting } from './alerting';

// Response levels of plan §5.1, by impact: one definition, shared with the incident handler.
import { RESPONSE_LEVELS, ResponseLevel } from '../../contracts';
export { RESPONSE_LEVELS };
export type { ResponseLevel };

/** Where a set of response-level composites lives: us-east-1 (health checks) or a chatbot region. */
export { responseAlarmName, type ResponseScope };
import { responseAlarmName, type ResponseScope } from '../../contracts/levels';

/**
 * The response levels each scope composes (see ResponseLevels below): us-east-1 from the health
 * checks (emergency, severe), each chatbot region from its own alarms (severe, general).
 */
export const LEVELS_BY_SCOPE: Record<ResponseScope, readonly ResponseLevel[]> = { 'us-east-1': ['emergency', 'severe'], primary: ['severe', 'general'], standby: ['severe', 'general'] };

/** Every maintenance suppressor alarm of a plan, with its region (the incident publisher sets them). */
export function maintenanceSuppressors(planName: string, regions: Record<ResponseScope, string>): { region: string; alarmName: string; scope: ResponseScope; level: ResponseLevel }[] {
  return (Object.keys(LEVELS_BY_SCOPE) as ResponseScope[]).flatMap((scope) =>
    LEVELS_BY_SCOPE[scope].map((level) => ({ region: regions[scope], alarmName: maintenanceAlarmName(planName, scope, level), scope, level })),
  );
}

/** Which warning topic declares each response level (data, not code). */
export const RESPONSE_TOPIC: Record<ResponseLevel, WarningLevel> = { emergency: 'emergency', severe: 'emergency', general: 'important' };
const RUNBOOK: Record<ResponseLevel, RunbookKey> = { emergency: 'response-emergency', severe: 'response-severe', general: 'response-general' };
const TITLE: Record<ResponseLevel, string> = {
  emergency: 'Response level EMERGENCY: customers cannot be served',
  severe: 'Response level SEVERE: a region is down or failing over, or the error budget burns at the emergency rate',
  general: 'Response level GENERAL: the service is degraded for some customers',
};

export interface ResponseLevelsProps {
  readonly alerting: Alerting;
  /** us-east-1: the primary endpoint's health-check alarm (issue #3). @default - none */
  readonly primaryHealthAlarm?: cw.IAlarm;
  /** us-east-1: the standby endpoint's health-check alarm. @default - none */
  readonly standbyHealthAlarm?: cw.IAlarm;
  /** us-east-1: the public name's health-check alarm. @default - none */
  readonly publicNameHealthAlarm?: cw.IAlarm;
  /** Regional: alarms that each mean this region fails its customers (e.g. the emergency burn rate). @default [] */
  readonly severeAlarms?: readonly cw.IAlarm[];
  /** Regional: alarms that each mean some customers see a degraded service. @default [] */
  readonly degradedAlarms?: readonly cw.IAlarm[];
  /**
   * Names the composites `responseAlarmName(planName, scope, level)` and gives each one a
   * maintenance suppressor alarm named `maintenanceAlarmName(planName, scope, level)` (issue 15).
   * @default - generated names, no suppressor
   */
  readonly naming?: { readonly planName: string; readonly scope: ResponseScope };
}

/**
 * How long a composite that goes into ALARM waits for its suppressor before it pages: the incident
 * publisher sets suppressors once a minute, so a window that just started is honoured.
 */
export const MAINTENANCE_SUPPRESSOR_WAIT = Duration.seconds(120);
/** How long a composite stays muted after its suppressor leaves ALARM (the window ended). */
export const MAINTENANCE_SUPPRESSOR_EXTENSION = Duration.seconds(60);

/**
 * Composite alarms per response level. CloudWatch composites may only read alarms of the same
 * account and region, so each region composes what it can see:
 * - us-east-1 (health checks): emergency = (primary AND standby unhealthy) OR public name unhealthy;
 *   severe = primary OR standby unhealthy (failover in effect);
 * - each chatbot region: severe = any of `severeAlarms`; general = any of `degradedAlarms`.
 * A level without inputs is not created.
 */
export class ResponseLevels extends Construct {
  public readonly alarms: Partial<Record<ResponseLevel, cw.CompositeAlarm>> = {};
  /**
   * Per composite, the alarm that mutes its actions during scheduled maintenance. It has no data
   * (its metric is never published, missing data keeps its state) and no actions: the incident
   * publisher sets it to ALARM while a window naming this scope and level runs, and back to OK.
   */
  public readonly suppressors: Partial<Record<ResponseLevel, cw.Alarm>> = {};

  constructor(scope: Construct, id: string, props: ResponseLevelsProps) {
    super(scope, id);
    const on = (a: cw.IAlarm) => cw.AlarmRule.fromAlarm(a, cw.AlarmState.ALARM);
    const rules: Partial<Record<ResponseLevel, cw.IAlarmRule>> = {};
    const { primaryHealthAlarm: p, standbyHealthAlarm: s, publicNameHealthAlarm: pub } = props;
    const emergency: cw.IAlarmRule[] = [];
    const conditions: Partial<Record<ResponseLevel, string>> = {};
    const emergencyText: string[] = [];
    if (p && s) {
      emergency.push(cw.AlarmRule.allOf(on(p), on(s)));
      emergencyText.push('primary and standby unhealthy');
    }
    if (pub) {
      emergency.push(on(pub));
      emergencyText.push('public name unhealthy');
    }
    if (emergency.length) rules.emergency = emergency.length === 1 ? emergency[0] : cw.AlarmRule.anyOf(...emergency);
    conditions.emergency = emergencyText.join(' or ');
    const severeInputs = [p, s, ...(props.severeAlarms ?? [])].filter((a): a is cw.IAlarm => a !== undefined);
    const severe = severeInputs.map(on);
    if (severe.length) rules.severe = severe.length === 1 ? severe[0] : cw.AlarmRule.anyOf(...severe);
    conditions.severe = p && s ? `primary or standby unhealthy${props.severeAlarms?.length ? ` or any of ${props.severeAlarms.length} more` : ''}` : `any of ${severeInputs.length} alarms`;
    const degraded = (props.degradedAlarms ?? []).map(on);
    if (degraded.length) rules.general = degraded.length === 1 ? degraded[0] : cw.AlarmRule.anyOf(...degraded);
    conditions.general = `any of ${degraded.length} alarms`;
    for (const level of RESPONSE_LEVELS.filter((l) => rules[l] !== undefined)) {
      const naming = props.naming;
      const suppressor =
        naming &&
        new cw.Alarm(this, `${level}-maintenance`, {
          alarmName: maintenanceAlarmName(naming.planName, naming.scope, level),
          alarmDescription: `Scheduled maintenance of ${naming.scope} (${level}): held in ALARM by the incident publisher while a maintenance window mutes ${responseAlarmName(naming.planName, naming.scope, level)}. Never pages.`,
          metric: new cw.Metric({
            namespace: MAINTENANCE_METRIC_NAMESPACE,
            metricName: 'WindowActive',
            dimensionsMap: { Plan: naming.planName, Scope: naming.scope, Level: level },
            period: Duration.minutes(1),
            statistic: 'Maximum',
          }),
          threshold: 1,
          comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          // Never published: the state the publisher sets is kept.
          treatMissingData: cw.TreatMissingData.IGNORE,
          actionsEnabled: false,
        });
      if (suppressor) this.suppressors[level] = suppressor;
      const alarm = new cw.CompositeAlarm(this, level, {
        ...(naming ? { compositeAlarmName: responseAlarmName(naming.planName, naming.scope, level) } : {}),
        alarmRule: rules[level]!,
        alarmDescription: props.alerting.describe(RESPONSE_TOPIC[level], TITLE[level], RUNBOOK[level]),
        ...(suppressor ? { actionsSuppressor: suppressor, actionsSuppressorWaitPeriod: MAINTENANCE_SUPPRESSOR_WAIT, actionsSuppressorExtensionPeriod: MAINTENANCE_SUPPRESSOR_EXTENSION } : {}),
      });
      props.alerting.addAlarm(alarm, RESPONSE_TOPIC[level], RUNBOOK[level], undefined, { title: TITLE[level], condition: conditions[level] });
      this.alarms[level] = alarm;
    }
  }
}
