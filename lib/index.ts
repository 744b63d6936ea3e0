export * from './config';
export * from './chatbot';
export * from './alerting';
export * from './stacks';
export * from './app';
