import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Vault Lock mode: governance (removable by an administrator) or compliance (immutable once the grace period ends). */
export type VaultLockMode = 'governance' | 'compliance';

export interface ChatbotBackupVaultProps {
  /**
   * Vault name. Fixed (derived from the plan) so the other region's backup plan can name this vault
   * as its copy target without a cross-stack reference.
   */
  readonly vaultName: string;
  /** @default 'governance' */
  readonly lockMode?: VaultLockMode;
  /** Shortest retention a recovery point in the vault may have. @default Duration.days(7) */
  readonly minRetention?: Duration;
  /** Longest retention a recovery point in the vault may have. @default Duration.days(365) */
  readonly maxRetention?: Duration;
  /** Compliance mode only: time before the lock becomes immutable (at least 3 days). @default Duration.days(3) */
  readonly changeableFor?: Duration;
}

/**
 * The backup vault in one region (plan §6.2.1: backups in an independent system): encrypted with
 * its own customer-managed key (not the table's), locked so recovery points cannot be deleted before
 * their retention ends, and retained when the stack is deleted.
 */
export class ChatbotBackupVault extends Construct {
  public readonly vault: backup.BackupVault;
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: ChatbotBackupVaultProps) {
    super(scope, id);
    const mode = props.lockMode ?? 'governance';
    const min = props.minRetention ?? Duration.days(7);
    const max = props.maxRetention ?? Duration.days(365);
    const changeableFor = props.changeableFor ?? Duration.days(3);
    const errors: string[] = [];
    if (!Token.isUnresolved(props.vaultName) && !/^[A-Za-z0-9_.-]{2,50}$/.test(props.vaultName)) {
      errors.push(`vaultName must be 2-50 letters, digits, '-', '_' or '.', got: ${props.vaultName}`);
    }
    if (max.toDays() < min.toDays()) errors.push(`maxRetention must be at least minRetention (${min.toDays()} days), got: ${max.toDays()} days`);
    if (mode === 'compliance' && changeableFor.toDays() < 3) errors.push(`changeableFor must be at least 3 days in compliance mode, got: ${changeableFor.toDays()} days`);
    if (errors.length) throw new Error(`${this.node.path}: ${errors.join('; ')}`);

    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts recovery points in backup vault ${props.vaultName}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: props.vaultName,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: {
        minRetention: min,
        maxRetention: max,
        // Without changeableFor the lock is in governance mode; with it, compliance mode.
        ...(mode === 'compliance' ? { changeableFor } : {}),
      },
    });
  }
}
