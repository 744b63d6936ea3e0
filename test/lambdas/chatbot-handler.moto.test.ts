import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createHandler, ChatbotConfig } from '../../lambdas/chatbot/handler';
import { ChatStore } from '../../lambdas/chatbot/store';
import { knowledgeBaseItem } from '../../lib/chatbot';
import { botPhrases } from '../../lib/config';
import { loadedPlan } from '../helpers/plan';
import { Moto, startMoto, createPkSkTable } from '../helpers/moto';

// The reference bot against a real DynamoDB API (moto_server on 127.0.0.1), with the table shaped
// as the CDK construct shapes it and the knowledge base written as the seed custom resource writes it.
const { plan } = loadedPlan();
let moto: Moto;
let client: DynamoDBClient;
const TABLE = 'acme-chat-chatbot';

const config = (region: string, role: string): ChatbotConfig => ({
  region,
  role,
  healthToken: plan.chatbot.healthToken,
  threshold: plan.chatbot.matchThreshold,
  ttlHours: plan.chatbot.conversationTtlHours,
  contacts: plan.handoff,
  phrases: botPhrases(plan),
  kbCacheMs: 0,
  healthDeadlineMs: 5000,
});

function call(h: ReturnType<typeof createHandler>, method: string, path: string, body?: unknown): Promise<APIGatewayProxyStructuredResultV2 & { json: any }> {
  const event = { rawPath: path, body: body && JSON.stringify(body), isBase64Encoded: false, requestContext: { http: { method } } } as unknown as APIGatewayProxyEventV2;
  return h(event).then((r) => ({ ...r, json: JSON.parse(r.body as string) }));
}

beforeAll(async () => {
  moto = await startMoto();
  client = new DynamoDBClient(moto.clientConfig);
});
afterAll(async () => {
  client?.destroy();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  await createPkSkTable(client, TABLE);
});

const seed = () => client.send(new PutItemCommand({ TableName: TABLE, Item: knowledgeBaseItem(plan.knowledgeBase) }));

test('health is 503 until the knowledge base is seeded, then 200 with the token', async () => {
  const h = createHandler(new ChatStore(client, TABLE), config('ap-southeast-1', 'primary'));
  const before = await call(h, 'GET', '/health');
  expect(before.statusCode).toBe(503);
  expect(before.json).toMatchObject({ failing: ['knowledgeBase'], checks: { table: 'ok', knowledgeBase: 'not seeded', notDegraded: 'ok' } });
  await seed();
  const after = await call(h, 'GET', '/health');
  expect(after.statusCode).toBe(200);
  expect(after.json).toMatchObject({ status: 'ok', token: 'CHATBOT_HEALTHY' });
});

test('health is 503 when the table does not exist', async () => {
  const h = createHandler(new ChatStore(client, 'no-such-table'), config('ap-southeast-1', 'primary'));
  const res = await call(h, 'GET', '/health');
  expect(res.statusCode).toBe(503);
  expect(res.json.failing).toContain('table');
});

test('a conversation started in the primary continues in the standby after failover', async () => {
  await seed();
  // Both handlers read the same table: in AWS the standby reads its replica of the global table.
  const primary = createHandler(new ChatStore(client, TABLE), config('ap-southeast-1', 'primary'));
  const standby = createHandler(new ChatStore(client, TABLE), config('ap-northeast-1', 'standby'));

  const first = await call(primary, 'POST', '/chat', { message: '怎樣申請退款?' });
  expect(first.json).toMatchObject({ faqId: 'refund', lang: 'zh-Hant', turn: 1, region: 'ap-southeast-1', handoff: false });

  const second = await call(standby, 'POST', '/chat', { message: '123', conversationId: first.json.conversationId });
  // Language carried over from the conversation; turn count continues across regions.
  expect(second.json).toMatchObject({ conversationId: first.json.conversationId, turn: 2, lang: 'zh-Hant', region: 'ap-northeast-1', handoff: true });

  const third = await call(standby, 'POST', '/chat', { message: '付款方法', conversationId: first.json.conversationId });
  expect(third.json).toMatchObject({ turn: 3, faqId: 'payment-methods' });

  const stored = await new ChatStore(client, TABLE).getTurns(first.json.conversationId, 20);
  expect(stored.map((t) => `${t.role}@${t.region}`)).toEqual([
    'customer@ap-southeast-1',
    'bot@ap-southeast-1',
    'customer@ap-northeast-1',
    'bot@ap-northeast-1',
    'customer@ap-northeast-1',
    'bot@ap-northeast-1',
  ]);
});

test('turns carry a TTL so conversation data expires', async () => {
  await seed();
  const now = new Date('2026-11-23T08:00:00Z');
  const h = createHandler(new ChatStore(client, TABLE), config('ap-southeast-1', 'primary'), () => now);
  const res = await call(h, 'POST', '/chat', { message: 'refund' });
  const turns = await new ChatStore(client, TABLE).getTurns(res.json.conversationId);
  expect(turns).toHaveLength(2);
  const { Items } = await client.send(new QueryCommand({
    TableName: TABLE,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: `CONV#${res.json.conversationId}` } },
  }));
  for (const item of Items!) expect(Number(item.expiresAt.N)).toBe(now.getTime() / 1000 + 24 * 3600);
});

test('marking a region degraded fails its health and hands customers to agents; the other region is unaffected', async () => {
  await seed();
  const primary = createHandler(new ChatStore(client, TABLE), config('ap-southeast-1', 'primary'));
  const standby = createHandler(new ChatStore(client, TABLE), config('ap-northeast-1', 'standby'));
  const controlKey = { pk: { S: 'CONTROL' }, sk: { S: 'REGION#ap-southeast-1' } };
  // The command README documents for operators.
  await client.send(new PutItemCommand({ TableName: TABLE, Item: { ...controlKey, degraded: { BOOL: true }, reason: { S: 'maintenance' } } }));

  expect((await call(primary, 'GET', '/health')).statusCode).toBe(503);
  const chat = await call(primary, 'POST', '/chat', { message: 'How do I reset my password?' });
  expect(chat.json).toMatchObject({ handoff: true, handoffReason: 'degraded', contacts: { phone: plan.handoff.phone, chatUrl: plan.handoff.chatUrl } });
  expect((await call(standby, 'GET', '/health')).statusCode).toBe(200);

  await client.send(new DeleteItemCommand({ TableName: TABLE, Key: controlKey }));
  expect((await call(primary, 'GET', '/health')).statusCode).toBe(200);
  expect((await client.send(new GetItemCommand({ TableName: TABLE, Key: controlKey }))).Item).toBeUndefined();
});
