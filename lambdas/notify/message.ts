/**
 * Pure message logic of the notifier: turns what arrives on a level topic (a CloudWatch alarm
 * state change, or an AWS Health event forwarded by EventBridge) into one alert with the content of
 * plan §4.3.3 — level, cause, measures, time, contacts — and renders it as text. No AWS calls here.
 */

import { createHash } from 'crypto';
import { LEVEL_LABELS as LABELS, WARNING_LEVELS as LEVELS, WarningLevel as Level, WebhookKind } from '../../contracts';
import { zonedTime } from '../shared/time';
import { BUILTIN_WORDS, Words } from '../../contracts/languages';

export { LABELS, LEVELS };
export type { Level };

/** The fixed words of an alert in one language (the plan's words alert.* and warning.*). */
export interface AlertWords {
  readonly level: string;
  readonly cause: string;
  readonly measures: string;
  readonly time: string;
  readonly contacts: string;
  readonly acknowledge: string;
  readonly ref: string;
  readonly malformed: string;
  readonly levels: Readonly<Record<Level, string>>;
}

/** An alert's words from a language's fixed words. */
export function alertWords(w: Words): AlertWords {
  return {
    level: w['alert.level'],
    cause: w['alert.cause'],
    measures: w['alert.measures'],
    time: w['alert.time'],
    contacts: w['alert.contacts'],
    acknowledge: w['alert.acknowledge'],
    ref: w['alert.ref'],
    malformed: w['alert.malformed'],
    levels: { general: w['warning.general'], important: w['warning.important'], emergency: w['warning.emergency'] },
  };
}

/** Words when the config names none: the default plan languages, zh-Hant and en. */
export const DEFAULT_ALERT_WORDS: Readonly<Record<string, AlertWords>> = { 'zh-Hant': alertWords(BUILTIN_WORDS['zh-Hant']), en: alertWords(BUILTIN_WORDS.en) };

/** What a notifier in one region knows, from its environment (set by the Notifier construct). */
export interface NotifierConfig {
  readonly planName: string;
  /** Region code the notifier (and the alarms it serves) runs in. */
  readonly region: string;
  readonly timeZone: string;
  /** Topic ARN of each level in this region. */
  readonly topics: Record<Level, string>;
  /** Webhook channels per level: kind + Secrets Manager secret name (never the URL). */
  readonly webhooks: Record<Level, { kind: WebhookKindName; secretName: string; audience: string }[]>;
  readonly contacts: string[];
  /** Log groups searched by the "logs" link (the chatbot's function and access logs in this region). */
  readonly logGroups: string[];
  /** Measures for AWS Health events (alarms carry theirs in the description). */
  readonly healthRunbook: string;
  /** SSM parameter path under which acknowledgements are written (`contingency ack`). */
  readonly ackPrefix: string;
  readonly deliveryTimeoutSeconds: number;
  readonly deliveryAttempts: number;
  /** ARN of the EventBridge rule whose scheduled events are the only ticks (repeats + heartbeat). */
  readonly tickRuleArn: string;
  /** DynamoDB table of per-channel outcomes (message id + channel). @default none */
  readonly outcomeTable?: string;
  /** Voice calls for emergencies. @default none */
  readonly voice?: import('./voice').VoiceConfig;
  /**
   * Fixed words of alerts per plan language, in the plan's order (the first is the default).
   * @default DEFAULT_ALERT_WORDS (zh-Hant, en)
   */
  readonly words?: Readonly<Record<string, AlertWords>>;
}

export type WebhookKindName = WebhookKind;

/** One alert, ready to render on any channel. */
export interface Alert {
  /**
   * Message id: the same for every delivery of the same state change (SNS or Lambda retries, a
   * duplicate notification), different for each repeat tick. Shown as "Ref" in every message,
   * sent as the idempotency key / dedup id where a platform takes one, and the key of the
   * per-channel outcome records.
   */
  readonly id: string;
  readonly level: Level;
  /** ALARM, OK or INSUFFICIENT_DATA for alarms; ISSUE for AWS Health events. */
  readonly state: string;
  readonly title: string;
  readonly cause: {
    readonly alarm: string;
    readonly metric?: string;
    readonly value?: string;
    readonly threshold?: string;
    readonly region: string;
    readonly reason: string;
  };
  readonly measures: { readonly runbook: string; readonly consoleUrl: string; readonly logsUrl?: string };
  /** ISO instant of the state change, and the same rendered in the plan's time zone. */
  readonly time: { readonly iso: string; readonly local: string };
  readonly contacts: string[];
  /** Set when this is a repeat of an unacknowledged emergency. */
  readonly repeat?: { readonly since: string; readonly ackCommand: string };
  /** Fixed words per plan language. @default DEFAULT_ALERT_WORDS */
  readonly words?: Readonly<Record<string, AlertWords>>;
  /**
   * What was wrong with the event this alert was built from (a time that is not a date, a
   * description that is not text, a Health event without detail): shown in the message, so a
   * malformed event is never silent and never lost.
   */
  readonly problems?: readonly string[];
  /** Set for a test sent by `contingency test-alert`: its id (in every log line) and the audience it is limited to. */
  readonly test?: { readonly id: string; readonly audience?: string };
}

