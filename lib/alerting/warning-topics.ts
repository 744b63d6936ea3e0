import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { E164, LEVEL_LABELS, perLevel, WARNING_LEVELS, WarningLevel } from '../config';

import { FORMATTED_ATTRIBUTE } from '../../contracts';
/** Message attribute the notifier sets on formatted alerts (contracts/names.ts). */
export { FORMATTED_ATTRIBUTE };

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
 * the alerting path's own alarms. One customer-managed key (rotated) encrypts them all; its policy
 * lets CloudWatch alarms and EventBridge publish.
 */
export class WarningTopics extends Construct {
  public readonly key: kms.Key;
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

    this.key = new kms.Key(this, 'Key', { enableKeyRotation: true, description: `${props.displayPrefix} warning topics` });
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      this.key.grant(new iam.ServicePrincipal(service), 'kms:Decrypt', 'kms:GenerateDataKey*');
    }
    const formattedOnly = { [FORMATTED_ATTRIBUTE]: sns.SubscriptionFilter.stringFilter({ allowlist: ['true'] }) };
    this.topics = perLevel((level) => {
      const topic = new sns.Topic(this, level, {
        masterKey: this.key,
        enforceSSL: true,
        displayName: `${props.displayPrefix} ${LEVEL_LABELS[level].en}`.slice(0, 100),
      });
      const r = props.recipients?.[level];
      for (const email of r?.emails ?? []) topic.addSubscription(new subs.EmailSubscription(email, { filterPolicy: formattedOnly }));
      for (const phone of r?.phones ?? []) topic.addSubscription(new subs.SmsSubscription(phone, { filterPolicy: formattedOnly }));
      return topic;
    });
    this.direct = new sns.Topic(this, 'direct', { masterKey: this.key, enforceSSL: true, displayName: `${props.displayPrefix} alerting path`.slice(0, 100) });
    for (const email of props.directRecipients?.emails ?? []) this.direct.addSubscription(new subs.EmailSubscription(email));
    for (const phone of props.directRecipients?.phones ?? []) this.direct.addSubscription(new subs.SmsSubscription(phone));
  }
}
