import { CloudWatchClient, DescribeAlarmsCommand, MetricAlarm, CompositeAlarm } from '@aws-sdk/client-cloudwatch';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParametersByPathCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { buildRequest, PAGERDUTY_EVENTS_URL, WebhookSecret } from './channels';
import { deliverAll, DeliveryResult, DeliveryTarget } from './deliver';
import { Alert, alertFromAlarm, headline, Level, LEVELS, messageId, NotifierConfig, parseAlert, renderSms, renderText } from './message';
import type { OutcomeStore } from './outcomes';
import type { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { call, callsPhones } from './voice';

/** Message attribute the notifier puts on what it re-publishes; e-mail/SMS subscriptions filter on it. */
import { FORMATTED_ATTRIBUTE } from '../../contracts';
export { FORMATTED_ATTRIBUTE };

export interface NotifierDeps {
  readonly cfg: NotifierConfig;
  readonly sns: SNSClient;
  readonly secrets: SecretsManagerClient;
  readonly cloudwatch: CloudWatchClient;
  readonly ssm: SSMClient;
  readonly fetchFn?: typeof fetch;
  readonly now?: () => number;
  /** First retry backoff, ms. @default 500 */
  readonly backoffMs?: number;
  /** Per-channel outcomes (message id + channel). @default none: every invocation sends to every channel */
  readonly outcomes?: OutcomeStore;
  /**
   * Absolute time (epoch ms) by which every call of this invocation has finished: webhook
   * attempts, backoffs, Retry-After waits and SDK calls. The handler sets it below the function
   * timeout. @default now + DEFAULT_BUDGET_MS
   */
  readonly deadlineMs?: number;
  /** End User Messaging client in the origination number's region; required when cfg.voice is set. */
  readonly voice?: PinpointSMSVoiceV2Client;
  /** Longest single AWS SDK call. @default SDK_CALL_MS */
  readonly sdkCallMs?: number;
}

/** Budget when no deadline is given (the function timeout is 60 s). */
export const DEFAULT_BUDGET_MS = 50_000;
/** Longest any single AWS SDK call may take (Secrets Manager, SNS, CloudWatch, SSM, DynamoDB). */
export const SDK_CALL_MS = 5_000;

/** Channel kinds as they appear in results, logs and the ChannelDeliveryFailures metric. */
export type ChannelKind = DeliveryResult['kind'];

export interface AlertOutcome {
  readonly alert: Alert;
  /** Published to the level topic for its e-mail and SMS subscriptions. */
  readonly published: boolean;
  /** Why the publish failed (error name), when it did. */
  readonly publishDetail?: string;
  readonly deliveries: DeliveryResult[];
}

function deadlineOf(deps: NotifierDeps): number {
  return deps.deadlineMs ?? (deps.now ?? Date.now)() + DEFAULT_BUDGET_MS;
}

/** Abort signal for one SDK call: SDK_CALL_MS or what is left of the budget, whichever is less (min 200 ms). */
export function sdkSignal(deps: NotifierDeps, capMs = deps.sdkCallMs ?? SDK_CALL_MS): AbortSignal {
  const left = deadlineOf(deps) - (deps.now ?? Date.now)();
  return AbortSignal.timeout(Math.max(200, Math.min(capMs, left)));
}

/**
 * Runs one channel's delivery at most once per message: skipped when the outcome store says an
 * earlier (or concurrent) invocation delivered it, recorded as sent on success, released on
 * failure so a Lambda retry tries it again.
 */
async function once(deps: NotifierDeps, alert: Alert, channel: string, skipped: Omit<DeliveryResult, 'ok' | 'attempts' | 'detail'>, send: () => Promise<DeliveryResult>): Promise<DeliveryResult> {
  const store = deps.outcomes;
  if (!store) return send();
  // The claim lasts until this invocation's deadline plus the reserve it keeps for recording.
  const claim = await store.claim(alert.id, channel, deadlineOf(deps) + SDK_CALL_MS, sdkSignal(deps, 2_000)).catch(() => 'unavailable' as const);
  if (claim === 'sent') return { ...skipped, ok: true, attempts: 0, detail: 'already delivered by an earlier invocation; not sent again' };
  if (claim === 'busy') return { ...skipped, ok: true, attempts: 0, detail: 'being delivered by a concurrent invocation; not sent again' };
  const r = await send();
  // Recording gets its own short deadline: it runs at most SDK_CALL_MS past the budget (the reserve).
  const record = AbortSignal.timeout(2_000);
  if (r.ok) await store.sent(alert.id, channel, record).catch(() => undefined);
  else await store.release(alert.id, channel, record).catch(() => undefined);
  return claim === 'unavailable' ? { ...r, detail: `${r.detail}; outcome table unavailable, sent without a record` } : r;
}

const SECRET_TTL_MS = 5 * 60_000;
const secretCache = new Map<string, { value: WebhookSecret; expires: number }>();

/** Clears cached webhook secrets (tests; a rotated secret is picked up within 5 minutes otherwise). */
export function clearSecretCache(): void {
  secretCache.clear();
}

async function readSecret(deps: NotifierDeps, name: string, kind: string, signal: AbortSignal): Promise<WebhookSecret> {
  const now = (deps.now ?? Date.now)();
  const hit = secretCache.get(name);
  if (hit && hit.expires > now) return hit.value;
  const res = await deps.secrets.send(new GetSecretValueCommand({ SecretId: name }), { abortSignal: AbortSignal.any([signal, sdkSignal(deps)]) });
  const raw = JSON.parse(res.SecretString ?? '{}') as Partial<WebhookSecret>;
  let value: WebhookSecret;
  if (kind === 'pagerduty') {
    // Never in templates or logs: only the secret name is configured and logged.
    if (typeof raw.routingKey !== 'string' || !raw.routingKey) throw new TypeError('secret has no "routingKey"');
    if (raw.url !== undefined && (typeof raw.url !== 'string' || !/^https?:\/\//.test(raw.url))) throw new TypeError('secret "url" is not a URL');
    value = { ...raw, url: raw.url ?? PAGERDUTY_EVENTS_URL } as WebhookSecret;
  } else {
    if (typeof raw.url !== 'string' || !/^https?:\/\//.test(raw.url)) throw new TypeError('secret has no "url"');
    value = raw as WebhookSecret;
  }
  secretCache.set(name, { value, expires: now + SECRET_TTL_MS });
  return value;
}

/** Level of a topic ARN in this region's config. */
export function levelOfTopic(cfg: NotifierConfig, topicArn: string): Level | undefined {
  return LEVELS.find((l) => cfg.topics[l] === topicArn);
}

/**
 * Sends one alert everywhere its level goes: re-published (formatted) to the level topic for the
 * e-mail and SMS subscriptions, and to every webhook of the level. The publish and the webhooks
 * run concurrently and independently.
 */
export async function sendAlert(deps: NotifierDeps, alert: Alert): Promise<AlertOutcome> {
  const { cfg } = deps;
  const text = renderText(alert);
  const topicMeta = { kind: 'email-sms' as const, name: 'level topic', audience: `${alert.level} subscribers` };
  const publish = once(deps, alert, 'topic', topicMeta, () =>
    deps.sns
      .send(
        new PublishCommand({
          TopicArn: cfg.topics[alert.level],
          Subject: headline(alert),
          MessageStructure: 'json',
          Message: JSON.stringify({ default: text, email: text, 'email-json': JSON.stringify(alert), sms: renderSms(alert) }),
          MessageAttributes: { [FORMATTED_ATTRIBUTE]: { DataType: 'String', StringValue: 'true' } },
        }),
        { abortSignal: sdkSignal(deps) },
      )
      .then(
        () => ({ ...topicMeta, ok: true, attempts: 1, detail: 'published' }),
        (e: Error) => ({ ...topicMeta, ok: false, attempts: 1, detail: `publish failed (${e.name})` }),
      ),
  );
  const options = {
    timeoutMs: cfg.deliveryTimeoutSeconds * 1000,
    attempts: cfg.deliveryAttempts,
    backoffMs: deps.backoffMs ?? 500,
    deadlineMs: deadlineOf(deps),
    ...(deps.fetchFn ? { fetchFn: deps.fetchFn } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  };
  // A test limited to one audience goes to that audience's webhooks only.
  const webhooks = cfg.webhooks[alert.level].filter((w) => !alert.test?.audience || w.audience === alert.test.audience);
  const deliveries = Promise.all(
    webhooks.map((w) => {
      const target: DeliveryTarget = {
        kind: w.kind,
        name: w.secretName,
        audience: w.audience,
        request: async (signal) => buildRequest(w.kind, await readSecret(deps, w.secretName, w.kind, signal), alert, (deps.now ?? Date.now)()),
      };
      return once(deps, alert, `${w.kind}:${w.secretName}`, { kind: w.kind, name: w.secretName, audience: w.audience }, async () => (await deliverAll([target], options))[0]);
    }),
  );
  // Emergency pages also call the on-call phones (§4.3.1 聲音提示), once per phone per message.
  const voice = cfg.voice;
  const client = deps.voice;
  const calls =
    voice && client && callsPhones(alert)
      ? Promise.all(voice.phones.map((phone) => once(deps, alert, `voice:${phone}`, { kind: 'voice', name: phone, audience: 'on-call phones' }, () => call(client, voice, phone, alert, sdkSignal(deps)))))
      : Promise.resolve([]);
  const [pub, webhookResults, callResults] = await Promise.all([publish, deliveries, calls]);
  const results = [...webhookResults, ...callResults];
  return { alert, published: pub.ok, ...(pub.ok ? {} : { publishDetail: pub.detail }), deliveries: results };
}

/** One log line about an outcome: secret name and status only, never the URL or the message body. */
export interface OutcomeLogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: 'delivered' | 'delivery failed' | 'published to the level topic' | 'publish to the level topic failed' | 'malformed event, alert sent anyway';
  readonly fields: Record<string, string | number>;
}

/**
 * What the handler logs for an alert's outcome: one line per webhook and one for the level-topic
 * publish (always when it failed; for tests also when it worked). A test alert's id is on every line:
 * `contingency test-alert` finds them by it.
 */
export function outcomeLogLines(outcome: AlertOutcome): OutcomeLogLine[] {
  const a = outcome.alert;
  const ref: Record<string, string> = { messageId: a.id, level: a.level, alarm: a.cause.alarm, ...(a.test ? { testId: a.test.id } : {}) };
  const lines: OutcomeLogLine[] = outcome.deliveries.map((d) => {
    const channel = { kind: d.kind, secretName: d.name, attempts: d.attempts, ...(d.audience ? { audience: d.audience } : {}) };
    return d.ok
      ? { level: 'info' as const, message: 'delivered' as const, fields: { ...ref, ...channel, ...(d.detail ? { detail: d.detail } : {}) } }
      : { level: 'error' as const, message: 'delivery failed' as const, fields: { ...ref, ...channel, detail: d.detail ?? '', ...(d.code !== undefined ? { code: String(d.code) } : {}) } };
  });
  if (!outcome.published) lines.push({ level: 'error', message: 'publish to the level topic failed', fields: { ...ref, detail: outcome.publishDetail ?? '' } });
  else if (a.test) lines.push({ level: 'info', message: 'published to the level topic', fields: ref });
  if (a.problems?.length) lines.push({ level: 'warn', message: 'malformed event, alert sent anyway', fields: { ...ref, problems: a.problems.join('; ') } });
  return lines;
}

/** Handles one SNS message from a level topic; undefined when it is not an alert (ignored). */
export async function handleTopicMessage(deps: NotifierDeps, topicArn: string, body: string): Promise<AlertOutcome | undefined> {
  const level = levelOfTopic(deps.cfg, topicArn);
  if (!level) return undefined;
  const alert = parseAlert(level, body, deps.cfg);
  return alert ? sendAlert(deps, alert) : undefined;
}

/** SSM parameter name holding the acknowledgement of one alarm. */
export function ackParameterName(prefix: string, alarmName: string): string {
  return `${prefix.replace(/\/$/, '')}/${alarmName.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/**
 * Acknowledges an alarm (`contingency ack`): writes the current time under the ack prefix, which
 * silences repeats of its current ALARM episode only. Returns the parameter name.
 */
export async function acknowledge(ssm: SSMClient, prefix: string, alarmName: string, by: string, now: Date = new Date()): Promise<string> {
  const name = ackParameterName(prefix, alarmName);
  await ssm.send(new PutParameterCommand({ Name: name, Value: now.toISOString(), Type: 'String', Overwrite: true, Description: `acknowledged by ${by}`.slice(0, 1024) }));
  return name;
}

/** The shell command (`contingency ack`) that acknowledges an alarm, shown in repeated alerts. */
export function ackCommand(cfg: NotifierConfig, alarmName: string): string {
  return `npx contingency ack --region ${cfg.region} --prefix ${cfg.ackPrefix} --alarm ${alarmName} --execute`;
}

/**
 * Which emergency alarms to send again: in ALARM and not acknowledged for the current episode.
 * An acknowledgement holds the alarm's StateUpdatedTimestamp at ack time; a later state change
 * (a new episode) makes it stale. Pure.
 */
export function alarmsToRepeat<T extends { AlarmName?: string; StateValue?: string; StateUpdatedTimestamp?: Date }>(
  alarms: readonly T[],
  acks: ReadonlyMap<string, string>,
  prefix: string,
): T[] {
  return alarms.filter((a) => {
    if (a.StateValue !== 'ALARM' || !a.AlarmName) return false;
    const ack = acks.get(ackParameterName(prefix, a.AlarmName));
    if (!ack) return true;
    const since = a.StateUpdatedTimestamp?.getTime() ?? 0;
    return new Date(ack).getTime() < since;
  });
}

async function acksUnder(deps: NotifierDeps, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let token: string | undefined;
  do {
    const res = await deps.ssm.send(new GetParametersByPathCommand({ Path: prefix, Recursive: true, ...(token ? { NextToken: token } : {}) }), { abortSignal: sdkSignal(deps) });
    for (const p of res.Parameters ?? []) if (p.Name && p.Value) out.set(p.Name, p.Value);
    token = res.NextToken;
  } while (token);
  return out;
}

export interface TickOutcome {
  readonly repeated: AlertOutcome[];
}

/**
 * The scheduled tick: re-sends every unacknowledged emergency alarm still in ALARM (CloudWatch
 * notifies only on state change), reading alarms whose actions include the emergency topic.
 */
export async function tick(deps: NotifierDeps, tickTime?: string): Promise<TickOutcome> {
  const { cfg } = deps;
  const alarms: (MetricAlarm | CompositeAlarm)[] = [];
  let token: string | undefined;
  // Each tick's repeats are new messages; a retried tick (same scheduled time) is the same one.
  const tickId = tickTime ?? new Date((deps.now ?? Date.now)()).toISOString();
  do {
    const res = await deps.cloudwatch.send(
      new DescribeAlarmsCommand({ StateValue: 'ALARM', ActionPrefix: cfg.topics.emergency, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], ...(token ? { NextToken: token } : {}) }),
      { abortSignal: sdkSignal(deps) },
    );
    alarms.push(...(res.MetricAlarms ?? []), ...(res.CompositeAlarms ?? []));
    token = res.NextToken;
  } while (token);
  const emergency = alarms.filter((a) => (a.AlarmActions ?? []).includes(cfg.topics.emergency));
  const due = alarmsToRepeat(emergency, await acksUnder(deps, cfg.ackPrefix), cfg.ackPrefix);
  const repeated = await Promise.all(
    due.map((a) => {
      const since = (a.StateUpdatedTimestamp ?? new Date()).toISOString();
      const base = alertFromAlarm(
        'emergency',
        { AlarmName: a.AlarmName!, AlarmDescription: a.AlarmDescription ?? null, NewStateValue: 'ALARM', NewStateReason: a.StateReason ?? '', StateChangeTime: since },
        cfg,
      );
      return sendAlert(deps, { ...base, id: messageId('repeat', cfg.region, a.AlarmName, since, tickId), repeat: { since: base.time.local, ackCommand: ackCommand(cfg, a.AlarmName!) } });
    }),
  );
  return { repeated };
}