/** What `contingency test-alert` publishes to a level topic. */
export interface TestAlertMessage {
  readonly contingencyTest: { readonly id: string; readonly by: string; readonly time: string; readonly audience?: string };
}

/** Marks every test alert's title, so nobody mistakes it for an outage. */
export const TEST_ALERT_TITLE = 'this is a test, no action needed';

/** The alert for a test message: the real path and channels, clearly marked as a test. */
export function alertFromTest(level: Level, m: TestAlertMessage, cfg: NotifierConfig): Alert {
  const t = m.contingencyTest;
  const time = Number.isFinite(Date.parse(t.time)) ? new Date(t.time).toISOString() : new Date().toISOString();
  return {
    id: messageId('test', cfg.region, t.id),
    level,
    state: 'TEST',
    title: `${TEST_ALERT_TITLE} (${t.id})`,
    cause: {
      alarm: 'contingency test-alert',
      region: cfg.region,
      reason: `sent by ${t.by} to check every ${level} channel${t.audience ? ` of ${t.audience}` : ''}`,
    },
    measures: {
      runbook: 'None: this is a test of the alerting path. If a channel you expect did not receive it, tell the sender.',
      consoleUrl: `https://${cfg.region}.console.aws.amazon.com/sns/v3/home?region=${cfg.region}#/topics`,
    },
    time: { iso: time, local: localTime(time, cfg.timeZone) },
    contacts: cfg.contacts,
    test: { id: t.id, ...(t.audience ? { audience: t.audience } : {}) },
    ...(cfg.words ? { words: cfg.words } : {}),
  };
}

/** The subset of the CloudWatch alarm notification we read. */
export interface CloudWatchAlarmMessage {
  AlarmName: string;
  AlarmDescription?: string | null;
  AlarmArn?: string;
  NewStateValue: string;
  NewStateReason?: string;
  StateChangeTime?: string;
  Trigger?: {
    MetricName?: string;
    Namespace?: string;
    Statistic?: string;
    ExtendedStatistic?: string;
    Threshold?: number;
    ComparisonOperator?: string;
    Metrics?: { Id: string; Expression?: string; Label?: string; ReturnData?: boolean; MetricStat?: { Metric: { MetricName: string; Namespace: string }; Stat: string } }[];
  };
  AlarmRule?: string;
}

/** An AWS Health event as EventBridge delivers it. */
export interface HealthEventMessage {
  /** EventBridge event id. */
  id?: string;
  source: 'aws.health';
  region: string;
  time: string;
  'detail-type': string;
  detail: { service?: string; eventTypeCode?: string; eventTypeCategory?: string; statusCode?: string; eventDescription?: { latestDescription?: string }[] };
}

const OPERATORS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '≥',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside band',
  GreaterThanUpperThreshold: 'above band',
  LessThanLowerThreshold: 'below band',
};

/** Formats an instant in an IANA time zone as `YYYY-MM-DD HH:mm:ss (zone)`. */
export function localTime(iso: string, timeZone: string): string {
  return zonedTime(iso, timeZone, { seconds: true });
}

/** CloudWatch console link to one alarm. */
export function alarmConsoleUrl(region: string, alarmName: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
}

/**
 * CloudWatch Logs Insights link running `query` over `logGroups` for the hour before `endIso`.
 * The console's fragment format: `~(...)` with `'` before strings, `*` for `%` in escapes, and the
 * query string's `?`/`=` written as `$3F`/`$3D`.
 */
