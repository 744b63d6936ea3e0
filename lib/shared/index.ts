export * from './project-function';
export * from './dead-letters';
export * from './function-environment';
export * from './feature-flags';
export * from './scoped-validation';
