import * as path from 'path';
import { CrossStackReferences, Duration, ReferenceStrength, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ChatbotApi, ChatbotDataKey, ChatbotTable, KnowledgeBaseSeed } from '../chatbot';
import type { Plan } from '../config';
import { IncidentRecorder, ResponseAlarm } from '../incidents';
import { incidentTableName } from './global-stack';

export type DeploymentRole = 'primary' | 'standby';

export interface RegionalStackProps extends StackProps {
  readonly plan: Plan;
  /** Directory of the plan file: relative paths in the plan (chatbot.entry) resolve against it. */
  readonly planDir: string;
  readonly role: DeploymentRole;
  /** For the primary: ARN of the standby region's data key, which encrypts the standby replica. */
  readonly standbyKeyArn?: string;
  /** Response-level composite alarms of this region (plan §5.1): their state changes drive incidents. @default [] */
  readonly responseAlarms?: ResponseAlarm[];
}

/** Physical name of the chatbot global table, shared by both regions' replicas. */
export function chatbotTableName(plan: Plan): string {
  return `${plan.name}-chatbot`;
}

/**
 * One region's chatbot deployment; instantiated twice (primary, standby). The primary owns the
 * global table and seeds the knowledge base; the standby uses its replica of the same table.
 * Composes constructs only.
 */
export class RegionalStack extends Stack {
  public readonly role: DeploymentRole;
  public readonly dataKey: kms.IKey;
  public readonly table: dynamodb.ITableV2;
  public readonly chatbot: ChatbotApi;
  public readonly incidents: IncidentRecorder;

  constructor(scope: Construct, id: string, props: RegionalStackProps) {
    super(scope, id, props);
    // Cross-region values are read with Fn::GetStackOutput: no export-writer custom resources.
    // Set here, not only in cdk.json, so the stacks behave the same inside any CDK app.
    CrossStackReferences.of(this).consume(ReferenceStrength.WEAK);
    const { plan, role } = props;
    this.role = role;
    this.dataKey = new ChatbotDataKey(this, 'DataKey', { aliasName: `alias/${plan.name}/chatbot-data` }).key;
    const tableName = chatbotTableName(plan);

    if (role === 'primary') {
      if (!props.standbyKeyArn) throw new Error(`${this.node.path}: the primary stack needs standbyKeyArn (the standby region's data key) to encrypt the replica`);
      const table = new ChatbotTable(this, 'Data', {
        tableName,
        key: this.dataKey,
        replicas: { [plan.regions.standby]: props.standbyKeyArn },
        backupTagValue: plan.name,
      }).table;
      this.table = table;
      new KnowledgeBaseSeed(this, 'KnowledgeBase', { table, entries: plan.knowledgeBase });
    } else {
      this.table = dynamodb.TableV2.fromTableAttributes(this, 'Data', { tableName, encryptionKey: this.dataKey });
    }

    this.chatbot = new ChatbotApi(this, 'Chatbot', {
      table: this.table,
      deploymentRole: role,
      contacts: plan.handoff,
      ...(plan.chatbot.entry ? { entry: path.resolve(props.planDir, plan.chatbot.entry) } : {}),
      memoryMb: plan.chatbot.memoryMb,
      timeout: Duration.seconds(plan.chatbot.timeoutSeconds),
      ...(plan.chatbot.reservedConcurrency !== undefined ? { reservedConcurrency: plan.chatbot.reservedConcurrency } : {}),
      provisionedConcurrency: plan.chatbot.provisionedConcurrency,
      rateLimit: plan.chatbot.throttle.rateLimit,
      burstLimit: plan.chatbot.throttle.burstLimit,
      logRetention: plan.chatbot.logRetentionDays,
      healthToken: plan.chatbot.healthToken,
      matchThreshold: plan.chatbot.matchThreshold,
      conversationTtlHours: plan.chatbot.conversationTtlHours,
    });

    // This region's replica of the incident global table (created by the global stack), by name:
    // a reference to the global stack would make every stack depend on every other.
    this.incidents = new IncidentRecorder(this, 'Incidents', {
      table: dynamodb.TableV2.fromTableAttributes(this, 'IncidentLog', { tableName: incidentTableName(plan) }),
      responseAlarms: props.responseAlarms ?? [],
      retentionDays: plan.incidents.retentionDays,
      logRetention: plan.chatbot.logRetentionDays,
    });
  }
}
