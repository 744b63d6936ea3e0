import type { CloudWatchAlarmMessage, NotifierConfig } from '../../../lambdas/notify/message';

/** A notifier config and a CloudWatch alarm notification shared by the notifier tests. */
export const CFG: NotifierConfig = {
  planName: 'acme-chat',
  region: 'ap-southeast-1',
  timeZone: 'Asia/Hong_Kong',
  topics: { general: 'arn:aws:sns:ap-southeast-1:123456789012:g', important: 'arn:aws:sns:ap-southeast-1:123456789012:i', emergency: 'arn:aws:sns:ap-southeast-1:123456789012:e' },
  webhooks: { general: [], important: [], emergency: [] },
  contacts: ['On-call: oncall@acme-example.com'],
  logGroups: ['/aws/lambda/chatbot'],
  healthRunbook: 'Fail over if customers are affected.',
  ackPrefix: '/acme-chat/alerting/ack',
  deliveryTimeoutSeconds: 1,
  deliveryAttempts: 2,
  tickRuleArn: 'arn:aws:events:ap-southeast-1:123456789012:rule/acme-chat-notifier-tick',
};

export const ALARM: CloudWatchAlarmMessage = {
  AlarmName: 'acme-chat-primary-ApiLatencyEmergency-ABC',
  AlarmDescription: '[Emergency warning 緊急預警] API p99 latency (6000 ms)\nRaise provisioned concurrency.',
  NewStateValue: 'ALARM',
  NewStateReason: 'Threshold Crossed: 1 datapoint [7250.5 (23/11/26 12:00:00)] was greater than or equal to the threshold (6000.0).',
  StateChangeTime: '2026-11-23T12:00:00.000+0000',
  Trigger: { MetricName: 'Latency', Namespace: 'AWS/ApiGateway', ExtendedStatistic: 'p99', Threshold: 6000, ComparisonOperator: 'GreaterThanOrEqualToThreshold' },
};

