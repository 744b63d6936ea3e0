import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/** TTL attribute of incident-log entries (epoch seconds). */
export const INCIDENT_TTL_ATTRIBUTE = 'expiresAt';

export interface IncidentTableProps {
  /**
   * Physical name, shared by every replica: each region's incident function finds its local
   * replica by name, without a cross-region reference that would tie the stacks together.
   */
  readonly tableName: string;
  /** Regions holding a replica besides this stack's region (the two chatbot regions). */
  readonly replicaRegions: string[];
}

/**
 * The incident log: a DynamoDB global table created in the global stack (us-east-1) with a replica
 * in each chatbot region, so no single region's outage takes the incident record with it and every
 * region's incident function writes locally. Streams feed the publisher in us-east-1. Encrypted
 * with the AWS-managed DynamoDB key (operational data only, no customer data; a customer-managed
 * key per replica would need key ARNs from the regional stacks, i.e. cross-region references from
 * the global stack). Point-in-time recovery, deletion protection, retained on stack deletion.
 */
export class IncidentTable extends Construct {
  public readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: IncidentTableProps) {
    super(scope, id);
    const here = Stack.of(this).region;
    const errors: string[] = [];
    if (!Token.isUnresolved(here) && props.replicaRegions.includes(here)) {
      errors.push(`replicaRegions must not include the table's own region (${here}); list only other regions`);
    }
    if (new Set(props.replicaRegions).size !== props.replicaRegions.length) errors.push(`replicaRegions must be distinct, got: ${props.replicaRegions.join(', ')}`);
    if (errors.length) throw new Error(`${this.node.path}: ${errors.join('; ')}`);
    this.table = new dynamodb.TableV2(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: INCIDENT_TTL_ATTRIBUTE,
      dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      replicas: props.replicaRegions.map((region) => ({ region })),
    });
  }
}
