import { createHmac } from 'crypto';
import { Alert, headline, renderText, WebhookKindName } from './message';

/** What a webhook secret in Secrets Manager holds. Never logged. */
export interface WebhookSecret {
  /** Webhook URL; for PagerDuty optional (default PAGERDUTY_EVENTS_URL; the EU service uses its own host). */
  readonly url: string;
  /** DingTalk "加簽" secret, Feishu/Lark signature key, or the generic webhook's HMAC key. */
  readonly signingSecret?: string;
  /** PagerDuty Events API v2 integration (routing) key. */
  readonly routingKey?: string;
}

/** PagerDuty Events API v2 endpoint (US service region). */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/**
 * Kinds whose receiver can recognise a repeated delivery of the same message: the generic webhook
 * gets an `Idempotency-Key` header (the alert id), PagerDuty merges events with the same
 * `dedup_key` into one incident. On the others a delivery that timed out after the platform had
 * posted it can show the message twice (README, "Repeats").
 */
export const IDEMPOTENT_KINDS: ReadonlySet<WebhookKindName> = new Set(['webhook', 'pagerduty']);

/** PagerDuty severity of each warning level (README "PagerDuty"). */
export const PAGERDUTY_SEVERITY: Record<Alert['level'], 'critical' | 'error' | 'warning'> = { emergency: 'critical', important: 'error', general: 'warning' };

/**
 * PagerDuty dedup key of an alert: one per alarm (or AWS Health event type) and region, so a
 * trigger, its repeats and its resolve all land on the same PagerDuty incident; a new ALARM after
 * the resolve opens a new incident with the same key, as PagerDuty documents.
 */
export function pagerDutyDedupKey(alert: Alert): string {
  return `contingency/${alert.cause.region}/${alert.cause.alarm}`.slice(0, 255);
}

/** One HTTP request to send. */
export interface OutgoingRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const COLORS = { general: '2EB886', important: 'F2C744', emergency: 'D0021B' } as const;

/**
 * DingTalk custom robot signature: HMAC-SHA256 keyed with the secret over
 * `${timestampMs}\n${secret}`, base64, then URL-encoded into the `sign` query parameter.
 */
