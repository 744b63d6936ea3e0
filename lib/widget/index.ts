export * from './bundle';
export * from './render';
export * from './regional-name';
