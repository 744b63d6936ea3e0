import { acceptedBody, OutgoingRequest } from './channels';
import type { WebhookKindName } from './message';

export interface DeliveryTarget {
  readonly kind: WebhookKindName;
  /** Secret name: the only identifier ever logged (never the URL). */
  readonly name: string;
  /** Builds the request; may fail (e.g. the secret cannot be read). */
  readonly request: () => Promise<OutgoingRequest>;
}

export interface DeliveryResult {
  readonly kind: WebhookKindName;
  readonly name: string;
  readonly ok: boolean;
  readonly attempts: number;
  /** Status or error class of the last attempt; no URL, no body. */
  readonly detail: string;
}

export interface DeliveryOptions {
  readonly timeoutMs: number;
  readonly attempts: number;
  /** First backoff; doubles per retry. */
  readonly backoffMs: number;
  readonly fetchFn?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Whether a failed attempt is worth retrying: network errors, timeouts, 429 and 5xx. */
export function retryable(status: number | undefined): boolean {
  return status === undefined || status === 429 || status >= 500;
}

async function deliverOne(t: DeliveryTarget, o: DeliveryOptions): Promise<DeliveryResult> {
  const fetchFn = o.fetchFn ?? fetch;
  const sleep = o.sleep ?? defaultSleep;
  let req: OutgoingRequest;
  try {
    req = await t.request();
  } catch (e) {
    return { kind: t.kind, name: t.name, ok: false, attempts: 0, detail: `request not built: ${(e as Error).name}` };
  }
  let detail = '';
  for (let attempt = 1; attempt <= o.attempts; attempt++) {
    let status: number | undefined;
    try {
      const res = await fetchFn(req.url, { method: 'POST', headers: req.headers, body: req.body, signal: AbortSignal.timeout(o.timeoutMs) });
      status = res.status;
      const text = await res.text();
      if (res.ok && acceptedBody(t.kind, text)) return { kind: t.kind, name: t.name, ok: true, attempts: attempt, detail: `HTTP ${status}` };
      detail = res.ok ? `HTTP ${status}, platform rejected the message` : `HTTP ${status}`;
      if (res.ok) status = 500; // platform-level rejection (rate limit, signature clock skew): retry
    } catch (e) {
      const name = (e as Error).name;
      detail = name === 'TimeoutError' || name === 'AbortError' ? `timed out after ${o.timeoutMs} ms` : `network error (${name})`;
    }
    if (!retryable(status) || attempt === o.attempts) return { kind: t.kind, name: t.name, ok: false, attempts: attempt, detail };
    await sleep(o.backoffMs * 2 ** (attempt - 1));
  }
  return { kind: t.kind, name: t.name, ok: false, attempts: o.attempts, detail };
}

/**
 * Delivers to every target at once. Deliveries are independent: each has its own timeout and
 * retries, and one failing or hanging receiver never delays or blocks the others beyond its own
 * timeout × attempts.
 */
export async function deliverAll(targets: readonly DeliveryTarget[], o: DeliveryOptions): Promise<DeliveryResult[]> {
  return Promise.all(targets.map((t) => deliverOne(t, o)));
}
