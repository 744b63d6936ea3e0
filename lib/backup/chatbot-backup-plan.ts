import { ArnFormat, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface ChatbotBackupPlanProps {
  /** Vault in this region that receives the snapshots. */
  readonly vault: backup.IBackupVault;
  /** Tag key and value that select the resources to back up (any team table with the tag joins). */
  readonly selectionTag: { readonly key: string; readonly value: string };
  /** EventBridge cron expression of the scheduled snapshot (UTC), e.g. `cron(0 3 * * ? *)`. */
  readonly snapshotSchedule: string;
  /** How long each snapshot and each copy is kept. */
  readonly retention: Duration;
  /** Name of the vault in the other region that gets a copy of every recovery point (same account). */
  readonly copyToRegion: { readonly region: string; readonly vaultName: string };
  /** ARN of a vault in another account that also gets a copy. @default - no cross-account copy */
  readonly copyToVaultArn?: string;
  /** Keys the backup role must use: the table's data key (to read and restore) and the vault key. */
  readonly keys: readonly kms.IKey[];
  /** Hours AWS Backup has to start a scheduled job. @default Duration.hours(1) */
  readonly startWindow?: Duration;
}

/**
 * The backup plan for the chatbot's tables (plan §6.2.1): a scheduled snapshot at the plan's
 * cadence, kept for the plan's retention, copied to the other region's vault and optionally to a
 * vault in another account. Resources are selected by tag. Continuous protection (point-in-time
 * recovery to the second, 35 days) is DynamoDB's own PITR, on for every replica by ChatbotTable:
 * AWS Backup's continuous backup does not cover DynamoDB.
 */
export class ChatbotBackupPlan extends Construct {
  public readonly plan: backup.BackupPlan;
  public readonly selection: backup.BackupSelection;
  /** Role AWS Backup assumes to back up and to restore (restore tests use it too). */
  public readonly role: iam.Role;
  /** ARN of the other region's vault the plan copies to. */
  public readonly copyTargetVaultArn: string;

  constructor(scope: Construct, id: string, props: ChatbotBackupPlanProps) {
    super(scope, id);
    const errors: string[] = [];
    if (!/^cron\(.+\)$/.test(props.snapshotSchedule)) errors.push(`snapshotSchedule must be an EventBridge cron expression such as "cron(0 3 * * ? *)", got: ${props.snapshotSchedule}`);
    if (!Token.isUnresolved(props.retention.toDays()) && props.retention.toDays() < 1) errors.push(`retention must be at least 1 day, got: ${props.retention.toDays()}`);
    const here = Stack.of(this).region;
    if (!Token.isUnresolved(here) && props.copyToRegion.region === here) errors.push(`copyToRegion.region must be another region than ${here}: a copy in the same region is not independent`);
    if (errors.length) throw new Error(`${this.node.path}: ${errors.join('; ')}`);

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: 'AWS Backup: back up, copy and restore the chatbot tables',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores'),
      ],
    });
    for (const key of props.keys) {
      key.grantEncryptDecrypt(this.role);
      key.grant(this.role, 'kms:CreateGrant', 'kms:DescribeKey');
    }
    Validations.of(this.role).acknowledge(
      ...['AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForRestores'].map((name) => ({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}]`,
        reason: `${name} is AWS-maintained: it tracks the permissions AWS Backup needs per resource type and is the documented way to grant them.`,
      })),
      {
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason: 'From key.grantEncryptDecrypt on the table data key and the vault key; scoped to those two key ARNs.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        reason: 'From key.grantEncryptDecrypt on the table data key and the vault key; scoped to those two key ARNs.',
      },
    );

    this.copyTargetVaultArn = Stack.of(this).formatArn({
      service: 'backup',
      region: props.copyToRegion.region,
      resource: 'backup-vault',
      resourceName: props.copyToRegion.vaultName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const copyActions: backup.BackupPlanCopyActionProps[] = [
      { destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, 'OtherRegionVault', this.copyTargetVaultArn), deleteAfter: props.retention },
    ];
    if (props.copyToVaultArn) {
      copyActions.push({ destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, 'OtherAccountVault', props.copyToVaultArn), deleteAfter: props.retention });
    }

    this.plan = new backup.BackupPlan(this, 'Plan', { backupVault: props.vault });
    this.plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'ScheduledSnapshot',
        scheduleExpression: events.Schedule.expression(props.snapshotSchedule),
        startWindow: props.startWindow ?? Duration.hours(1),
        completionWindow: Duration.hours(8),
        deleteAfter: props.retention,
        copyActions,
      }),
    );
    this.selection = this.plan.addSelection('Tagged', {
      resources: [backup.BackupResource.fromTag(props.selectionTag.key, props.selectionTag.value)],
      role: this.role,
    });
  }
}
