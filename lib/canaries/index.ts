export * from './conversation-canary';
