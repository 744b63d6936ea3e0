import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, BatchWriteCommandInput, BatchWriteCommandOutput, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { KEYS, TTL_ATTRIBUTE } from '../../contracts';
import type { KnowledgeEntry } from './matcher';
import type { Turn } from './bot';

export interface KnowledgeBaseRecord {
  readonly version: string;
  readonly entries: KnowledgeEntry[];
}

export interface RegionControl {
  readonly degraded: boolean;
  readonly reason?: string;
}

/** Data access for the chatbot table. One instance per cold start; every call is a key lookup. */
export class ChatStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** The knowledge base item, or undefined when it has not been seeded. */
  async getKnowledgeBase(): Promise<KnowledgeBaseRecord | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: KEYS.knowledgeBase }));
    if (!out.Item) return undefined;
    const entries = JSON.parse(String(out.Item.entries)) as KnowledgeEntry[];
    return { version: String(out.Item.version), entries };
  }

  /** Whether the knowledge base item exists, read without fetching its body (for /health). */
  async hasKnowledgeBase(): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: KEYS.knowledgeBase, ProjectionExpression: 'pk, version', ConsistentRead: true }),
    );
    return out.Item !== undefined;
  }

  /** The region's control record; absent means not degraded. Consistent read: a flag set is seen at once. */
  async getRegionControl(region: string): Promise<RegionControl> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: KEYS.regionControl(region), ConsistentRead: true }));
    if (!out.Item) return { degraded: false };
    return { degraded: out.Item.degraded === true, ...(out.Item.reason ? { reason: String(out.Item.reason) } : {}) };
  }

  /** The last `limit` turns of a conversation, oldest first. Turns replicate to the standby region. */
  async getTurns(conversationId: string, limit = 10): Promise<Turn[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :turn)',
        ExpressionAttributeValues: { ':pk': KEYS.conversation(conversationId), ':turn': 'TURN#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? [])
      .map((i) => ({
        role: i.role as Turn['role'],
        text: String(i.text),
        lang: i.lang as Turn['lang'],
        ...(i.faqId ? { faqId: String(i.faqId) } : {}),
        ...(i.handoff ? { handoff: true } : {}),
        ...(i.region ? { region: String(i.region) } : {}),
      }))
      .reverse();
  }

  /** Appends turns with a TTL so conversation data is deleted after `ttlHours`. */
  async appendTurns(conversationId: string, turns: readonly Turn[], now: Date, ttlHours: number): Promise<void> {
    const iso = now.toISOString();
    const expiresAt = Math.floor(now.getTime() / 1000) + ttlHours * 3600;
    let requests: BatchWriteCommandInput['RequestItems'] = {
      [this.tableName]: turns.map((t, i) => ({
        PutRequest: { Item: { pk: KEYS.conversation(conversationId), sk: KEYS.turn(iso, i), ...t, at: iso, [TTL_ATTRIBUTE]: expiresAt } },
      })),
    };
    // BatchWrite may leave items unprocessed under throttling: retry those a few times, then fail loudly.
    for (let attempt = 0; attempt < 4 && requests && Object.keys(requests).length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
      const out: BatchWriteCommandOutput = await this.doc.send(new BatchWriteCommand({ RequestItems: requests }));
      requests = out.UnprocessedItems;
    }
    if (requests && Object.keys(requests).length > 0) throw new Error('conversation turns were not stored: DynamoDB left items unprocessed after 4 attempts');
  }
}
