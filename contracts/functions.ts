import * as z from 'zod/mini';
import { defineFunctionConfig } from './function-config';
import { COMPONENT_STATES, DEPLOYMENT_ROLES, RESPONSE_LEVELS, WEBHOOK_KINDS } from './levels';
import { DRILL_FAULTS, SERVICES } from './names';

/**
 * One configuration contract per function. The construct in lib/ that deploys a function builds its
 * environment with `<contract>.toEnvironment(…)` (through lib/shared/function-environment.ts); the
 * handler parses it with `<contract>.fromEnvironment(process.env)` at cold start. Variable names
 * and values are unchanged from before the contracts existed, so deployed templates are the same.
 */

const nonEmpty = z.string().check(z.minLength(1, 'must not be empty'));
/** A text in every plan language, keyed by BCP 47 tag (contracts/languages.ts `Texts`). */
const texts = z.record(z.string(), z.string());
const perWarningLevel = <S extends z.ZodMiniType>(s: S) => z.object({ general: s, important: s, emergency: s });
const perResponseLevel = <S extends z.ZodMiniType>(s: S) => z.object({ general: s, severe: s, emergency: s });

/** Who customers are handed to when the bot cannot help (plan §7.1). */
export const handoffContactsSchema = z.object({
  teamName: texts,
  phone: z.string(),
  chatUrl: z.string(),
  email: z.optional(z.string()),
  hours: texts,
});
export type HandoffContacts = z.output<typeof handoffContactsSchema>;

/** The plan's languages (first = default) and the bot's hand-off phrases in each. */
export const botPhrasesSchema = z.object({
  languages: z.array(nonEmpty).check(z.minLength(1, 'must list at least one language')),
  noMatch: texts,
  degraded: texts,
});
export type BotPhrases = z.output<typeof botPhrasesSchema>;

/** The customer-service chatbot (lambdas/chatbot, lib/chatbot/chatbot-api.ts). */
export const chatbotConfig = defineFunctionConfig(SERVICES.chatbot, {
  region: { env: 'AWS_REGION', codec: 'text', schema: nonEmpty, runtime: true },
  tableName: { env: 'TABLE_NAME', codec: 'text', schema: nonEmpty },
  role: { env: 'DEPLOYMENT_ROLE', codec: 'text', schema: z.enum(DEPLOYMENT_ROLES) },
  healthToken: { env: 'HEALTH_TOKEN', codec: 'text', schema: z.string().check(z.regex(/^[A-Za-z0-9_-]{6,64}$/, 'must be 6-64 letters, digits, _ or -')) },
  threshold: { env: 'MATCH_THRESHOLD', codec: 'number', schema: z.number().check(z.gte(0, 'must be between 0 and 1'), z.lte(1, 'must be between 0 and 1')) },
  ttlHours: { env: 'CONVERSATION_TTL_HOURS', codec: 'number', schema: z.int('must be a whole number of hours').check(z.gte(1, 'must be at least 1 hour')) },
  contacts: { env: 'HANDOFF_CONTACTS', codec: 'json', schema: handoffContactsSchema },
  phrases: { env: 'BOT_PHRASES', codec: 'json', schema: botPhrasesSchema },
  /** Web origins (the chat widget's pages) whose browsers may read the answers (CORS). */
  allowedOrigins: { env: 'ALLOWED_ORIGINS', codec: 'json', schema: z.array(nonEmpty), optional: true },
});

export const webhookChannelSchema = z.object({ kind: z.enum(WEBHOOK_KINDS), secretName: nonEmpty, audience: nonEmpty });

/**
 * The notifier's settings (lambdas/notify, lib/alerting/notifier.ts), one JSON variable.
 * Loose: fields the notifier gains are passed through to it, not dropped.
 */
export const notifierSettingsSchema = z.looseObject({
  planName: nonEmpty,
  /** Region code the notifier (and the alarms it serves) runs in. */
  region: nonEmpty,
  timeZone: nonEmpty,
  topics: perWarningLevel(nonEmpty),
  webhooks: perWarningLevel(z.array(webhookChannelSchema)),
  contacts: z.array(z.string()),
  logGroups: z.array(z.string()),
  healthRunbook: z.string(),
  ackPrefix: nonEmpty,
  deliveryTimeoutSeconds: z.number().check(z.gt(0, 'must be positive')),
  deliveryAttempts: z.int('must be a whole number').check(z.gte(1, 'must be at least 1')),
  /** ARN of the notifier's schedule rule: only its scheduled events tick (repeats + heartbeat). */
  tickRuleArn: nonEmpty,
  /** DynamoDB table of per-channel delivery outcomes (message id + channel). */
  outcomeTable: z.optional(nonEmpty),
  /** Voice calls for emergencies (End User Messaging SendVoiceMessage). */
  voice: z.optional(
    z.object({
      originationIdentity: nonEmpty,
      region: nonEmpty,
      phones: z.array(nonEmpty).check(z.minLength(1, 'must name at least one phone')),
      language: z.enum(['zh', 'en']),
      voiceId: nonEmpty,
      maxPricePerMinute: nonEmpty,
    }),
  ),
});
export const notifierConfig = defineFunctionConfig(SERVICES.notifier, {
  settings: { env: 'NOTIFIER_CONFIG', codec: 'json', schema: notifierSettingsSchema },
});

