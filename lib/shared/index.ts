export * from './project-function';
