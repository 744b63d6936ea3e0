import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS, observerConfig, SERVICES } from '../../contracts';
import { createPowertools } from '../shared/powertools';
import { networkPorts } from '../drill/probe';
import { observeOnce } from './observer';

const { logger, metrics } = createPowertools(SERVICES.observer);
let deps: { cfg: ReturnType<typeof observerConfig.fromEnvironment>; ddb: DynamoDBClient; events: EventBridgeClient } | undefined;

/** Every minute (EventBridge Scheduler): which region serves the public name, as metrics and failover events. */
export const handler = async () => {
  deps ??= { cfg: observerConfig.fromEnvironment(process.env), ddb: new DynamoDBClient({}), events: new EventBridgeClient({}) };
  const { cfg } = deps;
  try {
    const o = await observeOnce(cfg, { probe: networkPorts(), ddb: deps.ddb, events: deps.events }, new Date().toISOString());
    metrics.addDimension('ObserverRegion', cfg.region);
    metrics.addMetric(METRICS.observer.servedByPrimary, MetricUnit.Count, o.result.role === 'primary' ? 1 : 0);
    metrics.addMetric(METRICS.observer.servedByStandby, MetricUnit.Count, o.result.role === 'standby' ? 1 : 0);
    metrics.addMetric(METRICS.observer.servedByNone, MetricUnit.Count, o.result.role === 'none' ? 1 : 0);
    logger.info('observed', { role: o.result.role, servingRegion: o.result.servingRegion ?? null, previous: o.previous ?? null, failoverSent: o.failoverSent, problem: o.result.problem ?? null });
    return { role: o.result.role, failoverSent: o.failoverSent };
  } finally {
    metrics.publishStoredMetrics();
  }
};
