import { randomBytes } from 'crypto';
import * as os from 'os';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Command } from 'commander';
import { Option } from 'commander';
import { WARNING_LEVELS, WarningLevel } from '../../lib/config/levels';
import type { Plan } from '../../lib/config/schema';
import { AwsOptions, deployedStackName, CliError, clientConfig, Io, loadPlanOption, positiveInt, UsageError, withAws, withExecute } from '../common';

/**
 * `contingency test-alert --level L [--audience A] --execute`: publishes a clearly marked test to
 * the level's topic, exactly where alarms publish. The notifier then sends it to every channel of
 * the level (only the audience's webhooks with --audience) and logs one outcome line per channel
 * with the test's id; this command reads those lines back from the notifier's log group and prints
 * them per channel. Dry run (offline) prints what would be sent.
 */

export interface TestAlertOptions extends AwsOptions {
  readonly level: WarningLevel;
  readonly audience?: string;
  readonly by?: string;
  readonly waitSeconds: number;
  readonly execute?: boolean;
}

export interface TestAlertClients {
  readonly cfn: CloudFormationClient;
  readonly sns: SNSClient;
  readonly logs: CloudWatchLogsClient;
}

/** A channel the test should reach, from the plan. */
export interface ExpectedChannel {
  readonly kind: string;
  readonly id: string;
  readonly audience?: string;
}

export interface ChannelOutcome extends ExpectedChannel {
  readonly ok: boolean | undefined;
  readonly detail: string;
}

/** The stack whose alerting serves a region: primary, standby, or global (us-east-1). */
export function stackForRegion(plan: Plan, region: string, stackPrefix?: string): string {
  if (region === plan.regions.primary) return deployedStackName(plan, { stackPrefix }, 'primary');
  if (region === plan.regions.standby) return deployedStackName(plan, { stackPrefix }, 'standby');
  if (region === 'us-east-1') return deployedStackName(plan, { stackPrefix }, 'global');
  throw new UsageError(`--region ${region} has no alerting of plan ${plan.name}: use ${plan.regions.primary}, ${plan.regions.standby} or us-east-1`);
}

/** Webhooks the notifier calls for this test, and the e-mail/SMS subscriptions of the level topic. */
export function expectedChannels(plan: Plan, level: WarningLevel, audience?: string): { webhooks: ExpectedChannel[]; emails: string[]; phones: string[] } {
  const audiences = Object.entries(plan.audiences).filter(([, a]) => a && a.levels.includes(level));
  if (audience !== undefined) {
    const a = plan.audiences[audience as keyof Plan['audiences']];
    if (!a) throw new UsageError(`--audience must be one of ${Object.keys(plan.audiences).join(', ')}, got "${audience}"`);
    if (!a.levels.includes(level)) throw new UsageError(`audience ${audience} does not receive ${level} alerts (its levels: ${a.levels.join(', ')}); pick one of its levels or another audience`);
  }
  const webhooks = audiences
    .filter(([name]) => audience === undefined || name === audience)
    .flatMap(([name, a]) => (a!.webhooks ?? []).map((w) => ({ kind: w.kind, id: w.secretName, audience: name })));
  return {
    webhooks,
    emails: [...new Set(audiences.flatMap(([, a]) => a!.email ?? []))],
    phones: [...new Set(audiences.flatMap(([, a]) => a!.sms ?? []))],
  };
}

