import { Duration, Validations } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { WarningLevel } from '../config';

/**
 * Warning level of the dead-letter alarms: a dropped incident or restore-test event means the
 * incident record, the status page or the restore-test result may be wrong until someone redrives it.
 */
export const DROPPED_EVENTS_LEVEL: WarningLevel = 'important';

export interface DeadLettersProps {
  /** What drops into the queue, for the alarm and queue descriptions, e.g. "incident events". */
  readonly purpose: string;
  /** How long a dropped event is kept for inspection and redrive. @default Duration.days(14) (the SQS maximum) */
  readonly retention?: Duration;
}

/**
 * Where a dropped event lands: an SQS queue (TLS-only, encrypted at rest) that EventBridge targets
 * use as their dead-letter queue and Lambda uses as the on-failure destination of asynchronous
 * invocations and stream event-source mappings, plus an alarm that fires as soon as one message is
 * visible. Wire `alarm` to a warning level (`Alerting.addAlarm`).
 *
 * Encryption is SQS-managed (SSE-SQS), not a customer-managed key: EventBridge writes target
 * dead letters as the `events.amazonaws.com` service principal, which would need a key-policy grant
 * that cannot be reliably conditioned on its source rule. What lands here is event envelopes
 * (alarm state changes, backup job events, stream batch positions), never customer data.
 */
export class DeadLetters extends Construct {
  public readonly queue: sqs.Queue;
  /** Fires when at least one dropped event is waiting (ApproximateNumberOfMessagesVisible ≥ 1, 5-minute maximum). */
  public readonly alarm: cw.Alarm;

  constructor(scope: Construct, id: string, props: DeadLettersProps) {
    super(scope, id);
    const retention = props.retention ?? Duration.days(14);
    if (!retention.isUnresolved() && (retention.toSeconds() < 60 || retention.toSeconds() > Duration.days(14).toSeconds())) {
      throw new Error(`${this.node.path}: retention must be between 1 minute and 14 days (the SQS limits), got: ${retention.toSeconds()} s`);
    }
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: retention,
    });
    this.alarm = new cw.Alarm(this, 'Depth', {
      alarmDescription: `Dropped ${props.purpose} are waiting in a dead-letter queue`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cw.TreatMissingData.NOT_BREACHING,
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself the dead-letter destination of the ${props.purpose}; nothing consumes it automatically, so it needs no dead-letter queue of its own.`,
    });
  }
}
