import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { APIGatewayProxyEvent, SNSEvent } from 'aws-lambda';
import { simpleParser } from 'mailparser';
import { createApi, ApiSettings } from '../../lambdas/subscriptions/api';
import { deliver } from '../../lambdas/subscriptions/deliver';
import { SubscriptionStore } from '../../lambdas/subscriptions/store';
import { foldIncidents } from '../../lambdas/incidents/state';
import { pendingNotices, Notice } from '../../lambdas/incidents/status';
import type { IncidentEvent } from '../../lambdas/incidents/model';
import { NOTICE_KEY_ATTRIBUTE, NOTICE_TEXTS_ATTRIBUTE } from '../../contracts';
import { incidentTemplates, subscriptionSettings } from '../../lib/incidents';
import { createPkSkTable, Moto, startMoto } from '../helpers/moto';
import { loadedPlanWith } from '../helpers/plan';

// Subscribe, confirm, deliver and unsubscribe against DynamoDB and SES in moto_server, with the abuse
// cases: a flood from one IP (and one IPv6 /64), one address subscribed over and over, malformed and
// oversize bodies, bad/expired/reused tokens and header injection in the address. The mails are read
// back from moto (`/moto-api/data.json`, ses.RawMessage) and parsed as MIME.
const { plan } = loadedPlanWith((p) => {
  p.incidents = { ...(p.incidents ?? {}), statusPage: { ...(p.incidents?.statusPage ?? {}), subscriptions: { enabled: true, from: 'status@acme-example.com' } } };
});
const TABLE = 'acme-chat-subscriptions';
const PAGE = 'https://status.acme-example.com';
const FROM = 'status@acme-example.com';
const words = (lang: string) => plan.words[lang];
const settings: ApiSettings = { ...subscriptionSettings(plan), pageUrl: PAGE, from: FROM, perIpPerHour: 6, mailsPerAddressPerDay: 3 };

let moto: Moto;
let ddb: DynamoDBClient;
let ses: SESv2Client;
let store: SubscriptionStore;
let now: number;
const clock = () => now;
let api: ReturnType<typeof createApi>;

beforeAll(async () => {
  moto = await startMoto('us-east-1');
  ddb = new DynamoDBClient(moto.clientConfig);
  ses = new SESv2Client(moto.clientConfig);
}, 60_000);
afterAll(async () => {
  ddb?.destroy();
  ses?.destroy();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  await createPkSkTable(ddb, TABLE);
  await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: FROM }));
  store = new SubscriptionStore(ddb, TABLE);
  now = Date.parse('2026-12-03T10:00:00Z');
  api = createApi(store, ses, settings, clock);
});

let ipCounter = 0;
function request(action: string, opts: { method?: string; body?: string; ip?: string; query?: Record<string, string>; contentType?: string } = {}): APIGatewayProxyEvent {
  return {
    httpMethod: opts.method ?? 'POST',
    path: `/api/subscriptions/${action}`,
    resource: '/api/subscriptions/{action}',
    pathParameters: { action },
    queryStringParameters: opts.query ?? null,
    headers: { 'content-type': opts.contentType ?? 'application/json', 'CloudFront-Viewer-Address': `${opts.ip ?? `198.51.100.${++ipCounter % 250}`}:443` },
    body: opts.body ?? null,
    isBase64Encoded: false,
    requestContext: { identity: { sourceIp: '130.176.0.1' } },
  } as unknown as APIGatewayProxyEvent;
}
const subscribe = (email: unknown, lang?: string, ip?: string) => api(request('subscribe', { body: JSON.stringify({ email, ...(lang ? { lang } : {}) }), ...(ip ? { ip } : {}) }));