export function logsInsightsUrl(region: string, logGroups: string[], query: string, endIso: string): string {
  const enc = (s: string) => `'${encodeURIComponent(s).replace(/%/g, '*').replace(/'/g, '*27').replace(/~/g, '*7e')}`;
  const end = new Date(endIso).getTime();
  const detail =
    `~(end~'${encodeURIComponent(new Date(end + 5 * 60_000).toISOString()).replace(/%/g, '*')}~start~'${encodeURIComponent(new Date(end - 60 * 60_000).toISOString()).replace(/%/g, '*')}` +
    `~timeType~'ABSOLUTE~tz~'UTC~editorString~${enc(query)}~source~(${logGroups.map((g) => `~${enc(g)}`).join('')}))`;
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:logs-insights$3FqueryDetail$3D${detail}`;
}

/** The query behind every logs link: the newest errors first. */
export const ERROR_QUERY = 'fields @timestamp, @log, @message | filter @message like /(?i)(error|exception|timed out)/ | sort @timestamp desc | limit 50';

/** Splits an alarm description written by the alerting constructs: first line title, rest measures. */
export function splitDescription(description: unknown, fallbackTitle: string): { title: string; runbook: string } {
  const text = typeof description === 'string' ? description.trim() : '';
  if (!text) return { title: fallbackTitle, runbook: 'No runbook recorded for this alarm; follow the plan §5.2: report, start the response, troubleshoot, publish, close after recovery holds.' };
  const [first, ...rest] = text.split('\n');
  return { title: first.trim(), runbook: rest.join('\n').trim() || first.trim() };
}

function metricOf(m: CloudWatchAlarmMessage): string | undefined {
  const t = m.Trigger;
  if (!t) return m.AlarmRule ? `composite: ${m.AlarmRule}` : undefined;
  if (t.MetricName) return `${t.Namespace}/${t.MetricName} (${t.ExtendedStatistic ?? t.Statistic ?? ''})`;
  const ret = t.Metrics?.find((x) => x.ReturnData !== false);
  if (ret?.Expression) return `${ret.Label ?? ret.Id} = ${ret.Expression}`;
  if (ret?.MetricStat) return `${ret.MetricStat.Metric.Namespace}/${ret.MetricStat.Metric.MetricName} (${ret.MetricStat.Stat})`;
  return undefined;
}

/** The datapoint CloudWatch quotes in NewStateReason, e.g. "[7.25 (23/11/26 12:00:00)]". */
export function valueFromReason(reason: string | undefined): string | undefined {
  const m = /\[([-+0-9.eE]+) \(/.exec(reason ?? '');
  return m ? m[1] : undefined;
}

/** A stable 16-hex-digit id from the parts that identify one alert. */
export function messageId(...parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

/** A short, printable rendering of a value found where something else was expected. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : `${typeof v} ${JSON.stringify(v) ?? String(v)}`;
  } catch {
    s = typeof v;
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * The instant of an event as ISO text. A value that is not a date does not throw: the time of
 * receipt is used and the problem is recorded, so the alert still goes out and says why its time
 * is the receipt time.
 */
export function eventTime(value: unknown, field: string, problems: string[], now: () => number = Date.now): string {
  if (typeof value === 'string' || typeof value === 'number') {
    // CloudWatch writes "2026-11-23T12:00:00.000+0000"; Date parses it.
    const t = new Date(value).getTime();
    if (Number.isFinite(t)) return new Date(t).toISOString();
  }
  problems.push(`${field} is not a date (${describeValue(value)}); the time shown is when the notifier received the event`);
  return new Date(now()).toISOString();
}

/** Builds the alert for a CloudWatch alarm notification received on a level's topic. */
export function alertFromAlarm(level: Level, m: CloudWatchAlarmMessage, cfg: NotifierConfig): Alert {
  const problems: string[] = [];
  const iso = eventTime(m.StateChangeTime, 'StateChangeTime', problems);
  const d: unknown = m.AlarmDescription;
  if (d !== undefined && d !== null && typeof d !== 'string') problems.push(`AlarmDescription is not text (${describeValue(d)}); the alarm name is shown as title`);
  const { title, runbook } = splitDescription(d, m.AlarmName);
  const reasonRaw: unknown = m.NewStateReason;
  const reason = typeof reasonRaw === 'string' ? reasonRaw : reasonRaw === undefined || reasonRaw === null ? '' : describeValue(reasonRaw);
  const t = m.Trigger;
  const threshold =
    t?.Threshold !== undefined && t.ComparisonOperator ? `${OPERATORS[t.ComparisonOperator] ?? t.ComparisonOperator} ${t.Threshold}` : t?.ComparisonOperator ? OPERATORS[t.ComparisonOperator] : undefined;
  const metric = metricOf(m);
  const value = valueFromReason(m.NewStateReason);
  return {
    // One CloudWatch state change: alarm, region, new state and the raw time CloudWatch wrote.
    id: messageId('alarm', cfg.region, m.AlarmName, m.NewStateValue, m.StateChangeTime ?? null),
    level,
    state: m.NewStateValue,
    title,
    cause: {
      alarm: m.AlarmName,
      ...(metric ? { metric } : {}),
      ...(value ? { value } : {}),
      ...(threshold ? { threshold } : {}),
      region: cfg.region,
      reason,
    },
    measures: {
      runbook,
      consoleUrl: alarmConsoleUrl(cfg.region, m.AlarmName),
      ...(cfg.logGroups.length ? { logsUrl: logsInsightsUrl(cfg.region, cfg.logGroups, ERROR_QUERY, iso) } : {}),
    },
    time: { iso, local: localTime(iso, cfg.timeZone) },
    contacts: cfg.contacts,
    ...(problems.length ? { problems } : {}),
    ...(cfg.words ? { words: cfg.words } : {}),
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

/**
 * Builds the alert for an AWS Health event forwarded to a level's topic. A Health event without
 * `time` or `detail` (or with fields of the wrong type) still becomes an alert that names what
 * was missing.
 */
export function alertFromHealthEvent(level: Level, e: HealthEventMessage, cfg: NotifierConfig): Alert {
  const problems: string[] = [];
  const iso = eventTime(e.time, 'time', problems);
  const rawDetail: unknown = e.detail;
  if (!rawDetail || typeof rawDetail !== 'object') problems.push(`detail is ${describeValue(rawDetail)}: the service, event type and description are unknown; open the AWS Health dashboard`);
  const detail = (rawDetail && typeof rawDetail === 'object' ? rawDetail : {}) as Partial<HealthEventMessage['detail']>;
  const service = str(detail.service) ?? 'AWS';
  const typeCode = str(detail.eventTypeCode);
  const descriptions: unknown = detail.eventDescription;
  const latest = Array.isArray(descriptions) ? str((descriptions[0] as { latestDescription?: unknown } | undefined)?.latestDescription) : undefined;
  const detailType = str(e['detail-type']) ?? 'AWS Health Event';
  const description = latest ?? detailType;
  const region = str(e.region) ?? cfg.region;
  const eventId = str(e.id);
  return {
    // EventBridge's event id when present; otherwise the event's own identifying fields.
    id: messageId('health', region, eventId ?? [typeCode, str(detail.statusCode), e.time ?? null, latest ?? null]),
    level,
    state: (str(detail.statusCode) ?? 'open') === 'closed' ? 'OK' : 'ALARM',
    title: `AWS Health: ${service} ${typeCode ?? ''}`.trim(),
    cause: { alarm: typeCode ?? detailType, metric: `AWS Health ${str(detail.eventTypeCategory) ?? 'issue'}`, region, reason: description },
    measures: {
      runbook: cfg.healthRunbook,
      consoleUrl: `https://health.console.aws.amazon.com/health/home#/account/dashboard/open-issues`,
      ...(cfg.logGroups.length ? { logsUrl: logsInsightsUrl(cfg.region, cfg.logGroups, ERROR_QUERY, iso) } : {}),
    },
    time: { iso, local: localTime(iso, cfg.timeZone) },
    contacts: cfg.contacts,
    ...(problems.length ? { problems } : {}),
    ...(cfg.words ? { words: cfg.words } : {}),
  };
}

