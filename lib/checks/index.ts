export * from './rules';
export * from './contingency-checks';
