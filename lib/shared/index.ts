export * from './project-function';
export * from './dead-letters';
export * from './function-environment';
