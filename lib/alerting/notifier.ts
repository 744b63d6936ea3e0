import * as path from 'path';
import { Duration, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FORMATTED_ATTRIBUTE, METRICS, METRICS_NAMESPACE, notifierConfig, OUTCOME_TTL_ATTRIBUTE, SERVICES } from '../../contracts';
import { functionEnvironment } from '../shared/function-environment';
import type { AlertWords } from '../../lambdas/notify/message';
import { KMS_GRANT_WILDCARDS } from '../chatbot/chatbot-api';
import { LAMBDAS_DIR, ProjectFunction } from '../shared/project-function';
import { perLevel, WARNING_LEVELS, WarningLevel, WebhookKind } from '../config';
import { WarningTopics } from './warning-topics';
import { recordAlarm } from './registry';

export const NOTIFIER_ENTRY = path.join(LAMBDAS_DIR, 'notify', 'handler.ts');
/** Namespace and dimension of the notifier's own metrics (Powertools EMF, lambdas/shared/powertools.ts). */
export const NOTIFIER_METRICS = { namespace: METRICS_NAMESPACE, dimensionsMap: { service: SERVICES.notifier } } as const;

/** One chat/webhook channel: the secret holds `{"url": …, "signingSecret"?: …}`. */
export interface WebhookChannel {
  readonly kind: WebhookKind;
  /** Secrets Manager secret name (not ARN); the URL never appears in templates or logs. */
  readonly secretName: string;
  /** Audience it belongs to (logged with failures). */
  readonly audience: string;
}

export interface NotifierProps {
  readonly topics: WarningTopics;
  readonly planName: string;
  /** IANA time zone for times in messages. @default 'Asia/Hong_Kong' */
  readonly timeZone?: string;
  /** Webhook channels per level. @default - none (e-mail/SMS only) */
  readonly webhooks?: Record<WarningLevel, readonly WebhookChannel[]>;
  /** Contacts named in every alert. @default [] */
  readonly contacts?: readonly string[];
  /** Fixed words of alerts per plan language, the default language first. @default zh-Hant and en built-in words */
  readonly words?: Readonly<Record<string, AlertWords>>;
  /** Log groups behind the "logs" link of each alert. @default [] (no logs link) */
  readonly logGroups?: readonly logs.ILogGroup[];
  /** Measures shown for AWS Health events. */
  readonly healthRunbook: string;
  /** Emergencies repeat (and the heartbeat ticks) this often. @default Duration.minutes(5) */
  readonly repeatEvery?: Duration;
  /** Heartbeat alarm fires after this long without a tick. @default Duration.minutes(15) */
  readonly heartbeatSilence?: Duration;
  /** @default 5 */
  readonly deliveryTimeoutSeconds?: number;
  /** @default 3 */
  readonly deliveryAttempts?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Emergency pages also call these phones (End User Messaging SendVoiceMessage). @default - no calls */
  readonly voice?: VoiceProps;
}

/** Voice calls for emergencies (plan `alerting.voice`). */
export interface VoiceProps {
  /** ARN of the voice-capable phone number or pool; the function may call only from it. */
  readonly originationIdentity: string;
  /** E.164 numbers called. */
  readonly phones: readonly string[];
  /** @default 'zh' */
  readonly language?: 'zh' | 'en';
  /** @default 'ZHIYU' for zh, 'JOANNA' for en */
  readonly voiceId?: string;
  /** @default '0.10' */
  readonly maxPricePerMinute?: string;
}

/**
 * The fan-out function: subscribed to every level topic (raw alarms only), it formats one message
 * per alert and sends it to the level's e-mail/SMS subscribers (re-publishing with the formatted
 * attribute) and webhooks. Failed invocations go, after 2 Lambda retries, to an encrypted DLQ.
 * A schedule repeats unacknowledged emergencies and beats the heartbeat. Its own alarms (delivery
 * failures, DLQ depth, heartbeat) go to the `direct` topic: e-mail/SMS only, never through itself.
 */