/** Parses the body of an SNS record into an alert; undefined for messages that are not alerts. */
export function parseAlert(level: Level, body: string, cfg: NotifierConfig): Alert | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const o = parsed as Record<string, unknown>;
  const test = o.contingencyTest as Record<string, unknown> | undefined;
  if (test && typeof test === 'object' && typeof test.id === 'string' && typeof test.by === 'string') return alertFromTest(level, o as unknown as TestAlertMessage, cfg);
  if (o.source === 'aws.health') return alertFromHealthEvent(level, o as unknown as HealthEventMessage, cfg);
  if (typeof o.AlarmName === 'string' && o.AlarmName) {
    if (typeof o.NewStateValue === 'string' && o.NewStateValue) return alertFromAlarm(level, o as unknown as CloudWatchAlarmMessage, cfg);
    // An alarm notification without a usable state is still an alert on a level topic: send it as such.
    const a = alertFromAlarm(level, { ...(o as unknown as CloudWatchAlarmMessage), NewStateValue: 'UNKNOWN' }, cfg);
    return { ...a, problems: [`NewStateValue is ${describeValue(o.NewStateValue)}; the state is unknown`, ...(a.problems ?? [])] };
  }
  return undefined;
}

/** Headline used as subject and first line: ASCII only (SNS subjects must be ASCII, < 100 chars). */
export function headline(a: Alert): string {
  const prefix = `[${a.level.toUpperCase()}]${a.repeat ? ' REPEAT' : ''} ${a.state}`;
  // Dropping the non-ASCII words of a bilingual label leaves "[Important warning ]" or "[]": tidy both.
  const ascii = (s: string) =>
    s
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/\s+/g, ' ')
      .replace(/\[\s*\]\s?/g, '')
      .replace(/\[\s+/g, '[')
      .replace(/\s+\]/g, ']')
      .trim();
  // A title with no ASCII words (a Chinese-only plan) says nothing in a subject: name the alarm instead.
  const title = /[A-Za-z0-9]/.test(ascii(a.title)) ? ascii(a.title) : ascii(a.cause.alarm);
  const line = ascii(`${prefix} ${title} (${a.cause.region})`);
  return line.length > 99 ? `${line.slice(0, 96)}...` : line;
}

