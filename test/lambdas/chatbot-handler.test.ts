import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { apiRequestOf, configFromEnv, createHandler, MAX_MESSAGE_CHARS, parseChatRequest, visibleLength } from '../../lambdas/chatbot/handler';
import { ChatStore } from '../../lambdas/chatbot/store';
import { botPhrases } from '../../lib/config';
import { loadedPlan } from '../helpers/plan';

const { plan } = loadedPlan();
const ddb = mockClient(DynamoDBDocumentClient);

const env = {
  AWS_REGION: 'ap-southeast-1',
  TABLE_NAME: 'tbl',
  DEPLOYMENT_ROLE: 'primary',
  HEALTH_TOKEN: 'CHATBOT_HEALTHY',
  MATCH_THRESHOLD: '0.3',
  CONVERSATION_TTL_HOURS: '24',
  HANDOFF_CONTACTS: JSON.stringify(plan.handoff),
  BOT_PHRASES: JSON.stringify(botPhrases(plan)),
};

/**
 * A REST API (payload 1.0) proxy event as the chatbot API sends it, reached on its own host: the
 * request path carries the stage, `resource` (the matched resource) does not.
 */
function event(method: string, path: string, body?: unknown): APIGatewayProxyEvent {
  return {
    resource: path,
    path,
    httpMethod: method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { stage: 'live', resourcePath: path, httpMethod: method, path: `/live${path}` },
  } as unknown as APIGatewayProxyEvent;
}

/** An HTTP API (payload 2.0) event: a team's own API in front of the reference bot may still send these. */
function httpApiEvent(method: string, path: string, body?: unknown): APIGatewayProxyEventV2 {
  return {
    rawPath: path,
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { http: { method } },
  } as unknown as APIGatewayProxyEventV2;
}

const kbItem = { pk: 'KB', sk: 'CURRENT', version: 'v1', entries: JSON.stringify(plan.knowledgeBase) };

function handler(now = () => new Date('2026-11-23T10:00:00Z')) {
  return createHandler(new ChatStore(new DynamoDBClient({ region: 'ap-southeast-1' }), 'tbl'), configFromEnv(env), now);
}

beforeEach(() => ddb.reset());

describe('configuration', () => {
  test('a missing variable fails fast with its name', () => {
    const { HEALTH_TOKEN: _drop, ...partial } = env;
    expect(() => configFromEnv(partial)).toThrow(/HEALTH_TOKEN is required but not set/);
  });
  test('a non-number threshold is rejected', () => expect(() => configFromEnv({ ...env, MATCH_THRESHOLD: 'high' })).toThrow(/MATCH_THRESHOLD must be a number, got "high"/));
  test('bad contacts JSON is rejected', () => expect(() => configFromEnv({ ...env, HANDOFF_CONTACTS: '{' })).toThrow(/HANDOFF_CONTACTS must be JSON/));
});

describe('GET /health', () => {
  test('200 with the token when the table answers, the KB exists and the region is not degraded', async () => {
    ddb.on(GetCommand, { Key: { pk: 'CONTROL', sk: 'REGION#ap-southeast-1' } }).resolves({});
    ddb.on(GetCommand, { Key: { pk: 'KB', sk: 'CURRENT' } }).resolves({ Item: { pk: 'KB', version: 'v1' } });
    const res = await handler()(event('GET', '/health'));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body!)).toMatchObject({ status: 'ok', token: 'CHATBOT_HEALTHY', role: 'primary', region: 'ap-southeast-1' });
    // Key lookups only: a health probe every 10 s must never scan.
    const calls = ddb.calls().map((c) => c.args[0].constructor.name);
    expect(calls.every((n) => n === 'GetCommand')).toBe(true);
    const kbCall = ddb.commandCalls(GetCommand, { Key: { pk: 'KB', sk: 'CURRENT' } })[0];
    expect(kbCall.args[0].input.ProjectionExpression).toBe('pk, version');
  });
  test('503 naming the table when DynamoDB fails', async () => {
    ddb.on(GetCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalServerError' }));
    const res = await handler()(event('GET', '/health'));
    expect(res.statusCode).toBe(503);
    const body = JSON.parse(res.body!);
    expect(body.failing).toEqual(expect.arrayContaining(['table', 'knowledgeBase', 'notDegraded']));
    expect(res.body).not.toContain('CHATBOT_HEALTHY');
  });
  test('503 when the region is marked degraded; the operator’s free-text reason stays out of the public body', async () => {
    ddb.on(GetCommand, { Key: { pk: 'CONTROL', sk: 'REGION#ap-southeast-1' } }).resolves({ Item: { degraded: true, reason: 'restore of table x by alice, ticket INC-42' } });
    ddb.on(GetCommand, { Key: { pk: 'KB', sk: 'CURRENT' } }).resolves({ Item: { pk: 'KB' } });
    const res = await handler()(event('GET', '/health'));
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body!)).toMatchObject({ failing: ['notDegraded'], checks: { notDegraded: 'marked degraded' } });
    expect(res.body).not.toMatch(/alice|INC-42|restore of/);
  });
});

