export * from './regional-endpoint';
export * from './endpoint-health-check';
export * from './failover-routing';
export * from './timing-model';
export * from './timing-check';