/** Which response-level alarm has which level (the incident recorder's ALARM_LEVELS). */
export const alarmLevelsSchema = z.array(z.object({ arn: nonEmpty, level: z.enum(RESPONSE_LEVELS) }));

export const messageTemplatesSchema = z.object({
  /** The plan's languages, the default first: every text below has each of them. */
  languages: z.array(nonEmpty).check(z.minLength(1, 'must list at least one language')),
  /** Name of each response level per language (for {level}). */
  levelNames: perResponseLevel(texts),
  levels: perResponseLevel(z.object({ chatbot: z.enum(COMPONENT_STATES), title: texts, message: texts })),
  recovering: texts,
  resolved: texts,
  noEta: texts,
  contacts: z.object({ team: texts, phone: z.string(), chatUrl: z.string() }),
  timeZone: nonEmpty,
  /** The status page's title and the update-status words per language, for the Atom feed. @default - no feed is written */
  feed: z.optional(z.object({ title: texts, words: z.record(z.string(), z.object({ investigating: z.string(), identified: z.string(), monitoring: z.string(), resolved: z.string(), maintenance: z.string() })) })),
  /** The satisfaction survey (§10.2): its window and the words of the report summary and the notice link. @default - no survey */
  survey: z.optional(
    z.object({
      windowDays: z.int().check(z.gte(1, 'must be at least 1 day')),
      words: z.record(z.string(), z.object({ link: z.string(), report: z.string(), answers: z.string(), average: z.string(), distribution: z.string(), comments: z.string(), none: z.string() })),
    }),
  ),
});

/**
 * The incident publisher's settings (PUBLISH_CONFIG, only in the publishing region). Loose: fields
 * the publisher gains are passed through to it, not dropped.
 */
export const incidentPublisherSchema = z.looseObject({
  statusBucket: nonEmpty,
  reportBucket: nonEmpty,
  noticeTopicArn: nonEmpty,
  confirmationMinutes: z.number().check(z.gte(1, 'must be at least 1')),
  lookbackDays: z.number().check(z.gte(1, 'must be at least 1')),
  historyLength: z.int('must be a whole number').check(z.gte(1, 'must be at least 1')),
  noticeMaxAgeMinutes: z.number().check(z.gte(0, 'must not be negative')),
  planName: nonEmpty,
  pageUrl: z.optional(z.string()),
  /** Optional here: the construct bundles the templates next to the handler (incident-templates.json), since they grow with the plan past Lambda's 4 KB environment. */
  templates: z.optional(messageTemplatesSchema),
  /** The survey table, read for the report summary of incidents closed within the survey window. @default - no survey */
  surveyTable: z.optional(nonEmpty),
});

/** The file bundled next to the incident handler with the plan's message templates. */
export const INCIDENT_TEMPLATES_FILE = 'incident-templates.json';

/**
 * The incident function (lambdas/incidents, lib/incidents/incident-recorder.ts): the recorder in
 * every region, plus the publisher where PUBLISH_CONFIG is set.
 */
export const incidentsConfig = defineFunctionConfig(SERVICES.incidents, {
  tableName: { env: 'TABLE_NAME', codec: 'text', schema: nonEmpty },
  retentionDays: { env: 'RETENTION_DAYS', codec: 'number', schema: z.int('must be a whole number of days').check(z.gte(1, 'must be at least 1 day')) },
  alarmLevels: { env: 'ALARM_LEVELS', codec: 'json', schema: alarmLevelsSchema },
  publish: { env: 'PUBLISH_CONFIG', codec: 'json', schema: incidentPublisherSchema, optional: true },
});

/** The restore-test validator (lambdas/restore-validator, lib/backup/restore-validator.ts). */
export const restoreValidatorConfig = defineFunctionConfig(SERVICES.restoreValidator, {
  region: { env: 'AWS_REGION', codec: 'text', schema: nonEmpty, runtime: true },
  sourceTable: { env: 'SOURCE_TABLE_NAME', codec: 'text', schema: nonEmpty },
  itemCountTolerancePercent: { env: 'ITEM_COUNT_TOLERANCE_PERCENT', codec: 'number', schema: z.number().check(z.gte(0, 'must be between 0 and 100'), z.lte(100, 'must be between 0 and 100')) },
  sentinelIntervalMinutes: { env: 'SENTINEL_INTERVAL_MINUTES', codec: 'number', schema: z.int('must be whole minutes').check(z.gte(1, 'must be between 1 and 60'), z.lte(60, 'must be between 1 and 60')) },
});

/** The backup sentinel writer (lambdas/sentinel, lib/backup/backup-sentinel.ts). */
export const sentinelConfig = defineFunctionConfig(SERVICES.sentinel, {
  region: { env: 'AWS_REGION', codec: 'text', schema: nonEmpty, runtime: true },
  tableName: { env: 'TABLE_NAME', codec: 'text', schema: nonEmpty },
});

