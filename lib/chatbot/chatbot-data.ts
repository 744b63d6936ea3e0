import { Duration, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { CUSTOMER_DATA, DATA_CLASS_TAG_KEY, TTL_ATTRIBUTE } from '../../contracts';

/** Tag key put on every table that AWS Backup must protect; later backup selections select on it. */
export const BACKUP_TAG_KEY = 'contingency:backup';

export interface ChatbotDataKeyProps {
  /** Alias for the key, e.g. `alias/acme-chat/chatbot-data`. @default - no alias */
  readonly aliasName?: string;
}

/**
 * The customer-managed key that encrypts the chatbot table in one region (plan §1.2.1, §7.3):
 * rotation on, retained on stack deletion so backups and replicas stay readable.
 */
export class ChatbotDataKey extends Construct {
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: ChatbotDataKeyProps = {}) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the chatbot conversation and knowledge-base table',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
      ...(props.aliasName ? { alias: props.aliasName } : {}),
    });
  }
}

export interface ChatbotTableProps {
  /**
   * Physical table name. Global-table replicas share one name, and the standby region must be able
   * to find its replica without a reference back to the primary stack, so the name is fixed.
   */
  readonly tableName: string;
  /** Key for the table in this (the primary) region. */
  readonly key: kms.IKey;
  /** Replica regions and the ARN of the customer-managed key in each. @default - no replicas */
  readonly replicas?: Record<string, string>;
  /** Value of the backup tag (the plan name): AWS Backup selections pick tables by it. */
  readonly backupTagValue: string;
  /** Point-in-time recovery window. @default 35 days */
  readonly pitrDays?: number;
}

/**
 * The chatbot's DynamoDB global table: conversation turns (with TTL) and the knowledge base in one
 * table, replicated primary → standby, point-in-time recovery on every replica, customer-managed
 * KMS keys, deletion protection, retained on stack deletion.
 */
export class ChatbotTable extends Construct {
  public readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: ChatbotTableProps) {
    super(scope, id);
    const pitrDays = props.pitrDays ?? 35;
    if (!Token.isUnresolved(pitrDays) && (pitrDays < 1 || pitrDays > 35)) {
      throw new Error(`${this.node.path}: pitrDays must be between 1 and 35 inclusive, got: ${pitrDays}`);
    }
    const here = Stack.of(this).region;
    const replicaRegions = Object.keys(props.replicas ?? {});
    if (!Token.isUnresolved(here) && replicaRegions.includes(here)) {
      throw new Error(`${this.node.path}: replicas must not include the table's own region (${here}); list only other regions`);
    }
    this.table = new dynamodb.TableV2(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(props.key, props.replicas),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: pitrDays },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      replicas: replicaRegions.map((region) => ({ region })),
    });
    Tags.of(this.table).add(BACKUP_TAG_KEY, props.backupTagValue);
    // Conversation turns are customers' words: the ContingencyChecks data rules apply (§6.2.1, §7.3).
    Tags.of(this.table).add(DATA_CLASS_TAG_KEY, CUSTOMER_DATA);
  }
}
