import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createPowertools } from '../shared/powertools';
import { SERVICES } from '../../contracts';
import { createApi } from './api';
import { settingsFromEnv } from './settings';
import { SubscriptionStore } from './store';

const { logger, metrics } = createPowertools(SERVICES.subscriptions);

let api: ReturnType<typeof createApi> | undefined;

/** The subscription API behind `/api/subscriptions/{action}` (lambdas/subscriptions/api.ts). Logs outcomes, never addresses. */
export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  if (!api) {
    const s = settingsFromEnv();
    api = createApi(new SubscriptionStore(new DynamoDBClient({}), s.tableName), new SESv2Client({}), s);
  }
  try {
    const { result, outcome, error } = await api(event);
    logger.info('subscription request', { outcome, status: result.statusCode, ...(error ? { error } : {}) });
    metrics.addMetric(outcome === 'subscribe-mail-failed' ? 'SubscriptionMailFailures' : 'SubscriptionRequests', MetricUnit.Count, 1);
    if (outcome === 'ip-limited' || outcome === 'subscribe-address-limited') metrics.addMetric('SubscriptionRateLimited', MetricUnit.Count, 1);
    return result;
  } catch (e) {
    // No stack traces (or addresses) to callers: a fixed answer, the error's name in the log.
    logger.error('subscription request failed', { error: (e as Error).name });
    return { statusCode: 503, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: JSON.stringify({ error: 'unavailable', message: 'subscriptions are not available right now; try again later' }) };
  } finally {
    metrics.publishStoredMetrics();
  }
};
