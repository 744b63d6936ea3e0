/**
 * The single-table layout of the chatbot's global table (partition key `pk`, sort key `sk`).
 * Shared by the bot, the health check, the seeding custom resource and later the backup sentinel.
 */
/** Partition key holding every backup sentinel record. */
export const SENTINEL_PK = 'SENTINEL';

export const KEYS = {
  knowledgeBase: { pk: 'KB', sk: 'CURRENT' },
  regionControl: (region: string) => ({ pk: 'CONTROL', sk: `REGION#${region}` }),
  conversation: (conversationId: string) => `CONV#${conversationId}`,
  turn: (isoTime: string, seq: number) => `TURN#${isoTime}#${String(seq).padStart(3, '0')}`,
  /** Backup sentinel, one per writing region: restore tests check the newest one came back intact. */
  sentinel: (region: string) => ({ pk: SENTINEL_PK, sk: `REGION#${region}` }),
} as const;

/** Name of the TTL attribute (epoch seconds) on conversation turns. */
export const TTL_ATTRIBUTE = 'expiresAt';
