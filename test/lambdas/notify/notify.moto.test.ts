import { createHmac } from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoOutcomeStore } from '../../../lambdas/notify/outcomes';
import type { NotifierConfig } from '../../../lambdas/notify/message';
import { acknowledge, clearSecretCache, FORMATTED_ATTRIBUTE, handleTopicMessage, NotifierDeps, tick } from '../../../lambdas/notify/notify';
import { createPkSkTable, Moto, startMoto } from '../../helpers/moto';
import { ALARM, CFG } from './fixtures';

/** What each receiver on 127.0.0.1 got, after checking it the way the platform does. */
interface Received {
  path: string;
  body: Record<string, unknown>;
  signatureOk: boolean;
  idempotencyKey?: string;
}

/** How many more times /flaky answers 503 before it accepts. */
const flakyFailures: { count?: number } = {};

const SECRET = 'SEC-signing-secret-for-tests';
const PD_ROUTING_KEY = 'R0ut1ngKeyFromSecretsManager0001';

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
      if (url.pathname === '/slow-slack' || url.pathname === '/slow-webhook') {
        // Posts the message at once, answers only after the notifier's timeout (1 s).
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString()));
        req.on('end', () => {
          received.push({ path: url.pathname, body: JSON.parse(raw) as Record<string, unknown>, signatureOk: true, idempotencyKey: req.headers['idempotency-key'] as string | undefined });
          setTimeout(() => res.writeHead(200).end('ok'), 1500);
        });
        return;
      }
      if (url.pathname === '/flaky' && (flakyFailures.count ?? 0) > 0) {
        flakyFailures.count!--;
        req.resume();
        res.writeHead(503).end('busy');
        return;
      }
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
        if (url.pathname === '/pagerduty') {
          res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: body.dedup_key }));
          return;
        }
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
    for (const path of ['slow-slack', 'slow-webhook', 'flaky']) {
      await secrets.send(new CreateSecretCommand({ Name: `acme/alerts/${path}`, SecretString: JSON.stringify({ url: `${base}/${path}` }) }));
    }
    flakyFailures.count = 0;
    await secrets.send(new CreateSecretCommand({ Name: 'acme/alerts/pagerduty', SecretString: JSON.stringify({ routingKey: PD_ROUTING_KEY, url: `${base}/pagerduty` }) }));
    for (const [, path, signed] of channels) {
      await secrets.send(new CreateSecretCommand({ Name: `acme/alerts/${path}`, SecretString: JSON.stringify({ url: `${base}/${path}`, ...(signed ? { signingSecret: SECRET } : {}) }) }));
    }
    cfg = {
      ...CFG,
      topics,
      webhooks: { general: [], important: [{ kind: 'slack', secretName: 'acme/alerts/slack', audience: 'opsOnCall' }], emergency: channels.map(([kind, path]) => ({ kind, secretName: `acme/alerts/${path}`, audience: 'opsOnCall' })) },
    };
    // moto loads its SSM catalogue on first use (seconds): a longer SDK deadline than production's.
    deps = { cfg, sns, secrets, cloudwatch: new CloudWatchClient(c), ssm: new SSMClient(c), backoffMs: 10, sdkCallMs: 30_000 };
  });

  test('one emergency alarm reaches every channel with a valid signature; a dead and a hanging receiver fail alone', async () => {
    const outcome = await handleTopicMessage(deps, cfg.topics.emergency, JSON.stringify(ALARM));
    expect(outcome).toBeDefined();
    const byName = Object.fromEntries(outcome!.deliveries.map((d) => [d.name, d]));
    for (const p of ['slack', 'teams', 'dingtalk', 'feishu', 'wecom', 'webhook']) expect(byName[`acme/alerts/${p}`]).toMatchObject({ ok: true, attempts: 1 });
    expect(byName['acme/alerts/dead']).toEqual({ kind: 'slack', name: 'acme/alerts/dead', audience: 'opsOnCall', ok: false, attempts: 2, detail: 'HTTP 500' });
    expect(byName['acme/alerts/hang']).toEqual({ kind: 'webhook', name: 'acme/alerts/hang', audience: 'opsOnCall', ok: false, attempts: 2, detail: 'timed out after 1000 ms' });
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

  test('a receiver that posts but answers after the timeout: Slack shows it at most twice (same Ref), the generic webhook gets one idempotency key', async () => {
    deps = {
      ...deps,
      cfg: {
        ...cfg,
        deliveryAttempts: 3,
        webhooks: { ...cfg.webhooks, emergency: [{ kind: 'slack', secretName: 'acme/alerts/slow-slack', audience: 'opsOnCall' }, { kind: 'webhook', secretName: 'acme/alerts/slow-webhook', audience: 'partners' }] },
      },
    };
    const outcome = await handleTopicMessage(deps, cfg.topics.emergency, JSON.stringify(ALARM));
    const slack = received.filter((r) => r.path === '/slow-slack');
    expect(slack).toHaveLength(2);
    const refs = slack.map((r) => /Ref 編號: ([0-9a-f]{16})/.exec(r.body.text as string)![1]);
    expect(new Set(refs)).toEqual(new Set([outcome!.alert.id]));
    expect(outcome!.deliveries.find((d) => d.kind === 'slack')!.detail).toBe('timed out after 1000 ms; not retried again: slack cannot recognise a repeat and the receiver may have posted it');
    const hooks = received.filter((r) => r.path === '/slow-webhook');
    expect(hooks).toHaveLength(3);
    expect(new Set(hooks.map((r) => r.idempotencyKey))).toEqual(new Set([outcome!.alert.id]));
    expect(hooks[0].body.id).toBe(outcome!.alert.id);
  });

  test('a Lambda retry (or a duplicate SNS delivery) sends only to the channels that failed, once per channel', async () => {
    const db = new DynamoDBClient(moto.clientConfig);
    await createPkSkTable(db, 'outcomes');
    flakyFailures.count = 2; // fails both attempts of the first invocation
    deps = {
      ...deps,
      outcomes: new DynamoOutcomeStore(db, 'outcomes'),
      cfg: { ...cfg, webhooks: { ...cfg.webhooks, emergency: [{ kind: 'slack', secretName: 'acme/alerts/slack', audience: 'opsOnCall' }, { kind: 'slack', secretName: 'acme/alerts/flaky', audience: 'customerService' }] } },
    };
    const first = await handleTopicMessage(deps, cfg.topics.emergency, JSON.stringify(ALARM));
    expect(first!.deliveries.map((d) => [d.name, d.ok])).toEqual([
      ['acme/alerts/slack', true],
      ['acme/alerts/flaky', false],
    ]);
    expect(first!.published).toBe(true);
    const retry = await handleTopicMessage(deps, cfg.topics.emergency, JSON.stringify(ALARM));
    expect(retry!.deliveries.map((d) => [d.name, d.ok, d.detail])).toEqual([
      ['acme/alerts/slack', true, 'already delivered by an earlier invocation; not sent again'],
      ['acme/alerts/flaky', true, 'HTTP 200'],
    ]);
    const third = await handleTopicMessage(deps, cfg.topics.emergency, JSON.stringify(ALARM));
    expect(third!.deliveries.every((d) => d.attempts === 0)).toBe(true);
    expect(hits['/slack']).toBe(1);
    expect(hits['/flaky']).toBe(3);
    const msgs = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(msgs.Messages).toHaveLength(1); // e-mail/SMS published once
    const items = await db.send(new ScanCommand({ TableName: 'outcomes' }));
    expect(items.Items!.map((i) => [i.sk.S, i.status.S]).sort()).toEqual([
      ['CH#slack:acme/alerts/flaky', 'sent'],
      ['CH#slack:acme/alerts/slack', 'sent'],
      ['CH#topic', 'sent'],
    ]);
    // A new state change is a new message: it goes everywhere again.
    await handleTopicMessage(deps, cfg.topics.emergency, JSON.stringify({ ...ALARM, NewStateValue: 'OK' }));
    expect(hits['/slack']).toBe(2);
  });

  test('when the outcome table is missing, alerts still go out (at least once) and say so', async () => {
    deps = { ...deps, outcomes: new DynamoOutcomeStore(new DynamoDBClient(moto.clientConfig), 'no-such-table'), cfg: { ...cfg, webhooks: { ...cfg.webhooks, emergency: [{ kind: 'slack', secretName: 'acme/alerts/slack', audience: 'opsOnCall' }] } } };
    const outcome = await handleTopicMessage(deps, cfg.topics.emergency, JSON.stringify(ALARM));
    expect(outcome!.deliveries[0]).toMatchObject({ ok: true, detail: 'HTTP 200; outcome table unavailable, sent without a record' });
    expect(outcome!.published).toBe(true);
  });

  test('a Secrets Manager that never answers cannot hold the alert past its deadline', async () => {
    // A TCP server that accepts and never answers stands in for a hanging Secrets Manager endpoint.
    const frozen = http.createServer(() => undefined);
    const frozenSockets = new Set<import('net').Socket>();
    frozen.on('connection', (sk) => frozenSockets.add(sk));
    await new Promise<void>((r) => frozen.listen(0, '127.0.0.1', () => r()));
    try {
      const secrets = new SecretsManagerClient({ ...moto.clientConfig, endpoint: `http://127.0.0.1:${(frozen.address() as AddressInfo).port}`, maxAttempts: 1 });
      const started = Date.now();
      deps = { ...deps, secrets, deadlineMs: started + 1500, sdkCallMs: 60_000, cfg: { ...cfg, webhooks: { ...cfg.webhooks, emergency: [{ kind: 'slack', secretName: 'acme/alerts/slack', audience: 'opsOnCall' }] } } };
      const outcome = await handleTopicMessage(deps, cfg.topics.emergency, JSON.stringify(ALARM));
      expect(Date.now() - started).toBeLessThan(3000);
      expect(outcome!.deliveries[0]).toMatchObject({ ok: false, attempts: 0 });
      expect(outcome!.deliveries[0].detail).toMatch(/^request not built: (AbortError|TimeoutError)$/);
      expect(outcome!.published).toBe(true); // the e-mail/SMS path is not held up by the secret
    } finally {
      for (const sk of frozenSockets) sk.destroy();
      await new Promise((r) => frozen.close(r));
    }
  });

  test('PagerDuty: trigger on ALARM and resolve on OK under one dedup key per alarm, severity by level, routing key only from the secret', async () => {
    const pd = [{ kind: 'pagerduty' as const, secretName: 'acme/alerts/pagerduty', audience: 'opsOnCall' }];
    deps = { ...deps, cfg: { ...cfg, webhooks: { general: pd, important: pd, emergency: pd } } };
    const fired = await handleTopicMessage(deps, cfg.topics.emergency, JSON.stringify(ALARM));
    expect(fired!.deliveries[0]).toMatchObject({ kind: 'pagerduty', ok: true, detail: 'HTTP 202' });
    await handleTopicMessage(deps, cfg.topics.important, JSON.stringify({ ...ALARM, AlarmName: 'other-alarm' }));
    await handleTopicMessage(deps, cfg.topics.general, JSON.stringify({ ...ALARM, AlarmName: 'third-alarm' }));
    await handleTopicMessage(deps, cfg.topics.emergency, JSON.stringify({ ...ALARM, NewStateValue: 'OK', StateChangeTime: '2026-11-23T12:20:00.000+0000' }));
    const none = await handleTopicMessage(deps, cfg.topics.emergency, JSON.stringify({ ...ALARM, NewStateValue: 'INSUFFICIENT_DATA' }));
    expect(none!.deliveries[0]).toMatchObject({ ok: true, attempts: 0, detail: 'nothing to send for this state' });
    const events = received.filter((r) => r.path === '/pagerduty').map((r) => r.body as any);
    expect(events.map((e) => [e.event_action, e.dedup_key, e.payload?.severity])).toEqual([
      ['trigger', `contingency/ap-southeast-1/${ALARM.AlarmName}`, 'critical'],
      ['trigger', 'contingency/ap-southeast-1/other-alarm', 'error'],
      ['trigger', 'contingency/ap-southeast-1/third-alarm', 'warning'],
      ['resolve', `contingency/ap-southeast-1/${ALARM.AlarmName}`, undefined],
    ]);
    expect(events.every((e) => e.routing_key === PD_ROUTING_KEY)).toBe(true);
    expect(events[0].payload).toMatchObject({ source: `ap-southeast-1/${ALARM.AlarmName}`, timestamp: '2026-11-23T12:00:00.000Z', component: ALARM.AlarmName, custom_details: { level: 'emergency', ref: fired!.alert.id } });
    expect(events[0].payload.summary).toContain('[EMERGENCY] ALARM');
    expect(events[0].links[0]).toEqual({ href: fired!.alert.measures.consoleUrl, text: 'CloudWatch alarm' });
    // The key lives only in the secret: nothing in the configuration or the results carries it.
    expect(JSON.stringify(deps.cfg)).not.toContain(PD_ROUTING_KEY);
    expect(JSON.stringify(fired)).not.toContain(PD_ROUTING_KEY);
  });

  test('PagerDuty: a secret without a routing key fails that channel alone, naming the secret, not the key', async () => {
    await new SecretsManagerClient(moto.clientConfig).send(new CreateSecretCommand({ Name: 'acme/alerts/pd-broken', SecretString: JSON.stringify({ url: `${base}/pagerduty` }) }));
    deps = { ...deps, cfg: { ...cfg, webhooks: { ...cfg.webhooks, emergency: [{ kind: 'pagerduty', secretName: 'acme/alerts/pd-broken', audience: 'opsOnCall' }, { kind: 'slack', secretName: 'acme/alerts/slack', audience: 'opsOnCall' }] } } };
    const outcome = await handleTopicMessage(deps, cfg.topics.emergency, JSON.stringify(ALARM));
    expect(outcome!.deliveries.map((d) => [d.kind, d.ok, d.detail])).toEqual([
      ['pagerduty', false, 'request not built: TypeError'],
      ['slack', true, 'HTTP 200'],
    ]);
  });
});
