import { createHmac } from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { NotifierConfig } from '../../../lambdas/notify/message';
import { acknowledge, clearSecretCache, FORMATTED_ATTRIBUTE, handleTopicMessage, NotifierDeps, tick } from '../../../lambdas/notify/notify';
import { Moto, startMoto } from '../../helpers/moto';
import { ALARM, CFG } from './fixtures';

/** What each receiver on 127.0.0.1 got, after checking it the way the platform does. */
interface Received {
  path: string;
  body: Record<string, unknown>;
  signatureOk: boolean;
}

const SECRET = 'SEC-signing-secret-for-tests';

function verify(path: string, url: URL, headers: http.IncomingHttpHeaders, raw: string, body: Record<string, unknown>): boolean {
  switch (path) {
    case '/dingtalk': {
      const ts = url.searchParams.get('timestamp')!;
      const expected = createHmac('sha256', SECRET).update(`${ts}\n${SECRET}`).digest('base64');
      return url.searchParams.get('sign') === expected && Math.abs(Date.now() - Number(ts)) < 3600_000; // DingTalk allows 1 h skew
    }
    case '/feishu': {
      const ts = body.timestamp as string;
      const expected = createHmac('sha256', `${ts}\n${SECRET}`).update('').digest('base64');
      return body.sign === expected && Math.abs(Date.now() / 1000 - Number(ts)) < 3600;
    }
    case '/webhook': {
      const ts = headers['x-contingency-timestamp'] as string;
      const expected = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${raw}`).digest('hex')}`;
      return headers['x-contingency-signature'] === expected;
    }
    default:
      return true;
  }
}

