import { Duration, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SENTINEL_PK, sentinelConfig } from '../../contracts';
import { functionEnvironment } from '../shared/function-environment';
import { ProjectFunction } from '../shared/project-function';

export interface BackupSentinelProps {
  /** The chatbot table (this region's replica). */
  readonly table: dynamodb.ITableV2;
  /** The table's customer-managed key. */
  readonly key: kms.IKey;
  /** Minutes between sentinel writes (1-60). @default 5 */
  readonly intervalMinutes?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Writes this region's sentinel record (time + random nonce + SHA-256 checksum) to the chatbot
 * table on a schedule. Restore tests look for it in the restored copy. The function may put items
 * only under the SENTINEL partition key.
 */
export class BackupSentinel extends Construct {
  public readonly function: ProjectFunction;
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: BackupSentinelProps) {
    super(scope, id);
    const interval = props.intervalMinutes ?? 5;
    if (!Token.isUnresolved(interval) && (!Number.isInteger(interval) || interval < 1 || interval > 60)) {
      throw new Error(`${this.node.path}: intervalMinutes must be an integer between 1 and 60 inclusive, got: ${interval}`);
    }
    this.function = new ProjectFunction(this, 'Writer', {
      handlerDir: 'sentinel',
      serviceName: sentinelConfig.service,
      description: 'Writes the backup sentinel record that restore tests check',
      timeout: Duration.seconds(10),
      environment: functionEnvironment(this, sentinelConfig, { tableName: props.table.tableName }),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    this.function.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [SENTINEL_PK] } },
      }),
    );
    props.key.grant(this.function.role, 'kms:Decrypt', 'kms:GenerateDataKey');
    this.rule = new events.Rule(this, 'Schedule', {
      description: `Write the backup sentinel every ${interval} min`,
      schedule: events.Schedule.rate(Duration.minutes(interval)),
      targets: [new targets.LambdaFunction(this.function.fn, { retryAttempts: 2 })],
    });
  }
}
