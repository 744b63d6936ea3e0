import { Aws, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { E164, LEVEL_LABELS, perLevel, WARNING_LEVELS, WarningLevel } from '../config';

import { FORMATTED_ATTRIBUTE } from '../../contracts';
/** Message attribute the notifier sets on formatted alerts (contracts/names.ts). */
export { FORMATTED_ATTRIBUTE };

/** The CloudWatch service principal, the only one allowed to publish to (and use the key of) the warning topics. */
export const CLOUDWATCH_PRINCIPAL = 'cloudwatch.amazonaws.com';

/**
 * Conditions limiting a CloudWatch service-principal grant to alarms of this stack's account and
 * region (the confused-deputy guard): `aws:SourceAccount` equals the account and `aws:SourceArn`
 * matches `arn:<partition>:cloudwatch:<region>:<account>:alarm:*`.
 */
export function alarmSourceConditions(): Record<string, Record<string, string>> {
  return {
    StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
    ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
  };
}

/**
 * Lets CloudWatch alarms of this account and region (only) use a key that encrypts warning topics
 * (alarm actions publish to an encrypted topic as `cloudwatch.amazonaws.com`).
 */
export function allowAlarmsToUseKey(key: kms.Key): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsOfThisAccountAndRegion',
      principals: [new iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: alarmSourceConditions(),
    }),
  );
}

/** Lets CloudWatch alarms of this account and region (only) publish to the topic. */
function allowAlarmsToPublish(topic: sns.Topic): void {
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsOfThisAccountAndRegion',
      principals: [new iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: alarmSourceConditions(),
    }),
  );
}

/**
 * A role EventBridge assumes to publish a rule's events to a warning topic: SNS and KMS access come
 * from the role's own policy (grantPublish), so neither the topic nor the key names
 * `events.amazonaws.com`. The trust policy accepts EventBridge only for rules of this account and
 * region.
 */
export function eventBridgePublisher(scope: Construct, id: string, topic: sns.ITopic): iam.Role {
  const role = new iam.Role(scope, id, {
    description: 'EventBridge rules of this stack publish to a warning topic',
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:rule/*` },
      },
    }),
  });
  topic.grantPublish(role);
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    reason: "kms:GenerateDataKey* comes from grantPublish on the KMS-encrypted warning topic and is scoped to that topic's one key ARN.",
  });
  return role;
}

/** People reached directly by e-mail and SMS. */
export interface DirectRecipients {
  readonly emails: readonly string[];
  /** E.164 phone numbers. */
  readonly phones: readonly string[];
}

export interface WarningTopicsProps {
  /** Short name shown as the topics' display name prefix (e.g. the plan name). */
  readonly displayPrefix: string;
  /**
   * Customer-managed key of the topics, shared with the region's other operations data (the
   * incident log key). Its key policy must let CloudWatch alarms of this account and region use it:
   * call `allowAlarmsToUseKey` where the key is created.
   * @default - a rotated key of its own, which allows them
   */
  readonly key?: kms.IKey;
  /**
   * E-mail and SMS recipients per level. They receive only the notifier's formatted alert (a
   * subscription filter on FORMATTED_ATTRIBUTE), never the raw alarm JSON.
   * @default - nobody (no e-mail/SMS subscriptions)
   */
  readonly recipients?: Record<WarningLevel, DirectRecipients>;
  /**
   * Recipients of the `direct` topic, which carries the alerting path's own alarms (delivery
   * failures, heartbeat) straight to e-mail/SMS, bypassing the notifier so they cannot loop.
   * @default - nobody
   */
  readonly directRecipients?: DirectRecipients;
}

/**
 * One KMS-encrypted, TLS-only SNS topic per warning level in a region, plus a `direct` topic for
 * the alerting path's own alarms. One customer-managed key (rotated) encrypts them all. CloudWatch
 * is the only service principal in the topic and key policies, and only for alarms of this account
 * and region (`aws:SourceAccount`, `aws:SourceArn`): another account that learns a topic ARN cannot
 * page on-call through its own alarms. EventBridge rules publish with an IAM role instead
 * (`eventBridgePublisher`), so `events.amazonaws.com` needs no grant here at all.
 */
export class WarningTopics extends Construct {
  /** The key of every topic: `props.key`, else one of its own. */
  public readonly key: kms.IKey;
  public readonly topics: Record<WarningLevel, sns.Topic>;
  public readonly direct: sns.Topic;

  constructor(scope: Construct, id: string, props: WarningTopicsProps) {
    super(scope, id);
    const errors: string[] = [];
    const check = (where: string, r: DirectRecipients | undefined) => {
      for (const p of r?.phones ?? []) if (!Token.isUnresolved(p) && !E164.test(p)) errors.push(`${where}.phones must be E.164 numbers such as "+85291234567", got: ${p}`);
      for (const e of r?.emails ?? []) if (!Token.isUnresolved(e) && !/^[^@\s]+@[^@\s]+$/.test(e)) errors.push(`${where}.emails must be e-mail addresses, got: ${e}`);
    };
    for (const level of WARNING_LEVELS) check(`recipients.${level}`, props.recipients?.[level]);
    check('directRecipients', props.directRecipients);
    if (errors.length) throw new Error(`${this.node.path}: ${errors.join('; ')}`);

    if (props.key) {
      // A key shared with the region's other operations data (the incident log): its owner lets
      // CloudWatch alarms use it (allowAlarmsToUseKey), as this construct does for its own key.
      this.key = props.key;
    } else {
      const key = new kms.Key(this, 'Key', { enableKeyRotation: true, description: `${props.displayPrefix} warning topics` });
      allowAlarmsToUseKey(key);
      this.key = key;
    }
    const formattedOnly = { [FORMATTED_ATTRIBUTE]: sns.SubscriptionFilter.stringFilter({ allowlist: ['true'] }) };
    this.topics = perLevel((level) => {
      const topic = new sns.Topic(this, level, {
        masterKey: this.key,
        enforceSSL: true,
        displayName: `${props.displayPrefix} ${LEVEL_LABELS[level].en}`.slice(0, 100),
      });
      allowAlarmsToPublish(topic);
      const r = props.recipients?.[level];
      for (const email of r?.emails ?? []) topic.addSubscription(new subs.EmailSubscription(email, { filterPolicy: formattedOnly }));
      for (const phone of r?.phones ?? []) topic.addSubscription(new subs.SmsSubscription(phone, { filterPolicy: formattedOnly }));
      return topic;
    });
    this.direct = new sns.Topic(this, 'direct', { masterKey: this.key, enforceSSL: true, displayName: `${props.displayPrefix} alerting path`.slice(0, 100) });
    allowAlarmsToPublish(this.direct);
    for (const email of props.directRecipients?.emails ?? []) this.direct.addSubscription(new subs.EmailSubscription(email));
    for (const phone of props.directRecipients?.phones ?? []) this.direct.addSubscription(new subs.SmsSubscription(phone));
  }
}
