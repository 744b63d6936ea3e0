import { createHmac } from 'crypto';
import { Alert, headline, renderText, WebhookKindName } from './message';

/** What a webhook secret in Secrets Manager holds. Never logged. */
export interface WebhookSecret {
  readonly url: string;
  /** DingTalk "加簽" secret, Feishu/Lark signature key, or the generic webhook's HMAC key. */
  readonly signingSecret?: string;
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

/** Builds the request for one channel: each platform's documented payload and signature. */
export function buildRequest(kind: WebhookKindName, secret: WebhookSecret, alert: Alert, nowMs: number): OutgoingRequest {
  const text = renderText(alert);
  const title = headline(alert);
  switch (kind) {
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
      const headers: Record<string, string> = { ...JSON_HEADERS };
      if (secret.signingSecret) {
        headers['x-contingency-timestamp'] = String(ts);
        headers['x-contingency-signature'] = genericSign(ts, body, secret.signingSecret);
      }
      return { url: secret.url, headers, body };
    }
  }
}

/**
 * Whether a 2xx response body says the platform accepted the message: DingTalk and WeCom answer
 * `{"errcode":0}`, Feishu `{"code":0}`; a non-zero code (bad signature, rate limit) is a failure.
 */
export function acceptedBody(kind: WebhookKindName, body: string): boolean {
  if (kind !== 'dingtalk' && kind !== 'wecom' && kind !== 'feishu') return true;
  try {
    const o = JSON.parse(body) as { errcode?: number; code?: number; StatusCode?: number };
    const code = kind === 'feishu' ? (o.code ?? o.StatusCode) : o.errcode;
    return code === 0;
  } catch {
    return false;
  }
}