interface SentMail {
  readonly to: string[];
  readonly raw: string;
}
async function sentMails(): Promise<SentMail[]> {
  const data = (await (await fetch(`${moto.endpoint}/moto-api/data.json`)).json()) as { ses?: { RawMessage?: { destinations: string[]; raw_data: string }[] } };
  return (data.ses?.RawMessage ?? []).map((m) => ({ to: m.destinations, raw: m.raw_data }));
}
async function parsed(m: SentMail) {
  const mail = await simpleParser(m.raw);
  const header = (name: string) => mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return { subject: mail.subject ?? '', text: mail.text ?? '', header, from: mail.from?.value[0] };
}
const tokenIn = (text: string, page: string) => new RegExp(`${PAGE.replace(/\./g, '\\.')}/${page}\\?token=([A-Za-z0-9_-]{43})&lang=([A-Za-z-]+)`).exec(text);

async function subscribeAndConfirm(email: string, lang: string): Promise<void> {
  const before = (await sentMails()).length;
  expect((await subscribe(email, lang)).result.statusCode).toBe(202);
  const mails = await sentMails();
  const p = await parsed(mails[before]);
  const token = tokenIn(p.text, 'confirm.html')![1];
  expect((await api(request('confirm', { body: JSON.stringify({ token }) }))).result.statusCode).toBe(200);
}

function noticeEvent(n: Notice): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:notices:1',
        Sns: {
          Type: 'Notification',
          MessageId: `m-${n.key}`,
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:notices',
          Subject: n.subject,
          Message: n.body,
          Timestamp: new Date(now).toISOString(),
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: { [NOTICE_KEY_ATTRIBUTE]: { Type: 'String', Value: n.key }, [NOTICE_TEXTS_ATTRIBUTE]: { Type: 'String', Value: JSON.stringify(n.texts) } },
        },
      },
    ],
  };
}

/** A real notice, as the incident publisher makes it: an emergency with an operator update. */
function notice(): Notice {
  const templates = incidentTemplates(plan);
  const at = (m: number) => new Date(now + m * 60_000).toISOString();
  const events: IncidentEvent[] = [
    { kind: 'alarm', id: 'a1', time: at(-10), alarm: 'chat-emergency', region: 'ap-southeast-1', level: 'emergency', state: 'ALARM' },
    { kind: 'update', id: 'u1', time: at(-5), status: 'identified', message: { 'zh-Hant': '正在切換至備用區域', en: 'Switching to the standby region' } },
  ];
  const incidents = foldIncidents(events, { confirmationMs: 15 * 60_000, now: at(0), templates });
  const notices = pendingNotices(incidents, { now: at(0), maxAgeMs: 60 * 60_000, sent: new Set(), templates, pageUrl: PAGE });
  return notices.find((n) => n.updateId === 'u1')!;
}

async function tableText(): Promise<string> {
  return JSON.stringify((await ddb.send(new ScanCommand({ TableName: TABLE }))).Items ?? []);
}

