export * from './chatbot-data';
export * from './chatbot-api';
export * from './knowledge-base-seed';
export * from './chatbot-rollout';
export * from './chatbot-firewall';
