/**
 * Runtime modules for the operator commands (scripts/, the `contingency` CLI): they call AWS with
 * the SDK and never import aws-cdk-lib (test/contracts/boundaries.test.ts enforces it).
 */
export * from './failover';
