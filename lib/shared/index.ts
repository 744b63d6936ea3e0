export * from './project-function';
export * from './dead-letters';
