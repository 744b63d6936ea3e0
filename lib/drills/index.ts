export * from './drill-runner';
export * from './failover-observer';
