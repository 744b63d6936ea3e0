/**
 * The contract between lib/ (constructs) and lambdas/ (functions). Depends on nothing but zod:
 * no aws-cdk-lib, no AWS SDK (test/contracts/boundaries.test.ts enforces it). Dependencies run
 * lib → contracts ← lambdas, never lambdas → lib.
 */
export * from './levels';
export * from './tables';
export * from './names';
export * from './function-config';
export * from './functions';
export * from './templates';
export * from './languages';
export * from './maintenance';
export * from './subscriptions';
export * from './survey';
