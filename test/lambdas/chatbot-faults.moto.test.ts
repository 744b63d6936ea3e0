import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ChatbotConfig, chatClientConfig, createHandler } from '../../lambdas/chatbot/handler';
import { ChatStore } from '../../lambdas/chatbot/store';
import { knowledgeBaseItem } from '../../lib/chatbot';
import { createPkSkTable, Moto, startMoto } from '../helpers/moto';
import { loadedPlan } from '../helpers/plan';
import { botPhrases } from '../../lib/config';

// The chat function under the faults a regional outage brings, against a real DynamoDB API
// (moto_server on 127.0.0.1): concurrent turns, a table that hangs (moto frozen with SIGSTOP) and a
// table that is gone (moto killed). The client is configured exactly as the Lambda entry builds it
// (chatClientConfig), and the store with its default per-call deadline.
const { plan } = loadedPlan();
const TABLE = 'acme-chat-chatbot';
// While moto is frozen it never answers: a reply at all proves the deadlines cut the wait. How long
// it took is printed (a figure, not asserted: wall time on a shared machine is no test).

const config = (): ChatbotConfig => ({
  region: 'ap-southeast-1',
  role: 'primary',
  healthToken: plan.chatbot.healthToken,
  threshold: plan.chatbot.matchThreshold,
  ttlHours: plan.chatbot.conversationTtlHours,
  contacts: plan.handoff,
  kbCacheMs: 60_000,
  healthDeadlineMs: 1500,
  phrases: botPhrases(plan),
});

type Reply = APIGatewayProxyStructuredResultV2 & { json: any; ms: number };
async function call(h: ReturnType<typeof createHandler>, method: string, path: string, body?: unknown): Promise<Reply> {
  const event = { rawPath: path, body: body && JSON.stringify(body), isBase64Encoded: false, requestContext: { http: { method } } } as unknown as APIGatewayProxyEventV2;
  const t0 = performance.now();
  const r = await h(event);
  return { ...r, json: JSON.parse(r.body as string), ms: Math.round(performance.now() - t0) };
}

async function freshMoto(opts: { threaded?: boolean } = {}): Promise<{ moto: Moto; client: DynamoDBClient }> {
  const moto = await startMoto(undefined, opts);
  const client = new DynamoDBClient({ ...moto.clientConfig, ...chatClientConfig() });
  await createPkSkTable(client, TABLE);
  await client.send(new PutItemCommand({ TableName: TABLE, Item: knowledgeBaseItem(plan.knowledgeBase) }));
  return { moto, client };
}

