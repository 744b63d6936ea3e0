export * from './templates';
export * from './backup';