/**
 * The fixed words of an alert in the plan's languages. The headline lists the level in plan order;
 * field names put English first when the plan has it (operators search tickets and logs by them).
 */
function wordsOf(a: Alert): { headline: string; field: (k: Exclude<keyof AlertWords, 'levels'>) => string; level: string } {
  const byLang = Object.values(a.words ?? DEFAULT_ALERT_WORDS);
  const en = a.words ? a.words.en : DEFAULT_ALERT_WORDS.en;
  const fieldOrder = en ? [en, ...byLang.filter((w) => w !== en)] : byLang;
  const uniq = (xs: string[]) => [...new Set(xs)];
  return {
    headline: uniq(byLang.map((w) => w.levels[a.level])).join(' '),
    field: (k) => uniq(fieldOrder.map((w) => w[k])).join(' '),
    level: uniq(fieldOrder.map((w) => w.levels[a.level])).join(' / '),
  };
}

/** The full message, the same on every channel (§4.3.3: level, cause, measures, time, contacts). */
export function renderText(a: Alert): string {
  const w = wordsOf(a);
  const lines = [
    `${w.headline} — ${a.state}${a.repeat ? ` (repeat, unacknowledged since ${a.repeat.since})` : ''}`,
    a.title,
    '',
    `${w.field('level')}: ${w.level}`,
    `${w.field('cause')}: ${a.cause.alarm} in ${a.cause.region}`,
    ...(a.cause.metric ? [`  metric: ${a.cause.metric}`] : []),
    ...(a.cause.value !== undefined || a.cause.threshold ? [`  value ${a.cause.value ?? 'n/a'} vs threshold ${a.cause.threshold ?? 'n/a'}`] : []),
    ...(a.cause.reason ? [`  ${a.cause.reason}`] : []),
    `${w.field('measures')}: ${a.measures.runbook}`,
    `  console: ${a.measures.consoleUrl}`,
    ...(a.measures.logsUrl ? [`  logs: ${a.measures.logsUrl}`] : []),
    `${w.field('time')}: ${a.time.local}`,
    `${w.field('contacts')}: ${a.contacts.join('; ') || 'see the plan'}`,
    `${w.field('ref')}: ${a.id}`,
    ...(a.repeat ? [`${w.field('acknowledge')}: ${a.repeat.ackCommand}`] : []),
    ...(a.problems?.length ? [`${w.field('malformed')}: ${a.problems.join('; ')}`] : []),
  ];
  return lines.join('\n');
}

/** The short form for SMS: level, state, title, region, local time. */
export function renderSms(a: Alert): string {
  // The level in the plan's default (first) language.
  const first = Object.values(a.words ?? DEFAULT_ALERT_WORDS)[0];
  const s = `${first.levels[a.level]} ${a.level.toUpperCase()} ${a.state}: ${a.title} (${a.cause.region}) ${a.time.local}`;
  return s.length > 300 ? `${s.slice(0, 297)}...` : s;
}
