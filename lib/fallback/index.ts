export * from './render';
export * from './fallback-site';
