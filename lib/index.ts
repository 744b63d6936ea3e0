export * from './config';
export * from './chatbot';
export * from './stacks';
export * from './app';
export * from './site';
export * from './incidents';