describe('notifier against moto_server and real HTTP receivers', () => {
  let moto: Moto;
  let server: http.Server;
  let base: string;
  const sockets = new Set<import('net').Socket>();
  const received: Received[] = [];
  const hits: Record<string, number> = {};
  let deps: NotifierDeps;
  let cfg: NotifierConfig;
  let sqs: SQSClient;
  let queueUrl: string;

  beforeAll(async () => {
    moto = await startMoto('ap-southeast-1');
    server = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://127.0.0.1');
      hits[url.pathname] = (hits[url.pathname] ?? 0) + 1;
      if (url.pathname === '/hang') return; // never answers
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        if (url.pathname === '/dead') {
          res.writeHead(500).end('down');
          return;
        }
        const body = JSON.parse(raw) as Record<string, unknown>;
        const signatureOk = verify(url.pathname, url, req.headers, raw, body);
        received.push({ path: url.pathname, body, signatureOk });
        const reply = url.pathname === '/feishu' ? { code: signatureOk ? 0 : 19021 } : url.pathname === '/dingtalk' || url.pathname === '/wecom' ? { errcode: signatureOk ? 0 : 310000 } : { ok: true };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      });
    });
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
    await moto.stop();
  });

  beforeEach(async () => {
    await moto.reset();
    clearSecretCache();
    received.length = 0;
    for (const k of Object.keys(hits)) delete hits[k];
    const c = moto.clientConfig;
    const sns = new SNSClient(c);
    const secrets = new SecretsManagerClient(c);
    sqs = new SQSClient(c);
    const topics = {
      general: (await sns.send(new CreateTopicCommand({ Name: 'general' }))).TopicArn!,
      important: (await sns.send(new CreateTopicCommand({ Name: 'important' }))).TopicArn!,
      emergency: (await sns.send(new CreateTopicCommand({ Name: 'emergency' }))).TopicArn!,
    };
    // Stands in for the e-mail/SMS subscriptions: same filter policy as the WarningTopics construct.
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'people' }))).QueueUrl!;
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn;
    await sns.send(new SubscribeCommand({ TopicArn: topics.emergency, Protocol: 'sqs', Endpoint: queueArn, Attributes: { FilterPolicy: JSON.stringify({ [FORMATTED_ATTRIBUTE]: ['true'] }), RawMessageDelivery: 'true' } }));
    const channels = [
      ['slack', 'slack', false],
      ['teams', 'teams', false],
      ['dingtalk', 'dingtalk', true],
      ['feishu', 'feishu', true],
      ['wecom', 'wecom', false],
      ['webhook', 'webhook', true],
      ['slack', 'dead', false],
      ['webhook', 'hang', false],
    ] as const;
    for (const [, path, signed] of channels) {
      await secrets.send(new CreateSecretCommand({ Name: `acme/alerts/${path}`, SecretString: JSON.stringify({ url: `${base}/${path}`, ...(signed ? { signingSecret: SECRET } : {}) }) }));
    }
    cfg = {
      ...CFG,
      topics,
      webhooks: { general: [], important: [{ kind: 'slack', secretName: 'acme/alerts/slack', audience: 'opsOnCall' }], emergency: channels.map(([kind, path]) => ({ kind, secretName: `acme/alerts/${path}`, audience: 'opsOnCall' })) },
    };
    deps = { cfg, sns, secrets, cloudwatch: new CloudWatchClient(c), ssm: new SSMClient(c), backoffMs: 10 };
  });

  test('one emergency alarm reaches every channel with a valid signature; a dead and a hanging receiver fail alone', async () => {
    const outcome = await handleTopicMessage(deps, cfg.topics.emergency, JSON.stringify(ALARM));
    expect(outcome).toBeDefined();
    const byName = Object.fromEntries(outcome!.deliveries.map((d) => [d.name, d]));
    for (const p of ['slack', 'teams', 'dingtalk', 'feishu', 'wecom', 'webhook']) expect(byName[`acme/alerts/${p}`]).toMatchObject({ ok: true, attempts: 1 });
    expect(byName['acme/alerts/dead']).toEqual({ kind: 'slack', name: 'acme/alerts/dead', ok: false, attempts: 2, detail: 'HTTP 500' });
    expect(byName['acme/alerts/hang']).toEqual({ kind: 'webhook', name: 'acme/alerts/hang', ok: false, attempts: 2, detail: 'timed out after 1000 ms' });
    expect(hits['/dead']).toBe(2);
    expect(hits['/hang']).toBe(2);

    expect(received.map((r) => r.path).sort()).toEqual(['/dingtalk', '/feishu', '/slack', '/teams', '/webhook', '/wecom']);
    expect(received.every((r) => r.signatureOk)).toBe(true);
    const body = (p: string) => received.find((r) => r.path === p)!.body as any;
    const mustSay = ['緊急預警 Emergency warning', 'Cause 原因: acme-chat-primary-ApiLatencyEmergency-ABC in ap-southeast-1', 'Measures 措施: Raise provisioned concurrency.', 'Time 時間: 2026-11-23 20:00:00 (Asia/Hong_Kong)', 'Contacts 聯絡: On-call'];
    const texts = {
      slack: body('/slack').text,
      teams: body('/teams').attachments[0].content.body[1].text,
      dingtalk: body('/dingtalk').text.content,
      feishu: body('/feishu').content.text,
      wecom: body('/wecom').text.content,
      webhook: body('/webhook').text,
    };
    for (const [kind, text] of Object.entries(texts)) for (const s of mustSay) expect([kind, text]).toEqual([kind, expect.stringContaining(s)]);
    expect(body('/dingtalk').msgtype).toBe('text');
    expect(body('/feishu').msg_type).toBe('text');
    expect(body('/teams').attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(body('/webhook')).toMatchObject({ version: 1, level: 'emergency', state: 'ALARM', cause: { value: '7250.5', threshold: '≥ 6000', region: 'ap-southeast-1' } });

    // E-mail/SMS path: the formatted message was re-published with the attribute their filter needs.
    expect(outcome!.published).toBe(true);
    const msgs = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(msgs.Messages).toHaveLength(1);
    expect(msgs.Messages![0].Body).toContain('Measures 措施: Raise provisioned concurrency.');
  });

  test.each(['general', 'important', 'emergency'] as const)('%s: the message names its level on every platform', async (level) => {
    const kinds = ['slack', 'teams', 'dingtalk', 'feishu', 'wecom', 'webhook'] as const;
    const all = kinds.map((kind) => ({ kind, secretName: `acme/alerts/${kind}`, audience: 'opsOnCall' }));
    deps = { ...deps, cfg: { ...cfg, webhooks: { general: all, important: all, emergency: all } } };
    const outcome = await handleTopicMessage(deps, cfg.topics[level], JSON.stringify(ALARM));
    expect(outcome!.deliveries.every((d) => d.ok)).toBe(true);
    const label = { general: '一般預警 General warning', important: '重要預警 Important warning', emergency: '緊急預警 Emergency warning' }[level];
    expect(received.map((r) => [r.path, r.signatureOk, JSON.stringify(r.body).includes(label)]).sort()).toEqual(kinds.map((k) => [`/${k}`, true, true]).sort());
  });

  test('only the channels of the alert level are used', async () => {
    await handleTopicMessage(deps, cfg.topics.important, JSON.stringify({ ...ALARM, NewStateValue: 'OK' }));
    expect(received.map((r) => r.path)).toEqual(['/slack']);
    expect((received[0].body as { text: string }).text).toContain('重要預警 Important warning — OK');
    expect(hits['/dead']).toBeUndefined();
  });

  test('a message from an unknown topic or that is not an alert is ignored', async () => {
    expect(await handleTopicMessage(deps, 'arn:aws:sns:ap-southeast-1:123456789012:other', JSON.stringify(ALARM))).toBeUndefined();
    expect(await handleTopicMessage(deps, cfg.topics.general, 'hello')).toBeUndefined();
    expect(received).toHaveLength(0);
  });

  test('emergencies in ALARM repeat on every tick until acknowledged', async () => {
    const cw = deps.cloudwatch;
    deps = { ...deps, cfg: { ...cfg, webhooks: { ...cfg.webhooks, emergency: [{ kind: 'slack', secretName: 'acme/alerts/slack', audience: 'opsOnCall' }] } } };
    for (const [name, action] of [
      ['emergency-alarm', cfg.topics.emergency],
      ['important-alarm', cfg.topics.important],
    ]) {
      await cw.send(
        new PutMetricAlarmCommand({
          AlarmName: name,
          AlarmDescription: `[Emergency warning 緊急預警] ${name}\nFail over now.`,
          MetricName: 'Errors',
          Namespace: 'AWS/Lambda',
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [action],
        }),
      );
      await cw.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'test' }));
    }
    const first = await tick(deps);
    expect(first.repeated.map((o) => o.alert.cause.alarm)).toEqual(['emergency-alarm']);
    expect(first.repeated[0].alert.repeat?.ackCommand).toBe('npx contingency ack --region ap-southeast-1 --prefix /acme-chat/alerting/ack --alarm emergency-alarm --execute');
    expect((received[0].body as { text: string }).text).toContain('Acknowledge 確認: npx contingency ack ');

    // The documented action (contingency ack) silences it.
    expect(await acknowledge(deps.ssm, cfg.ackPrefix, 'emergency-alarm', 'test', new Date(Date.now() + 1000))).toBe('/acme-chat/alerting/ack/emergency-alarm');
    const second = await tick(deps);
    expect(second.repeated).toHaveLength(0);
  });
});
