export * from './project-function';
export * from './function-environment';
