import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { expectedChannels, testAlert, TestAlertOptions } from '../../cli/commands/test-alert';
import type { NotifierConfig } from '../../lambdas/notify/message';
import { clearSecretCache, handleTopicMessage, outcomeLogLines } from '../../lambdas/notify/notify';
import { loadedPlan } from '../helpers/plan';
import { cleanEnv, runCli } from '../helpers/cli';

// test-alert end to end without AWS: the CLI publishes (mocked SNS); the real notifier code handles
// that very message (webhooks answered by a fake fetch, secrets mocked) and its outcome lines, as
// the handler logs them, are what the mocked CloudWatch Logs returns to the CLI. The Lambda itself
// is not invoked (no AWS here): handleTopicMessage + outcomeLogLines stand in for it.

const PRIMARY_TOPIC = 'arn:aws:sns:ap-southeast-1:123456789012:acme-chat-primary-emergency';
const LOG_GROUP = '/aws/lambda/acme-chat-primary-notifier';
const cfnMock = mockClient(CloudFormationClient);
const snsMock = mockClient(SNSClient);
const logsMock = mockClient(CloudWatchLogsClient);
const secretsMock = mockClient(SecretsManagerClient);
const { plan } = loadedPlan();

const cfg: NotifierConfig = {
  planName: 'acme-chat',
  region: 'ap-southeast-1',
  timeZone: plan.timeZone,
  topics: { general: 'g', important: 'i', emergency: PRIMARY_TOPIC },
  webhooks: {
    general: [{ kind: 'slack', secretName: 'acme-chat/alerts/slack-ops', audience: 'opsOnCall' }],
    important: [],
    emergency: [
      { kind: 'slack', secretName: 'acme-chat/alerts/slack-ops', audience: 'opsOnCall' },
      { kind: 'dingtalk', secretName: 'acme-chat/alerts/dingtalk-cs', audience: 'customerService' },
      { kind: 'webhook', secretName: 'acme-chat/alerts/partner-webhook', audience: 'partners' },
    ],
  },
  contacts: [],
  logGroups: [],
  healthRunbook: '',
  ackPrefix: '/acme-chat/alerting/ack',
  tickRuleArn: 'arn:aws:events:ap-southeast-1:123456789012:rule/acme-chat-tick',
  deliveryTimeoutSeconds: 1,
  deliveryAttempts: 2,
};

let delivered: { url: string; body: string }[];
/** The notifier's real handling of whatever the CLI published; its log lines as Powertools writes them. */
async function notifierRun(failing: string): Promise<string[]> {
  const published = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
  const lines: string[] = [];
  for (const p of published) {
    const outcome = await handleTopicMessage(
      {
        cfg,
        sns: new SNSClient({}),
        secrets: new SecretsManagerClient({}),
        cloudwatch: new CloudWatchClient({}),
        ssm: new SSMClient({}),
        backoffMs: 1,
        fetchFn: (async (url: string, init: RequestInit) => {
          delivered.push({ url, body: String(init.body) });
          return new Response(url.includes(failing) ? 'nope' : '{"ok":true,"errcode":0}', { status: url.includes(failing) ? 500 : 200 });
        }) as typeof fetch,
      },
      p.TopicArn!,
      p.Message!,
    );
    for (const l of outcomeLogLines(outcome!)) lines.push(`2026-12-02T10:00:00.000Z\t${JSON.stringify({ level: l.level.toUpperCase(), message: l.message, service: 'notifier', ...l.fields })}`);
  }
  return lines;
}

const opts = (o: Partial<TestAlertOptions> = {}): TestAlertOptions => ({ level: 'emergency', waitSeconds: 1, execute: true, by: 'alice', ...o });

beforeEach(() => {
  clearSecretCache();
  delivered = [];
  cfnMock.reset();
  snsMock.reset();
  logsMock.reset();
  secretsMock.reset();
  cfnMock.on(DescribeStacksCommand, { StackName: 'acme-chat-primary' }).resolves({
    Stacks: [
      {
        StackName: 'acme-chat-primary',
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: [
          { OutputKey: 'AlertingGeneralTopicArnA1B2C3D4', OutputValue: 'g' },
          { OutputKey: 'AlertingEmergencyTopicArn0F1E2D3C', OutputValue: PRIMARY_TOPIC },
          { OutputKey: 'AlertingNotifierLogGroupName9A8B7C6D', OutputValue: LOG_GROUP },
        ],
      },
    ],
  });
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  secretsMock.on(GetSecretValueCommand).callsFake((input: { SecretId: string }) => ({ SecretString: JSON.stringify({ url: `https://hooks.example.test/${input.SecretId}` }) }));
});

