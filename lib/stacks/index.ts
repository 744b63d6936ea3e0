export * from './regional-stack';
export * from './global-stack';
export * from './failover-stack';
export * from './contingency-stack';
export * from './incident-key-stack';