/** A fresh id: sortable by time, unique enough to find the test's log lines. */
export const newTestId = (now: Date): string => `test-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;

/**
 * Matches the notifier's outcome lines (lambdas/notify/notify.ts outcomeLogLines, written as JSON by
 * Powertools Logger) to the expected channels. A channel with no line has no outcome (yet).
 */
export function matchOutcomes(expected: readonly ExpectedChannel[], logMessages: readonly string[], testId: string): { webhooks: ChannelOutcome[]; published: boolean | undefined } {
  const lines = logMessages
    .map((m) => {
      try {
        return JSON.parse(m.slice(m.indexOf('{'))) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    })
    .filter((l): l is Record<string, unknown> => !!l && l.testId === testId);
  const webhooks = expected.map((c): ChannelOutcome => {
    const line = lines.find((l) => l.secretName === c.id && (l.message === 'delivered' || l.message === 'delivery failed'));
    if (!line) return { ...c, ok: undefined, detail: 'no outcome logged yet' };
    const attempts = `${line.attempts} attempt${line.attempts === 1 ? '' : 's'}`;
    return line.message === 'delivered' ? { ...c, ok: true, detail: `delivered (${attempts})` } : { ...c, ok: false, detail: `FAILED after ${attempts}: ${String(line.detail ?? '')}` };
  });
  const pub = lines.find((l) => l.message === 'published to the level topic' || l.message === 'publish to the level topic failed');
  return { webhooks, published: pub ? pub.message === 'published to the level topic' : undefined };
}

export function register(program: Command, io: Io): void {
  const cmd = program
    .command('test-alert')
    .description("send a marked TEST through a level's real path (topic → notifier → every channel) and report each channel's outcome")
    .addOption(new Option('--level <level>', 'warning level to test (required)').choices(WARNING_LEVELS))
    .addOption(new Option('--audience <name>', "only this audience's webhooks (e-mail and SMS subscriptions of the level all receive it)"))
    .addOption(new Option('--by <name>', 'who sends the test (shown in it; default: your user name)'))
    .addOption(new Option('--wait-seconds <n>', 'how long to wait for the outcomes').argParser(positiveInt('--wait-seconds')).default(90));
  withExecute(withAws(cmd, "region whose alerting to test: the plan's primary (default), standby, or us-east-1"), 'publish the test').action(
    async (opts: Omit<TestAlertOptions, 'level'> & { level?: WarningLevel }) => {
      if (!opts.level) throw new UsageError(`test-alert needs --level: one of ${WARNING_LEVELS.join(', ')}`);
      const lines = await testAlert({ ...opts, level: opts.level }, undefined, (l) => io.out(l));
      if (!lines.ok) throw new CliError('');
    },
  );
}

function defaultClients(region: string, o: AwsOptions): TestAlertClients {
  const cfg = clientConfig(region, o);
  const { CloudFormationClient } = require('@aws-sdk/client-cloudformation') as typeof import('@aws-sdk/client-cloudformation');
  const { SNSClient } = require('@aws-sdk/client-sns') as typeof import('@aws-sdk/client-sns');
  const { CloudWatchLogsClient } = require('@aws-sdk/client-cloudwatch-logs') as typeof import('@aws-sdk/client-cloudwatch-logs');
  return { cfn: new CloudFormationClient(cfg), sns: new SNSClient(cfg), logs: new CloudWatchLogsClient(cfg) };
}

export interface TestAlertDeps {
  readonly clients?: TestAlertClients;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly pollMs?: number;
}

/** Runs the test (or the dry run); prints as it goes; `ok` is false when a channel failed or stayed silent. */
export async function testAlert(o: TestAlertOptions, deps: TestAlertDeps = {}, print: (line: string) => void = () => undefined): Promise<{ ok: boolean; testId: string }> {
  const { plan } = loadPlanOption(o);
  const region = o.region ?? plan.regions.primary;
  const stack = stackForRegion(plan, region, o.stackPrefix);
  const channels = expectedChannels(plan, o.level, o.audience);
  const now = (deps.now ?? (() => new Date()))();
  const testId = newTestId(now);
  const message = { contingencyTest: { id: testId, by: o.by ?? os.userInfo().username, time: now.toISOString(), ...(o.audience ? { audience: o.audience } : {}) } };
  const { alertFromTest, headline, renderText } = require('../../lambdas/notify/message') as typeof import('../../lambdas/notify/message');
  const alert = alertFromTest(o.level, message, {
    region,
    timeZone: plan.timeZone,
    contacts: plan.alerting.contacts ?? [...plan.audiences.opsOnCall.email, ...plan.audiences.opsOnCall.sms],
  } as never);
  const channelLines = [
    ...channels.webhooks.map((w) => `  webhook ${w.kind} ${w.id} (${w.audience})`),
    `  e-mail via the ${o.level} topic: ${channels.emails.join(', ') || 'none'}`,
    `  SMS via the ${o.level} topic: ${channels.phones.join(', ') || 'none'}`,
  ];
  if (!o.execute) {
    print(`would publish to the ${o.level} topic of stack ${stack} (${region}): ${JSON.stringify(message)}`);
    print(`the notifier would send "${headline(alert)}" to:`);
    channelLines.forEach(print);
    print('text:');
    renderText(alert).split('\n').forEach((l) => print(`  | ${l}`));
    print('dry run: nothing sent; add --execute to send the test');
    return { ok: true, testId };
  }
  const clients = deps.clients ?? defaultClients(region, o);
  const { DescribeStacksCommand } = require('@aws-sdk/client-cloudformation') as typeof import('@aws-sdk/client-cloudformation');
  const { PublishCommand } = require('@aws-sdk/client-sns') as typeof import('@aws-sdk/client-sns');
  const { FilterLogEventsCommand } = require('@aws-sdk/client-cloudwatch-logs') as typeof import('@aws-sdk/client-cloudwatch-logs');
  const { findOutput, NOTIFIER_LOG_OUTPUT_ID, topicOutputId } = require('../../lib/alerting/outputs') as typeof import('../../lib/alerting/outputs');
  let outputs: { OutputKey?: string; OutputValue?: string }[];
  try {
    outputs = (await clients.cfn.send(new DescribeStacksCommand({ StackName: stack }))).Stacks?.[0]?.Outputs ?? [];
  } catch (e) {
    if (/does not exist/.test((e as Error).message)) throw new CliError(`stack ${stack} is not deployed in ${region}: deploy it first (npx cdk deploy ${stack})`);
    throw e;
  }
  const topicArn = findOutput(outputs, topicOutputId(o.level));
  const logGroup = findOutput(outputs, NOTIFIER_LOG_OUTPUT_ID);
  if (!topicArn || !logGroup) throw new CliError(`stack ${stack} has no ${topicOutputId(o.level)}/${NOTIFIER_LOG_OUTPUT_ID} outputs: redeploy it with this version`);
  await clients.sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(message), Subject: `TEST ${testId}` }));
  print(`sent test ${testId} to ${topicArn}; waiting up to ${o.waitSeconds} s for the notifier's outcomes in ${logGroup}`);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + o.waitSeconds * 1000;
  let result = matchOutcomes(channels.webhooks, [], testId);
  for (;;) {
    const messages: string[] = [];
    let token: string | undefined;
    do {
      const page = await clients.logs.send(
        new FilterLogEventsCommand({ logGroupName: logGroup, filterPattern: `"${testId}"`, startTime: now.getTime() - 60_000, ...(token ? { nextToken: token } : {}) }),
      );
      for (const e of page.events ?? []) if (e.message) messages.push(e.message);
      token = page.nextToken;
    } while (token);
    result = matchOutcomes(channels.webhooks, messages, testId);
    const done = result.published !== undefined && result.webhooks.every((w) => w.ok !== undefined);
    if (done || Date.now() >= deadline) break;
    await sleep(deps.pollMs ?? 5000);
  }
  print('CHANNEL  OUTCOME');
  for (const w of result.webhooks) print(`webhook ${w.kind} ${w.id} (${w.audience})  ${w.detail}`);
  const pub =
    result.published === undefined
      ? 'no outcome logged yet'
      : result.published
        ? `handed to SNS for ${channels.emails.length} e-mail and ${channels.phones.length} SMS subscription(s); SNS reports no per-address result here: ask the recipients, or read SNS delivery status logs for SMS`
        : 'FAILED: the notifier could not publish to the level topic';
  print(`e-mail + SMS (${o.level} topic)  ${pub}`);
  const ok = result.published === true && result.webhooks.every((w) => w.ok === true);
  if (!ok) print(`not every channel confirmed within ${o.waitSeconds} s: see the lines above, and the notifier log group ${logGroup} for test ${testId}`);
  return { ok, testId };
}