describe('POST /chat', () => {
  beforeEach(() => {
    ddb.on(GetCommand, { Key: { pk: 'KB', sk: 'CURRENT' } }).resolves({ Item: kbItem });
    ddb.on(GetCommand, { Key: { pk: 'CONTROL', sk: 'REGION#ap-southeast-1' } }).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(UpdateCommand).resolves({ Attributes: { turns: 1 } });
    ddb.on(BatchWriteCommand).resolves({});
  });

  test('answers and stores both turns with a 24 h TTL', async () => {
    const res = await handler()(event('POST', '/chat', { message: 'How do I get a refund?' }));
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body!);
    expect(body).toMatchObject({ faqId: 'refund', handoff: false, lang: 'en', turn: 1, region: 'ap-southeast-1' });
    expect(body.conversationId).toMatch(/^[0-9a-f-]{36}$/);
    const put = ddb.commandCalls(BatchWriteCommand)[0].args[0].input.RequestItems!.tbl;
    expect(put).toHaveLength(2);
    const items = put.map((r) => r.PutRequest!.Item!);
    expect(items.map((i) => i.role)).toEqual(['customer', 'bot']);
    expect(items[0].pk).toBe(`CONV#${body.conversationId}`);
    expect(items[0].expiresAt).toBe(Date.parse('2026-11-23T10:00:00Z') / 1000 + 24 * 3600);
    // No history lookup for a new conversation.
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  test('retries turns DynamoDB left unprocessed', async () => {
    ddb.on(BatchWriteCommand).resolvesOnce({ UnprocessedItems: { tbl: [{ PutRequest: { Item: { pk: 'x' } } }] } }).resolves({});
    const res = await handler()(event('POST', '/chat', { message: 'refund' }));
    expect(res.statusCode).toBe(200);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(2);
    expect(ddb.commandCalls(BatchWriteCommand)[1].args[0].input.RequestItems).toEqual({ tbl: [{ PutRequest: { Item: { pk: 'x' } } }] });
  });

  test('an existing conversation is read back and continues', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        { role: 'bot', text: 'a', lang: 'en', sk: 'TURN#2' },
        { role: 'customer', text: 'q', lang: 'en', sk: 'TURN#1' },
      ],
    });
    ddb.on(UpdateCommand).resolves({ Attributes: { turns: 2 } });
    const res = await handler()(event('POST', '/chat', { message: '???', conversationId: 'conv-12345678' }));
    const body = JSON.parse(res.body!);
    expect(body).toMatchObject({ conversationId: 'conv-12345678', turn: 2, lang: 'en', handoff: true });
    const q = ddb.commandCalls(QueryCommand)[0].args[0].input;
    expect(q.ExpressionAttributeValues).toEqual({ ':pk': 'CONV#conv-12345678', ':turn': 'TURN#' });
  });

  test('the knowledge base is cached between requests for a minute', async () => {
    let t = Date.parse('2026-11-23T10:00:00Z');
    const h = handler(() => new Date(t));
    await h(event('POST', '/chat', { message: 'refund' }));
    t += 30_000;
    await h(event('POST', '/chat', { message: 'refund' }));
    expect(ddb.commandCalls(GetCommand, { Key: { pk: 'KB', sk: 'CURRENT' } })).toHaveLength(1);
    t += 31_000;
    await h(event('POST', '/chat', { message: 'refund' }));
    expect(ddb.commandCalls(GetCommand, { Key: { pk: 'KB', sk: 'CURRENT' } })).toHaveLength(2);
  });

  test('a missing knowledge base hands off instead of failing', async () => {
    ddb.on(GetCommand, { Key: { pk: 'KB', sk: 'CURRENT' } }).resolves({});
    const res = await handler()(event('POST', '/chat', { message: 'refund' }));
    expect(JSON.parse(res.body!)).toMatchObject({ handoff: true, handoffReason: 'degraded' });
  });

  test('a storage failure still answers: 200, the answer, handoff true with the human-agent contacts', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(UpdateCommand).resolves({ Attributes: { turns: 1 } });
    ddb.on(BatchWriteCommand).rejects(new Error('throttled'));
    const res = await handler()(event('POST', '/chat', { message: 'How do I get a refund?' }));
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body!);
    expect(body).toMatchObject({ faqId: 'refund', handoff: true, handoffReason: 'storage-unavailable', stored: false, contacts: { phone: plan.handoff.phone } });
    expect(body.answer).toBe(plan.knowledgeBase.find((e) => e.id === 'refund')!.texts.en.answer);
  });

  test('a write that hangs is abandoned at its deadline: 200, the answer and the hand-off contacts', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(UpdateCommand).resolves({ Attributes: { turns: 1 } });
    ddb.on(BatchWriteCommand).callsFake(() => new Promise(() => undefined));
    // The write never settles: a reply at all proves it was abandoned at its deadline.
    const res = await handler()(event('POST', '/chat', { message: 'How do I get a refund?' }));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body!)).toMatchObject({ faqId: 'refund', handoff: true, handoffReason: 'storage-unavailable', stored: false });
  });

  test('400 with the rule for a bad body; 404 for unknown routes', async () => {
    const bad = await handler()(event('POST', '/chat', { message: '' }));
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body!).error).toMatch(/message must be a non-empty string/);
    const nf = await handler()(event('GET', '/admin'));
    expect(nf.statusCode).toBe(404);
  });

  test('the customer message never reaches the logs', async () => {
    const writes: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
      writes.push(String(chunk));
      return true;
    });
    const spyErr = jest.spyOn(console, 'info').mockImplementation((...a: unknown[]) => void writes.push(a.join(' ')));
    try {
      await handler()(event('POST', '/chat', { message: 'my card number is 4111111111111111, refund please' }));
    } finally {
      spy.mockRestore();
      spyErr.mockRestore();
    }
    expect(writes.join('\n')).not.toContain('4111111111111111');
    expect(writes.join('\n')).toContain('"faqId":"refund"');
  });
});

