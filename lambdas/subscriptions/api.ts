import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { CONFIRMATION_TTL_HOURS, SUBSCRIPTION_ACTIONS, SUBSCRIPTION_MAX_BODY_BYTES, SUBSCRIPTION_PAGES, SUBSCRIPTION_TOKEN_PATTERN, type SubscriptionAction } from '../../contracts';
import { confirmationMail, isMailbox, MailSettings, send } from './mail';
import { addressKey, newToken, SubscriptionStore } from './store';

export interface ApiSettings extends MailSettings {
  /** Requests per source IP per hour, all actions together. */
  readonly perIpPerHour: number;
  /** Confirmation mails per address per day. */
  readonly mailsPerAddressPerDay: number;
}

/** What the API did, for the log and metrics: never an address or anything derived from one. */
export type Outcome =
  | 'subscribe-mailed'
  | 'subscribe-mail-failed'
  | 'subscribe-known'
  | 'subscribe-address-limited'
  | 'confirmed'
  | 'confirm-already'
  | 'confirm-bad-token'
  | 'unsubscribed'
  | 'unsubscribe-unknown'
  | 'ip-limited'
  | 'bad-request'
  | 'too-large'
  | 'not-found'
  | 'redirect';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
const answer = (statusCode: number, body: Record<string, unknown>, headers: Record<string, string> = {}): APIGatewayProxyResult => ({ statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) });
const refuse = (statusCode: number, error: string, message: string, headers: Record<string, string> = {}) => answer(statusCode, { error, message }, headers);

/**
 * The viewer's IP: CloudFront's `CloudFront-Viewer-Address` (`ip:port`; the only client header the
 * distribution forwards), else the caller API Gateway saw. IPv6 is counted per /64, the block one
 * customer line usually gets, so rotating addresses inside it does not reset the limit.
 */
export function sourceOf(event: Pick<APIGatewayProxyEvent, 'headers' | 'requestContext'>): string {
  const header = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'cloudfront-viewer-address')?.[1];
  const ip = header ? header.replace(/:\d+$/, '') : (event.requestContext?.identity?.sourceIp ?? 'unknown');
  return ip.includes(':') ? ipv6Prefix(ip) : ip;
}

