import { ArnFormat, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, restoreValidatorConfig } from '../../contracts';
import { functionEnvironment } from '../shared/function-environment';
import { ProjectFunction } from '../shared/project-function';

export interface RestoreValidatorProps {
  /** The live table restores are compared with (this region's replica). */
  readonly sourceTable: dynamodb.ITableV2;
  /** Key encrypting the source and the restored copies. */
  readonly key: kms.IKey;
  /** ARN of the restore-testing plan whose jobs are validated. */
  readonly restoreTestingPlanArn: string;
  /** Largest difference in item count accepted, percent. @default 1 */
  readonly itemCountTolerancePercent?: number;
  /** Sentinel write interval, minutes: how stale the newest sentinel may be. @default 5 */
  readonly sentinelIntervalMinutes?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** Name of the metric namespace the backup functions publish to (Powertools, EMF). */
export const BACKUP_METRICS_NAMESPACE = METRICS_NAMESPACE;

/**
 * Proves each restore test brought the data back. Triggered by the restore job's state change
 * (COMPLETED, FAILED or ABORTED) for jobs of this region's restore-testing plan; reads the restored
 * table (never writes, tags or extends it) and reports through PutRestoreValidationResult.
 */
export class RestoreValidator extends Construct {
  public readonly function: ProjectFunction;
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: RestoreValidatorProps) {
    super(scope, id);
    const tolerance = props.itemCountTolerancePercent ?? 1;
    const interval = props.sentinelIntervalMinutes ?? 5;
    const errors: string[] = [];
    if (tolerance < 0 || tolerance > 100) errors.push(`itemCountTolerancePercent must be between 0 and 100 inclusive, got: ${tolerance}`);
    if (interval < 1 || interval > 60) errors.push(`sentinelIntervalMinutes must be between 1 and 60 inclusive, got: ${interval}`);
    if (errors.length) throw new Error(`${this.node.path}: ${errors.join('; ')}`);

    this.function = new ProjectFunction(this, 'Validator', {
      handlerDir: 'restore-validator',
      serviceName: restoreValidatorConfig.service,
      description: 'Validates restore-test copies of the chatbot table and reports to AWS Backup',
      timeout: Duration.minutes(10),
      environment: functionEnvironment(this, restoreValidatorConfig, {
        sourceTable: props.sourceTable.tableName,
        itemCountTolerancePercent: tolerance,
        sentinelIntervalMinutes: interval,
      }),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    const role = this.function.role;
    props.sourceTable.grant(role, 'dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:Query');
    // Restore testing names the restored table itself; the validator may only read tables in this
    // account and region, and can decrypt only what the chatbot key encrypts.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:Query'],
        resources: [Stack.of(this).formatArn({ service: 'dynamodb', resource: 'table', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
      }),
    );
    props.key.grantDecrypt(role);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['backup:DescribeRestoreJob', 'backup:PutRestoreValidationResult'],
        // Neither action supports resource-level permissions.
        resources: ['*'],
      }),
    );
    const stack = Stack.of(this);
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    Validations.of(role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:${region}:${account}:table/*]`,
        reason: 'AWS Backup restore testing chooses the restored table name; read-only (DescribeTable/Scan/Query) in this account and region, and the data is readable only with the chatbot key.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'backup:DescribeRestoreJob and backup:PutRestoreValidationResult do not support resource-level permissions.',
      },
    );

    this.rule = new events.Rule(this, 'RestoreJobDone', {
      description: 'Restore-test job of the chatbot restore-testing plan finished: validate it',
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Restore Job State Change'],
        detail: {
          status: ['COMPLETED', 'FAILED', 'ABORTED'],
          restoreTestingPlanArn: [props.restoreTestingPlanArn],
        },
      },
      targets: [new targets.LambdaFunction(this.function.fn, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });
  }
}