describe('malformed events and input', () => {
  test('an event that is neither a REST API nor an HTTP API request gets a 400 saying what it expects, and does not throw', async () => {
    const h = handler();
    for (const e of [{}, { rawPath: '/chat' }, { requestContext: {} }, { httpMethod: 'GET' }, { httpMethod: 7, resource: '/health' }, null, 'GET /health']) {
      const res = await h(e as unknown as APIGatewayProxyEvent);
      expect(res.statusCode).toBe(400);
      expect(JSON.parse(res.body!).error).toMatch(/not an API Gateway request: this function answers API Gateway REST API \(payload 1.0\) and HTTP API \(payload 2.0\) proxy events/);
    }
  });

  test('message length counts characters as people see them (grapheme clusters), not UTF-16 units', () => {
    const emoji = '😀'.repeat(600); // 1,200 UTF-16 units, 600 characters
    expect(emoji.length).toBe(1200);
    expect(visibleLength(emoji)).toBe(600);
    expect(parseChatRequest(JSON.stringify({ message: emoji }), false, plan.languages)).toEqual({ message: emoji });
    const family = '👨‍👩‍👧'; // one character of 8 UTF-16 units (ZWJ sequence)
    expect(visibleLength(family)).toBe(1);
    expect(visibleLength('e\u0301')).toBe(1); // e + combining acute accent
    expect(parseChatRequest(JSON.stringify({ message: family.repeat(MAX_MESSAGE_CHARS) }), false, plan.languages)).toEqual({ message: family.repeat(MAX_MESSAGE_CHARS) });
    expect(parseChatRequest(JSON.stringify({ message: '字'.repeat(MAX_MESSAGE_CHARS + 1) }), false, plan.languages)).toEqual({ error: `message must be at most ${MAX_MESSAGE_CHARS} characters, got ${MAX_MESSAGE_CHARS + 1}` });
    expect(parseChatRequest(JSON.stringify({ message: 'x'.repeat(40_000) }), false, plan.languages)).toEqual({ error: `message must be at most ${MAX_MESSAGE_CHARS} characters, got far more` });
  });
});

