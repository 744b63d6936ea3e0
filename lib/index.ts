export * from './config';
export * from './chatbot';
export * from './backup';
export * from './stacks';
export * from './app';
