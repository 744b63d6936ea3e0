import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { KEYS, TTL_ATTRIBUTE } from '../../contracts';
import type { KnowledgeEntry } from './matcher';
import type { Turn } from './bot';
import { withDeadline } from './deadline';

export interface KnowledgeBaseRecord {
  readonly version: string;
  readonly entries: KnowledgeEntry[];
}

export interface RegionControl {
  readonly degraded: boolean;
  readonly reason?: string;
}

/** Default deadline of one table call: well inside the chat function's 10 s timeout and API Gateway's 30 s. */
export const STORE_DEADLINE_MS = 1000;

/**
 * Data access for the chatbot table. One instance per cold start; every call is a key lookup and
 * every call has a deadline (`deadlineMs`): a hanging table costs a request at most that long per
 * phase, never the function timeout.
 */
export class ChatStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    private readonly deadlineMs: number = STORE_DEADLINE_MS,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** Sends one command with the store's deadline (the SDK request is aborted when it passes). */
  private send<T>(what: string, command: object): Promise<T> {
    return withDeadline(`DynamoDB ${what}`, this.deadlineMs, (abortSignal) => this.doc.send(command as never, { abortSignal }) as Promise<T>);
  }

  /** The knowledge base item, or undefined when it has not been seeded. */
  async getKnowledgeBase(): Promise<KnowledgeBaseRecord | undefined> {
    const out = await this.send<{ Item?: Record<string, unknown> }>('GetItem knowledge base', new GetCommand({ TableName: this.tableName, Key: KEYS.knowledgeBase }));
    if (!out.Item) return undefined;
    const entries = JSON.parse(String(out.Item.entries)) as KnowledgeEntry[];
    return { version: String(out.Item.version), entries };
  }

  /** Whether the knowledge base item exists, read without fetching its body (for /health). */
  async hasKnowledgeBase(): Promise<boolean> {
    const out = await this.send<{ Item?: Record<string, unknown> }>(
      'GetItem knowledge base',
      new GetCommand({ TableName: this.tableName, Key: KEYS.knowledgeBase, ProjectionExpression: 'pk, version', ConsistentRead: true }),
    );
    return out.Item !== undefined;
  }

  /** The region's control record; absent means not degraded. Consistent read: a flag set is seen at once. */
  async getRegionControl(region: string): Promise<RegionControl> {
    const out = await this.send<{ Item?: Record<string, unknown> }>('GetItem region control', new GetCommand({ TableName: this.tableName, Key: KEYS.regionControl(region), ConsistentRead: true }));
    if (!out.Item) return { degraded: false };
    return { degraded: out.Item.degraded === true, ...(out.Item.reason ? { reason: String(out.Item.reason) } : {}) };
  }

  /** The last `limit` turns of a conversation, oldest first. Turns replicate to the standby region. */
  async getTurns(conversationId: string, limit = 10): Promise<Turn[]> {
    const out = await this.send<{ Items?: Record<string, unknown>[] }>(
      'Query conversation',
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :turn)',
        ExpressionAttributeValues: { ':pk': KEYS.conversation(conversationId), ':turn': KEYS.turnPrefix },
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

  /**
   * Reserves the next turn number of a conversation: an atomic counter (UpdateItem ADD) on the
   * conversation's META item, so concurrent turns get distinct numbers and the numbering never
   * stops. The counter expires with the conversation.
   */
  async nextTurn(conversationId: string, now: Date, ttlHours: number): Promise<number> {
    const out = await this.send<{ Attributes?: Record<string, unknown> }>(
      'UpdateItem turn counter',
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: KEYS.conversation(conversationId), sk: KEYS.conversationMeta },
        // `at` is when the conversation started (restore validation counts items as of a time by it).
        UpdateExpression: 'ADD turns :one SET #ttl = :ttl, #at = if_not_exists(#at, :at)',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE, '#at': 'at' },
        ExpressionAttributeValues: { ':one': 1, ':ttl': expiry(now, ttlHours), ':at': now.toISOString() },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const turns = Number(out.Attributes?.turns);
    if (!Number.isInteger(turns) || turns < 1) throw new Error(`turn counter of conversation returned ${JSON.stringify(out.Attributes?.turns)}, expected a positive integer`);
    return turns;
  }

  /** Stores one turn's messages (customer, then bot) under its turn number, with a TTL so they are deleted after `ttlHours`. */
  async appendTurns(conversationId: string, turnNumber: number, turns: readonly Turn[], now: Date, ttlHours: number): Promise<void> {
    const iso = now.toISOString();
    const expiresAt = expiry(now, ttlHours);
    let requests: BatchWriteCommandInput['RequestItems'] = {
      [this.tableName]: turns.map((t, i) => ({
        PutRequest: { Item: { pk: KEYS.conversation(conversationId), sk: KEYS.turn(turnNumber, i), ...t, turn: turnNumber, at: iso, [TTL_ATTRIBUTE]: expiresAt } },
      })),
    };
    // BatchWrite may leave items unprocessed under throttling: retry those a few times, then fail loudly.
    for (let attempt = 0; attempt < 4 && requests && Object.keys(requests).length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
      const out: BatchWriteCommandOutput = await this.send('BatchWriteItem turns', new BatchWriteCommand({ RequestItems: requests }));
      requests = out.UnprocessedItems;
    }
    if (requests && Object.keys(requests).length > 0) throw new Error('conversation turns were not stored: DynamoDB left items unprocessed after 4 attempts');
  }
}

function expiry(now: Date, ttlHours: number): number {
  return Math.floor(now.getTime() / 1000) + ttlHours * 3600;
}
