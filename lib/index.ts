export * from './config';
export * from './chatbot';
export * from './backup';
export * from './failover';
export * from './fallback';
export * from './alerting';
export * from './stacks';
export * from './app';
