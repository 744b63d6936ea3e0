/**
 * Table layouts shared by the constructs that create the tables and the functions that read and
 * write them. Both tables are single-table designs with string keys `pk` (partition) and `sk` (sort).
 */
import { createHash } from 'node:crypto';

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';

/** Partition key holding every backup sentinel record in the chatbot table. */
export const SENTINEL_PK = 'SENTINEL';

/** Keys of the chatbot's global table. */
export const KEYS = {
  knowledgeBase: { pk: 'KB', sk: 'CURRENT' },
  regionControl: (region: string) => ({ pk: 'CONTROL', sk: `REGION#${region}` }),
  conversation: (conversationId: string) => `CONV#${conversationId}`,
  /** Sort key of the item that holds a conversation's turn counter (an atomic ADD). */
  conversationMeta: 'META',
  /** Sort-key prefix of conversation messages. */
  turnPrefix: 'TURN#',
  /**
   * Sort key of one stored message: the turn number (from the counter, so two concurrent turns
   * never share a key) zero-padded so keys sort by turn, then customer (0) before bot (1).
   */
  turn: (turnNumber: number, part: number) => `TURN#${String(turnNumber).padStart(8, '0')}#${part}`,
  /** Backup sentinel, one per writing region: restore tests check the newest one came back intact. */
  sentinel: (region: string) => ({ pk: SENTINEL_PK, sk: `REGION#${region}` }),
} as const;

/** Name of the TTL attribute (epoch seconds) on conversation turns in the chatbot table. */
export const TTL_ATTRIBUTE = 'expiresAt';

/** Incident table: partition keys of the append-only log, notice claims and report claims. */
export const INCIDENT_KEYS = { eventPk: 'EVENT', noticePk: 'NOTICE', reportPk: 'REPORT', statePk: 'STATE', registerSk: 'register', observerPk: 'OBSERVER' } as const;
/** The failover observer's last reading, one item per observer region (partition OBSERVER). */
export const observerKey = (region: string) => ({ pk: INCIDENT_KEYS.observerPk, sk: `REGION#${region}` });
/** TTL attribute of incident-log entries and claims (epoch seconds). */
export const INCIDENT_TTL_ATTRIBUTE = 'expiresAt';

/** Notifier outcome table (message id + channel, lambdas/notify/outcomes.ts): TTL attribute (epoch seconds). */
export const OUTCOME_TTL_ATTRIBUTE = 'expiresAt';

/** Object key of the status document in the status bucket, and how long browsers may cache it. */
export const STATUS_OBJECT_KEY = 'status.json';
export const STATUS_MAX_AGE_SECONDS = 10;

/** The status page's Atom feed in the plan's default language (a copy of its language's feed). */
export const FEED_OBJECT_KEY = 'feed.xml';
/** Object key of the Atom feed in one plan language, e.g. `feed.zh-Hant.xml`. */
export const feedObjectKey = (lang: string): string => `feed.${lang}.xml`;
/** Object-key pattern covering every feed (CloudFront behaviour, IAM grant, deployment exclude). */
export const FEED_OBJECT_PATTERN = 'feed*.xml';

/**
 * Content version of the knowledge-base item (`pk=KB, sk=CURRENT`): the first 16 hex digits of the
 * SHA-256 of its `entries` attribute as stored (the JSON text of the entries). The seed writes it;
 * restore validation checks a restored copy's item still matches it.
 */
export function knowledgeBaseVersionOf(entriesJson: string): string {
  return createHash('sha256').update(entriesJson).digest('hex').slice(0, 16);
}
