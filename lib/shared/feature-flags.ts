import * as cxapi from 'aws-cdk-lib/cx-api';
import type { Construct } from 'constructs';

/**
 * The CDK feature flags this project chooses, at the values its templates are built, tested and
 * cdk-nag/cfn-lint checked with. Flags not listed behave as an app that does not set them (the
 * flag's unconfigured CDK v2 behaviour).
 */
export const CONTINGENCY_FEATURE_FLAGS: Readonly<Record<string, unknown>> = {
  '@aws-cdk/core:defaultCrossStackReferences': 'weak',
  '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
  '@aws-cdk/core:checkSecretUsage': true,
  '@aws-cdk/core:target-partitions': ['aws', 'aws-cn'],
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/core:validateSnapshotRemovalPolicy': true,
  '@aws-cdk/aws-lambda:recognizeVersionProps': true,
  '@aws-cdk/aws-kms:aliasNameRef': true,
  '@aws-cdk/aws-lambda-nodejs:useLatestRuntimeVersion': true,
  '@aws-cdk/aws-lambda:useCdkManagedLogGroup': true,
  '@aws-cdk/aws-dynamodb:resourcePolicyPerReplica': true,
  '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true,
  // Server access logs are delivered through a bucket policy, never an ACL (cdk-nag and Object Ownership need this).
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-iam:standardizedServicePrincipals': true,
  // Read from the app's root, so it cannot be pinned on a subtree: set by this repository's app only.
  '@aws-cdk/core:validateAgainstDefaultRules': true,
};

/**
 * Every feature flag of the installed aws-cdk-lib that an app can still configure, at the value the
 * contingency stacks use: `CONTINGENCY_FEATURE_FLAGS` where listed, otherwise the flag's
 * unconfigured v2 behaviour. Pinned on the contingency subtree, they make its templates the same
 * whatever the surrounding app's cdk.json sets (a `cdk init` project sets about 90 flags).
 */
export function pinnedFeatureFlags(): Record<string, unknown> {
  const expired = new Set(cxapi.CURRENT_VERSION_EXPIRED_FLAGS);
  const out: Record<string, unknown> = {};
  for (const [flag, info] of Object.entries(cxapi.FLAGS)) {
    if (expired.has(flag)) continue;
    out[flag] = flag in CONTINGENCY_FEATURE_FLAGS ? CONTINGENCY_FEATURE_FLAGS[flag] : (info.unconfiguredBehavesLike?.v2 ?? false);
  }
  for (const [flag, value] of Object.entries(CONTINGENCY_FEATURE_FLAGS)) out[flag] = value;
  return out;
}

/**
 * Sets every pinned feature flag (see `pinnedFeatureFlags`) as context on `scope`, so constructs
 * under it read these values instead of the app's. CDK reads a flag from the nearest construct
 * that sets it; context can be set only before `scope` has children, so call this first.
 */
export function pinFeatureFlags(scope: Construct): void {
  for (const [flag, value] of Object.entries(pinnedFeatureFlags())) scope.node.setContext(flag, value);
}