/** The restore-test silence watch (lambdas/restore-watch, lib/backup/restore-alarms.ts). */
export const restoreWatchConfig = defineFunctionConfig(SERVICES.restoreWatch, {
  planName: { env: 'RESTORE_TESTING_PLAN_NAME', codec: 'text', schema: nonEmpty },
  planArn: { env: 'RESTORE_TESTING_PLAN_ARN', codec: 'text', schema: nonEmpty },
  lookbackDays: { env: 'LOOKBACK_DAYS', codec: 'number', schema: z.int('must be whole days').check(z.gte(2, 'must be at least 2 days')) },
});

/** One alarm the drill runner reads, in its region. */
const regionalAlarm = z.object({ region: nonEmpty, name: nonEmpty });

/** The drill machine's settings (ops/drill/machine.ts DrillSettings). */
export const drillSettingsSchema = z.object({
  scenario: nonEmpty,
  kind: z.enum(['dns-switch', 'fault-injection']),
  faults: z.optional(z.array(z.enum(DRILL_FAULTS))),
  regions: z.object({ primary: nonEmpty, standby: nonEmpty }),
  window: z.object({ days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])), startHour: z.number(), endHour: z.number(), timeZone: nonEmpty }),
  objectiveSeconds: z.number().check(z.gt(0, 'must be above 0')),
  maxDurationSeconds: z.number().check(z.gt(0, 'must be above 0')),
  holdSeconds: z.number().check(z.gte(0, 'must not be negative')),
  pollSeconds: z.number().check(z.gt(0, 'must be above 0')),
});

/** What the drill runner reads and touches (lambdas/drill, lib/drills/drill-runner.ts). */
export const drillRunnerSchema = z.object({
  planName: nonEmpty,
  settings: drillSettingsSchema,
  /** The public name and the regional hosts it resolves to, per role. */
  publicName: nonEmpty,
  targets: z.object({ primary: nonEmpty, standby: nonEmpty }),
  /** The only health check the runner may invert: the plan's primary. */
  primaryHealthCheckId: nonEmpty,
  alarms: z.object({
    primaryHealth: regionalAlarm,
    standbyHealth: regionalAlarm,
    /** Emergency response levels (stop condition). */
    emergency: z.array(regionalAlarm),
    /** Regional severe response levels: the emergency burn rate or error rate (stop condition). */
    burnRate: z.array(regionalAlarm),
    /** Warning-level alarms whose first ALARM is the detection time of that level. */
    levels: perWarningLevel(z.array(regionalAlarm)),
  }),
  incidentTable: nonEmpty,
  incidentRetentionDays: z.number().check(z.gte(1, 'must be at least 1 day')),
  statusBucket: nonEmpty,
  reportBucket: nonEmpty,
  announceTopicArn: nonEmpty,
  /** fault-injection drills: the region of the plan's FIS experiment template, found by its tag DRILL_FAULTS_TAG_KEY = planName. */
  faults: z.optional(z.object({ region: nonEmpty })),
});

/** The file bundled next to the drill runner with the announcement texts in every plan language. */
export const DRILL_WORDS_FILE = 'drill-words.json';

export const drillRunnerConfig = defineFunctionConfig(SERVICES.drillRunner, {
  drill: { env: 'DRILL_CONFIG', codec: 'json', schema: drillRunnerSchema },
});

/** The failover observer (lambdas/observer, lib/drills/failover-observer.ts), in us-east-1 and the standby region. */
export const observerConfig = defineFunctionConfig(SERVICES.observer, {
  region: { env: 'AWS_REGION', codec: 'text', schema: nonEmpty, runtime: true },
  publicName: { env: 'PUBLIC_NAME', codec: 'text', schema: nonEmpty },
  primaryRegion: { env: 'PRIMARY_REGION', codec: 'text', schema: nonEmpty },
  standbyRegion: { env: 'STANDBY_REGION', codec: 'text', schema: nonEmpty },
  /** Incident table replica in this region: the observer keeps its last reading there. */
  tableName: { env: 'TABLE_NAME', codec: 'text', schema: nonEmpty },
});

/** The survey's settings (SURVEY_CONFIG). */
export const surveySettingsSchema = z.object({
  tableName: nonEmpty,
  /** The incident table (read-only: the register says which incidents exist and when they closed). */
  incidentTableName: nonEmpty,
  languages: z.array(nonEmpty).check(z.minLength(1, 'must list at least one language')),
  windowDays: z.int().check(z.gte(1, 'must be at least 1 day')),
  retentionDays: z.int().check(z.gte(1, 'must be at least 1 day')),
  commentMaxLength: z.int().check(z.gte(0, 'must not be negative')),
  perAddressPerHour: z.int().check(z.gte(1, 'must be at least 1')),
  perIncidentPerHour: z.int().check(z.gte(1, 'must be at least 1')),
});
export type SurveySettings = z.output<typeof surveySettingsSchema>;

/** The survey function (lambdas/survey, lib/incidents/survey-api.ts). */
export const surveyConfig = defineFunctionConfig(SERVICES.survey, {
  settings: { env: 'SURVEY_CONFIG', codec: 'json', schema: surveySettingsSchema },
});
