import { ArnFormat, Duration, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as cdkLambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { DRILL_FAULTS_TAG_KEY, DRILL_REPORT_PREFIX, DRILL_WORDS_FILE, drillRunnerConfig, METRICS, METRICS_NAMESPACE, SERVICES, STATUS_OBJECT_KEY } from '../../contracts';
import type { Texts } from '../../contracts/languages';
import type { DrillSettings } from '../../ops/drill/machine';
import { LEVEL_TAG } from '../alerting/alerting';
import type { WarningLevel } from '../config/levels';
import { functionEnvironment } from '../shared/function-environment';
import { ProjectFunction } from '../shared/project-function';
import { nagRendering } from './drill-faults';

/** One alarm the runner reads, in its region (by name: the regional alarms live in other stacks). */
export interface RegionalAlarmName {
  readonly region: string;
  readonly name: string;
}

export interface DrillRunnerProps {
  readonly planName: string;
  /**
   * Key of the announcement topic: the operations key of us-east-1 (the incident log key, which
   * also encrypts the warning topics the same people read). @default - a rotated key of its own
   */
  readonly announcementKey?: kms.IKey;
  readonly settings: DrillSettings;
  /** The public name and each region's target host (DNS switch detection). */
  readonly publicName: string;
  readonly targets: { readonly primary: string; readonly standby: string };
  /** The plan's primary health check: the only one the runner may invert. */
  readonly primaryHealthCheck: { readonly healthCheckId: string };
  readonly alarms: {
    readonly primaryHealth: RegionalAlarmName;
    readonly standbyHealth: RegionalAlarmName;
    /** Emergency response levels: a stop condition. */
    readonly emergency: readonly RegionalAlarmName[];
    /** Regional severe response levels (emergency burn rate, error rate): a stop condition. */
    readonly burnRate: readonly RegionalAlarmName[];
    /** Warning-level alarms whose first ALARM measures detection per level. */
    readonly levels: Readonly<Record<WarningLevel, readonly RegionalAlarmName[]>>;
  };
  readonly incidentTable: dynamodb.ITable;
  readonly incidentRetentionDays: number;
  /** Holds status.json (open incident precondition). */
  readonly statusBucket: s3.IBucket;
  /** Reports go under drills/. */
  readonly reportBucket: s3.IBucket;
  /** Announcement texts per plan language: start, abort, end, cancelled. */
  readonly words: { readonly languages: readonly string[]; readonly templates: Readonly<Record<'start' | 'abort' | 'end' | 'cancelled', Texts>> & { readonly 'start-faults'?: Texts } };
  /** Who is told a drill starts, aborts and ends (e-mail, SMS); customers never are. */
  readonly recipients: { readonly emails: readonly string[]; readonly sms: readonly string[] };
  /** EventBridge Scheduler expression and time zone; disabled when `enabled` is false. */
  readonly schedule: { readonly expression: string; readonly timeZone: string; readonly enabled: boolean };
  /** Alarm when no drill passed for this many days. */
  readonly periodDays: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * fault-injection drills: the region of the plan's AWS FIS experiment template (the primary). The
   * runner finds it by its tag `contingency:drill-faults = <plan>` and may start, read and stop only
   * experiments that carry that tag. @default - none (dns-switch drills)
   */
  readonly faults?: { readonly region: string };
}

/**
 * The live drill runner (plan §9.2.2, §9.2.3): a Step Functions loop
 *   Begin → Tick → (finished? → Passed | Failed) else Wait(waitSeconds) → Tick …
 * whose one Lambda step calls the pure drill machine (ops/drill/machine.ts). Any error in Tick is
 * caught by Abort (same function, input with `error`), which restores the primary health check
 * first. A rule on the execution's FAILED / TIMED_OUT / ABORTED status calls the function once more
 * as a safety net. Scheduled by EventBridge Scheduler inside the plan's window. Alarms: a drill
 * failed (DrillFailed ≥ 1) and no drill passed within the period (daily watch).
 */
export class DrillRunner extends Construct {
  public readonly fn: ProjectFunction;
  public readonly stateMachine: sfn.StateMachine;
  public readonly announcements: sns.Topic;
  public readonly schedule: scheduler.CfnSchedule;
  public readonly alarms: { readonly failed: cloudwatch.Alarm; readonly overdue: cloudwatch.Alarm };

  constructor(scope: Construct, id: string, props: DrillRunnerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!Number.isInteger(props.periodDays) || props.periodDays < 1) throw new Error(`${this.node.path}: periodDays must be a whole number of days of at least 1, got: ${props.periodDays}`);

    const key = props.announcementKey ?? new kms.Key(this, 'Key', { enableKeyRotation: true, description: `${props.planName} drill announcements` });
    this.announcements = new sns.Topic(this, 'Announcements', { masterKey: key, enforceSSL: true, displayName: `${props.planName} drills`.slice(0, 100) });
    for (const e of props.recipients.emails) this.announcements.addSubscription(new subs.EmailSubscription(e));
    for (const n of props.recipients.sms) this.announcements.addSubscription(new subs.SmsSubscription(n));

    const { faults, ...settingsRest } = props.settings;
    this.fn = new ProjectFunction(this, 'Function', {
      handlerDir: 'drill',
      serviceName: SERVICES.drillRunner,
      description: 'Live drill runner: one step of the drill machine (observe, decide, act)',
      timeout: Duration.minutes(1),
      environment: functionEnvironment(this, drillRunnerConfig, {
        drill: {
          planName: props.planName,
          settings: { ...settingsRest, window: { ...settingsRest.window, days: [...settingsRest.window.days] }, ...(faults ? { faults: [...faults] } : {}) },
          publicName: props.publicName,
          targets: props.targets,
          primaryHealthCheckId: props.primaryHealthCheck.healthCheckId,
          alarms: {
            primaryHealth: props.alarms.primaryHealth,
            standbyHealth: props.alarms.standbyHealth,
            emergency: [...props.alarms.emergency],
            burnRate: [...props.alarms.burnRate],
            levels: { general: [...props.alarms.levels.general], important: [...props.alarms.levels.important], emergency: [...props.alarms.levels.emergency] },
          },
          incidentTable: props.incidentTable.tableName,
          incidentRetentionDays: props.incidentRetentionDays,
          statusBucket: props.statusBucket.bucketName,
          reportBucket: props.reportBucket.bucketName,
          announceTopicArn: this.announcements.topicArn,
          ...(props.faults ? { faults: { region: props.faults.region } } : {}),
        },
      }),
      bundledConfig: { [DRILL_WORDS_FILE]: props.words },
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    const role = this.fn.role;
    // Only the plan's own primary check: Route 53 health-check ARNs have no region or account.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['route53:GetHealthCheck', 'route53:UpdateHealthCheck'],
        resources: [stack.formatArn({ service: 'route53', region: '', account: '', resource: 'healthcheck', resourceName: props.primaryHealthCheck.healthCheckId })],
      }),
    );
    const a = props.alarms;
    const all = [a.primaryHealth, a.standbyHealth, ...a.emergency, ...a.burnRate, ...a.levels.general, ...a.levels.important, ...a.levels.emergency];
    const arns = [...new Set(all.map((x) => stack.formatArn({ service: 'cloudwatch', region: x.region, resource: 'alarm', resourceName: x.name, arnFormat: ArnFormat.COLON_RESOURCE_NAME })))];
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: arns }));
    // Exact actions, not grantRead/grantReadWrite (they add List*, Delete*, Abort*, ReEncrypt*…).
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [props.statusBucket.arnForObjects(STATUS_OBJECT_KEY)] }));
    // Its own reports only: GetObject/PutObject under drills/ of the report bucket (and its key). A
    // policy of its own, so the acknowledgement below covers nothing else the runner may do.
    const reports = new iam.Policy(this, 'ReportAccess', {
      statements: [new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [props.reportBucket.arnForObjects(`${DRILL_REPORT_PREFIX}*`)] })],
    });
    if (props.reportBucket.encryptionKey) reports.addStatements(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.reportBucket.encryptionKey.keyArn] }));
    reports.attachToRole(role);
    // The bucket is in the global stack: cdk-nag names it by a cross-stack output, so the finding is acknowledged on this policy alone.
    // The bucket lives in the global stack: cdk-nag names it by the cross-stack reference, known only once
    // references are resolved (validate phase), so the acknowledgement is added then, for exactly that resource.
    const reportObjects = props.reportBucket.arnForObjects(`${DRILL_REPORT_PREFIX}*`);
    this.node.addValidation({
      validate: () => {
        const resolved = Stack.of(this).resolve(reportObjects) as unknown;
        const join = (resolved as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
        const rendered = join ? join[1].map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(join[0]) : String(resolved);
        Validations.of(reports).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${rendered}]`,
          reason: 'Objects under the drills/ prefix of the report bucket only (GetObject, PutObject): each drill writes <year>/<drill id>.json|.md there.',
        });
        return [];
      },
    });
    if (props.faults) this.grantDrillExperiments(props.planName, props.faults.region);
    props.incidentTable.grant(role, 'dynamodb:Query', 'dynamodb:PutItem');
    this.announcements.grantPublish(role);
    Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: 'From grantPublish on the encrypted announcement topic: data keys of that topic key only.' });

    // The loop.
    const begin = new sfn.Pass(this, 'Begin', { parameters: { action: 'tick', drillId: sfn.JsonPath.stringAt('$$.Execution.Name') } });
    const tick = new tasks.LambdaInvoke(this, 'Tick', { lambdaFunction: this.fn.fn, payloadResponseOnly: true, retryOnServiceExceptions: true, comment: 'observe → advance the drill machine → act' });
    const abort = new tasks.LambdaInvoke(this, 'Abort', { lambdaFunction: this.fn.fn, payloadResponseOnly: true, retryOnServiceExceptions: true, comment: 'restore the primary health check, record the abort' });
    const wait = new sfn.Wait(this, 'Wait', { time: sfn.WaitTime.secondsPath('$.waitSeconds') });
    const passed = new sfn.Succeed(this, 'Passed');
    const failed = new sfn.Fail(this, 'Failed', { error: 'DrillFailed', cause: 'The drill failed, was aborted or cancelled: see the report under drills/ in the report bucket' });
    const done = new sfn.Choice(this, 'Finished?')
      .when(sfn.Condition.and(sfn.Condition.isPresent('$.finished'), sfn.Condition.booleanEquals('$.finished', true)), new sfn.Choice(this, 'Passed?').when(sfn.Condition.and(sfn.Condition.isPresent('$.passed'), sfn.Condition.booleanEquals('$.passed', true)), passed).otherwise(failed))
      .otherwise(wait);
    wait.next(tick);
    tick.addCatch(abort, { errors: ['States.ALL'], resultPath: '$.error' });
    abort.next(done);
    const logGroup = new logs.LogGroup(this, 'ExecutionLogs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    const timeout = Duration.seconds(2 * props.settings.maxDurationSeconds + 15 * 60);
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(begin.next(tick).next(done)),
      timeout,
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      comment: `Live drill of plan ${props.planName}: ${props.settings.scenario}`,
    });

    Validations.of(this.stateMachine.role).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSampling*) and CloudWatch Logs delivery (logs:CreateLogDelivery…) do not support resource-level permissions.' },
      { id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.fn.fn.node.defaultChild as cdkLambda.CfnFunction)}.Arn>:*]`, reason: 'Step Functions may invoke the drill runner function in any of its versions (the :* qualifier of that one function).' },
    );

    // Safety net: an execution that ends abnormally leaves no inverted check behind.
    new events.Rule(this, 'SafetyNet', {
      description: 'A drill execution failed, timed out or was stopped: restore the primary health check',
      eventPattern: { source: ['aws.states'], detailType: ['Step Functions Execution Status Change'], detail: { stateMachineArn: [this.stateMachine.stateMachineArn], status: ['FAILED', 'TIMED_OUT', 'ABORTED'] } },
      targets: [new targets.LambdaFunction(this.fn.fn, { retryAttempts: 4 })],
    });
    new events.Rule(this, 'Watch', {
      description: 'Daily: days since a live drill last passed',
      schedule: events.Schedule.rate(Duration.days(1)),
      targets: [new targets.LambdaFunction(this.fn.fn, { event: events.RuleTargetInput.fromObject({ action: 'watch' }), retryAttempts: 2 })],
    });

    const schedulerRole = new iam.Role(this, 'SchedulerRole', { assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'), description: `Starts the ${props.planName} drill` });
    this.stateMachine.grantStartExecution(schedulerRole);
    this.schedule = new scheduler.CfnSchedule(this, 'Schedule', {
      description: `Live drill of ${props.planName} (${props.schedule.expression} ${props.schedule.timeZone})`,
      scheduleExpression: props.schedule.expression,
      scheduleExpressionTimezone: props.schedule.timeZone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: props.schedule.enabled ? 'ENABLED' : 'DISABLED',
      target: { arn: this.stateMachine.stateMachineArn, roleArn: schedulerRole.roleArn, input: '{}', retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 } },
    });

    const metric = (name: string, period: Duration) =>
      new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { service: SERVICES.drillRunner }, statistic: cloudwatch.Stats.MAXIMUM, period });
    const failedAlarm = new cloudwatch.Alarm(this, 'DrillFailedAlarm', {
      alarmDescription: `A live drill of ${props.planName} failed, was aborted, could not start or missed its objective (${props.settings.objectiveSeconds} s). See drills/ in the report bucket.`,
      metric: metric(METRICS.drillRunner.failed, Duration.hours(1)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const overdue = new cloudwatch.Alarm(this, 'DrillOverdueAlarm', {
      alarmDescription: `No live drill of ${props.planName} has passed for more than ${props.periodDays} days (or the daily drill watch stopped reporting).`,
      metric: metric(METRICS.drillRunner.daysSinceSuccess, Duration.days(1)),
      threshold: props.periodDays,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.alarms = { failed: failedAlarm, overdue };
    for (const x of [failedAlarm, overdue]) Tags.of(x).add(LEVEL_TAG, 'important');
  }

  /**
   * AWS FIS, for fault-injection drills: list the templates (to find the plan's by its tag) and the
   * experiments of a template (safety net); start experiments only from a template tagged with this
   * plan, tagging them so; read and stop only experiments tagged with this plan.
   */
  private grantDrillExperiments(planName: string, region: string): void {
    const stack = Stack.of(this);
    const arn = (resource: string) => stack.formatArn({ service: 'fis', region, resource, resourceName: '*' });
    const templates = arn('experiment-template');
    const experiments = arn('experiment');
    const tag = (kind: 'ResourceTag' | 'RequestTag') => ({ StringEquals: { [`aws:${kind}/${DRILL_FAULTS_TAG_KEY}`]: planName } });
    const policy = new iam.Policy(this, 'ExperimentAccess', {
      statements: [
        new iam.PolicyStatement({ actions: ['fis:ListExperimentTemplates', 'fis:ListExperiments'], resources: ['*'] }),
        new iam.PolicyStatement({ actions: ['fis:StartExperiment'], resources: [templates], conditions: tag('ResourceTag') }),
        new iam.PolicyStatement({ actions: ['fis:StartExperiment', 'fis:TagResource'], resources: [experiments], conditions: tag('RequestTag') }),
        new iam.PolicyStatement({ actions: ['fis:GetExperiment', 'fis:StopExperiment'], resources: [experiments], conditions: tag('ResourceTag') }),
      ],
    });
    policy.attachToRole(this.fn.role);
    Validations.of(policy).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'fis:ListExperimentTemplates and fis:ListExperiments support no resource-level permissions; the runner uses them to find the plan\'s template by its tag and the experiments the safety net stops.' },
      { id: `AwsSolutions-IAM5[Resource::${nagRendering(stack, templates)}]`, reason: `Experiment templates of the drill region, only those tagged ${DRILL_FAULTS_TAG_KEY}=${planName} (condition aws:ResourceTag): the template id is generated in the primary stack, which deploys before this one and cannot be referenced back.` },
      { id: `AwsSolutions-IAM5[Resource::${nagRendering(stack, experiments)}]`, reason: `Experiments get their ids when started: only those tagged ${DRILL_FAULTS_TAG_KEY}=${planName} (conditions aws:RequestTag on start, aws:ResourceTag on read and stop).` },
    );
  }
}
