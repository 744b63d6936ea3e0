import { IDEMPOTENT_KINDS, OutgoingRequest, platformAnswer } from './channels';
import type { WebhookKindName } from './message';

export interface DeliveryTarget {
  readonly kind: WebhookKindName;
  /** Secret name: the only identifier ever logged (never the URL). */
  readonly name: string;
  /** Audience the channel belongs to (a metric dimension). */
  readonly audience?: string;
  /**
   * Builds the request; may fail (e.g. the secret cannot be read). Gets an abort signal that
   * fires at the delivery deadline. Undefined: nothing to send for this alert on this channel.
   */
  readonly request: (signal: AbortSignal) => Promise<OutgoingRequest | undefined>;
}

export interface DeliveryResult {
  /** Webhook kind, or `email-sms` (the level topic) or `voice` (a phone call). */
  readonly kind: WebhookKindName | 'email-sms' | 'voice';
  readonly name: string;
  readonly audience?: string;
  readonly ok: boolean;
  readonly attempts: number;
  /** Status or error class of the last attempt; no URL, no body. */
  readonly detail: string;
  /** The platform's own error code of the last attempt, if it gave one. */
  readonly code?: string;
}

export interface DeliveryOptions {
  /** Per-attempt timeout. */
  readonly timeoutMs: number;
  readonly attempts: number;
  /** First backoff; doubles per retry. */
  readonly backoffMs: number;
  /**
   * Absolute time (epoch ms) by which every delivery has finished: no attempt, backoff or
   * Retry-After wait runs past it. @default no deadline
   */
  readonly deadlineMs?: number;
  readonly fetchFn?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** An attempt shorter than this is not started: it could not get an answer in time. */
export const MIN_ATTEMPT_MS = 250;
/** Retry-After values above this are treated as "not within this invocation". */
const MAX_RETRY_AFTER_MS = 15 * 60_000;

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Whether a failed attempt is worth retrying: network errors, timeouts, 408, 425, 429 and 5xx. */
export function retryable(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * The wait a server asks for, in ms: `Retry-After` as delay-seconds or an HTTP date (RFC 9110
 * §10.2.3), or Feishu's `x-ogw-ratelimit-reset` (seconds). Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const raw = headers.get('retry-after')?.trim() ?? headers.get('x-ogw-ratelimit-reset')?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.min(Number(raw) * 1000, MAX_RETRY_AFTER_MS + 1);
  const at = Date.parse(raw);
  if (!Number.isFinite(at)) return undefined;
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS + 1);
}

async function deliverOne(t: DeliveryTarget, o: DeliveryOptions): Promise<DeliveryResult> {
  const fetchFn = o.fetchFn ?? fetch;
  const sleep = o.sleep ?? defaultSleep;
  const now = o.now ?? Date.now;
  const deadline = o.deadlineMs ?? Number.POSITIVE_INFINITY;
  const base = { kind: t.kind, name: t.name, ...(t.audience !== undefined ? { audience: t.audience } : {}) };
  const left = () => deadline - now();
  let req: OutgoingRequest | undefined;
  try {
    req = await t.request(AbortSignal.timeout(Math.max(1, Math.min(left(), 2 ** 31 - 1))));
  } catch (e) {
    return { ...base, ok: false, attempts: 0, detail: `request not built: ${(e as Error).name}` };
  }
  if (!req) return { ...base, ok: true, attempts: 0, detail: 'nothing to send for this state' };
  let detail = '';
  let code: string | undefined;
  // A timed-out attempt may have been posted by a slow receiver. Platforms that cannot recognise a
  // repeat get one such retry at most, so a slow receiver shows the alert at most twice.
  let ambiguousLeft = IDEMPOTENT_KINDS.has(t.kind) ? Number.POSITIVE_INFINITY : 1;
  for (let attempt = 1; attempt <= o.attempts; attempt++) {
    const budget = Math.min(o.timeoutMs, left());
    if (left() < MIN_ATTEMPT_MS) {
      return { ...base, ok: false, attempts: attempt - 1, detail: `${detail ? `${detail}; ` : ''}delivery budget spent before attempt ${attempt}`, ...(code ? { code } : {}) };
    }
    let retry: boolean;
    let waitMs: number | undefined;
    try {
      const res = await fetchFn(req.url, { method: 'POST', headers: req.headers, body: req.body, signal: AbortSignal.timeout(budget) });
      const text = await res.text();
      const answer = platformAnswer(t.kind, res.status, text);
      if (answer.ok) return { ...base, ok: true, attempts: attempt, detail: answer.detail };
      ({ detail, retry } = answer);
      code = answer.code;
      waitMs = retryAfterMs(res.headers, now());
      if (waitMs !== undefined) detail += `, Retry-After ${Math.ceil(waitMs / 1000)} s`;
    } catch (e) {
      const name = (e as Error).name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      detail = timedOut ? `timed out after ${budget} ms` : `network error (${name})`;
      retry = true;
      if (timedOut && --ambiguousLeft < 0) {
        return { ...base, ok: false, attempts: attempt, detail: `${detail}; not retried again: ${t.kind} cannot recognise a repeat and the receiver may have posted it` };
      }
    }
    if (!retry || attempt === o.attempts) return { ...base, ok: false, attempts: attempt, detail, ...(code ? { code } : {}) };
    const wait = Math.max(o.backoffMs * 2 ** (attempt - 1), waitMs ?? 0);
    if (wait + MIN_ATTEMPT_MS > left()) {
      return { ...base, ok: false, attempts: attempt, detail: `${detail}; the next attempt (after ${wait < 1000 ? `${wait} ms` : `${Math.ceil(wait / 1000)} s`}) would end past the delivery budget`, ...(code ? { code } : {}) };
    }
    await sleep(wait);
  }
  return { ...base, ok: false, attempts: o.attempts, detail };
}

/**
 * Delivers to every target at once. Deliveries are independent: each has its own timeout and
 * retries, and one failing or hanging receiver never delays or blocks the others beyond its own
 * timeout × attempts; none runs past `deadlineMs`.
 */
export async function deliverAll(targets: readonly DeliveryTarget[], o: DeliveryOptions): Promise<DeliveryResult[]> {
  return Promise.all(targets.map((t) => deliverOne(t, o)));
}
