export * from './chatbot-data';
export * from './chatbot-api';
export * from './knowledge-base-seed';
