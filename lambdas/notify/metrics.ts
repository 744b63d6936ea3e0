/**
 * Names of the notifier's own metrics (namespace ChatbotContingency, dimension service=notifier),
 * shared by the handler that emits them and the Notifier construct that alarms on them.
 */
export const DELIVERY_FAILURES_METRIC = 'DeliveryFailures';
export const HEARTBEAT_METRIC = 'NotifierHeartbeat';
