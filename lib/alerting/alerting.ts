import { CfnOutput, Duration, Tags } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AUDIENCE_NAMES, perLevel, Plan, RunbookKey, WarningLevel } from '../config';
import { WARNING_LEVEL_TAG_KEY } from '../../contracts/names';
import { runbookText } from './catalogue';
import { alertWords } from '../../lambdas/notify/message';
import { Notifier, WebhookChannel } from './notifier';
import { NOTIFIER_LOG_OUTPUT_ID, topicOutputId } from './outputs';
import { DirectRecipients, eventBridgePublisher, WarningTopics } from './warning-topics';
import { recordAlarm } from './registry';

/** Tag every alarm carries with its warning level (the ContingencyChecks rule pack reads it). */
export const LEVEL_TAG = WARNING_LEVEL_TAG_KEY;

/** Largest alarm description CloudWatch accepts. */
const MAX_DESCRIPTION = 1024;

/** The e-mail/SMS recipients of each level, from the plan's audiences. */
export function recipientsByLevel(plan: Plan): Record<WarningLevel, DirectRecipients> {
  return perLevel((level) => {
    const emails = new Set<string>();
    const phones = new Set<string>();
    for (const name of AUDIENCE_NAMES) {
      const a = plan.audiences[name];
      if (!a || !a.levels.includes(level)) continue;
      a.email.forEach((e) => emails.add(e));
      a.sms.forEach((p) => phones.add(p));
    }
    return { emails: [...emails], phones: [...phones] };
  });
}

/** The webhook channels of each level, from the plan's audiences. */
export function webhooksByLevel(plan: Plan): Record<WarningLevel, WebhookChannel[]> {
  return perLevel((level) =>
    AUDIENCE_NAMES.flatMap((name) => {
      const a = plan.audiences[name];
      return a && a.levels.includes(level) ? a.webhooks.map((w) => ({ kind: w.kind, secretName: w.secretName, audience: name })) : [];
    }),
  );
}

/** Contacts named in every alert: the plan's, else the ops on-call e-mails and phones. */
export function alertContacts(plan: Plan): string[] {
  return plan.alerting.contacts ?? [...plan.audiences.opsOnCall.email, ...plan.audiences.opsOnCall.sms];
}

