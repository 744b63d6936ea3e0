export * from './catalogue';
export * from './warning-topics';
export * from './notifier';
export * from './alerting';
export * from './indicator-alarms';
export * from './burn-rate-alarms';
export * from './response-levels';
export * from './alerting-dashboard';
