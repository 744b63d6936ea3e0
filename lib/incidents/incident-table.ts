import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { allowAlarmsToUseKey } from '../alerting/warning-topics';

/** TTL attribute of incident-log entries (epoch seconds). */
export const INCIDENT_TTL_ATTRIBUTE = 'expiresAt';

export interface IncidentLogKeyProps {
  /** Alias for the key, e.g. `alias/acme-chat/incident-log`. @default - no alias */
  readonly aliasName?: string;
}

/**
 * The customer-managed operations key of one region: the incident log replica of the region (a
 * global table replica takes a key of its own region) and the region's other operations messages —
 * the warning topics, and in us-east-1 the customer notice topic and the drill announcements — which
 * carry the same alarm, incident and notice texts the log records (docs/security.md, "What uses
 * which key"). Rotation on, retained on stack deletion so the replica and its backups stay
 * readable. Key policy: CDK's default (this account, through IAM policies that grant it per
 * function and key ARN) and CloudWatch alarms of this account and region only (they publish to the
 * encrypted warning topics); no other account and no other service principal.
 */
export class IncidentLogKey extends Construct {
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: IncidentLogKeyProps = {}) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Operations key: encrypts the incident log replica, warning topics and notices of this region',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
      ...(props.aliasName ? { alias: props.aliasName } : {}),
    });
    allowAlarmsToUseKey(this.key);
  }
}

export interface IncidentTableProps {
  /**
   * Physical name, shared by every replica: each region's incident function finds its local
   * replica by name, without a cross-region reference that would tie the stacks together.
   */
  readonly tableName: string;
  /** Customer-managed key of the table in this (us-east-1) region. */
  readonly key: kms.IKey;
  /**
   * Regions holding a replica besides this stack's region (the chatbot regions), each with the ARN
   * of the customer-managed key in that region that encrypts its replica.
   */
  readonly replicas: Record<string, string>;
}

/**
 * The incident log: a DynamoDB global table created in the global stack (us-east-1) with a replica
 * in each chatbot region, so no single region's outage takes the incident record with it and every
 * region's incident function writes locally. Streams feed the publisher in us-east-1. Encrypted
 * with a customer-managed key in each region (IncidentLogKey; the chatbot regions' keys live in
 * their own small stacks, which deploy before the global stack). Point-in-time recovery, deletion
 * protection, retained on stack deletion.
 */
export class IncidentTable extends Construct {
  public readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: IncidentTableProps) {
    super(scope, id);
    const here = Stack.of(this).region;
    const replicaRegions = Object.keys(props.replicas);
    if (!Token.isUnresolved(here) && replicaRegions.includes(here)) {
      throw new Error(`${this.node.path}: replicas must not include the table's own region (${here}); list only other regions`);
    }
    this.table = new dynamodb.TableV2(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(props.key, props.replicas),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: INCIDENT_TTL_ATTRIBUTE,
      dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      replicas: replicaRegions.map((region) => ({ region })),
    });
  }
}
