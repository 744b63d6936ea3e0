// Names of the stack outputs the Alerting construct adds and `contingency test-alert` reads.
// No aws-cdk-lib here: the CLI imports this at run time.
import type { WarningLevel } from '../config/levels';

/** Output id of a level's topic ARN; the stack output key is `Alerting<id><hash>`. */
export const topicOutputId = (level: WarningLevel): string => `${level[0].toUpperCase()}${level.slice(1)}TopicArn`;

/** Output id of the notifier's log group name (per-channel outcomes are logged there). */
export const NOTIFIER_LOG_OUTPUT_ID = 'NotifierLogGroupName';

/** Finds an output by the id the construct gave it (CDK prefixes the construct path and appends a hash). */
export function findOutput(outputs: readonly { OutputKey?: string; OutputValue?: string }[], id: string): string | undefined {
  return outputs.find((o) => new RegExp(`^Alerting${id}[0-9A-F]{8}$`).test(o.OutputKey ?? ''))?.OutputValue;
}