test('expected channels: every channel of the level, or one audience\'s webhooks; an audience that does not get the level is refused', () => {
  expect(expectedChannels(plan, 'emergency').webhooks.map((w) => w.id)).toEqual(['acme-chat/alerts/slack-ops', 'acme-chat/alerts/dingtalk-cs', 'acme-chat/alerts/partner-webhook']);
  expect(expectedChannels(plan, 'emergency', 'partners').webhooks.map((w) => w.id)).toEqual(['acme-chat/alerts/partner-webhook']);
  expect(expectedChannels(plan, 'general').phones).toEqual(['+85291234567']);
  expect(() => expectedChannels(plan, 'general', 'management')).toThrow('audience management does not receive general alerts (its levels: emergency)');
  expect(() => expectedChannels(plan, 'general', 'nobody')).toThrow(/--audience must be one of opsOnCall, customerService, management, partners, got "nobody"/);
});

test('execute: publishes a marked test to the level topic; the notifier reaches every webhook; each channel\'s outcome is reported, a failure named', async () => {
  let out: string[] = [];
  logsMock.on(FilterLogEventsCommand).callsFake(async (input: { logGroupName: string; filterPattern: string }) => {
    expect(input.logGroupName).toBe(LOG_GROUP);
    const id = /"(test-[^"]+)"/.exec(input.filterPattern)![1];
    return { events: (await notifierRun('dingtalk')).filter((m) => m.includes(id)).map((message) => ({ message })) };
  });
  const r = await testAlert(opts(), { sleep: async () => undefined, pollMs: 1 }, (l) => out.push(l));
  const publish = snsMock.commandCalls(PublishCommand)[0].args[0].input;
  expect(publish.TopicArn).toBe(PRIMARY_TOPIC);
  expect(JSON.parse(publish.Message!)).toEqual({ contingencyTest: { id: r.testId, by: 'alice', time: expect.any(String) } });
  // Every webhook of the level got the marked text (the failing one twice: deliveryAttempts 2).
  expect(delivered.map((d) => d.url.replace('https://hooks.example.test/', '')).sort()).toEqual([
    'acme-chat/alerts/dingtalk-cs',
    'acme-chat/alerts/dingtalk-cs',
    'acme-chat/alerts/partner-webhook',
    'acme-chat/alerts/slack-ops',
  ]);
  for (const d of delivered) expect(d.body).toContain(`this is a test, no action needed (${r.testId})`);
  out = out.join('\n').split('\n');
  expect(out).toContain('webhook slack acme-chat/alerts/slack-ops (opsOnCall)  delivered (1 attempt)');
  expect(out).toContain('webhook dingtalk acme-chat/alerts/dingtalk-cs (customerService)  FAILED after 2 attempts: HTTP 500');
  expect(out).toContain('webhook webhook acme-chat/alerts/partner-webhook (partners)  delivered (1 attempt)');
  expect(out.find((l) => l.startsWith('e-mail + SMS'))).toMatch(/handed to SNS for 3 e-mail and 2 SMS subscription/);
  expect(r.ok).toBe(false);
});

test('--audience: only that audience\'s webhooks are called, and all confirmed is ok', async () => {
  logsMock.on(FilterLogEventsCommand).callsFake(async () => ({ events: (await notifierRun('never')).map((message) => ({ message })) }));
  const out: string[] = [];
  const r = await testAlert(opts({ audience: 'partners' }), { sleep: async () => undefined, pollMs: 1 }, (l) => out.push(l));
  expect(delivered.map((d) => d.url)).toEqual(['https://hooks.example.test/acme-chat/alerts/partner-webhook']);
  expect(out).toContain('webhook webhook acme-chat/alerts/partner-webhook (partners)  delivered (1 attempt)');
  expect(r.ok).toBe(true);
});

test('a notifier that logs nothing: every channel "no outcome", not ok', async () => {
  logsMock.on(FilterLogEventsCommand).resolves({ events: [] });
  const out: string[] = [];
  const r = await testAlert(opts({ waitSeconds: 1 }), { sleep: async () => new Promise((res) => setTimeout(res, 300)), pollMs: 300 }, (l) => out.push(l));
  expect(out.filter((l) => l.endsWith('no outcome logged yet'))).toHaveLength(4);
  expect(r.ok).toBe(false);
});

test('dry run through the real binary: offline, prints the marked message and every channel, sends nothing', async () => {
  const r = await runCli(['test-alert', '--level', 'important'], cleanEnv());
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^would publish to the important topic of stack acme-chat-primary \(ap-southeast-1\): \{"contingencyTest":\{"id":"test-/);
  expect(r.stdout).toContain('"[IMPORTANT] TEST this is a test, no action needed (test-');
  expect(r.stdout).toContain('  webhook slack acme-chat/alerts/slack-ops (opsOnCall)');
  expect(r.stdout).toContain('  webhook dingtalk acme-chat/alerts/dingtalk-cs (customerService)');
  expect(r.stdout).not.toContain('partner-webhook');
  expect(r.stdout).toContain('dry run: nothing sent; add --execute to send the test');
  const missing = await runCli(['test-alert'], cleanEnv());
  expect(missing.code).toBe(2);
  expect(missing.stderr.trim()).toBe('contingency: test-alert needs --level: one of general, important, emergency');
});
