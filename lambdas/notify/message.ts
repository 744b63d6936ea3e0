/**
 * Pure message logic of the notifier: turns what arrives on a level topic (a CloudWatch alarm
 * state change, or an AWS Health event forwarded by EventBridge) into one alert with the content of
 * plan §4.3.3 — level, cause, measures, time, contacts — and renders it as text. No AWS calls here.
 */

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
  /** SSM parameter path under which acknowledgements are written (scripts/ack.ts). */
  readonly ackPrefix: string;
  readonly deliveryTimeoutSeconds: number;
  readonly deliveryAttempts: number;
  /**
   * Fixed words of alerts per plan language, in the plan's order (the first is the default).
   * @default DEFAULT_ALERT_WORDS (zh-Hant, en)
   */
  readonly words?: Readonly<Record<string, AlertWords>>;
}

export type WebhookKindName = WebhookKind;

/** One alert, ready to render on any channel. */
export interface Alert {
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
export function splitDescription(description: string | null | undefined, fallbackTitle: string): { title: string; runbook: string } {
  const text = (description ?? '').trim();
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

/** Builds the alert for a CloudWatch alarm notification received on a level's topic. */
export function alertFromAlarm(level: Level, m: CloudWatchAlarmMessage, cfg: NotifierConfig): Alert {
  const iso = m.StateChangeTime ? new Date(m.StateChangeTime).toISOString() : new Date().toISOString();
  const { title, runbook } = splitDescription(m.AlarmDescription, m.AlarmName);
  const t = m.Trigger;
  const threshold =
    t?.Threshold !== undefined && t.ComparisonOperator ? `${OPERATORS[t.ComparisonOperator] ?? t.ComparisonOperator} ${t.Threshold}` : t?.ComparisonOperator ? OPERATORS[t.ComparisonOperator] : undefined;
  const metric = metricOf(m);
  const value = valueFromReason(m.NewStateReason);
  return {
    level,
    state: m.NewStateValue,
    title,
    cause: {
      alarm: m.AlarmName,
      ...(metric ? { metric } : {}),
      ...(value ? { value } : {}),
      ...(threshold ? { threshold } : {}),
      region: cfg.region,
      reason: m.NewStateReason ?? '',
    },
    measures: {
      runbook,
      consoleUrl: alarmConsoleUrl(cfg.region, m.AlarmName),
      ...(cfg.logGroups.length ? { logsUrl: logsInsightsUrl(cfg.region, cfg.logGroups, ERROR_QUERY, iso) } : {}),
    },
    time: { iso, local: localTime(iso, cfg.timeZone) },
    contacts: cfg.contacts,
    ...(cfg.words ? { words: cfg.words } : {}),
  };
}

/** Builds the alert for an AWS Health event forwarded to a level's topic. */
export function alertFromHealthEvent(level: Level, e: HealthEventMessage, cfg: NotifierConfig): Alert {
  const iso = new Date(e.time).toISOString();
  const service = e.detail.service ?? 'AWS';
  const description = e.detail.eventDescription?.[0]?.latestDescription ?? e['detail-type'];
  return {
    level,
    state: (e.detail.statusCode ?? 'open') === 'closed' ? 'OK' : 'ALARM',
    title: `AWS Health: ${service} ${e.detail.eventTypeCode ?? ''}`.trim(),
    cause: { alarm: e.detail.eventTypeCode ?? e['detail-type'], metric: `AWS Health ${e.detail.eventTypeCategory ?? 'issue'}`, region: e.region, reason: description },
    measures: {
      runbook: cfg.healthRunbook,
      consoleUrl: `https://health.console.aws.amazon.com/health/home#/account/dashboard/open-issues`,
      ...(cfg.logGroups.length ? { logsUrl: logsInsightsUrl(cfg.region, cfg.logGroups, ERROR_QUERY, iso) } : {}),
    },
    time: { iso, local: localTime(iso, cfg.timeZone) },
    contacts: cfg.contacts,
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
  if (o.source === 'aws.health') return alertFromHealthEvent(level, o as unknown as HealthEventMessage, cfg);
  if (typeof o.AlarmName === 'string' && typeof o.NewStateValue === 'string') return alertFromAlarm(level, o as unknown as CloudWatchAlarmMessage, cfg);
  return undefined;
}

/** Headline used as subject and first line: ASCII only (SNS subjects must be ASCII, < 100 chars). */
export function headline(a: Alert): string {
  const prefix = `[${a.level.toUpperCase()}]${a.repeat ? ' REPEAT' : ''} ${a.state}`;
  const ascii = `${prefix} ${a.title} (${a.cause.region})`.replace(/[^\x20-\x7e]/g, '').replace(/\s+/g, ' ');
  return ascii.length > 99 ? `${ascii.slice(0, 96)}...` : ascii;
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
    ...(a.repeat ? [`${w.field('acknowledge')}: ${a.repeat.ackCommand}`] : []),
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
