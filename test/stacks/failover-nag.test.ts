import { nagViolations } from '../helpers/synth';

// cdk-nag AwsSolutions on the whole app as `cdk synth` runs it: the fallback site (global stack),
// the regional custom domains and the failover stack add no unacknowledged finding.
test('no unacknowledged cdk-nag finding in the global, regional-endpoint or failover resources', () => {
  const violations = nagViolations();
  expect(violations.filter((v) => /acme-chat-(global|failover)\/|\/Endpoint\//.test(v.path))).toEqual([]);
});
