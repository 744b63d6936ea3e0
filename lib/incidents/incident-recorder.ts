import * as path from 'path';
import { ArnFormat, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { KMS_GRANT_WILDCARDS } from '../chatbot/chatbot-api';
import { DeadLetters } from '../shared/dead-letters';
import { LAMBDAS_DIR, ProjectFunction } from '../shared/project-function';
import { bucketObjectsFinding } from '../site/static-site';
import {
  FAILOVER_DETAIL_TYPE,
  FEED_OBJECT_PATTERN,
  FAILOVER_EVENT_SOURCE,
  INCIDENT_KEYS,
  IncidentPublisherInput as PublishConfig,
  INCIDENT_TEMPLATES_FILE,
  MAINTENANCE_PLAN_FILE,
  MaintenanceScope,
  MaintenanceWindow,
  incidentsConfig,
  MessageTemplatesInput as MessageTemplates,
  RESPONSE_LEVELS,
  ResponseLevel,
  STATUS_OBJECT_KEY,
} from '../../contracts';
import { functionEnvironment } from '../shared/function-environment';

export const INCIDENT_HANDLER_ENTRY = path.join(LAMBDAS_DIR, 'incidents', 'handler.ts');

/** A response-level composite alarm (plan §5.1) whose state changes drive incidents. */
export interface ResponseAlarm {
  readonly alarm: cloudwatch.IAlarm;
  readonly level: ResponseLevel;
}

/** The composites of a ResponseLevels construct as incident inputs. */
export function responseAlarmsOf(levels: { readonly alarms: Partial<Record<ResponseLevel, cloudwatch.IAlarm>> }): ResponseAlarm[] {
  return RESPONSE_LEVELS.flatMap((level) => (levels.alarms[level] ? [{ alarm: levels.alarms[level]!, level }] : []));
}

/** Where the publishing region sends what customers see. */
export interface IncidentPublishing {
  readonly statusBucket: s3.IBucket;
  readonly reportBucket: s3.IBucket;
  readonly noticeTopic: sns.ITopic;
  readonly templates: MessageTemplates;
  readonly planName: string;
  readonly confirmationMinutes: number;
  readonly lookbackDays: number;
  readonly historyLength: number;
  readonly noticeMaxAgeMinutes: number;
  /** Status page URL, added to notices. @default - none */
  readonly pageUrl?: string;
  /** How often the publisher runs without new events (closes incidents whose recovery held). @default Duration.minutes(1) */
  readonly interval?: Duration;
  /** The plan's scheduled maintenance windows (times in UTC). @default [] */
  readonly maintenance?: readonly MaintenanceWindow[];
  /**
   * The response composites' maintenance suppressor alarms, by region and name (they live in the
   * stacks that depend on this one): the publisher sets them, so it may call SetAlarmState on
   * exactly these alarms. @default [] (no alarm is muted)
   */
  readonly suppressors?: readonly MaintenanceSuppressor[];
  /**
   * The satisfaction survey's table (§10.2; SurveyApi): the publisher reads the answers (GetItem,
   * Query) to summarise them in the post-incident report. @default - no survey summary
   */
  readonly surveyTable?: dynamodb.ITableV2;
}

/** A suppressor alarm the publisher sets (see ResponseLevels.suppressors). */
export interface MaintenanceSuppressor {
  readonly region: string;
  readonly alarmName: string;
  readonly scope: MaintenanceScope;
  readonly level: ResponseLevel;
}

export interface IncidentRecorderProps {
  /** This region's replica of the incident table. */
  readonly table: dynamodb.ITableV2;
  /** Response alarms in this region. @default [] (only failover events are recorded) */
  readonly responseAlarms?: ResponseAlarm[];
  /** Incident-log entries are kept this long (TTL), days. @default 400 */
  readonly retentionDays?: number;
  /** Function log retention. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Set in exactly one region (us-east-1): also publish the status page, notices and reports,
   * triggered by the table stream and a schedule. @default - record only
   */
  readonly publishing?: IncidentPublishing;
}

/**
 * The incident function of one region (plan §5.2). EventBridge delivers CloudWatch alarm state
 * changes in the alarm's own region, so this construct is deployed in every region that has
 * response alarms; all of them append to the same global incident table (their local replica).
 * Also records `contingency.failover` "Failover Observed" events (from health checks or drills).
 */
export class IncidentRecorder extends Construct {
  public readonly fn: NodejsFunction;
  public readonly logGroup: logs.LogGroup;
  public readonly alarmRule?: events.Rule;
  public readonly failoverRule: events.Rule;
  public readonly scheduleRule?: events.Rule;
  /**
   * Where dropped incident events land: the dead-letter queue of every EventBridge target, the
   * on-failure destination of the function's asynchronous invocations and of the stream mapping.
   * Wire `deadLetters.alarm` to a warning level.
   */
  public readonly deadLetters: DeadLetters;

  constructor(scope: Construct, id: string, props: IncidentRecorderProps) {
    super(scope, id);
    const alarms = props.responseAlarms ?? [];
    const retentionDays = props.retentionDays ?? 400;
    const p = props.publishing;
    const errors: string[] = [];
    if (!Token.isUnresolved(retentionDays) && (retentionDays < 1 || !Number.isInteger(retentionDays))) errors.push(`retentionDays must be a whole number of at least 1, got: ${retentionDays}`);
    if (p) {
      const interval = p.interval ?? Duration.minutes(1);
      if (!Token.isUnresolved(interval) && (interval.toSeconds() < 60 || interval.toSeconds() > p.confirmationMinutes * 60)) {
        errors.push(`publishing.interval must be between 1 minute and the confirmation period (${p.confirmationMinutes} min), got: ${interval.toSeconds()} s`);
      }
      if (p.confirmationMinutes < 1) errors.push(`publishing.confirmationMinutes must be at least 1, got: ${p.confirmationMinutes}`);
      if (p.lookbackDays > retentionDays) errors.push(`publishing.lookbackDays must not exceed retentionDays (${retentionDays}), got: ${p.lookbackDays}`);
    }
    if (errors.length) throw new Error(`${this.node.path}: ${errors.join('; ')}`);

    // The message templates grow with the plan's texts: bundled as a file, not in the 4 KB environment.
    const publishConfig: PublishConfig | undefined = p && {
      statusBucket: p.statusBucket.bucketName,
      reportBucket: p.reportBucket.bucketName,
      noticeTopicArn: p.noticeTopic.topicArn,
      confirmationMinutes: p.confirmationMinutes,
      lookbackDays: p.lookbackDays,
      historyLength: p.historyLength,
      noticeMaxAgeMinutes: p.noticeMaxAgeMinutes,
      planName: p.planName,
      ...(p.pageUrl ? { pageUrl: p.pageUrl } : {}),
      ...(p.surveyTable ? { surveyTable: p.surveyTable.tableName } : {}),
    };
    // Id 'Default' keeps the logical ids of Handler, Role and Logs as they were (see ProjectFunction).
    const fn = new ProjectFunction(this, 'Default', {
      entry: INCIDENT_HANDLER_ENTRY,
      roleDescription: p ? 'Incident recorder and status publisher' : 'Incident recorder',
      timeout: Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      description: p ? 'Records incidents and publishes the status page, notices and reports' : 'Records response-alarm state changes in the incident log',
      serviceName: incidentsConfig.service,
      ...(p ? { bundledConfig: { [INCIDENT_TEMPLATES_FILE]: p.templates, [MAINTENANCE_PLAN_FILE]: { windows: p.maintenance ?? [], suppressors: p.suppressors ?? [] } } } : {}),
      environment: functionEnvironment(this, incidentsConfig, {
        tableName: props.table.tableName,
        retentionDays,
        alarmLevels: alarms.map((a) => ({ arn: a.alarm.alarmArn, level: a.level })),
        ...(publishConfig ? { publish: publishConfig } : {}),
      }),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    this.fn = fn.fn;
    this.logGroup = fn.logGroup;
    const role = fn.role;
    // Append-only in every region; the publisher also reads the log and claims notices/reports.
    if (p) props.table.grantReadWriteData(this.fn);
    else {
      props.table.grant(this.fn, 'dynamodb:PutItem');
      // The replica's customer-managed key, for the writes (DynamoDB uses it on the caller's behalf).
      props.table.encryptionKey?.grant(this.fn, 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*');
    }

    this.deadLetters = new DeadLetters(this, 'DeadLetters', { purpose: 'incident events' });
    const deadLetterQueue = this.deadLetters.queue;
    // Events EventBridge cannot deliver go to the target's DLQ; events the function fails on after
    // Lambda's retries go to the on-failure destination: the same queue, one alarm.
    this.fn.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(deadLetterQueue) });
    const target = new targets.LambdaFunction(this.fn, { retryAttempts: 20, maxEventAge: Duration.hours(6), deadLetterQueue });
    if (alarms.length) {
      this.alarmRule = new events.Rule(this, 'AlarmChanges', {
        description: 'Response-level alarm state changes → incident log',
        eventPattern: { source: ['aws.cloudwatch'], detailType: ['CloudWatch Alarm State Change'], resources: alarms.map((a) => a.alarm.alarmArn) },
        targets: [target],
      });
    }
    this.failoverRule = new events.Rule(this, 'FailoverObserved', {
      description: 'Observed failovers → incident timeline',
      eventPattern: { source: [FAILOVER_EVENT_SOURCE], detailType: [FAILOVER_DETAIL_TYPE] },
      targets: [target],
    });

    if (p) {
      p.statusBucket.grantPut(this.fn, STATUS_OBJECT_KEY);
      p.statusBucket.grantPut(this.fn, FEED_OBJECT_PATTERN);
      // Newest-wins status.json and feeds: the publisher reads the current object's sequence
      // (HeadObject) before a conditional write. ListBucket makes a missing object a 404, not a 403.
      this.fn.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [p.statusBucket.arnForObjects(STATUS_OBJECT_KEY), p.statusBucket.arnForObjects(FEED_OBJECT_PATTERN)] }),
      );
      this.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [p.statusBucket.bucketArn] }));
      p.reportBucket.grantPut(this.fn, 'reports/*');
      p.noticeTopic.grantPublish(this.fn);
      if (p.surveyTable) {
        // Read-only: the answers of an incident (Query) and its answer count (GetItem).
        p.surveyTable.grant(this.fn, 'dynamodb:GetItem', 'dynamodb:Query');
        p.surveyTable.encryptionKey?.grant(this.fn, 'kms:Decrypt', 'kms:DescribeKey');
      }
      if (p.suppressors?.length) {
        const stack = Stack.of(this);
        this.fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['cloudwatch:SetAlarmState'],
            resources: p.suppressors.map((x) => stack.formatArn({ service: 'cloudwatch', region: x.region, resource: 'alarm', resourceName: x.alarmName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })),
          }),
        );
      }
      this.scheduleRule = new events.Rule(this, 'Schedule', {
        description: 'Publishes the status page and closes incidents whose recovery held',
        schedule: events.Schedule.rate(p.interval ?? Duration.minutes(1)),
        targets: [new targets.LambdaFunction(this.fn, { retryAttempts: 0, deadLetterQueue })],
      });
      if (!props.table.tableStreamArn) throw new Error(`${this.node.path}: publishing needs the incident table's stream (create the table with a stream)`);
      props.table.grantStreamRead(this.fn);
      this.fn.addEventSourceMapping('LogStream', {
        eventSourceArn: props.table.tableStreamArn,
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        retryAttempts: 3,
        bisectBatchOnError: true,
        // A batch that still fails after the retries: its stream position lands in the queue.
        onFailure: new SqsDlq(deadLetterQueue),
        // Only new log entries (written here or replicated from the other regions) trigger a publish.
        filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT'), dynamodb: { Keys: { pk: { S: lambda.FilterRule.isEqual(INCIDENT_KEYS.eventPk) } } } })],
      });
    }

    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords (Tracing.ACTIVE) and dynamodb:ListStreams (stream grant) do not support resource-level permissions.',
      },
      ...(p
        ? [
            { id: bucketObjectsFinding(p.reportBucket, 'reports/*'), reason: 'Writes post-incident reports, one object per incident, under reports/ of the report bucket only.' },
            { id: bucketObjectsFinding(p.statusBucket, FEED_OBJECT_PATTERN), reason: 'Writes the Atom feeds, feed.xml and feed.<language>.xml, at the root of the status bucket only.' },
            { id: 'AwsSolutions-IAM5[Action::s3:Abort*]', reason: 'From grantPut: abort its own multipart uploads, on the status object and the reports/ prefix only.' },
          ]
        : []),
      ...KMS_GRANT_WILDCARDS.map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `${action} comes from the grants on the incident log's customer-managed key (and, in us-east-1, the notice topic's key for publishing), each scoped to that one key ARN.`,
      })),
    );
  }
}
