export * from './levels';
export * from './schema';
export * from './errors';
export * from './rules';
export * from './objectives';
export * from './loader';
export * from './json-schema';
export * from './reference';
