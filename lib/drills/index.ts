export * from './drill-runner';
export * from './failover-observer';
export * from './drill-faults';
export * from './fis-lambda-extension';
