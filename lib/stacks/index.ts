export * from './regional-stack';
export * from './global-stack';
