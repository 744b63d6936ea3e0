export * from './backup-vault';
export * from './chatbot-backup-plan';
export * from './restore-testing';
export * from './backup-sentinel';
export * from './restore-validator';
export * from './restore-alarms';
export * from './chatbot-backup';
