import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { observeOnce, ObserverConfig } from '../../../lambdas/observer/observer';
import { probePublicName, ProbePorts } from '../../../lambdas/drill/probe';
import { parseIncidentEvent } from '../../../lambdas/incidents/events';
import { createPkSkTable, Moto, startMoto } from '../../helpers/moto';

// The failover observer against moto_server: its last reading in the incident table (DynamoDB) and
// the Failover Observed event on the default bus (EventBridge), caught by a rule into SQS and
// parsed by the incident recorder's own parser. The public name is a fake probe.
let moto: Moto;
let ddb: DynamoDBClient;
let events: EventBridgeClient;
let sqs: SQSClient;
let queueUrl: string;
let serving: { status: number; body: unknown } | Error;
const cfg: ObserverConfig = { region: 'us-east-1', publicName: 'chat.example.com', primaryRegion: 'ap-east-1', standbyRegion: 'ap-southeast-1', tableName: 'incidents' };
const probe: ProbePorts = {
  resolve: async () => ['10.0.0.1'],
  getJson: async () => {
    if (serving instanceof Error) throw serving;
    return serving;
  },
};
const region = (r: string) => ({ status: 200, body: { status: 'ok', token: 'CHATBOT_HEALTHY', region: r, role: 'x' } });

async function received(): Promise<any[]> {
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  return (r.Messages ?? []).map((m) => JSON.parse(m.Body!));
}

beforeAll(async () => {
  moto = await startMoto('us-east-1');
  ddb = new DynamoDBClient(moto.clientConfig);
  events = new EventBridgeClient(moto.clientConfig);
  sqs = new SQSClient(moto.clientConfig);
  await createPkSkTable(ddb, 'incidents');
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'failovers' }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await events.send(new PutRuleCommand({ Name: 'failovers', EventPattern: JSON.stringify({ source: ['contingency.failover'], 'detail-type': ['Failover Observed'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'failovers', Targets: [{ Id: 'q', Arn: arn }] }));
});
afterAll(async () => {
  [ddb, events, sqs].forEach((c) => c.destroy());
  await moto.stop();
});

test('primary → standby sends one Failover Observed the incident recorder accepts; staying on the standby sends no more', async () => {
  serving = region('ap-east-1');
  expect((await observeOnce(cfg, { probe, ddb, events }, '2026-03-03T02:00:00.000Z')).failoverSent).toBe(false);
  serving = region('ap-southeast-1');
  const o = await observeOnce(cfg, { probe, ddb, events }, '2026-03-03T02:01:00.000Z');
  expect(o).toMatchObject({ previous: 'primary', failoverSent: true, result: { role: 'standby', servingRegion: 'ap-southeast-1' } });
  expect((await observeOnce(cfg, { probe, ddb, events }, '2026-03-03T02:02:00.000Z')).failoverSent).toBe(false);
  const got = await received();
  expect(got).toHaveLength(1);
  expect(got[0].detail).toEqual({ region: 'ap-southeast-1', detail: 'chat.example.com is served by the standby ap-southeast-1 (before: primary), seen from us-east-1' });
  const parsed = parseIncidentEvent(got[0], [], '2026-03-03T02:01:05.000Z');
  expect(parsed.problems).toEqual([]);
  expect(parsed.entry).toMatchObject({ kind: 'failover', region: 'ap-southeast-1', time: '2026-03-03T02:01:00.000Z' });
  const item = await DynamoDBDocumentClient.from(ddb).send(new GetCommand({ TableName: 'incidents', Key: { pk: 'OBSERVER', sk: 'REGION#us-east-1' } }));
  expect(item.Item).toMatchObject({ role: 'standby', servingRegion: 'ap-southeast-1', observedAt: '2026-03-03T02:02:00.000Z' });
});

test('back to the primary sends nothing; standby again after it is a new failover', async () => {
  serving = region('ap-east-1');
  expect((await observeOnce(cfg, { probe, ddb, events }, '2026-03-03T03:00:00.000Z')).failoverSent).toBe(false);
  serving = region('ap-southeast-1');
  expect((await observeOnce(cfg, { probe, ddb, events }, '2026-03-03T03:01:00.000Z')).failoverSent).toBe(true);
  expect(await received()).toHaveLength(1);
});

describe('probe of the public name', () => {
  const regions = { primary: 'ap-east-1', standby: 'ap-southeast-1' };
  const ports = (r: { status: number; body: unknown } | Error, ips: Record<string, string[]> = {}): ProbePorts => ({
    resolve: async (h) => ips[h] ?? [],
    getJson: async () => {
      if (r instanceof Error) throw r;
      return r;
    },
  });
  test('the region answering /health healthy serves; a failing region, the fallback page or an error serve nothing, without echoing bodies', async () => {
    expect(await probePublicName('n', regions, ports(region('ap-east-1')))).toEqual({ servingRegion: 'ap-east-1', role: 'primary' });
    expect(await probePublicName('n', regions, ports({ status: 503, body: { status: 'fail', region: 'ap-east-1', checks: { table: 'secret detail' } } }))).toEqual({ role: 'none', problem: 'GET /health answered 503 from ap-east-1' });
    expect((await probePublicName('n', regions, ports({ status: 200, body: undefined }))).problem).toBe('GET /health answered 200 without a region (not the chatbot: the fallback page?)');
    expect(await probePublicName('n', regions, ports(Object.assign(new Error('x'), { name: 'TimeoutError' })))).toEqual({ role: 'none', problem: 'GET /health failed (TimeoutError)' });
    expect((await probePublicName('n', regions, ports({ status: 200, body: { region: '<script>' } }))).role).toBe('none');
  });
  test('DNS switch: the public name shares addresses with the standby target only', async () => {
    const ips = { n: ['2.2.2.2'], p: ['1.1.1.1'], s: ['2.2.2.2', '3.3.3.3'] };
    expect((await probePublicName('n', regions, ports(region('ap-east-1'), ips), { primary: 'p', standby: 's' })).resolvedTo).toBe('standby');
    expect((await probePublicName('n', regions, ports(region('ap-east-1'), { ...ips, n: ['1.1.1.1'] }), { primary: 'p', standby: 's' })).resolvedTo).toBe('primary');
    expect((await probePublicName('n', regions, ports(region('ap-east-1'), { ...ips, n: ['9.9.9.9'] }), { primary: 'p', standby: 's' })).resolvedTo).toBeUndefined();
  });
});
