import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { KMS_GRANT_WILDCARDS } from './chatbot-api';
import { KEYS, knowledgeBaseVersionOf } from '../../contracts';
import type { FaqEntry } from '../config/schema';

export interface KnowledgeBaseSeedProps {
  /** The primary table; the global table replicates the item to the standby. */
  readonly table: dynamodb.ITableV2;
  /** The FAQ entries, from the plan. */
  readonly entries: readonly FaqEntry[];
}

/** Content version of a knowledge base: changes exactly when the entries change. */
export function knowledgeBaseVersion(entries: readonly FaqEntry[]): string {
  return knowledgeBaseVersionOf(JSON.stringify(entries));
}

/** The knowledge-base item in DynamoDB attribute-value form, exactly as the seed writes it. */
export function knowledgeBaseItem(entries: readonly FaqEntry[]): Record<string, { S: string }> {
  return {
    pk: { S: KEYS.knowledgeBase.pk },
    sk: { S: KEYS.knowledgeBase.sk },
    version: { S: knowledgeBaseVersion(entries) },
    entries: { S: JSON.stringify(entries) },
  };
}

/**
 * Writes the plan's FAQ into the chatbot table as one item (`pk=KB, sk=CURRENT`) on create and
 * whenever the content changes; the version is the content hash, so an unchanged plan does no write.
 * Deleting the stack leaves the item (the table is retained too).
 */
export class KnowledgeBaseSeed extends Construct {
  public readonly version: string;

  constructor(scope: Construct, id: string, props: KnowledgeBaseSeedProps) {
    super(scope, id);
    this.version = knowledgeBaseVersion(props.entries);
    const putItem = {
      service: 'DynamoDB',
      action: 'putItem',
      parameters: {
        TableName: props.table.tableName,
        Item: knowledgeBaseItem(props.entries),
      },
      physicalResourceId: PhysicalResourceId.of(`kb-${this.version}`),
    };
    // An explicit role instead of the provider's default (which carries the managed
    // AWSLambdaBasicExecutionRole, logs:* on every log group): it may write only its own log group.
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    const role = new iam.Role(this, 'ProviderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Seeds the chatbot knowledge base item (custom resource provider)',
    });
    logGroup.grantWrite(role);
    const seed = new AwsCustomResource(this, 'Put', {
      onCreate: putItem,
      onUpdate: putItem,
      // The runtime's bundled SDK: no package download at deploy time.
      installLatestAwsSdk: false,
      // dynamodb:PutItem on this table only.
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [props.table.tableArn] }),
      logGroup,
      role,
    });
    // Writing to a table encrypted with a customer-managed key needs the key too.
    props.table.encryptionKey?.grantEncryptDecrypt(seed);
    Validations.of(role).acknowledge(
      ...KMS_GRANT_WILDCARDS.map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `${action} comes from the grant on the table's customer-managed key and is scoped to that one key ARN.`,
      })),
    );
  }
}
