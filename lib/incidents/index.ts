export * from './incident-table';
export * from './incident-recorder';
export * from './status-page';
export * from './status-page-content';
export * from './status-subscriptions';
export * from './subscription-pages';
export * from './survey-api';
