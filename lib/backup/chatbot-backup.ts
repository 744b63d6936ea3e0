import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PHYSICAL_NAMES } from '../../contracts';
import { BACKUP_TAG_KEY } from '../chatbot/chatbot-data';
import type { Plan, WarningLevel } from '../config';
import { BackupSentinel } from './backup-sentinel';
import { ChatbotBackupVault } from './backup-vault';
import { ChatbotBackupPlan } from './chatbot-backup-plan';
import { RestoreAlarms, RestoreAlarmSet } from './restore-alarms';
import { RestoreTesting } from './restore-testing';
import { RestoreValidator } from './restore-validator';

/** Name of the backup vault of a plan; the same in both regions, so each can name the other's. */
export function backupVaultName(planName: string): string {
  return PHYSICAL_NAMES.backupVault(planName);
}

/** Name of the restore-testing plan of a plan (AWS Backup allows only letters, digits and `_`). */
export function restoreTestingPlanName(planName: string): string {
  return `${planName.replace(/-/g, '_')}_chatbot_restore_test`;
}

/** Id of the stack output holding the restore role ARN (its logical id starts with `Backup` + this). */
export const RESTORE_ROLE_OUTPUT = 'RestoreRoleArn';

export interface ChatbotBackupProps {
  /** The plan's name: names the vault and the restore-testing plan, and is the backup tag value. */
  readonly planName: string;
  /** The plan's backup section (cadences, retention, lock, tolerances). */
  readonly settings: Plan['backup'];
  /** The other chatbot region: every recovery point is copied to its vault. */
  readonly otherRegion: string;
  /** This region's chatbot table (or replica). */
  readonly table: dynamodb.ITableV2;
  /** The table's customer-managed key in this region. */
  readonly dataKey: kms.IKey;
  /** Log retention of the backup functions. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Everything plan §6.2 asks for in one region: a locked, CMK-encrypted vault; a tag-selected backup
 * plan with copies to the other region (and optionally another account); scheduled restore tests;
 * the sentinel writer; the validator; and the important-level alarms. Used by both regional stacks
 * so the standby keeps being backed up and restore-tested after a failover.
 */
export class ChatbotBackup extends Construct {
  public readonly vault: ChatbotBackupVault;
  public readonly backupPlan: ChatbotBackupPlan;
  public readonly restoreTesting: RestoreTesting;
  public readonly sentinel: BackupSentinel;
  public readonly validator: RestoreValidator;
  public readonly restoreAlarms: RestoreAlarms;

  constructor(scope: Construct, id: string, props: ChatbotBackupProps) {
    super(scope, id);
    const s = props.settings;
    const tag = { key: BACKUP_TAG_KEY, value: props.planName };
    const logRetention = props.logRetention ? { logRetention: props.logRetention } : {};
    this.vault = new ChatbotBackupVault(this, 'Vault', {
      vaultName: backupVaultName(props.planName),
      lockMode: s.vaultLock.mode,
      minRetention: Duration.days(s.vaultLock.minRetentionDays),
      maxRetention: Duration.days(s.vaultLock.maxRetentionDays),
      changeableFor: Duration.days(s.vaultLock.changeableForDays),
    });
    this.backupPlan = new ChatbotBackupPlan(this, 'Plan', {
      vault: this.vault.vault,
      selectionTag: tag,
      snapshotSchedule: s.snapshotSchedule,
      retention: Duration.days(s.retentionDays),
      copyToRegion: { region: props.otherRegion, vaultName: backupVaultName(props.planName) },
      ...(s.copyToAccount ? { copyToVaultArn: s.copyToAccount.vaultArn } : {}),
      keys: [props.dataKey, this.vault.key],
    });
    this.restoreTesting = new RestoreTesting(this, 'RestoreTesting', {
      planName: restoreTestingPlanName(props.planName),
      vault: this.vault.vault,
      role: this.backupPlan.role,
      schedule: s.restoreTestSchedule,
      selectionTag: tag,
      validationWindowHours: s.validationWindowHours,
      selectionWindowDays: s.restoreTestSelectionWindowDays,
      // The restored copy is encrypted with the same customer-managed key as the source.
      restoreMetadataOverrides: { encryptionType: 'KMS', kmsMasterKeyArn: props.dataKey.keyArn },
    });
    this.sentinel = new BackupSentinel(this, 'Sentinel', { table: props.table, key: props.dataKey, intervalMinutes: s.sentinelIntervalMinutes, ...logRetention });
    this.validator = new RestoreValidator(this, 'Validator', {
      sourceTable: props.table,
      key: props.dataKey,
      restoreTestingPlanArn: this.restoreTesting.planArn,
      itemCountTolerancePercent: s.itemCountTolerancePercent,
      sentinelIntervalMinutes: s.sentinelIntervalMinutes,
      ...logRetention,
    });
    this.restoreAlarms = new RestoreAlarms(this, 'Alarms', {
      restoreTestingPlanName: this.restoreTesting.planName,
      restoreTestingPlanArn: this.restoreTesting.planArn,
      maxSilenceDays: s.restoreTestMaxSilenceDays,
      level: 'important',
      ...logRetention,
    });
    // contingency restore finds the role to restore with through this output.
    new CfnOutput(this, RESTORE_ROLE_OUTPUT, { value: this.backupPlan.role.roleArn, description: 'Role AWS Backup assumes to restore the chatbot table (contingency restore)' });
  }

  /** The important-level restore alarms (validation failed, silence), for the alerting wiring. */
  public get alarms(): RestoreAlarmSet {
    return this.restoreAlarms.alarms;
  }

  /** Warning level of the restore alarms. */
  public get level(): WarningLevel {
    return this.restoreAlarms.level;
  }
}