function ipv6Prefix(ip: string): string {
  const [head, tail] = ip.replace(/^\[|\]$/g, '').split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** The body as an object: JSON, or a form (`List-Unsubscribe=One-Click`, RFC 8058). */
function parseBody(event: APIGatewayProxyEvent): Record<string, unknown> | undefined {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  if (!raw) return {};
  const type = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  if (/application\/x-www-form-urlencoded/i.test(type)) return Object.fromEntries(new URLSearchParams(raw));
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function bodyBytes(event: APIGatewayProxyEvent): number {
  if (!event.body) return 0;
  return event.isBase64Encoded ? Math.floor((event.body.length * 3) / 4) : Buffer.byteLength(event.body, 'utf8');
}

/**
 * The subscription API (REST proxy integration, `/api/subscriptions/{action}`):
 * - `POST subscribe {email, lang}` → 202, the same answer whether the address is new, pending,
 *   confirmed or over its daily mail limit; a confirmation mail goes out when one is due;
 * - `POST confirm {token}` → 200, or 400 `invalid-token` (unknown, expired, used);
 * - `POST unsubscribe?token=` (RFC 8058 one-click, form body) or `{token}` → 200, also for a token
 *   already used (nothing to tell anyone); `GET unsubscribe?token=` → 303 to the page with the button.
 * Every request counts against its source IP's hourly limit first (429 with Retry-After).
 */
export function createApi(store: SubscriptionStore, ses: Pick<SESv2Client, 'send'>, s: ApiSettings, clock: () => number = Date.now) {
  return async (event: APIGatewayProxyEvent): Promise<{ result: APIGatewayProxyResult; outcome: Outcome; error?: string }> => {
    const action = (event.pathParameters?.action ?? event.path?.split('/').pop() ?? '') as SubscriptionAction;
    const method = event.httpMethod;
    if (!SUBSCRIPTION_ACTIONS.includes(action) || !(method === 'POST' || (method === 'GET' && action === 'unsubscribe'))) {
      return { result: refuse(404, 'not-found', `no such action: ${method} ${action || '(none)'}; use POST subscribe, confirm or unsubscribe`), outcome: 'not-found' };
    }
    const now = clock();
    const count = await store.hit('ip', sourceOf(event), 3600, now);
    if (count > s.perIpPerHour) {
      const retry = 3600 - (Math.floor(now / 1000) % 3600);
      return { result: refuse(429, 'rate-limited', `at most ${s.perIpPerHour} requests per hour from one address; try again in ${retry} s`, { 'retry-after': String(retry) }), outcome: 'ip-limited' };
    }
    if (method === 'GET') {
      const token = event.queryStringParameters?.token ?? '';
      const lang = s.texts.languages.includes(event.queryStringParameters?.lang ?? '') ? event.queryStringParameters!.lang! : s.texts.languages[0];
      const location = SUBSCRIPTION_TOKEN_PATTERN.test(token) ? `${s.pageUrl}/${SUBSCRIPTION_PAGES.unsubscribe}?token=${token}&lang=${encodeURIComponent(lang)}` : `${s.pageUrl}/`;
      return { result: { statusCode: 303, headers: { location, 'cache-control': 'no-store' }, body: '' }, outcome: 'redirect' };
    }
    if (bodyBytes(event) > SUBSCRIPTION_MAX_BODY_BYTES) {
      return { result: refuse(413, 'too-large', `the request body must be at most ${SUBSCRIPTION_MAX_BODY_BYTES} bytes`), outcome: 'too-large' };
    }
    const body = parseBody(event);
    if (!body) return { result: refuse(400, 'bad-request', 'the body must be a JSON object such as {"email": "…", "lang": "…"}'), outcome: 'bad-request' };

    if (action === 'subscribe') {
      const email = body.email;
      if (typeof email !== 'string' || !isMailbox(email.trim())) {
        return { result: refuse(400, 'invalid-email', 'email must be one e-mail address such as name@example.com (no name, spaces or line breaks)'), outcome: 'bad-request' };
      }
      if (body.lang !== undefined && (typeof body.lang !== 'string' || !s.texts.languages.includes(body.lang))) {
        return { result: refuse(400, 'invalid-lang', `lang must be one of ${s.texts.languages.join(', ')}`), outcome: 'bad-request' };
      }
      const lang = (body.lang as string | undefined) ?? s.texts.languages[0];
      const address = email.trim();
      const key = addressKey(address);
      const same = answer(202, { ok: true });
      const existing = await store.subscriber(key);
      if (existing?.state === 'confirmed') return { result: same, outcome: 'subscribe-known' };
      // At most N confirmation mails per address a day, whoever asks: no mail-bombing through us.
      if ((await store.hit('address', key, 86400, now)) > s.mailsPerAddressPerDay) return { result: same, outcome: 'subscribe-address-limited' };
      const ttl = CONFIRMATION_TTL_HOURS * 3600;
      if (!(await store.putPending(key, address, lang, now, ttl))) return { result: same, outcome: 'subscribe-known' };
      const token = newToken();
      await store.putToken(token, 'confirm', key, Math.floor(now / 1000) + ttl);
      try {
        await send(ses, s, confirmationMail(s, address, lang, token));
      } catch (e) {
        // Still the same answer (a different one would tell new addresses from confirmed ones);
        // the failure is logged (its name only: SES messages can quote the address) and counted.
        return { result: same, outcome: 'subscribe-mail-failed', error: (e as Error).name };
      }
      return { result: same, outcome: 'subscribe-mailed' };
    }

    const token = typeof body.token === 'string' ? body.token : (event.queryStringParameters?.token ?? '');
    if (!SUBSCRIPTION_TOKEN_PATTERN.test(token)) {
      return { result: refuse(400, 'invalid-token', 'token must be the 43-character code from the link in the e-mail'), outcome: 'bad-request' };
    }
    if (action === 'confirm') {
      const key = await store.takeToken(token, 'confirm', now);
      const result = key ? await store.confirm(key, newToken(), now) : 'gone';
      if (result === 'gone') return { result: refuse(400, 'invalid-token', 'this link is unknown, expired or already used; subscribe again on the status page'), outcome: 'confirm-bad-token' };
      return { result: answer(200, { ok: true }), outcome: result === 'confirmed' ? 'confirmed' : 'confirm-already' };
    }
    // unsubscribe: the same answer for a token already used (the subscriber is gone either way).
    const key = await store.takeToken(token, 'unsubscribe', now);
    if (key) await store.remove(key);
    return { result: answer(200, { ok: true }), outcome: key ? 'unsubscribed' : 'unsubscribe-unknown' };
  };
}
