import { createHash, randomBytes } from 'crypto';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

/**
 * The subscription table (partition key `pk`, sort key `sk`, TTL attribute `ttl`):
 *   SUB#<address hash>   / SUB        one subscriber: the address (only here), language, state
 *                                     (`pending` with a TTL until confirmed, then `confirmed`) and
 *                                     the unsubscribe token the update mails carry
 *   TOKEN#<token hash>   / TOKEN      a confirmation (TTL 24 h, single use) or unsubscribe token,
 *                                     pointing at its subscriber; only the SHA-256 of the token
 *   RATE#<kind>#<hash>   / <window>   fixed-window request counters (per source IP, per address)
 *   SENT#<notice hash>   / <sub hash> one update mailed to one subscriber (retries do not repeat it)
 * Addresses appear only in SUB items; keys hold SHA-256 hashes of the normalised address.
 */

export const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
/** A new token: 32 random bytes, base64url (43 characters). */
export const newToken = () => randomBytes(32).toString('base64url');
/** The key of an address: lower case, trimmed, hashed; the address itself is never a key. */
export const addressKey = (address: string) => sha256(`address:${address.trim().toLowerCase()}`);
const epoch = (ms: number) => Math.floor(ms / 1000);

export interface Subscriber {
  readonly key: string;
  readonly email: string;
  readonly lang: string;
  readonly state: 'pending' | 'confirmed';
  readonly unsubscribeToken?: string;
}

export class SubscriptionStore {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    ddb: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
  }

  /**
   * Counts one request in a fixed window and returns the count so far in it (this one included).
   * The counter expires with its window.
   */
  async hit(kind: 'ip' | 'address', value: string, windowSeconds: number, nowMs: number): Promise<number> {
    const start = Math.floor(epoch(nowMs) / windowSeconds) * windowSeconds;
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `RATE#${kind}#${sha256(`${kind}:${value}`)}`, sk: String(start) },
        UpdateExpression: 'ADD #n :one SET #ttl = if_not_exists(#ttl, :ttl)',
        ExpressionAttributeNames: { '#n': 'count', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':ttl': start + windowSeconds + 3600 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.count ?? 1);
  }

  async subscriber(key: string): Promise<Subscriber | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `SUB#${key}`, sk: 'SUB' }, ConsistentRead: true }));
    return out.Item ? toSubscriber(out.Item) : undefined;
  }

  /** Records a pending subscriber (new, or pending again); never touches a confirmed one. Returns false when it is confirmed. */
  async putPending(key: string, email: string, lang: string, nowMs: number, ttlSeconds: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `SUB#${key}`, sk: 'SUB', kind: 'subscriber', email, lang, state: 'pending', createdAt: new Date(nowMs).toISOString(), expiresAt: epoch(nowMs) + ttlSeconds, ttl: epoch(nowMs) + ttlSeconds },
          ConditionExpression: 'attribute_not_exists(pk) OR #state = :pending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pending': 'pending' },
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }

  /** Stores a token's hash; a confirmation token expires (`expiresAt`, checked on use, and TTL). */
  async putToken(token: string, purpose: 'confirm' | 'unsubscribe', subscriberKey: string, expiresAt?: number): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: `TOKEN#${sha256(token)}`, sk: 'TOKEN', kind: 'token', purpose, sub: subscriberKey, ...(expiresAt ? { expiresAt, ttl: expiresAt } : {}) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /**
   * Uses up a token: deletes it (so it works once) and returns its subscriber key, or undefined
   * when there is no such token of that purpose or it has expired.
   */
  async takeToken(token: string, purpose: 'confirm' | 'unsubscribe', nowMs: number): Promise<string | undefined> {
    try {
      const out = await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: `TOKEN#${sha256(token)}`, sk: 'TOKEN' },
          ConditionExpression: 'attribute_exists(pk) AND purpose = :p',
          ExpressionAttributeValues: { ':p': purpose },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const item = out.Attributes;
      if (!item) return undefined;
      // DynamoDB deletes expired items only eventually: an expired token is refused here.
      if (typeof item.expiresAt === 'number' && item.expiresAt <= epoch(nowMs)) return undefined;
      return String(item.sub);
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return undefined;
      throw e;
    }
  }

  /**
   * Confirms a pending subscriber that has not expired, with its unsubscribe token. Returns the
   * outcome; a subscriber confirmed before stays as it was.
   */
  async confirm(key: string, unsubscribeToken: string, nowMs: number): Promise<'confirmed' | 'already' | 'gone'> {
    const current = await this.subscriber(key);
    if (!current) return 'gone';
    if (current.state === 'confirmed') return 'already';
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `SUB#${key}`, sk: 'SUB' },
          UpdateExpression: 'SET #state = :confirmed, confirmedAt = :now, unsubscribeToken = :u REMOVE #ttl, expiresAt',
          ConditionExpression: '#state = :pending AND expiresAt > :nowEpoch',
          ExpressionAttributeNames: { '#state': 'state', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':confirmed': 'confirmed', ':pending': 'pending', ':now': new Date(nowMs).toISOString(), ':u': unsubscribeToken, ':nowEpoch': epoch(nowMs) },
        }),
      );
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return (await this.subscriber(key))?.state === 'confirmed' ? 'already' : 'gone';
      throw e;
    }
    await this.putToken(unsubscribeToken, 'unsubscribe', key);
    return 'confirmed';
  }

  /** Forgets a subscriber (address and all). */
  async remove(key: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: `SUB#${key}`, sk: 'SUB' } }));
  }

  /** Every confirmed subscriber (a paginated scan: the table is small, and a notice is rare). */
  async confirmed(): Promise<Subscriber[]> {
    const out: Subscriber[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'kind = :sub AND #state = :confirmed',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':sub': 'subscriber', ':confirmed': 'confirmed' },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) out.push(toSubscriber(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** Claims one notice for one subscriber; false when it was claimed (sent) before. */
  async claimDelivery(noticeKey: string, subscriberKey: string, nowMs: number, keepDays: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `SENT#${sha256(noticeKey)}`, sk: subscriberKey, kind: 'sent', ttl: epoch(nowMs) + keepDays * 86400 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }

  /** Gives a claim back (SES refused the mail outright, so it was not sent). */
  async releaseDelivery(noticeKey: string, subscriberKey: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: `SENT#${sha256(noticeKey)}`, sk: subscriberKey } }));
  }
}

function toSubscriber(item: Record<string, unknown>): Subscriber {
  return {
    key: String(item.pk).slice('SUB#'.length),
    email: String(item.email),
    lang: String(item.lang),
    state: item.state === 'confirmed' ? 'confirmed' : 'pending',
    ...(typeof item.unsubscribeToken === 'string' ? { unsubscribeToken: item.unsubscribeToken } : {}),
  };
}
