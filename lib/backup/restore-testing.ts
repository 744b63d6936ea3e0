import { Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface RestoreTestingProps {
  /** Restore-testing plan name: letters, digits and underscores only. */
  readonly planName: string;
  /** Vault whose recovery points are tested. */
  readonly vault: backup.IBackupVault;
  /** Role AWS Backup assumes to restore. */
  readonly role: iam.IRole;
  /** EventBridge cron expression (UTC) of the tests, e.g. `cron(0 5 ? * MON *)`. */
  readonly schedule: string;
  /** Tag key and value of the tables to test (the backup selection's tag). */
  readonly selectionTag: { readonly key: string; readonly value: string };
  /** Hours the restored copy exists for validation; AWS Backup deletes it afterwards (0-168). */
  readonly validationWindowHours: number;
  /** Only recovery points created within this many days are candidates (1-365). @default 7 */
  readonly selectionWindowDays?: number;
  /** Hours AWS Backup has to start the test after its scheduled time. @default 1 */
  readonly startWindowHours?: number;
  /** Restore metadata overrides, e.g. the KMS key for the restored table. @default - none */
  readonly restoreMetadataOverrides?: Record<string, string>;
}

/**
 * Scheduled restore tests (plan §6.2.1 "check recoverability regularly"): AWS Backup restore
 * testing restores the latest recovery point within the window into a new table, waits for the
 * validation result, then deletes the copy when the validation window ends.
 */
export class RestoreTesting extends Construct {
  public readonly plan: backup.CfnRestoreTestingPlan;
  public readonly selection: backup.CfnRestoreTestingSelection;
  /** ARN of the restore-testing plan (event rules match on it). */
  public readonly planArn: string;
  public readonly planName: string;

  constructor(scope: Construct, id: string, props: RestoreTestingProps) {
    super(scope, id);
    const selectionWindowDays = props.selectionWindowDays ?? 7;
    const startWindowHours = props.startWindowHours ?? 1;
    const errors: string[] = [];
    if (!Token.isUnresolved(props.planName) && !/^[A-Za-z0-9_]{1,50}$/.test(props.planName)) errors.push(`planName must be 1-50 letters, digits or underscores, got: ${props.planName}`);
    if (!/^cron\(.+\)$/.test(props.schedule)) errors.push(`schedule must be an EventBridge cron expression such as "cron(0 5 ? * MON *)", got: ${props.schedule}`);
    if (props.validationWindowHours < 0 || props.validationWindowHours > 168) errors.push(`validationWindowHours must be between 0 and 168 inclusive, got: ${props.validationWindowHours}`);
    if (selectionWindowDays < 1 || selectionWindowDays > 365) errors.push(`selectionWindowDays must be between 1 and 365 inclusive, got: ${selectionWindowDays}`);
    if (startWindowHours < 1 || startWindowHours > 168) errors.push(`startWindowHours must be between 1 and 168 inclusive, got: ${startWindowHours}`);
    if (errors.length) throw new Error(`${this.node.path}: ${errors.join('; ')}`);

    this.planName = props.planName;
    this.plan = new backup.CfnRestoreTestingPlan(this, 'Plan', {
      restoreTestingPlanName: props.planName,
      scheduleExpression: props.schedule,
      scheduleExpressionTimezone: 'Etc/UTC',
      startWindowHours,
      recoveryPointSelection: {
        algorithm: 'LATEST_WITHIN_WINDOW',
        includeVaults: [props.vault.backupVaultArn],
        recoveryPointTypes: ['SNAPSHOT'],
        selectionWindowDays,
      },
    });
    this.planArn = this.plan.attrRestoreTestingPlanArn;
    this.selection = new backup.CfnRestoreTestingSelection(this, 'Selection', {
      restoreTestingPlanName: this.plan.restoreTestingPlanName,
      restoreTestingSelectionName: 'chatbot_tables',
      protectedResourceType: 'DynamoDB',
      iamRoleArn: props.role.roleArn,
      protectedResourceArns: ['*'],
      protectedResourceConditions: { stringEquals: [{ key: `aws:ResourceTag/${props.selectionTag.key}`, value: props.selectionTag.value }] },
      validationWindowHours: props.validationWindowHours,
      ...(props.restoreMetadataOverrides ? { restoreMetadataOverrides: props.restoreMetadataOverrides } : {}),
    });
    this.selection.node.addDependency(this.plan);
  }
}
