import { ConditionalCheckFailedException, DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { OUTCOME_TTL_ATTRIBUTE } from '../../contracts';

/**
 * Per-channel delivery outcomes, keyed by message id + channel, so that a Lambda retry (after a
 * timeout or a failed channel) and a duplicate SNS delivery never send again to a channel that
 * already has the message. A channel is first *claimed* with a lease that ends at the invocation's
 * deadline, then marked *sent*; a failed channel's claim is released so the retry can try it.
 *
 * The store is a helper, never a gate: when the table cannot be reached in time the channel is
 * sent anyway (an alert twice is better than no alert), and the caller logs it.
 */
export type Claim = 'claimed' | 'sent' | 'busy' | 'unavailable';

export interface OutcomeStore {
  /** Claims `channel` for `messageId` until `leaseUntilMs`; 'sent' and 'busy' mean: do not send. */
  claim(messageId: string, channel: string, leaseUntilMs: number, signal: AbortSignal): Promise<Claim>;
  /** Records that `channel` has the message. */
  sent(messageId: string, channel: string, signal: AbortSignal): Promise<void>;
  /** Gives up a claim after a failed delivery, so a retry sends it. */
  release(messageId: string, channel: string, signal: AbortSignal): Promise<void>;
}

/** Key layout of the outcome table: partition `pk`, sort `sk`, TTL `expiresAt`. */
export const OUTCOME_KEYS = {
  pk: (messageId: string) => `MSG#${messageId}`,
  sk: (channel: string) => `CH#${channel}`,
  ttlAttribute: OUTCOME_TTL_ATTRIBUTE,
} as const;

/** Outcome records are kept two days: longer than Lambda's async retries (6 h) and SNS redrives. */
export const OUTCOME_RETENTION_S = 2 * 24 * 3600;

export class DynamoOutcomeStore implements OutcomeStore {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  private key(messageId: string, channel: string) {
    return { pk: { S: OUTCOME_KEYS.pk(messageId) }, sk: { S: OUTCOME_KEYS.sk(channel) } };
  }

  async claim(messageId: string, channel: string, leaseUntilMs: number, signal: AbortSignal): Promise<Claim> {
    const now = this.now();
    try {
      await this.db.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(messageId, channel),
            status: { S: 'sending' },
            leaseUntil: { N: String(leaseUntilMs) },
            [OUTCOME_KEYS.ttlAttribute]: { N: String(Math.floor(now / 1000) + OUTCOME_RETENTION_S) },
          },
          // Free, or claimed by an invocation whose lease has ended (it died or timed out).
          ConditionExpression: 'attribute_not_exists(pk) OR (#s = :sending AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sending': { S: 'sending' }, ':now': { N: String(now) } },
        }),
        { abortSignal: signal },
      );
      return 'claimed';
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException) && (e as Error).name !== 'ConditionalCheckFailedException') return 'unavailable';
    }
    try {
      const got = await this.db.send(new GetItemCommand({ TableName: this.tableName, Key: this.key(messageId, channel), ConsistentRead: true }), { abortSignal: signal });
      return got.Item?.status?.S === 'sent' ? 'sent' : 'busy';
    } catch {
      return 'busy';
    }
  }

  async sent(messageId: string, channel: string, signal: AbortSignal): Promise<void> {
    await this.db.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: { ...this.key(messageId, channel), status: { S: 'sent' }, [OUTCOME_KEYS.ttlAttribute]: { N: String(Math.floor(this.now() / 1000) + OUTCOME_RETENTION_S) } },
      }),
      { abortSignal: signal },
    );
  }

  async release(messageId: string, channel: string, signal: AbortSignal): Promise<void> {
    try {
      await this.db.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: this.key(messageId, channel),
          ConditionExpression: '#s = :sending',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sending': { S: 'sending' } },
        }),
        { abortSignal: signal },
      );
    } catch {
      /* the lease ends at the deadline anyway */
    }
  }
}
