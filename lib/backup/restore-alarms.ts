import { Duration, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LEVEL_TAG } from '../alerting/alerting';
import { LEVEL_LABELS, WarningLevel } from '../config/levels';
import { METRICS, restoreWatchConfig, SERVICES } from '../../contracts';
import { functionEnvironment } from '../shared/function-environment';
import { ProjectFunction } from '../shared/project-function';
import { BACKUP_METRICS_NAMESPACE } from './restore-validator';


export interface RestoreAlarmsProps {
  /** Name of the restore-testing plan watched. */
  readonly restoreTestingPlanName: string;
  /** ARN of the restore-testing plan watched. */
  readonly restoreTestingPlanArn: string;
  /** Alarm when no restore test has passed validation for this many days. */
  readonly maxSilenceDays: number;
  /** Warning level of both alarms (plan §4.2.3). @default 'important' */
  readonly level?: WarningLevel;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** The two restore alarms, typed so the alerting wiring can attach actions per level. */
export interface RestoreAlarmSet {
  /** A restore test's validation failed (or its restore job failed). */
  readonly validationFailed: cloudwatch.Alarm;
  /** No restore test has passed within the plan's period — or the watch itself stopped reporting. */
  readonly silence: cloudwatch.Alarm;
}

/**
 * Restore-test alarms at the important level: a failure alarm on the validator's metric and a
 * silence alarm. CloudWatch cannot evaluate an alarm over more than 7 days, so silence is measured
 * by an hourly watch function that reads AWS Backup's restore-job history and publishes the hours
 * since the last validated success; missing data counts as breaching.
 */
export class RestoreAlarms extends Construct {
  public readonly alarms: RestoreAlarmSet;
  public readonly level: WarningLevel;
  public readonly watch: ProjectFunction;

  constructor(scope: Construct, id: string, props: RestoreAlarmsProps) {
    super(scope, id);
    if (!Number.isInteger(props.maxSilenceDays) || props.maxSilenceDays < 1) {
      throw new Error(`${this.node.path}: maxSilenceDays must be an integer of at least 1, got: ${props.maxSilenceDays}`);
    }
    this.level = props.level ?? 'important';
    const label = LEVEL_LABELS[this.level];

    this.watch = new ProjectFunction(this, 'Watch', {
      handlerDir: 'restore-watch',
      serviceName: restoreWatchConfig.service,
      description: 'Publishes hours since a chatbot restore test last passed validation',
      timeout: Duration.minutes(1),
      environment: functionEnvironment(this, restoreWatchConfig, {
        planName: props.restoreTestingPlanName,
        planArn: props.restoreTestingPlanArn,
        lookbackDays: props.maxSilenceDays + 1,
      }),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    this.watch.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['backup:GetRestoreTestingPlan'], resources: [props.restoreTestingPlanArn] }));
    this.watch.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['backup:ListRestoreJobs'],
        // ListRestoreJobs does not support resource-level permissions; it only lists.
        resources: ['*'],
      }),
    );
    Validations.of(this.watch.role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'backup:ListRestoreJobs does not support resource-level permissions (read-only listing).' });
    new events.Rule(this, 'Hourly', {
      description: 'Measure restore-test silence every hour',
      schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [new targets.LambdaFunction(this.watch.fn, { retryAttempts: 2 })],
    });

    const validationFailed = new cloudwatch.Alarm(this, 'ValidationFailed', {
      alarmDescription: `[${this.level}] ${label.en} / ${label.zh}: a chatbot restore test failed validation in ${Stack.of(this).region}. See the restore-validator logs and the restore job's validation message in AWS Backup.`,
      metric: new cloudwatch.Metric({
        namespace: BACKUP_METRICS_NAMESPACE,
        metricName: METRICS.restoreValidator.failed,
        dimensionsMap: { service: SERVICES.restoreValidator },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.hours(1),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const silence = new cloudwatch.Alarm(this, 'Silence', {
      alarmDescription: `[${this.level}] ${label.en} / ${label.zh}: no chatbot restore test has passed validation for more than ${props.maxSilenceDays} days in ${Stack.of(this).region} (or the restore watch stopped reporting).`,
      metric: new cloudwatch.Metric({
        namespace: BACKUP_METRICS_NAMESPACE,
        metricName: METRICS.restoreWatch.hoursSinceSuccess,
        dimensionsMap: { service: SERVICES.restoreWatch },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.hours(1),
      }),
      threshold: props.maxSilenceDays * 24,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    for (const alarm of [validationFailed, silence]) Tags.of(alarm).add(LEVEL_TAG, this.level);
    this.alarms = { validationFailed, silence };
  }
}
