import { METRICS } from '../../contracts';

/** Names of the notifier's own metrics (contracts/names.ts), emitted here and alarmed on by the Notifier construct. */
export const DELIVERY_FAILURES_METRIC = METRICS.notifier.deliveryFailures;
export const HEARTBEAT_METRIC = METRICS.notifier.heartbeat;
/** Failed channel deliveries, with dimensions service, kind (slack … pagerduty, email-sms, voice) and audience. */
export const CHANNEL_FAILURES_METRIC = METRICS.notifier.channelFailures;
/** Events with a malformed part (the alert still went out, naming the problem) or records that were not SNS notifications. */
export const MALFORMED_EVENTS_METRIC = METRICS.notifier.malformedEvents;
