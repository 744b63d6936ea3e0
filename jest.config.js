/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  // Synthesizing bundles nothing in tests (see test/helpers/synth.ts), but a stack still takes a few seconds.
  testTimeout: 120000,
  // Turns off aws-cdk-lib's built-in template validator in test files (see the file for why and where it still runs).
  setupFiles: ['<rootDir>/test/helpers/jest-setup.ts'],
  // Two cores: leave one for moto_server and chromium.
  maxWorkers: 2,
};
