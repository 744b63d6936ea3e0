import * as http from 'http';
import { AddressInfo, Socket } from 'net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import type { NotifierConfig } from '../../../lambdas/notify/message';
import { ALARM, CFG } from './fixtures';

const secrets = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);

/**
 * The whole invocation stays inside the function timeout whatever the plan's delivery settings:
 * the budget is the remaining time (from the Lambda context) minus a reserve, not
 * timeout × attempts. Here the largest settings the schema allows (30 s × 5 attempts) meet a
 * receiver that never answers, with 8 s left in the invocation.
 */
describe('delivery budget under the function timeout', () => {
  let server: http.Server;
  const sockets = new Set<Socket>();
  let handler: typeof import('../../../lambdas/notify/handler').handler;
  let out: jest.SpyInstance;
  let err: jest.SpyInstance;

  beforeAll(async () => {
    server = http.createServer(() => undefined); // accepts, never answers
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const cfg: NotifierConfig = {
      ...CFG,
      deliveryTimeoutSeconds: 30,
      deliveryAttempts: 5,
      webhooks: { general: [], important: [], emergency: [{ kind: 'webhook', secretName: 'acme/alerts/hang', audience: 'partners' }] },
    };
    process.env.NOTIFIER_CONFIG = JSON.stringify(cfg);
    process.env.AWS_REGION = 'ap-southeast-1';
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hang` }) });
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    ({ handler } = await import('../../../lambdas/notify/handler'));
    out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });

  test('30 s × 5 attempts against a hanging receiver ends inside the remaining time, reporting the budget', async () => {
    const started = Date.now();
    const event = { Records: [{ Sns: { TopicArn: CFG.topics.emergency, Message: JSON.stringify(ALARM) } }] };
    await expect(handler(event, { getRemainingTimeInMillis: () => 8_000 })).rejects.toThrow(/webhook acme\/alerts\/hang: timed out after \d+ ms; the next attempt \(after 500 ms\) would end past the delivery budget/);
    const took = Date.now() - started;
    // 8 s left − 5 s reserve = 3 s budget; the reserve is never touched by deliveries. The error
    // above says the next attempt was not started because it would end past the budget; the wall
    // time is printed, not asserted (a shared machine's clock is no test).
    console.log(`hanging receiver, 8 s left: gave up after ${took} ms`);
    // Which channel is dead: the failure is counted with its kind and audience, and the log names
    // the secret, never the URL it holds.
    const lines = [...out.mock.calls, ...err.mock.calls].flatMap((c) => String(c[0]).split('\n')).filter(Boolean);
    const emf = lines.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(emf).toContainEqual(expect.objectContaining({ ChannelDeliveryFailures: 1, kind: 'webhook', audience: 'partners', service: 'notifier' }));
    expect(lines.some((l) => l.includes('acme/alerts/hang'))).toBe(true);
    expect(lines.some((l) => l.includes('127.0.0.1'))).toBe(false);
  }, 20_000);
});