describe('conversation turns', () => {
  let moto: Moto;
  let client: DynamoDBClient;
  // Numbering, not deadlines, is under test here: a single-threaded moto on a busy machine may take
  // longer than the production deadline to serve a burst, so this store waits longer.
  const patientStore = () => new ChatStore(new DynamoDBClient(moto.clientConfig), TABLE, 10_000);
  // One request at a time: moto's UpdateItem is not atomic across its server threads (under load two
  // concurrent ADDs could return the same number, which DynamoDB never does); the handler's requests
  // are still concurrent.
  beforeAll(async () => ({ moto, client } = await freshMoto({ threaded: false })));
  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  test('numbering goes on past 6 (history is read 10 messages at a time)', async () => {
    const h = createHandler(patientStore(), config());
    const first = await call(h, 'POST', '/chat', { message: 'refund' });
    const turns = [first.json.turn];
    for (let i = 0; i < 9; i++) turns.push((await call(h, 'POST', '/chat', { message: 'refund', conversationId: first.json.conversationId })).json.turn);
    expect(turns).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  test('concurrent turns of one conversation get distinct numbers and none overwrites another', async () => {
    const h = createHandler(patientStore(), config());
    const first = await call(h, 'POST', '/chat', { message: 'refund' });
    const id = first.json.conversationId;
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => call(h, 'POST', '/chat', { message: `payment ${i}`, conversationId: id })));
    expect(replies.every((r) => r.statusCode === 200 && r.json.stored === true)).toBe(true);
    expect(replies.map((r) => r.json.turn).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    const stored = await new ChatStore(client, TABLE).getTurns(id, 100);
    // 13 turns × (customer + bot), every customer message present once.
    expect(stored).toHaveLength(26);
    expect(stored.filter((t) => t.role === 'customer').map((t) => t.text).sort()).toEqual(['refund', ...Array.from({ length: 12 }, (_, i) => `payment ${i}`)].sort());
  });
});

describe('a table that hangs (moto_server frozen with SIGSTOP)', () => {
  let moto: Moto;
  let client: DynamoDBClient;
  let frozen = false;
  const freeze = () => {
    process.kill(moto.pid, 'SIGSTOP');
    frozen = true;
  };
  const thaw = () => {
    if (frozen) process.kill(moto.pid, 'SIGCONT');
    frozen = false;
  };
  beforeAll(async () => ({ moto, client } = await freshMoto()));
  afterEach(thaw);
  afterAll(async () => {
    thaw();
    client?.destroy();
    await moto?.stop();
  });

  test('a cold instance still answers, with 200 and the human hand-off', async () => {
    const h = createHandler(new ChatStore(client, TABLE), config());
    freeze();
    const r = await call(h, 'POST', '/chat', { message: 'How do I get a refund?' });
    thaw();
    console.log(`frozen table, cold instance: ${r.statusCode} in ${r.ms} ms`);
    expect(r.statusCode).toBe(200);
    expect(r.json).toMatchObject({ handoff: true, stored: false, contacts: { phone: plan.handoff.phone, chatUrl: plan.handoff.chatUrl } });
    expect(r.json.answer).toEqual(expect.any(String));
  });

  test('a warm instance answers from its cached knowledge base, with the hand-off contacts', async () => {
    const h = createHandler(new ChatStore(client, TABLE), config());
    const warm = await call(h, 'POST', '/chat', { message: 'How do I get a refund?' });
    expect(warm.json).toMatchObject({ faqId: 'refund', handoff: false, stored: true });
    freeze();
    const r = await call(h, 'POST', '/chat', { message: 'How do I get a refund?', conversationId: warm.json.conversationId });
    thaw();
    console.log(`frozen table, warm instance: ${r.statusCode} in ${r.ms} ms`);
    expect(r.statusCode).toBe(200);
    expect(r.json).toMatchObject({ faqId: 'refund', answer: warm.json.answer, handoff: true, handoffReason: 'storage-unavailable', stored: false });
  });

  test('/health fails (503) instead of hanging', async () => {
    const h = createHandler(new ChatStore(client, TABLE), config());
    freeze();
    const r = await call(h, 'GET', '/health');
    thaw();
    console.log(`frozen table, /health: ${r.statusCode} in ${r.ms} ms`);
    expect(r.statusCode).toBe(503);
  });
});

describe('a table that is gone (moto_server killed)', () => {
  test('cold and warm instances answer with 200', async () => {
    const { moto, client } = await freshMoto();
    try {
      const cold = createHandler(new ChatStore(client, TABLE), config());
      const warm = createHandler(new ChatStore(client, TABLE), config());
      const before = await call(warm, 'POST', '/chat', { message: 'How do I get a refund?' });
      expect(before.json.faqId).toBe('refund');
      await moto.stop(); // the table's endpoint is gone: connections are refused
      const c = await call(cold, 'POST', '/chat', { message: 'How do I get a refund?' });
      const w = await call(warm, 'POST', '/chat', { message: 'How do I get a refund?', conversationId: before.json.conversationId });
      console.log(`killed table: cold ${c.statusCode} in ${c.ms} ms, warm ${w.statusCode} in ${w.ms} ms`);
      expect(c.statusCode).toBe(200);
      expect(c.json).toMatchObject({ handoff: true, stored: false, contacts: { phone: plan.handoff.phone } });
      expect(w.statusCode).toBe(200);
      expect(w.json).toMatchObject({ faqId: 'refund', handoff: true, stored: false });
    } finally {
      client.destroy();
      await moto.stop();
    }
  });
});