export class Notifier extends Construct {
  public readonly fn: NodejsFunction;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly logGroup: logs.LogGroup;
  public readonly ackPrefix: string;
  public readonly deliveryFailureAlarm: cw.Alarm;
  public readonly deadLetterAlarm: cw.Alarm;
  public readonly heartbeatAlarm: cw.Alarm;
  /** Per-channel delivery outcomes (message id + channel), so a Lambda retry never re-sends a delivered channel. */
  public readonly outcomeTable: dynamodb.TableV2;
  /** The schedule: its scheduled events are the only ticks (repeats + heartbeat) the function accepts. */
  public readonly tickRule: events.Rule;
  /** Every channel (kind, audience) this notifier can fail on, for the dashboard's failures-by-channel graph. */
  public readonly channels: readonly { readonly kind: string; readonly audience: string }[];

  constructor(scope: Construct, id: string, props: NotifierProps) {
    super(scope, id);
    const repeat = props.repeatEvery ?? Duration.minutes(5);
    const silence = props.heartbeatSilence ?? Duration.minutes(15);
    const timeoutS = props.deliveryTimeoutSeconds ?? 5;
    const attempts = props.deliveryAttempts ?? 3;
    const errors: string[] = [];
    if (!Token.isUnresolved(silence.toMinutes()) && silence.toMinutes() < 2 * repeat.toMinutes()) {
      errors.push(`heartbeatSilence must be at least twice repeatEvery (${repeat.toMinutes()} min), got: ${silence.toMinutes()} min`);
    }
    if (timeoutS * attempts + 2 * (attempts - 1) > 60) errors.push(`deliveryTimeoutSeconds × deliveryAttempts plus backoff must fit in 60 s, got: ${timeoutS} s × ${attempts}`);
    for (const level of WARNING_LEVELS) {
      for (const w of props.webhooks?.[level] ?? []) {
        if (!Token.isUnresolved(w.secretName) && w.secretName.startsWith('arn:')) errors.push(`webhooks.${level} secretName must be a secret name, not an ARN, got: ${w.secretName}`);
      }
    }
    const voiceArn = props.voice && !Token.isUnresolved(props.voice.originationIdentity) ? /^arn:[^:]+:sms-voice:([^:]+):/.exec(props.voice.originationIdentity) : undefined;
    if (props.voice && !Token.isUnresolved(props.voice.originationIdentity) && !voiceArn) errors.push(`voice.originationIdentity must be the ARN of an End User Messaging phone number or pool, got: ${props.voice.originationIdentity}`);
    if (props.voice && props.voice.phones.length === 0) errors.push('voice.phones must name at least one number: set alerting.voice.phones or audiences.opsOnCall.sms');
    if (errors.length) throw new Error(`${this.node.path}: ${errors.join('; ')}`);

    const stack = Stack.of(this);
    this.ackPrefix = `/${props.planName}/alerting/ack`;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    const webhooks = perLevel((level) => (props.webhooks?.[level] ?? []).map((w) => ({ kind: w.kind, secretName: w.secretName, audience: w.audience })));
    // Transient records (two-day TTL) that only stop repeats: nothing to back up or keep on delete.
    this.outcomeTable = new dynamodb.TableV2(this, 'Outcomes', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: OUTCOME_TTL_ATTRIBUTE,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // A generated name (from the construct path, unique per stack) so the function's configuration
    // can hold the rule's ARN without a circular dependency between the rule and its target.
    const tickRuleName = `${Names.uniqueResourceName(this, { maxLength: 59, separator: '-' })}-tick`;
    const tickRuleArn = stack.formatArn({ service: 'events', resource: 'rule', resourceName: tickRuleName });
    const seenChannels = new Map<string, { kind: string; audience: string }>();
    for (const level of WARNING_LEVELS) {
      seenChannels.set(`email-sms|${level} subscribers`, { kind: 'email-sms', audience: `${level} subscribers` });
      for (const w of webhooks[level]) seenChannels.set(`${w.kind}|${w.audience}`, { kind: w.kind, audience: w.audience });
    }
    if (props.voice) seenChannels.set('voice|on-call phones', { kind: 'voice', audience: 'on-call phones' });
    this.channels = [...seenChannels.values()];
    const voice = props.voice
      ? {
          originationIdentity: props.voice.originationIdentity,
          region: voiceArn?.[1] ?? stack.region,
          phones: [...props.voice.phones],
          language: props.voice.language ?? 'zh',
          voiceId: props.voice.voiceId ?? ((props.voice.language ?? 'zh') === 'zh' ? 'ZHIYU' : 'JOANNA'),
          maxPricePerMinute: props.voice.maxPricePerMinute ?? '0.10',
        }
      : undefined;
    const config = {
      planName: props.planName,
      region: stack.region,
      timeZone: props.timeZone ?? 'Asia/Hong_Kong',
      topics: perLevel((level) => props.topics.topics[level].topicArn),
      webhooks,
      contacts: [...(props.contacts ?? [])],
      logGroups: (props.logGroups ?? []).map((g) => g.logGroupName),
      healthRunbook: props.healthRunbook,
      ackPrefix: this.ackPrefix,
      deliveryTimeoutSeconds: timeoutS,
      deliveryAttempts: attempts,
      tickRuleArn,
      outcomeTable: this.outcomeTable.tableName,
      ...(voice ? { voice } : {}),
      ...(props.words ? { words: props.words } : {}),
    };

    // Id 'Default' keeps the logical ids of Handler, Role and Logs as they were (see ProjectFunction).
    const fn = new ProjectFunction(this, 'Default', {
      entry: NOTIFIER_ENTRY,
      roleDescription: 'Alert fan-out',
      timeout: Duration.seconds(60),
      description: 'Warning-level fan-out: formats alerts, sends e-mail/SMS and chat webhooks, repeats emergencies',
      serviceName: notifierConfig.service,
      environment: functionEnvironment(this, notifierConfig, { settings: config }),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    this.fn = fn.fn;
    this.logGroup = fn.logGroup;
    const role = fn.role;
    // Claim, mark sent, release: nothing else (no scans, no batch writes).
    this.outcomeTable.grant(this.fn, 'dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem');
    this.fn.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(this.deadLetterQueue) });

    const rawOnly = { [FORMATTED_ATTRIBUTE]: sns.SubscriptionFilter.notExistsFilter() };
    for (const level of WARNING_LEVELS) {
      const topic = props.topics.topics[level];
      topic.addSubscription(new subs.LambdaSubscription(this.fn, { filterPolicy: rawOnly }));
      topic.grantPublish(this.fn);
    }
    const seen = new Set<string>();
    for (const level of WARNING_LEVELS) {
      for (const w of webhooks[level]) {
        if (seen.has(w.secretName)) continue;
        seen.add(w.secretName);
        secretsmanager.Secret.fromSecretNameV2(this, `Secret${seen.size}`, w.secretName).grantRead(this.fn);
      }
    }
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParametersByPath'],
        resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: this.ackPrefix.slice(1) })],
      }),
    );
    if (voice) {
      // Calls only from the plan's number or pool.
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sms-voice:SendVoiceMessage'], resources: [voice.originationIdentity] }));
    }
    // DescribeAlarms has no resource-level permissions.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: ['*'] }));

    this.tickRule = new events.Rule(this, 'Tick', {
      ruleName: tickRuleName,
      description: 'Repeats unacknowledged emergency alerts and beats the alerting heartbeat',
      schedule: events.Schedule.rate(repeat),
      targets: [new targets.LambdaFunction(this.fn, { retryAttempts: 0 })],
    });

    const direct = new cwActions.SnsAction(props.topics.direct);
    this.deliveryFailureAlarm = new cw.Alarm(this, 'DeliveryFailures', {
      alarmDescription: 'Alert deliveries are failing\nAlerts are not reaching a channel: the dashboard graph "Failed alert deliveries by channel" shows which kind and audience; the notifier logs name the secret and the platform code. Failed channels are retried by Lambda (twice) and then kept in the dead-letter queue. This alarm goes to e-mail/SMS directly.',
      metric: new cw.Metric({ ...NOTIFIER_METRICS, metricName: METRICS.notifier.deliveryFailures, statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cw.TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm = new cw.Alarm(this, 'DeadLetterDepth', {
      alarmDescription: 'Alerts failed after retries (dead-letter queue)\nThe notifier failed an alert 3 times; read the DLQ message and the notifier logs, then redrive.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cw.TreatMissingData.NOT_BREACHING,
    });
    const silenceMin = silence.toMinutes();
    this.heartbeatAlarm = new cw.Alarm(this, 'Heartbeat', {
      alarmDescription: 'The alerting path is silent (no notifier heartbeat)\nThe notifier has not run on schedule: alerts may be lost. Check the function, its schedule and its errors.',
      metric: new cw.Metric({ ...NOTIFIER_METRICS, metricName: METRICS.notifier.heartbeat, statistic: 'Sum', period: Duration.minutes(silenceMin) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cw.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cw.TreatMissingData.BREACHING,
    });
    for (const a of [this.deliveryFailureAlarm, this.deadLetterAlarm, this.heartbeatAlarm]) {
      a.addAlarmAction(direct);
      a.addOkAction(direct);
      Validations.of(a).acknowledge({
        id: 'CC-4.2.3-AlarmLevel',
        reason: 'Watches the alert path itself (deliveries, dead letters, heartbeat): it goes straight to e-mail/SMS on the direct topic, outside the warning levels, so it still arrives when the notifier is broken.',
      });
    }
    recordAlarm(this.deliveryFailureAlarm, { route: 'ops-direct', indicator: 'delivery-failure', title: 'Alert deliveries are failing' });
    recordAlarm(this.deadLetterAlarm, { route: 'ops-direct', indicator: 'delivery-failure', title: 'Alerts failed after retries (dead-letter queue)' });
    recordAlarm(this.heartbeatAlarm, { route: 'ops-direct', indicator: 'alerting-heartbeat', title: 'The alerting path is silent (no notifier heartbeat)', condition: `no heartbeat in ${silenceMin} min` });

    Validations.of(role).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'cloudwatch:DescribeAlarms has no resource-level permissions; read-only, used to find emergency alarms still in ALARM.' },
      ...KMS_GRANT_WILDCARDS.filter((a) => a === 'kms:GenerateDataKey*').map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `${action} comes from grantPublish on the KMS-encrypted level topics and is scoped to that one key ARN.`,
      })),
      // The account is a literal when the stack (or its Stage) names one.
      ...[...seen].map((name) => ({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:${Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account}:secret:${name}-??????]`,
        reason: `Secrets Manager appends 6 random characters to secret ARNs; "-??????" matches exactly the secret named ${name} from the plan.`,
      })),
    );
    Validations.of(this.outcomeTable).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason: 'Delivery outcome records live two days (TTL) and only prevent repeats; point-in-time recovery would restore nothing of value.',
    });
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter destination of the notifier.' });
  }

  /** Failed deliveries of one channel kind and audience (ChannelDeliveryFailures), 5-minute sums. */
  public metricChannelFailures(kind: string, audience: string, props?: cw.MetricOptions): cw.Metric {
    return new cw.Metric({
      namespace: NOTIFIER_METRICS.namespace,
      metricName: METRICS.notifier.channelFailures,
      dimensionsMap: { ...NOTIFIER_METRICS.dimensionsMap, kind, audience },
      statistic: 'Sum',
      period: Duration.minutes(5),
      label: `${kind} · ${audience}`,
      ...props,
    });
  }
}
