import { CloudWatchClient, DescribeAlarmsCommand, MetricAlarm, CompositeAlarm } from '@aws-sdk/client-cloudwatch';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParametersByPathCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { buildRequest, WebhookSecret } from './channels';
import { deliverAll, DeliveryResult, DeliveryTarget } from './deliver';
import { Alert, alertFromAlarm, headline, Level, LEVELS, NotifierConfig, parseAlert, renderSms, renderText } from './message';

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
}

export interface AlertOutcome {
  readonly alert: Alert;
  /** Published to the level topic for its e-mail and SMS subscriptions. */
  readonly published: boolean;
  readonly deliveries: DeliveryResult[];
}

const SECRET_TTL_MS = 5 * 60_000;
const secretCache = new Map<string, { value: WebhookSecret; expires: number }>();

/** Clears cached webhook secrets (tests; a rotated secret is picked up within 5 minutes otherwise). */
export function clearSecretCache(): void {
  secretCache.clear();
}

async function readSecret(deps: NotifierDeps, name: string): Promise<WebhookSecret> {
  const now = (deps.now ?? Date.now)();
  const hit = secretCache.get(name);
  if (hit && hit.expires > now) return hit.value;
  const res = await deps.secrets.send(new GetSecretValueCommand({ SecretId: name }));
  const value = JSON.parse(res.SecretString ?? '{}') as WebhookSecret;
  if (typeof value.url !== 'string' || !/^https?:\/\//.test(value.url)) throw new TypeError('secret has no "url"');
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
  const publish = deps.sns
    .send(
      new PublishCommand({
        TopicArn: cfg.topics[alert.level],
        Subject: headline(alert),
        MessageStructure: 'json',
        Message: JSON.stringify({ default: text, email: text, 'email-json': JSON.stringify(alert), sms: renderSms(alert) }),
        MessageAttributes: { [FORMATTED_ATTRIBUTE]: { DataType: 'String', StringValue: 'true' } },
      }),
    )
    .then(
      () => true,
      () => false,
    );
  const targets: DeliveryTarget[] = cfg.webhooks[alert.level].map((w) => ({
    kind: w.kind,
    name: w.secretName,
    request: async () => buildRequest(w.kind, await readSecret(deps, w.secretName), alert, (deps.now ?? Date.now)()),
  }));
  const deliveries = deliverAll(targets, {
    timeoutMs: cfg.deliveryTimeoutSeconds * 1000,
    attempts: cfg.deliveryAttempts,
    backoffMs: deps.backoffMs ?? 500,
    ...(deps.fetchFn ? { fetchFn: deps.fetchFn } : {}),
  });
  const [published, results] = await Promise.all([publish, deliveries]);
  return { alert, published, deliveries: results };
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
 * Acknowledges an alarm (scripts/ack.ts): writes the current time under the ack prefix, which
 * silences repeats of its current ALARM episode only. Returns the parameter name.
 */
export async function acknowledge(ssm: SSMClient, prefix: string, alarmName: string, by: string, now: Date = new Date()): Promise<string> {
  const name = ackParameterName(prefix, alarmName);
  await ssm.send(new PutParameterCommand({ Name: name, Value: now.toISOString(), Type: 'String', Overwrite: true, Description: `acknowledged by ${by}`.slice(0, 1024) }));
  return name;
}

/** The shell command (scripts/ack.ts) that acknowledges an alarm, shown in repeated alerts. */
export function ackCommand(cfg: NotifierConfig, alarmName: string): string {
  return `npx tsx scripts/ack.ts --region ${cfg.region} --prefix ${cfg.ackPrefix} --alarm ${alarmName}`;
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

async function acksUnder(ssm: SSMClient, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let token: string | undefined;
  do {
    const res = await ssm.send(new GetParametersByPathCommand({ Path: prefix, Recursive: true, ...(token ? { NextToken: token } : {}) }));
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
export async function tick(deps: NotifierDeps): Promise<TickOutcome> {
  const { cfg } = deps;
  const alarms: (MetricAlarm | CompositeAlarm)[] = [];
  let token: string | undefined;
  do {
    const res = await deps.cloudwatch.send(
      new DescribeAlarmsCommand({ StateValue: 'ALARM', ActionPrefix: cfg.topics.emergency, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], ...(token ? { NextToken: token } : {}) }),
    );
    alarms.push(...(res.MetricAlarms ?? []), ...(res.CompositeAlarms ?? []));
    token = res.NextToken;
  } while (token);
  const emergency = alarms.filter((a) => (a.AlarmActions ?? []).includes(cfg.topics.emergency));
  const due = alarmsToRepeat(emergency, await acksUnder(deps.ssm, cfg.ackPrefix), cfg.ackPrefix);
  const repeated = await Promise.all(
    due.map((a) => {
      const since = (a.StateUpdatedTimestamp ?? new Date()).toISOString();
      const base = alertFromAlarm(
        'emergency',
        { AlarmName: a.AlarmName!, AlarmDescription: a.AlarmDescription ?? null, NewStateValue: 'ALARM', NewStateReason: a.StateReason ?? '', StateChangeTime: since },
        cfg,
      );
      return sendAlert(deps, { ...base, repeat: { since: base.time.local, ackCommand: ackCommand(cfg, a.AlarmName!) } });
    }),
  );
  return { repeated };
}
