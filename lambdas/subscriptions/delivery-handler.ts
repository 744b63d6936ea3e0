import type { SNSEvent } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createPowertools } from '../shared/powertools';
import { SERVICES } from '../../contracts';
import { deliver } from './deliver';
import { settingsFromEnv } from './settings';
import { SubscriptionStore } from './store';

const { logger, metrics } = createPowertools(SERVICES.subscriptions);
let ready: { store: SubscriptionStore; ses: SESv2Client; settings: ReturnType<typeof settingsFromEnv> } | undefined;

/**
 * Subscribed to the customer notice topic: mails each notice to the confirmed subscribers
 * (lambdas/subscriptions/deliver.ts). Throws when some mails failed, so Lambda retries the event;
 * mails already sent are not sent again.
 */
export const handler = async (event: SNSEvent) => {
  if (!ready) {
    const settings = settingsFromEnv();
    ready = { store: new SubscriptionStore(new DynamoDBClient({}), settings.tableName), ses: new SESv2Client({}), settings };
  }
  try {
    const r = await deliver(event, ready.store, ready.ses, ready.settings);
    logger.info('notices mailed', { notices: r.notices, sent: r.sent, skipped: r.skipped, failed: r.failures.length });
    metrics.addMetric('SubscriptionMailsSent', MetricUnit.Count, r.sent);
    metrics.addMetric('SubscriptionMailFailures', MetricUnit.Count, r.failures.length);
    if (r.failures.length) throw new Error(`${r.failures.length} subscriber mails failed (${[...new Set(r.failures)].slice(0, 5).join('; ')}); the retry sends only those`);
    return r;
  } finally {
    metrics.publishStoredMetrics();
  }
};
