import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { METRICS_NAMESPACE } from '../../contracts';

/**
 * Powertools created once per module (per cold start), as Powertools recommends. Service name and
 * namespace come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE, set by the construct.
 */
export function createPowertools(serviceName: string) {
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ serviceName, namespace: METRICS_NAMESPACE });
  const tracer = new Tracer({ serviceName });
  return { logger, metrics, tracer };
}