/** Alarm description the notifier reads: first line the title, the rest the runbook (measures). */
export function alarmDescription(plan: Plan, level: WarningLevel, title: string, key: RunbookKey): string {
  // The level in every plan language, English first when the plan has it (as in the alert's field names).
  const langs = plan.languages.includes('en') ? ['en', ...plan.languages.filter((l) => l !== 'en')] : plan.languages;
  const label = [...new Set(langs.map((l) => plan.words[l][`warning.${level}`]))].join(' ');
  const text = `[${label}] ${title}\n${runbookText(plan, key)}`;
  return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 3)}...` : text;
}

export interface AlertingProps {
  readonly plan: Plan;
  /** Log groups linked from every alert (this region's chatbot logs). @default [] */
  readonly logGroups?: readonly logs.ILogGroup[];
  /** AWS Health services watched in this region (EventBridge `detail.service`). @default [] (no Health rule) */
  readonly healthServices?: readonly string[];
  /**
   * Key of the warning topics: the region's operations key (the incident log key), which must allow
   * CloudWatch alarms (`allowAlarmsToUseKey`). @default - the topics get a key of their own
   */
  readonly topicsKey?: kms.IKey;
}

/**
 * The alerting hub of one region: the level topics, the notifier, the AWS Health rule, and a
 * registry of alarms by level. Any alarm joins with `addAlarm(alarm, level, runbookKey)`, which
 * wires the level topic as its alarm and OK action, tags it with its level and gives it the
 * runbook text the notifier shows as measures.
 */
export class Alerting extends Construct {
  public readonly topics: WarningTopics;
  public readonly notifier: Notifier;
  /** Every alarm added through this hub, by level (the live drill runner watches them; the dashboards read the alarm registry). */
  public readonly alarms: Record<WarningLevel, cw.AlarmBase[]> = perLevel(() => []);
  private readonly plan: Plan;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    const { plan } = props;
    this.plan = plan;
    const ops = plan.audiences.opsOnCall;
    this.topics = new WarningTopics(this, 'Topics', {
      displayPrefix: plan.name,
      recipients: recipientsByLevel(plan),
      directRecipients: { emails: ops.email, phones: ops.sms },
      ...(props.topicsKey ? { key: props.topicsKey } : {}),
    });
    this.notifier = new Notifier(this, 'Notifier', {
      topics: this.topics,
      planName: plan.name,
      timeZone: plan.timeZone,
      webhooks: webhooksByLevel(plan),
      contacts: alertContacts(plan),
      words: Object.fromEntries(plan.languages.map((l) => [l, alertWords(plan.words[l])])),
      logGroups: props.logGroups ?? [],
      healthRunbook: runbookText(plan, 'aws-health'),
      repeatEvery: Duration.minutes(plan.alerting.emergencyRepeatMinutes),
      heartbeatSilence: Duration.minutes(plan.alerting.heartbeatSilenceMinutes),
      deliveryTimeoutSeconds: plan.alerting.deliveryTimeoutSeconds,
      deliveryAttempts: plan.alerting.deliveryAttempts,
      logRetention: plan.chatbot.logRetentionDays,
      ...(plan.alerting.voice ? { voice: { ...plan.alerting.voice, phones: plan.alerting.voice.phones.length ? plan.alerting.voice.phones : ops.sms } } : {}),
    });
    // What `contingency test-alert` needs: where to publish a test, and where its outcomes are logged.
    for (const level of Object.keys(this.topics.topics) as WarningLevel[]) {
      new CfnOutput(this, topicOutputId(level), { value: this.topics.topics[level].topicArn, description: `${level} warning topic (contingency test-alert publishes here)` });
    }
    new CfnOutput(this, NOTIFIER_LOG_OUTPUT_ID, { value: this.notifier.logGroup.logGroupName, description: 'Notifier log group (contingency test-alert reads per-channel outcomes here)' });
    if (props.healthServices?.length) {
      const healthTopic = this.topics.topics[plan.alerting.healthEventLevel];
      const rule = new events.Rule(this, 'AwsHealth', {
        description: `AWS Health issues for ${props.healthServices.join(', ')} → ${plan.alerting.healthEventLevel} warning`,
        eventPattern: { source: ['aws.health'], detailType: ['AWS Health Event'], detail: { service: [...props.healthServices], eventTypeCategory: ['issue'] } },
        targets: [new targets.SnsTopic(healthTopic, { role: eventBridgePublisher(this, 'AwsHealthPublisher', healthTopic) })],
      });
      recordAlarm(rule, { level: plan.alerting.healthEventLevel, route: 'level', indicator: 'aws-health', title: 'AWS Health issue (services in the region)', condition: 'any open issue' });
    }
  }

  /** The topic of a level. */
  public topic(level: WarningLevel) {
    return this.topics.topics[level];
  }

  /** Description for an alarm built elsewhere before it is added (title line + runbook). */
  public describe(level: WarningLevel, title: string, key: RunbookKey): string {
    return alarmDescription(this.plan, level, title, key);
  }

  /**
   * Wires an alarm to its level: alarm and OK actions on the level topic, the level tag, and the
   * standard description (level, title, runbook). With a `title` the description is always the
   * standard one, so every alert reads the same whoever built the alarm; without one, an existing
   * description is kept. The alarm is recorded in the alarm registry (`registry.ts`) with its level,
   * indicator, title (`record.title`, else `title`, else the runbook key) and condition.
   */
  public addAlarm(alarm: cw.AlarmBase, level: WarningLevel, runbookKey: RunbookKey, title?: string, record: { readonly title?: string; readonly condition?: string } = {}): void {
    const action = new cwActions.SnsAction(this.topic(level));
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    Tags.of(alarm).add(LEVEL_TAG, level);
    const cfn = alarm.node.defaultChild;
    if (cfn instanceof cw.CfnAlarm || cfn instanceof cw.CfnCompositeAlarm) {
      if (title !== undefined || !cfn.alarmDescription) cfn.alarmDescription = this.describe(level, title ?? runbookKey, runbookKey);
    }
    recordAlarm(alarm, { level, route: 'level', indicator: runbookKey, title: record.title ?? title ?? runbookKey, ...(record.condition ? { condition: record.condition } : {}) });
    this.alarms[level].push(alarm);
  }
}