describe('subscribe and confirm (double opt-in)', () => {
  test('subscribe mails one confirmation in the chosen language; the table keeps only the token hash, and the answer never holds the address', async () => {
    const r = await subscribe('Chan.Tai.Man@Example.com', 'zh-Hant');
    expect(r.result.statusCode).toBe(202);
    expect(r.result.body).not.toMatch(/example\.com/i);
    const mails = await sentMails();
    expect(mails).toHaveLength(1);
    // moto lists the envelope recipient and the To header (whose domain nodemailer writes in lower case).
    expect(mails[0].to[0]).toBe('Chan.Tai.Man@Example.com');
    const m = await parsed(mails[0]);
    expect(m.subject).toBe(words('zh-Hant')['subscribe.mailConfirmSubject']);
    expect(m.text).toContain(words('zh-Hant')['subscribe.mailConfirmBody']);
    expect(m.text).toContain(words('zh-Hant')['subscribe.mailIgnore']);
    expect(m.from).toEqual({ address: FROM, name: plan.incidents.statusPage.title['zh-Hant'] });
    // No list headers on the confirmation: nothing to unsubscribe from yet.
    expect(m.header('List-Unsubscribe')).toBeUndefined();
    const link = tokenIn(m.text, 'confirm.html')!;
    expect(link[2]).toBe('zh-Hant');
    const stored = await tableText();
    expect(stored).not.toContain(link[1]);
    // The address is stored once, as typed, in the subscriber item; keys are hashes.
    expect(stored.match(/Chan\.Tai\.Man@Example\.com/g)).toHaveLength(1);
    expect(stored).toMatch(/"pk":\{"S":"SUB#[0-9a-f]{64}"\}/);
  });

  test('confirm with the link works once; the same token again, an unknown one or a malformed one is refused', async () => {
    await subscribe('wong@example.com', 'en');
    const token = tokenIn((await parsed((await sentMails())[0])).text, 'confirm.html')![1];
    const first = await api(request('confirm', { body: JSON.stringify({ token }) }));
    expect(first.result.statusCode).toBe(200);
    expect(first.outcome).toBe('confirmed');
    expect(await store.confirmed()).toEqual([expect.objectContaining({ email: 'wong@example.com', lang: 'en', state: 'confirmed' })]);
    const again = await api(request('confirm', { body: JSON.stringify({ token }) }));
    expect(again.result.statusCode).toBe(400);
    expect(JSON.parse(again.result.body).error).toBe('invalid-token');
    const unknown = await api(request('confirm', { body: JSON.stringify({ token: 'A'.repeat(43) }) }));
    expect(unknown.result.statusCode).toBe(400);
    for (const bad of ['short', `${'A'.repeat(42)}=`, 'A'.repeat(44), 42]) {
      const r = await api(request('confirm', { body: JSON.stringify({ token: bad }) }));
      expect([r.result.statusCode, JSON.parse(r.result.body).error]).toEqual([400, 'invalid-token']);
    }
  });

  test('a confirmation link older than 24 hours is refused and confirms nothing', async () => {
    await subscribe('late@example.com', 'en');
    const token = tokenIn((await parsed((await sentMails())[0])).text, 'confirm.html')![1];
    now += 24 * 3600_000 + 1000;
    const r = await api(request('confirm', { body: JSON.stringify({ token }) }));
    expect(r.result.statusCode).toBe(400);
    expect(await store.confirmed()).toEqual([]);
  });

  test('the answer is the same for a new, a pending and a confirmed address; a confirmed one gets no mail', async () => {
    await subscribeAndConfirm('known@example.com', 'en');
    const mailsBefore = (await sentMails()).length;
    const known = await subscribe('known@example.com', 'en');
    const fresh = await subscribe('fresh@example.com', 'en');
    const pending = await subscribe('fresh@example.com', 'en');
    expect(known.result).toEqual(fresh.result);
    expect(pending.result).toEqual(fresh.result);
    const mails = await sentMails();
    expect(mails.slice(mailsBefore).map((m) => m.to[0])).toEqual(['fresh@example.com', 'fresh@example.com']);
  });
});