export function dingTalkSign(timestampMs: number, secret: string): string {
  return encodeURIComponent(createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64'));
}

/**
 * Feishu/Lark custom bot signature: `${timestampSeconds}\n${secret}` is the HMAC-SHA256 KEY over an
 * empty message, base64; sent as `timestamp` and `sign` in the JSON body.
 */
export function feishuSign(timestampSeconds: number, secret: string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

/**
 * Generic webhook signature (documented in README): hex HMAC-SHA256 keyed with signingSecret over
 * `${timestampSeconds}.${body}`, header `X-Contingency-Signature: sha256=<hex>` with
 * `X-Contingency-Timestamp: <timestampSeconds>`; receivers reject stale timestamps.
 */
export function genericSign(timestampSeconds: number, body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex')}`;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/**
 * Builds the request for one channel: each platform's documented payload and signature.
 * Undefined when the platform has nothing to do for this alert (PagerDuty and INSUFFICIENT_DATA).
 */
export function buildRequest(kind: WebhookKindName, secret: WebhookSecret, alert: Alert, nowMs: number): OutgoingRequest | undefined {
  const text = renderText(alert);
  const title = headline(alert);
  switch (kind) {
    case 'pagerduty': {
      const action = alert.state === 'ALARM' ? 'trigger' : alert.state === 'OK' ? 'resolve' : undefined;
      if (!action) return undefined;
      const dedup_key = pagerDutyDedupKey(alert);
      const body =
        action === 'resolve'
          ? { routing_key: secret.routingKey, event_action: action, dedup_key }
          : {
              routing_key: secret.routingKey,
              event_action: action,
              dedup_key,
              client: 'chatbot-contingency',
              client_url: alert.measures.consoleUrl,
              payload: {
                summary: `${title} ${alert.title}`.slice(0, 1024),
                source: `${alert.cause.region}/${alert.cause.alarm}`.slice(0, 255),
                severity: PAGERDUTY_SEVERITY[alert.level],
                timestamp: alert.time.iso,
                component: alert.cause.alarm,
                class: alert.cause.metric,
                custom_details: { level: alert.level, ref: alert.id, text },
              },
              links: [{ href: alert.measures.consoleUrl, text: 'CloudWatch alarm' }, ...(alert.measures.logsUrl ? [{ href: alert.measures.logsUrl, text: 'Logs Insights' }] : [])],
            };
      return { url: secret.url || PAGERDUTY_EVENTS_URL, headers: JSON_HEADERS, body: JSON.stringify(body) };
    }
    case 'slack':
      return { url: secret.url, headers: JSON_HEADERS, body: JSON.stringify({ text: `*${title}*\n${text}` }) };
    case 'teams':
      // Teams workflow ("Post to a channel when a webhook request is received") expects an Adaptive Card message.
      return {
        url: secret.url,
        headers: JSON_HEADERS,
        body: JSON.stringify({
          type: 'message',
          attachments: [
            {
              contentType: 'application/vnd.microsoft.card.adaptive',
              content: {
                $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
                type: 'AdaptiveCard',
                version: '1.4',
                body: [
                  { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', color: alert.level === 'emergency' ? 'Attention' : alert.level === 'important' ? 'Warning' : 'Good', wrap: true },
                  { type: 'TextBlock', text, wrap: true },
                ],
              },
            },
          ],
        }),
      };
    case 'dingtalk': {
      let url = secret.url;
      if (secret.signingSecret) url += `${url.includes('?') ? '&' : '?'}timestamp=${nowMs}&sign=${dingTalkSign(nowMs, secret.signingSecret)}`;
      return { url, headers: JSON_HEADERS, body: JSON.stringify({ msgtype: 'text', text: { content: `${title}\n${text}` } }) };
    }
    case 'feishu': {
      const ts = Math.floor(nowMs / 1000);
      const signed = secret.signingSecret ? { timestamp: String(ts), sign: feishuSign(ts, secret.signingSecret) } : {};
      return { url: secret.url, headers: JSON_HEADERS, body: JSON.stringify({ ...signed, msg_type: 'text', content: { text: `${title}\n${text}` } }) };
    }
    case 'wecom':
      return { url: secret.url, headers: JSON_HEADERS, body: JSON.stringify({ msgtype: 'text', text: { content: `${title}\n${text}`.slice(0, 2000) } }) };
    case 'webhook': {
      const ts = Math.floor(nowMs / 1000);
      const body = JSON.stringify({ version: 1, headline: title, text, color: COLORS[alert.level], ...alert });
      // The alert id is the same on every retry of the same message: receivers deduplicate on it.
      const headers: Record<string, string> = { ...JSON_HEADERS, 'idempotency-key': alert.id };
      if (secret.signingSecret) {
        headers['x-contingency-timestamp'] = String(ts);
        headers['x-contingency-signature'] = genericSign(ts, body, secret.signingSecret);
      }
      return { url: secret.url, headers, body };
    }
  }
}

/** What a platform answered, read from its status and body. */
export interface PlatformAnswer {
  readonly ok: boolean;
  /** The platform's own error code, when it gave one (DingTalk/WeCom errcode, Feishu code). */
  readonly code?: string;
  /** Worth another attempt: a rate limit or a transient platform error. */
  readonly retry: boolean;
  /** Short reason without URL or secrets, e.g. "HTTP 200, dingtalk errcode 130101 (rate limited)". */
  readonly detail: string;
}

/**
 * Platform error codes inside HTTP 200 bodies that mean "try again later" (rate limits and
 * "system busy"); any other non-zero code (bad signature, keyword mismatch, bad payload) will not
 * get better by retrying and fails at once with its code.
 * DingTalk: 130101 send too fast (20 messages a minute per robot), -1 system busy.
 * Feishu/Lark: 11232 frequency limited (100 a minute, 5 a second), 9499 is a bad request (no retry).
 * WeCom: 45009 API frequency out of limit (20 a minute per robot), -1 system busy.
 */
export const RETRYABLE_PLATFORM_CODES: Partial<Record<WebhookKindName, ReadonlySet<number>>> = {
  dingtalk: new Set([130101, -1]),
  feishu: new Set([11232]),
  wecom: new Set([45009, -1]),
};

/** Whether an HTTP status is worth retrying: 408, 425, 429 and 5xx. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * Reads a platform's answer. DingTalk and WeCom answer `{"errcode":0}` and Feishu `{"code":0}`
 * (or `StatusCode`) with HTTP 200 even when they drop the message; a non-zero code is a failure
 * with that code. Slack incoming webhooks and Teams workflows report errors as HTTP statuses
 * (Slack: 4xx with a text reason, 429 with Retry-After), so their 2xx is success; PagerDuty
 * accepts with 202 `{"status":"success"}`.
 */
export function platformAnswer(kind: WebhookKindName, status: number, body: string): PlatformAnswer {
  if (status < 200 || status > 299) return { ok: false, retry: retryableStatus(status), detail: `HTTP ${status}` };
  if (kind !== 'dingtalk' && kind !== 'wecom' && kind !== 'feishu') return { ok: true, retry: false, detail: `HTTP ${status}` };
  let code: unknown;
  try {
    const o = JSON.parse(body) as { errcode?: unknown; code?: unknown; StatusCode?: unknown };
    code = kind === 'feishu' ? (o.code ?? o.StatusCode) : o.errcode;
  } catch {
    return { ok: false, retry: true, detail: `HTTP ${status}, ${kind} answered with a body that is not JSON` };
  }
  if (code === 0) return { ok: true, retry: false, detail: `HTTP ${status}` };
  const n = typeof code === 'number' ? code : Number(code);
  const retry = RETRYABLE_PLATFORM_CODES[kind]?.has(n) ?? false;
  const name = kind === 'feishu' ? 'code' : 'errcode';
  return { ok: false, code: String(code), retry, detail: `HTTP ${status}, ${kind} ${name} ${String(code)}${retry ? ' (rate limited or busy)' : ''}` };
}

/** Whether a 2xx response body says the platform accepted the message. */
export function acceptedBody(kind: WebhookKindName, body: string): boolean {
  return platformAnswer(kind, 200, body).ok;
}
