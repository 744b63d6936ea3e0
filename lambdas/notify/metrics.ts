import { METRICS } from '../../contracts';

/** Names of the notifier's own metrics (contracts/names.ts), emitted here and alarmed on by the Notifier construct. */
export const DELIVERY_FAILURES_METRIC = METRICS.notifier.deliveryFailures;
export const HEARTBEAT_METRIC = METRICS.notifier.heartbeat;
