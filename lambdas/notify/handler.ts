import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { notifierConfig } from '../../contracts';
import { createPowertools } from '../shared/powertools';
import { describeValue, NotifierConfig } from './message';
import { CHANNEL_FAILURES_METRIC, DELIVERY_FAILURES_METRIC, HEARTBEAT_METRIC, MALFORMED_EVENTS_METRIC } from './metrics';
import { AlertOutcome, DEFAULT_BUDGET_MS, handleTopicMessage, NotifierDeps, outcomeLogLines, SDK_CALL_MS, tick } from './notify';
import { DynamoOutcomeStore } from './outcomes';

const { logger, metrics } = createPowertools('notifier');
// Parsed with the contract the Notifier construct built it with: a mismatch fails cold start with one line naming the variable.
const cfg: NotifierConfig = notifierConfig.fromEnvironment(process.env).settings;
// Each SDK call also gets an abort signal at the call site (sdkSignal); these bound the sockets.
const sdk = { maxAttempts: 2, requestHandler: { connectionTimeout: 2_000, requestTimeout: SDK_CALL_MS } };
const clients = {
  sns: new SNSClient(sdk),
  secrets: new SecretsManagerClient(sdk),
  cloudwatch: new CloudWatchClient(sdk),
  ssm: new SSMClient(sdk),
  ...(cfg.outcomeTable ? { outcomes: new DynamoOutcomeStore(new DynamoDBClient(sdk), cfg.outcomeTable) } : {}),
  // Calls go through the region of the origination number (it may differ from the notifier's).
  ...(cfg.voice ? { voice: new PinpointSMSVoiceV2Client({ ...sdk, region: cfg.voice.region }) } : {}),
};

/**
 * Time kept back from the function timeout for recording outcomes and flushing metrics: the
 * delivery budget of an invocation is its remaining time minus this.
 */
export const RESERVE_MS = 5_000;

/** Logs each channel's outcome (outcomeLogLines) and counts failures, with the channel kind and audience as dimensions. */
function record(outcome: AlertOutcome): string[] {
  const failed: string[] = [];
  const fail = (kind: string, audience: string, what: string) => {
    failed.push(what);
    const m = metrics.singleMetric();
    m.addDimensions({ kind, audience });
    m.addMetric(CHANNEL_FAILURES_METRIC, MetricUnit.Count, 1);
  };
  // Secret name and status only: never the URL or the message body.
  for (const l of outcomeLogLines(outcome)) logger[l.level](l.message, l.fields);
  for (const d of outcome.deliveries) if (!d.ok) fail(d.kind, d.audience ?? 'unknown', `${d.kind} ${d.name}: ${d.detail}`);
  if (!outcome.published) fail('email-sms', `${outcome.alert.level} subscribers`, `level topic: ${outcome.publishDetail ?? 'publish failed'}`);
  if (outcome.alert.problems?.length) metrics.addMetric(MALFORMED_EVENTS_METRIC, MetricUnit.Count, 1);
  return failed;
}

/** The notifier's own schedule: an EventBridge Scheduled Event from the tick rule in its configuration. */
export function isOwnTick(event: unknown, tickRuleArn: string): event is { time?: string } {
  if (!event || typeof event !== 'object') return false;
  const e = event as { source?: unknown; 'detail-type'?: unknown; resources?: unknown };
  return e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event' && Array.isArray(e.resources) && e.resources.includes(tickRuleArn);
}

/** Raised so that Lambda retries the invocation; the outcome store makes the retry send only the failed channels. */
export class DeliveryIncompleteError extends Error {
  override readonly name = 'DeliveryIncompleteError';
}

/**
 * SNS records from the level topics (alarms, AWS Health events) → one formatted message per alert
 * on every channel of its level. The tick rule's scheduled event → repeat unacknowledged
 * emergencies and beat the heartbeat. Anything else (a console test, `{}`) is logged and ignored:
 * only the real schedule may beat the heartbeat or repeat emergencies.
 */
export async function handler(event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<{ failures: number; ignored?: true }> {
  const started = Date.now();
  const remaining = context?.getRemainingTimeInMillis?.() ?? DEFAULT_BUDGET_MS + RESERVE_MS;
  const deps: NotifierDeps = { cfg, ...clients, deadlineMs: started + Math.max(1_000, remaining - RESERVE_MS) };
  const failed: string[] = [];
  try {
    const records = event && typeof event === 'object' ? (event as { Records?: unknown }).Records : undefined;
    if (Array.isArray(records)) {
      for (const [i, r] of records.entries()) {
        const sns = r && typeof r === 'object' ? (r as { Sns?: unknown }).Sns : undefined;
        const topicArn = sns && typeof sns === 'object' ? (sns as { TopicArn?: unknown }).TopicArn : undefined;
        const message = sns && typeof sns === 'object' ? (sns as { Message?: unknown }).Message : undefined;
        if (typeof topicArn !== 'string' || typeof message !== 'string') {
          metrics.addMetric(MALFORMED_EVENTS_METRIC, MetricUnit.Count, 1);
          logger.error(
            `record ${i} is not an SNS notification: ${sns === undefined ? 'it has no Sns field' : `Sns.TopicArn is ${describeValue(topicArn)}, Sns.Message is ${describeValue(message)}`}; nothing to deliver from it`,
            { record: i, keys: r && typeof r === 'object' ? Object.keys(r) : describeValue(r) },
          );
          continue;
        }
        const outcome = await handleTopicMessage(deps, topicArn, message);
        if (outcome) failed.push(...record(outcome));
        else logger.warn('not an alert (unknown topic, or neither a CloudWatch alarm nor an AWS Health event), ignored', { topicArn });
      }
    } else if (isOwnTick(event, cfg.tickRuleArn)) {
      const { repeated } = await tick(deps, typeof event.time === 'string' ? event.time : undefined);
      for (const o of repeated) failed.push(...record(o));
      logger.info('tick', { repeated: repeated.length });
      metrics.addMetric(HEARTBEAT_METRIC, MetricUnit.Count, 1);
    } else {
      const e = (event && typeof event === 'object' ? event : {}) as Record<string, unknown>;
      logger.warn('ignored: neither an SNS notification from a level topic nor the notifier schedule; no heartbeat, no repeats', {
        source: describeValue(e.source),
        detailType: describeValue(e['detail-type']),
        resources: describeValue(e.resources),
        expectedRule: cfg.tickRuleArn,
      });
      return { failures: 0, ignored: true };
    }
    metrics.addMetric(DELIVERY_FAILURES_METRIC, MetricUnit.Count, failed.length);
  } finally {
    metrics.publishStoredMetrics();
  }
  // An SNS alert with failed channels is retried by Lambda (twice, then the DLQ); channels that
  // already have it are skipped on the retry. Ticks are not retried: the next tick repeats.
  if (failed.length && !isOwnTick(event, cfg.tickRuleArn)) throw new DeliveryIncompleteError(`${failed.length} channel(s) failed: ${failed.join('; ')}`);
  return { failures: failed.length };
}