describe('error logs carry what failed (Powertools drops a `message` key)', () => {
  function captureLogs<T>(fn: () => Promise<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
    // Powertools writes through a Console on stdout/stderr (errors), or the global console in dev mode: capture all.
    const writes: string[] = [];
    const spies = [
      ...[process.stdout, process.stderr].map((stream) =>
        jest.spyOn(stream, 'write').mockImplementation((chunk: any) => {
          writes.push(String(chunk));
          return true;
        }),
      ),
      ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => jest.spyOn(console, m).mockImplementation((...a: unknown[]) => void writes.push(`${a.join(' ')}\n`))),
    ];
    return fn()
      .then((result) => ({ result, lines: writes.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>) }))
      .finally(() => spies.forEach((s) => s.mockRestore()));
  }

  test('the 500 line names the error and its text; the customer still gets an answer text and the contacts', async () => {
    ddb.on(GetCommand, { Key: { pk: 'KB', sk: 'CURRENT' } }).resolves({ Item: kbItem });
    ddb.on(GetCommand, { Key: { pk: 'CONTROL', sk: 'REGION#ap-southeast-1' } }).resolves({});
    ddb.on(UpdateCommand).resolves({ Attributes: { turns: 2 } });
    // A store that returns something the bot cannot read: an unexpected bug, the 500 path.
    const store = new ChatStore(new DynamoDBClient({ region: 'ap-southeast-1' }), 'tbl');
    jest.spyOn(store, 'getTurns').mockResolvedValue(null as never);
    const h = createHandler(store, configFromEnv(env), () => new Date('2026-11-23T10:00:00Z'));
    const { result, lines } = await captureLogs(() => h(event('POST', '/chat', { message: '???', conversationId: 'conv-12345678' })));
    expect(result.statusCode).toBe(500);
    const body = JSON.parse(result.body!);
    expect(body).toMatchObject({ error: 'internal error', handoff: true, contacts: { phone: plan.handoff.phone } });
    expect(body.answer).toEqual(expect.any(String));
    expect(body.answer.length).toBeGreaterThan(10);
    const line = lines.find((l) => l.message === 'request failed');
    expect(line).toBeDefined();
    expect(JSON.stringify(line)).toMatch(/TypeError/);
    expect(JSON.stringify(line)).toMatch(/not iterable|null/);
    expect(lines.some((l) => /reserved key/.test(String(l.message)))).toBe(false);
  });

  test('a storage failure is logged with the call that failed and the error text', async () => {
    ddb.on(GetCommand, { Key: { pk: 'KB', sk: 'CURRENT' } }).resolves({ Item: kbItem });
    ddb.on(GetCommand, { Key: { pk: 'CONTROL', sk: 'REGION#ap-southeast-1' } }).resolves({});
    ddb.on(UpdateCommand).resolves({ Attributes: { turns: 1 } });
    ddb.on(BatchWriteCommand).rejects(Object.assign(new Error('Throughput exceeds the current capacity of your table'), { name: 'ProvisionedThroughputExceededException' }));
    const { lines } = await captureLogs(() => handler()(event('POST', '/chat', { message: 'refund' })));
    const line = lines.find((l) => l.level === 'ERROR');
    expect(line).toMatchObject({ failed: 'BatchWriteItem turns', error: { name: 'ProvisionedThroughputExceededException', detail: 'Throughput exceeds the current capacity of your table' } });
  });
});

describe('event shapes: the REST API (payload 1.0) the chatbot API sends, and HTTP API (2.0) events', () => {
  test('a REST API event is routed by its resource, not by the request path that carries the stage', () => {
    expect(apiRequestOf(event('GET', '/health'))).toEqual({ method: 'GET', path: '/health', body: undefined, isBase64Encoded: false });
    const viaOwnHost = { ...event('POST', '/chat', { message: 'hi' }), path: '/live/chat' };
    expect(apiRequestOf(viaOwnHost)).toEqual({ method: 'POST', path: '/chat', body: '{"message":"hi"}', isBase64Encoded: false });
  });
  test('an HTTP API event is routed by rawPath and requestContext.http.method', () => {
    expect(apiRequestOf(httpApiEvent('POST', '/chat', { message: 'hi' }))).toEqual({ method: 'POST', path: '/chat', body: '{"message":"hi"}', isBase64Encoded: false });
  });
  test('GET /health answers both shapes alike', async () => {
    ddb.on(GetCommand, { Key: { pk: 'CONTROL', sk: 'REGION#ap-southeast-1' } }).resolves({});
    ddb.on(GetCommand, { Key: { pk: 'KB', sk: 'CURRENT' } }).resolves({ Item: { pk: 'KB', version: 'v1' } });
    for (const e of [event('GET', '/health'), httpApiEvent('GET', '/health')]) {
      const res = await handler()(e);
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ status: 'ok', token: 'CHATBOT_HEALTHY' });
    }
  });
  test('a base64-encoded REST API body (binary media types) is decoded', async () => {
    ddb.on(GetCommand, { Key: { pk: 'KB', sk: 'CURRENT' } }).resolves({ Item: kbItem });
    ddb.on(GetCommand, { Key: { pk: 'CONTROL', sk: 'REGION#ap-southeast-1' } }).resolves({});
    ddb.on(UpdateCommand).resolves({ Attributes: { turns: 1 } });
    ddb.on(BatchWriteCommand).resolves({});
    const e = { ...event('POST', '/chat'), body: Buffer.from(JSON.stringify({ message: 'How do I get a refund?' })).toString('base64'), isBase64Encoded: true };
    const res = await handler()(e);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ faqId: 'refund' });
  });
  test('a REST API request for another resource or method gets 404 naming the two routes', async () => {
    const res = await handler()(event('GET', '/chat'));
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body).error).toBe('no route GET /chat; use POST /chat, GET /health or GET /widget/health');
  });
});
