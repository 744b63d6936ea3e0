/**
 * Names of the notifier's own metrics (namespace ChatbotContingency, dimension service=notifier),
 * shared by the handler that emits them and the Notifier construct that alarms on them.
 */
export const DELIVERY_FAILURES_METRIC = 'DeliveryFailures';
export const HEARTBEAT_METRIC = 'NotifierHeartbeat';
/** Failed channel deliveries, with dimensions service, kind (slack … pagerduty, email-sms, voice) and audience. */
export const CHANNEL_FAILURES_METRIC = 'ChannelDeliveryFailures';
/** Events with a malformed part (the alert still went out, naming the problem) or records that were not SNS notifications. */
export const MALFORMED_EVENTS_METRIC = 'MalformedEvents';
