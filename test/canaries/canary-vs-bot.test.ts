import * as http from 'http';
import type { AddressInfo } from 'net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { configFromEnv, createHandler } from '../../lambdas/chatbot/handler';
import { ChatStore } from '../../lambdas/chatbot/store';
import { botPhrases } from '../../lib/config';
import { canaryProbes } from '../../lib/config/canaries';
import { METRICS } from '../../contracts';
import { loadedPlan } from '../helpers/plan';

// The canary script against the reference bot itself (its DynamoDB table mocked), behind a local
// HTTP server that turns each request into the REST API proxy event API Gateway sends: the probe the
// plan yields is answered by the bot, and the bot counts the turn as a canary's, not a customer's.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const script = require('../../lambdas/canary/conversation.js') as { run: (config: unknown, log?: (l: string) => void) => Promise<string> };

const { plan } = loadedPlan();
const ddb = mockClient(DynamoDBDocumentClient);
const env = {
  AWS_REGION: plan.regions.primary,
  TABLE_NAME: 'tbl',
  DEPLOYMENT_ROLE: 'primary',
  HEALTH_TOKEN: 'CHATBOT_HEALTHY',
  MATCH_THRESHOLD: String(plan.chatbot.matchThreshold),
  CONVERSATION_TTL_HOURS: '24',
  HANDOFF_CONTACTS: JSON.stringify(plan.handoff),
  BOT_PHRASES: JSON.stringify(botPhrases(plan)),
  POWERTOOLS_DEV: '',
};
const bot = createHandler(new ChatStore(new DynamoDBClient({ region: plan.regions.primary }), 'tbl'), configFromEnv(env));

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const event = {
      resource: req.url,
      path: req.url,
      httpMethod: req.method,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      isBase64Encoded: false,
      requestContext: { stage: 'live' },
    } as unknown as APIGatewayProxyEvent;
    void bot(event).then((r) => res.writeHead(r.statusCode, r.headers).end(r.body));
  });
});
let url: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function seed(degraded: boolean) {
  ddb.reset();
  ddb.on(GetCommand, { Key: { pk: 'KB', sk: 'CURRENT' } }).resolves({ Item: { pk: 'KB', sk: 'CURRENT', version: 'v1', entries: JSON.stringify(plan.knowledgeBase) } });
  ddb.on(GetCommand, { Key: { pk: 'CONTROL', sk: `REGION#${plan.regions.primary}` } }).resolves(degraded ? { Item: { degraded: true } } : {});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(UpdateCommand).resolves({ Attributes: { turns: 1 } });
  ddb.on(BatchWriteCommand).resolves({});
}

/** Runs the canary and returns its outcome with the metric names the bot published (EMF lines on stdout). */
async function runCapturing(): Promise<{ outcome: string; metricNames: string[] }> {
  const writes: string[] = [];
  const spies = [process.stdout, process.stderr].map((s) =>
    jest.spyOn(s, 'write').mockImplementation((chunk: any) => {
      writes.push(String(chunk));
      return true;
    }),
  );
  const config = { url, timeoutMs: 5000, regions: [plan.regions.primary], name: 'test-canary', probes: canaryProbes(plan) };
  let outcome: string;
  try {
    outcome = await script.run(config, () => undefined).catch((e: Error) => `FAILED ${e.message}`);
  } finally {
    spies.forEach((s) => s.mockRestore());
  }
  const metricNames = writes
    .join('')
    .split('\n')
    .filter((l) => l.includes('"_aws"'))
    .flatMap((l) => (JSON.parse(l)._aws.CloudWatchMetrics as { Metrics: { Name: string }[] }[]).flatMap((m) => m.Metrics.map((x) => x.Name)));
  return { outcome, metricNames };
}

describe('the conversation canary against the reference bot', () => {
  test('a healthy bot passes in every plan language; its turns are CanaryTurns, never Answered or HandedOff', async () => {
    seed(false);
    const { outcome, metricNames } = await runCapturing();
    expect(outcome).toMatch(new RegExp(`${plan.languages.length} language\\(s\\) answered with "${plan.knowledgeBase[0].id}"`));
    expect(metricNames).toContain(METRICS.chatbot.canaryTurns);
    expect(metricNames).not.toContain(METRICS.chatbot.answered);
    expect(metricNames).not.toContain(METRICS.chatbot.handedOff);
  });

  test('a region marked degraded fails the canary (the bot hands off)', async () => {
    seed(true);
    const { outcome } = await runCapturing();
    expect(outcome).toMatch(/^FAILED conversation canary failed for 2 of 2 language\(s\).*handed off to a human \(degraded\)/);
  });
});
