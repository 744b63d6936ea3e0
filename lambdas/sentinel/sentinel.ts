import { createHash } from 'crypto';
import { KEYS } from '../../contracts';

/**
 * The backup sentinel: a small record written to the chatbot table on a schedule. A restored copy
 * must contain it, intact (checksum) and no older than the recovery point allows — proof that the
 * backup holds real, recent data and not just a table shape.
 */
export interface Sentinel {
  readonly pk: string;
  readonly sk: string;
  /** Region whose writer put it (one record per region; replication brings the other's too). */
  readonly region: string;
  /** ISO-8601 time of the write. */
  readonly writtenAt: string;
  /** Random value, so two writes never share a checksum. */
  readonly nonce: string;
  /** SHA-256 (hex) over region, writtenAt and nonce. */
  readonly checksum: string;
}

/** The checksum a sentinel must carry: SHA-256 of its fields in a fixed order. */
export function sentinelChecksum(fields: { region: string; writtenAt: string; nonce: string }): string {
  return createHash('sha256').update(`${fields.region}|${fields.writtenAt}|${fields.nonce}`).digest('hex');
}

/** Builds the sentinel record for a region at a given time. */
export function buildSentinel(region: string, now: Date, nonce: string): Sentinel {
  const writtenAt = now.toISOString();
  return { ...KEYS.sentinel(region), region, writtenAt, nonce, checksum: sentinelChecksum({ region, writtenAt, nonce }) };
}