describe('abuse', () => {
  test('one address subscribed over and over, from many IPs, gets at most 3 confirmation mails a day, with the same answer each time', async () => {
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await subscribe('victim@example.com', 'en', `203.0.113.${i + 1}`));
    expect(new Set(answers.map((a) => JSON.stringify(a.result))).size).toBe(1);
    expect(answers[0].result.statusCode).toBe(202);
    expect((await sentMails()).filter((m) => m.to[0] === 'victim@example.com')).toHaveLength(3);
    expect(answers.map((a) => a.outcome)).toEqual([...Array(3).fill('subscribe-mailed'), ...Array(5).fill('subscribe-address-limited')]);
    // The next day it may be mailed again.
    now += 24 * 3600_000;
    await subscribe('victim@example.com', 'en', '203.0.113.99');
    expect((await sentMails()).filter((m) => m.to[0] === 'victim@example.com')).toHaveLength(4);
  });

  test('a flood from one IP is cut off with 429 and Retry-After after 6 requests an hour, whatever it asks; other IPs are not affected', async () => {
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await subscribe(`flood${i}@example.com`, 'en', '192.0.2.7'));
    expect(results.map((r) => r.result.statusCode)).toEqual([...Array(6).fill(202), ...Array(4).fill(429)]);
    const limited = results[9].result;
    expect(Number(limited.headers!['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers!['retry-after'])).toBeLessThanOrEqual(3600);
    expect(await sentMails()).toHaveLength(6);
    // Confirm and unsubscribe attempts (token guessing) count against the same limit.
    expect((await api(request('confirm', { body: JSON.stringify({ token: 'A'.repeat(43) }), ip: '192.0.2.7' }))).result.statusCode).toBe(429);
    expect((await subscribe('other@example.com', 'en', '192.0.2.8')).result.statusCode).toBe(202);
    // An hour later the IP may ask again.
    now += 3600_000;
    expect((await subscribe('flood-late@example.com', 'en', '192.0.2.7')).result.statusCode).toBe(202);
  });

  test('IPv6 callers are counted per /64: rotating addresses inside one block does not reset the limit', async () => {
    const codes = [];
    for (let i = 1; i <= 8; i++) codes.push((await subscribe(`v6-${i}@example.com`, 'en', `[2001:db8:1:2::${i.toString(16)}]`)).result.statusCode);
    expect(codes).toEqual([...Array(6).fill(202), 429, 429]);
    expect((await subscribe('v6-other@example.com', 'en', '[2001:db8:1:3::1]')).result.statusCode).toBe(202);
  });

  test('malformed bodies are refused with 400 and a rule, oversize ones with 413, and none sends a mail', async () => {
    const cases: [string, number, string][] = [
      ['not json', 400, 'bad-request'],
      ['[1,2]', 400, 'bad-request'],
      ['"a@b.com"', 400, 'bad-request'],
      ['{}', 400, 'invalid-email'],
      ['{"email": 42}', 400, 'invalid-email'],
      ['{"email": "no-at-sign"}', 400, 'invalid-email'],
      ['{"email": "a@b.com", "lang": "fr"}', 400, 'invalid-lang'],
      [JSON.stringify({ email: `${'a'.repeat(3000)}@example.com` }), 413, 'too-large'],
    ];
    for (const [body, status, error] of cases) {
      const r = await api(request('subscribe', { body }));
      expect([body.slice(0, 30), r.result.statusCode, JSON.parse(r.result.body).error]).toEqual([body.slice(0, 30), status, error]);
      // The refusal never echoes the input.
      if (body.includes('@') && body.startsWith('{')) expect(r.result.body).not.toContain(JSON.parse(body).email);
    }
    expect(await sentMails()).toEqual([]);
    expect((await api(request('subscribe', { method: 'DELETE', body: '{}' }))).result.statusCode).toBe(404);
    expect((await api(request('everything', { body: '{}' }))).result.statusCode).toBe(404);
  });

  test('header injection in the address is refused: line breaks, a second recipient, a display name', async () => {
    for (const email of ['victim@example.com\r\nBcc: many@example.com', 'victim@example.com\nSubject: hi', 'victim@example.com, other@example.com', 'Victim <victim@example.com>', 'victim@example.com>\r\nX: y', '"victim"@example.com']) {
      const r = await subscribe(email, 'en');
      expect([email, r.result.statusCode, JSON.parse(r.result.body).error]).toEqual([email, 400, 'invalid-email']);
    }
    expect(await sentMails()).toEqual([]);
  });
});

describe('delivery and one-click unsubscribe', () => {
  test('a notice reaches each confirmed subscriber in their language, with the unsubscribe link and RFC 8058 headers; pending subscribers get nothing', async () => {
    await subscribeAndConfirm('en-reader@example.com', 'en');
    await subscribeAndConfirm('hant-reader@example.com', 'zh-Hant');
    await subscribe('pending@example.com', 'en');
    const before = (await sentMails()).length;
    const n = notice();
    const r = await deliver(noticeEvent(n), store, ses, settings, clock);
    expect(r).toEqual({ notices: 1, sent: 2, skipped: 0, failures: [] });
    const mails = (await sentMails()).slice(before);
    expect(mails.map((m) => m.to[0]).sort()).toEqual(['en-reader@example.com', 'hant-reader@example.com']);
    for (const [to, lang, message] of [
      ['en-reader@example.com', 'en', 'Switching to the standby region'],
      ['hant-reader@example.com', 'zh-Hant', '正在切換至備用區域'],
    ]) {
      const m = await parsed(mails.find((x) => x.to[0] === to)!);
      expect(m.subject).toBe(n.texts[lang].subject);
      expect(m.subject).toContain(plan.incidents.templates.emergency.title[lang]);
      expect(m.text).toContain(message);
      // Only the subscriber's own language.
      expect(m.text).not.toContain(lang === 'en' ? '正在切換至備用區域' : 'Switching to the standby region');
      expect(m.text).toContain(words(lang)['subscribe.mailFooter']);
      const page = tokenIn(m.text, 'unsubscribe.html')!;
      expect(page[2]).toBe(lang);
      expect(m.header('List-Unsubscribe')).toBe(`List-Unsubscribe: <${PAGE}/api/subscriptions/unsubscribe?token=${page[1]}>`);
      expect(m.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    }
  });

  test('a retried notice is not mailed twice', async () => {
    await subscribeAndConfirm('once@example.com', 'en');
    const before = (await sentMails()).length;
    const event = noticeEvent(notice());
    await deliver(event, store, ses, settings, clock);
    const again = await deliver(event, store, ses, settings, clock);
    expect(again).toEqual({ notices: 1, sent: 0, skipped: 1, failures: [] });
    expect((await sentMails()).length - before).toBe(1);
  });

  test('the one-click POST (RFC 8058 form body) unsubscribes at once; later notices are not mailed; the link used again still answers 200', async () => {
    await subscribeAndConfirm('leaver@example.com', 'en');
    await deliver(noticeEvent(notice()), store, ses, settings, clock);
    const mail = await parsed((await sentMails()).at(-1)!);
    const url = new URL(/<([^>]+)>/.exec(mail.header('List-Unsubscribe')!)![1]);
    const token = url.searchParams.get('token')!;
    // What a mail client sends for one-click unsubscribe: POST to the header URL, form body.
    const click = () => api(request('unsubscribe', { query: { token }, body: 'List-Unsubscribe=One-Click', contentType: 'application/x-www-form-urlencoded' }));
    const r = await click();
    expect(r.result.statusCode).toBe(200);
    expect(r.outcome).toBe('unsubscribed');
    expect(await store.confirmed()).toEqual([]);
    expect(await tableText()).not.toContain('leaver@example.com');
    const before = (await sentMails()).length;
    const later = { ...notice(), key: 'later#u2' };
    expect((await deliver(noticeEvent(later), store, ses, settings, clock)).sent).toBe(0);
    expect((await sentMails()).length).toBe(before);
    const reused = await click();
    expect([reused.result.statusCode, reused.outcome]).toEqual([200, 'unsubscribe-unknown']);
  });

  test('GET on the one-click URL does not unsubscribe: it sends the reader to the page with the button', async () => {
    await subscribeAndConfirm('reader@example.com', 'zh-Hant');
    const token = (await store.confirmed())[0].unsubscribeToken!;
    const r = await api(request('unsubscribe', { method: 'GET', query: { token, lang: 'zh-Hant' } }));
    expect(r.result.statusCode).toBe(303);
    expect(r.result.headers!.location).toBe(`${PAGE}/unsubscribe.html?token=${token}&lang=zh-Hant`);
    expect(await store.confirmed()).toHaveLength(1);
    // The page's button posts JSON.
    expect((await api(request('unsubscribe', { body: JSON.stringify({ token }) }))).outcome).toBe('unsubscribed');
    expect(await store.confirmed()).toEqual([]);
  });
});
