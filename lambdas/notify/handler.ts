import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { SNSEvent } from 'aws-lambda';
import { notifierConfig } from '../../contracts';
import { createPowertools } from '../shared/powertools';
import type { NotifierConfig } from './message';
import { DELIVERY_FAILURES_METRIC, HEARTBEAT_METRIC } from './metrics';
import { AlertOutcome, handleTopicMessage, NotifierDeps, tick } from './notify';

const { logger, metrics } = createPowertools('notifier');
// Parsed with the contract the Notifier construct built it with: a mismatch fails cold start with one line naming the variable.
const cfg: NotifierConfig = notifierConfig.fromEnvironment(process.env).settings;
const deps: NotifierDeps = { cfg, sns: new SNSClient({}), secrets: new SecretsManagerClient({}), cloudwatch: new CloudWatchClient({}), ssm: new SSMClient({}) };


function record(outcome: AlertOutcome): number {
  let failures = outcome.published ? 0 : 1;
  for (const d of outcome.deliveries) {
    // Secret name and status only: never the URL or the message body.
    if (d.ok) logger.info('delivered', { kind: d.kind, secretName: d.name, attempts: d.attempts });
    else {
      failures++;
      logger.error('delivery failed', { kind: d.kind, secretName: d.name, attempts: d.attempts, detail: d.detail });
    }
  }
  if (!outcome.published) logger.error('publish to the level topic failed', { level: outcome.alert.level });
  return failures;
}

type TickEvent = { source: 'aws.events' | 'aws.scheduler'; 'detail-type': string };

/**
 * SNS records from the level topics (alarms, AWS Health events) → one formatted message per alert
 * on every channel of its level. A scheduled event → repeat unacknowledged emergencies and beat.
 */
export async function handler(event: SNSEvent | TickEvent): Promise<{ failures: number }> {
  let failures = 0;
  try {
    if ('Records' in event) {
      for (const r of event.Records) {
        const outcome = await handleTopicMessage(deps, r.Sns.TopicArn, r.Sns.Message);
        if (outcome) failures += record(outcome);
        else logger.warn('not an alert, ignored', { topicArn: r.Sns.TopicArn });
      }
    } else {
      const { repeated } = await tick(deps);
      for (const o of repeated) failures += record(o);
      logger.info('tick', { repeated: repeated.length });
      metrics.addMetric(HEARTBEAT_METRIC, MetricUnit.Count, 1);
    }
    metrics.addMetric(DELIVERY_FAILURES_METRIC, MetricUnit.Count, failures);
  } finally {
    metrics.publishStoredMetrics();
  }
  return { failures };
}
