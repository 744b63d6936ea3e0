import { z } from 'zod';
import { COMPONENT_STATES, DRILL_FAULTS, WEBHOOK_KINDS } from '../../contracts';
import type { DrillFault } from '../../contracts';
import { MAINTENANCE_COMPONENTS, MAINTENANCE_ID, MAINTENANCE_SCOPES } from '../../contracts/maintenance';
import { SURVEY_DEFAULTS } from '../../contracts/survey';
import { RESPONSE_LEVELS } from '../../contracts/levels';
import { WARNING_LEVELS, WarningLevel } from './levels';
import { blankProblems, cronProblems, dnsNameProblems, originProblems, phoneProblems, regionProblems, tagProblems } from './checks';
import { WORD_KEYS } from '../../contracts/languages';
import { resolveLanguages } from './languages';

/**
 * The plan file schema: the single source of truth for what a contingency plan contains.
 * Types come from `z.infer`; `plans/plan.schema.json` is generated from this (`npm run schema`).
 * Cross-field rules live in `rules.ts` so that every rule can say the value it saw and the fix.
 */

/** Defaults of the chat widget's plan settings, stated once (the schema and docs read them). */
export const WIDGET_DEFAULTS = { timeoutSeconds: 5, probeIntervalSeconds: 60 } as const;
/** Defaults of the status page's e-mail subscriptions, stated once (the schema and docs read them). */
export const SUBSCRIPTION_DEFAULTS = { perIpPerHour: 20, mailsPerAddressPerDay: 3, rateLimit: 5, burstLimit: 10 } as const;
/** Most origins the chat API's CORS configuration lists. */
export const WIDGET_MAX_ORIGINS = 20;

/** A string schema refined by a check that returns its problems (rule, value and fix) as messages. */
function checked<T extends z.ZodType<string>>(schema: T, check: (value: string) => string[]): T {
  return schema.superRefine((value, ctx) => {
    for (const message of check(value)) ctx.addIssue({ code: 'custom', message });
  }) as T;
}

const region = checked(z.string(), regionProblems).describe('AWS region code, e.g. ap-east-1 (a region aws-cdk-lib knows; opt-in regions must be enabled first)');

/** A DNS name, compared case-insensitively: stored lower-case without a trailing dot. */
const dnsName = (example: string) =>
  checked(z.string(), (v) => dnsNameProblems(v, example)).transform((v) => v.toLowerCase().replace(/\.$/, ''));

/** Text customers or agents read: not only whitespace. */
const text = () => checked(z.string().min(1), blankProblems);

/**
 * A text customers or operators read: a map from each of the plan's `languages` to the text in it,
 * e.g. `{en: "Chat assistant"}` or `{zh-Hant: "智能客服", en: "Chat assistant"}`. Which keys it must
 * have depends on `languages`, so that rule is checked after the schema (lib/config/languages.ts).
 */
const texts = z
  .record(z.string(), text())
  .describe('Text per plan language: one key for each tag of `languages`, exactly');

/** Languages: BCP 47 tags in canonical form; the first is the default. */
export const DEFAULT_LANGUAGES = ['zh-Hant', 'en'];

const faqText = z
  .object({ questions: z.array(text()).min(1), answer: text() })
  .strict()
  .describe('Questions customers ask and the answer, in one language');

const levelEnum = z.enum(WARNING_LEVELS);

/** A threshold given per warning level. Direction says which way is worse. */
function leveled(description: string, defaults: Record<WarningLevel, number>, opts: { min?: number; max?: number; int?: boolean } = {}) {
  let n = opts.int ? z.number().int() : z.number();
  if (opts.min !== undefined) n = n.min(opts.min);
  if (opts.max !== undefined) n = n.max(opts.max);
  return z
    .object({ general: n, important: n, emergency: n })
    .strict()
    .default(defaults)
    .describe(`${description} (per warning level; a stricter level must have a worse value)`);
}

/** The retention periods CloudWatch Logs accepts, days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

export const E164 = /^\+[1-9]\d{6,14}$/;

const webhookKinds = WEBHOOK_KINDS;

const audience = z
  .object({
    description: z.string().optional().describe('Who this audience is (rendered in the plan document)'),
    levels: z
      .array(levelEnum)
      .min(1)
      .describe('Warning levels this audience is told about (§4.3.2)'),
    email: z.array(z.email({ message: 'must be an e-mail address such as "oncall@example.com"' })).default([]).describe('E-mail addresses'),
    sms: z
      .array(z.string().regex(E164, { message: 'must be a phone number in E.164 form, such as "+85291234567"' }))
      .default([])
      .describe('Phone numbers for SMS, E.164'),
    webhooks: z
      .array(
        z
          .object({
            kind: z.enum(webhookKinds).describe('Chat platform: slack, teams, dingtalk, feishu, wecom, a generic JSON webhook, or pagerduty (Events API v2)'),
            secretName: z
              .string()
              .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, { message: 'must be a Secrets Manager secret name (letters, digits, /_+=.@-)' })
              .describe('Name of the Secrets Manager secret holding {"url": …, "signingSecret"?: …} (pagerduty: {"routingKey": …, "url"?: …}); never the URL or key itself'),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

/**
 * Route-level throttling of GET /health. Route 53 probes each region from every checker region
 * about every 10 s (a few requests per second in all, two checks per region); 10/s with a burst of
 * 20 leaves room for that and for operators, and keeps a /health flood from costing Lambda money.
 */
export const HEALTH_THROTTLE_DEFAULTS = { rateLimit: 10, burstLimit: 20 } as const;

/**
 * Per-client limits of the AWS WAF rate rules in front of each region's chat API. A person chatting
 * sends a message every few seconds at most; 600 per 5 minutes (2/s sustained) from one address
 * leaves room for a few dozen people behind one office or carrier NAT while one client can take at
 * most 2/s of the shared stage throttle (50/s). `/health`: each Route 53 checker sends one request per
 * check interval (30 per 5 minutes at 10 s); 300 is 10× that, so checkers sharing an address are
 * never blocked, while one abusive client gets at most 1/s of the 10/s /health bucket.
 */
export const PROTECTION_DEFAULTS = { requestsPerClient: 600, healthRequestsPerClient: 300, windowSeconds: 300 } as const;
/** Headroom the /health per-client limit must leave over one Route 53 checker's rate. */
export const HEALTH_CHECKER_HEADROOM = 10;

/** Rollout strategies of a new chatbot version (CodeDeploy's predefined Lambda deployment configurations). */
export const ROLLOUT_STRATEGIES = ['canary-10-percent-5-minutes', 'canary-10-percent-15-minutes', 'linear-10-percent-every-minute', 'all-at-once'] as const;
export type RolloutStrategy = (typeof ROLLOUT_STRATEGIES)[number];

/** Keys of the runbooks an alert links to; one per indicator alarm family plus the response levels. */
export const RUNBOOK_KEYS = [
  'api-latency',
  'function-duration',
  'function-concurrency',
  'function-throttles',
  'table-throttles',
  'api-throttled',
  'traffic-anomaly',
  'client-errors',
  'error-rate',
  'error-budget-burn',
  'function-errors',
  'unhandled-errors',
  'aws-health',
  'endpoint-health',
  'delivery-failure',
  'alerting-heartbeat',
  'response-emergency',
  'response-severe',
  'response-general',
  'restore-validation',
  'restore-silence',
  'dropped-events',
  'blocked-requests',
  'drill-failed',
  'drill-overdue',
  'conversation-canary',
] as const;
export type RunbookKey = (typeof RUNBOOK_KEYS)[number];

const burnRateTier = z
  .object({
    factor: z.number().min(0.1).max(1000).describe('Burn-rate multiplier of the error budget (1 = spend exactly the budget over the SLO period)'),
    longWindowMinutes: z.number().int().min(5).max(7 * 24 * 60).describe('Long window, minutes (one alarm period; at most 7 days, the longest CloudWatch evaluates)'),
    shortWindowMinutes: z.number().int().min(1).max(24 * 60).describe('Short window, minutes (stops the alert soon after the burn ends); must be shorter than the long window'),
  })
  .strict();

const alertingSchema = z
  .object({
    burnRates: z
      .object({ general: burnRateTier, important: burnRateTier, emergency: burnRateTier })
      .strict()
      .default({
        general: { factor: 1, longWindowMinutes: 3 * 24 * 60, shortWindowMinutes: 6 * 60 },
        important: { factor: 6, longWindowMinutes: 6 * 60, shortWindowMinutes: 30 },
        emergency: { factor: 14.4, longWindowMinutes: 60, shortWindowMinutes: 5 },
      })
      .describe('Multiwindow, multi-burn-rate alerts on the 5xx error budget of objectives.availabilityPercent (SRE workbook defaults)'),
    emergencyRepeatMinutes: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(5)
      .describe('Emergency alerts in ALARM are sent again every this many minutes until acknowledged or resolved; also the heartbeat tick'),
    heartbeatSilenceMinutes: z
      .number()
      .int()
      .min(2)
      .max(1440)
      .default(15)
      .describe('The heartbeat alarm fires when the notifier has not ticked for this many minutes'),
    deliveryTimeoutSeconds: z.number().int().min(1).max(30).default(5).describe('Per-attempt timeout of one webhook delivery'),
    deliveryAttempts: z.number().int().min(1).max(5).default(3).describe('Attempts per webhook delivery (exponential backoff between them)'),
    accountConcurrencyLimit: z
      .number()
      .int()
      .min(10)
      .default(1000)
      .describe('Regional Lambda concurrency quota, used as the limit for concurrencyPercent when chatbot.reservedConcurrency is unset'),
    voice: z
      .object({
        originationIdentity: z
          .string()
          .regex(/^arn:aws[a-z-]*:sms-voice:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:(phone-number|pool)\/[A-Za-z0-9_-]+$/, {
            message: 'must be the ARN of an AWS End User Messaging phone number or pool, such as "arn:aws:sms-voice:ap-southeast-1:123456789012:phone-number/phone-0123…" (aws pinpoint-sms-voice-v2 describe-phone-numbers)',
          })
          .describe('Voice-capable origination number (or pool) that places the calls; the notifier may call only from it'),
        phones: z
          .array(z.string().regex(E164, { message: 'must be a phone number in E.164 form, such as "+85291234567"' }))
          .default([])
          .describe('On-call numbers called for emergencies; default: audiences.opsOnCall.sms'),
        language: z.enum(['zh', 'en']).default('zh').describe('Language of the spoken message'),
        voiceId: z.enum(['ZHIYU', 'JOANNA', 'MATTHEW', 'AMY', 'BRIAN', 'EMMA', 'NICOLE', 'RUSSELL', 'IVY', 'KENDRA', 'KIMBERLY', 'SALLI', 'JOEY', 'JUSTIN']).optional().describe('Amazon Polly voice; default ZHIYU (Mandarin) for zh, JOANNA for en'),
        maxPricePerMinute: z
          .string()
          .regex(/^[0-9]{0,2}\.[0-9]{1,5}$/, { message: 'must be US dollars such as "0.10"' })
          .default('0.10')
          .describe('A call that would cost more per minute is not placed (SendVoiceMessage MaxPricePerMinute), US dollars'),
      })
      .strict()
      .optional()
      .describe('Emergency pages also call on-call phones with a spoken message (plan §4.3.1 聲音提示), via AWS End User Messaging SMS and voice'),
    healthEventLevel: levelEnum.default('important').describe('Warning level of AWS Health issues for the services the chatbot uses'),
    contacts: z
      .array(z.string().min(3))
      .optional()
      .describe('Contacts named in every alert (§4.3.3); default: the e-mail addresses and phone numbers of audiences.opsOnCall'),
    runbooks: z
      .partialRecord(z.enum(RUNBOOK_KEYS), z.string().min(1).max(600))
      .default({})
      .describe('Measures to take, per alarm family (shown in every alert); keys not given use the built-in text'),
  })
  .strict()
  .prefault({});

const faqEntry = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'must be lower-case letters, digits and dashes, such as "opening-hours"' }),
    handoff: z.boolean().default(false).describe('Answer, then hand the customer to a human agent (e.g. "talk to a person")'),
  })
  .catchall(faqText)
  .describe('One FAQ entry: id, handoff, and one {questions, answer} block per plan language, keyed by its tag (e.g. en: {...})');

const componentState = z.enum(COMPONENT_STATES);

/**
 * One response level's automatic status-page text and what it means for the chatbot component.
 * Texts left out take the built-in text of each plan language (contracts/languages.ts).
 */
function levelTemplate(chatbot: 'operational' | 'degraded' | 'outage') {
  return z
    .object({
      chatbot: componentState.default(chatbot).describe('State the status page shows for the chatbot while an incident is at this level'),
      title: texts.optional().describe('Incident title on the status page and in notice subjects; default: built-in text'),
      message: texts
        .optional()
        .describe('First automatic update and customer notice; placeholders {level} {start} {scope} {eta} {team} {phone} {chatUrl}; default: built-in text'),
    })
    .strict()
    .prefault({});
}

/** One scheduled maintenance window (issue 15). Times are resolved to UTC after the schema (lib/config/languages.ts). */
const maintenanceWindow = z
  .object({
    id: z.string().regex(MAINTENANCE_ID, { message: 'must be 1-40 lower-case letters, digits or hyphens, starting and ending with a letter or digit, e.g. "db-upgrade-2026-12"' }).describe('Stable id (the CLI cancels or replaces a window by it)'),
    start: z.string().describe('Start: a wall-clock time "2026-12-20T02:00" in timeZone, or an ISO time with offset'),
    end: z.string().describe('End, as start; after start'),
    timeZone: z.string().optional().describe('IANA time zone of start and end; default: the plan\'s timeZone'),
    title: texts.describe('Title on the status page and in the feed, in every plan language'),
    message: texts.optional().describe('What customers should expect, in every plan language'),
    levels: z.array(z.enum(RESPONSE_LEVELS)).min(1).default([...RESPONSE_LEVELS]).describe('Response levels whose composite alarms do not page during the window; incidents of these levels opened in it are marked maintenance'),
    regions: z.array(z.enum(MAINTENANCE_SCOPES)).min(1).default([...MAINTENANCE_SCOPES]).describe('Where alarms are muted: us-east-1 (health checks), primary, standby'),
    components: z.array(z.enum(MAINTENANCE_COMPONENTS)).default(['chatbot']).describe('Components shown as under maintenance while the window runs'),
  })
  .strict();

const incidents = z
  .object({
    confirmationMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(15)
      .describe('Recovery must hold this long before an incident closes; an alarm within it re-opens the same incident (§5.2)'),
    lookbackDays: z.number().int().min(1).max(365).default(30).describe('Incidents the status page history and the publisher consider, days'),
    retentionDays: z.number().int().min(1).max(3650).default(400).describe('How long incident-log entries are kept in the table (TTL), days'),
    historyLength: z.number().int().min(0).max(50).default(5).describe('Closed incidents listed under "recent history" on the status page'),
    noticeMaxAgeMinutes: z
      .number()
      .int()
      .min(1)
      .default(60)
      .describe('Updates older than this are never sent as customer notices (a first deployment does not replay history)'),
    templates: z
      .object({
        general: levelTemplate('operational'),
        severe: levelTemplate('degraded'),
        emergency: levelTemplate('outage'),
      })
      .strict()
      .prefault({})
      .describe('Automatic messages per response level (§5.1: general, severe, emergency), in every plan language'),
    recoveringMessage: texts.optional().describe('Automatic update when every response alarm is OK again (placeholders as in templates); default: built-in text'),
    resolvedMessage: texts.optional().describe('Automatic update when the incident closes; default: built-in text'),
    noEta: texts.optional().describe('Text for {eta} while no expected recovery time is set; default: built-in text'),
    statusPage: z
      .object({
        title: texts.optional().describe('Heading of the status page; default: built-in text'),
        components: z
          .object({
            chatbot: texts.optional().describe('Name of the chatbot component; default: built-in text'),
            agents: texts.optional().describe('Name of the human-agent component; default: built-in text'),
          })
          .strict()
          .prefault({}),
        subscriptions: z
          .object({
            enabled: z.boolean().default(false).describe('Customers may subscribe to the notices by e-mail on the status page (double opt-in, one-click unsubscribe)'),
            from: z
              .email({ message: 'must be an e-mail address such as "status@example.com" (an address or domain identity verified in SES in us-east-1)' })
              .optional()
              .describe('Sender of the subscription mails: an address or domain identity verified in Amazon SES in us-east-1; required when enabled'),
            perIpPerHour: z.number().int().min(1).max(1000).default(SUBSCRIPTION_DEFAULTS.perIpPerHour).describe('Requests to the subscription API per source IP (IPv6: per /64) per hour'),
            mailsPerAddressPerDay: z.number().int().min(1).max(10).default(SUBSCRIPTION_DEFAULTS.mailsPerAddressPerDay).describe('Confirmation mails to one address per day, however often it is subscribed'),
            rateLimit: z.number().int().min(1).max(1000).default(SUBSCRIPTION_DEFAULTS.rateLimit).describe('API Gateway stage throttling of the subscription API: steady requests per second, all callers together'),
            burstLimit: z.number().int().min(1).max(5000).default(SUBSCRIPTION_DEFAULTS.burstLimit).describe('API Gateway stage throttling of the subscription API: burst'),
            configurationSet: z.string().min(1).optional().describe('SES configuration set the mails are sent with (bounce and complaint handling); default: none'),
          })
          .strict()
          .prefault({})
          .superRefine((s, ctx) => {
            if (s.enabled && !s.from) {
              ctx.addIssue({
                code: 'custom',
                path: ['from'],
                message: 'is required when subscriptions.enabled is true: set it to an address verified in SES in us-east-1 (e.g. "status@example.com"), or set enabled: false',
              });
            }
          })
          .describe('E-mail subscriptions to the customer notices (off by default; needs a verified SES sender)'),
        survey: z
          .object({
            enabled: z.boolean().default(SURVEY_DEFAULTS.enabled).describe('Link a satisfaction survey from the status page and the resolved notice after each incident (§10.2)'),
            windowDays: z.number().int().min(1).max(90).default(SURVEY_DEFAULTS.windowDays).describe('Answers are accepted this many days after an incident closes; the report is re-rendered while the window is open'),
            retentionDays: z.number().int().min(1).max(3650).default(SURVEY_DEFAULTS.retentionDays).describe('How long answers are kept (DynamoDB TTL), days; at least windowDays'),
            commentMaxLength: z.number().int().min(0).max(2000).default(SURVEY_DEFAULTS.commentMaxLength).describe('Longest optional comment, characters (0: no comment field)'),
            perAddressPerHour: z.number().int().min(1).max(100).default(SURVEY_DEFAULTS.perAddressPerHour).describe('Answers accepted per hour from one network address (counted by a salted hash kept two hours, never the address)'),
            perIncidentPerHour: z.number().int().min(1).max(100000).default(SURVEY_DEFAULTS.perIncidentPerHour).describe('Answers accepted per hour for one incident, from everyone'),
            rateLimit: z.number().min(1).max(1000).default(SURVEY_DEFAULTS.rateLimit).describe('API Gateway stage throttling of the survey API: steady requests per second'),
            burstLimit: z.number().int().min(1).max(5000).default(SURVEY_DEFAULTS.burstLimit).describe('API Gateway stage throttling of the survey API: burst'),
          })
          .strict()
          .prefault({})
          .refine((s) => s.retentionDays >= s.windowDays, { message: 'retentionDays must be at least windowDays (answers must outlive the window in which reports are re-rendered); raise retentionDays or lower windowDays', path: ['retentionDays'] })
          .describe('Customer-satisfaction survey after an incident (§10.2): rating 1-5 and an optional comment, no personal data'),
      })
      .strict()
      .prefault({})
      .describe('The customer status page (us-east-1, behind CloudFront)'),
  })
  .strict()
  .refine((i) => !i.statusPage.survey.enabled || i.statusPage.survey.windowDays <= i.lookbackDays, {
    message: 'statusPage.survey.windowDays must not exceed lookbackDays (the publisher re-renders a report with late answers only for incidents it still reads); lower windowDays or raise lookbackDays',
    path: ['statusPage', 'survey', 'windowDays'],
  })
  .prefault({})
  .describe('Incidents, customer notices and the status page (§5.2, §7.2, §8.1, §10.3)');

/** How often a live drill runs; §9.2.3 asks for drills at least once a year, so nothing rarer exists. */
export const DRILL_PERIODS = ['month', 'quarter', 'half-year', 'year'] as const;
export type DrillPeriod = (typeof DRILL_PERIODS)[number];
/** Months between two scheduled drills, per period. */
export const DRILL_PERIOD_MONTHS: Record<DrillPeriod, number> = { month: 1, quarter: 3, 'half-year': 6, year: 12 };
export const DRILL_WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export { DRILL_FAULTS };
export type { DrillFault };
/** Defaults of the drills section, stated once (the schema and the docs read them). */
export const DRILL_DEFAULTS = {
  every: 'year' as DrillPeriod,
  month: 3,
  days: ['tue', 'wed', 'thu'] as (typeof DRILL_WEEKDAYS)[number][],
  startHour: 10,
  endHour: 16,
  kind: 'dns-switch' as const,
  maxDurationMinutes: 30,
  holdMinutes: 5,
  audiences: ['opsOnCall'] as ('opsOnCall' | 'customerService' | 'management' | 'partners')[],
  faults: ['replication-pause'] as (typeof DRILL_FAULTS)[number][],
  lambdaExtension: false,
  errorPercentage: 100,
  delayMilliseconds: 3000,
};

const drills = z
  .object({
    enabled: z.boolean().default(true).describe('Run scheduled live drills; false keeps the runner (for `contingency drill run`) but schedules nothing'),
    every: z
      .enum(DRILL_PERIODS, { error: `must be one of ${DRILL_PERIODS.join(', ')}: the plan (§9.2.3) asks for a live drill at least once a year` })
      .default(DRILL_DEFAULTS.every)
      .describe('How often a live drill runs (§9.2.3: at least yearly); an alarm fires when no drill succeeded within this period'),
    month: z.number().int().min(1).max(12).default(DRILL_DEFAULTS.month).describe('Month (1-12) of the first drill of each period; later ones follow every period'),
    window: z
      .object({
        days: z
          .array(z.enum(DRILL_WEEKDAYS))
          .min(1)
          .default(DRILL_DEFAULTS.days)
          .describe('Days of the week a drill may run; the schedule uses the first, in the first week of the month'),
        startHour: z.number().int().min(0).max(23).default(DRILL_DEFAULTS.startHour).describe('First hour (local time) a drill may start'),
        endHour: z.number().int().min(1).max(24).default(DRILL_DEFAULTS.endHour).describe('The drill must be over by this hour (local time)'),
        timeZone: z.string().optional().describe('IANA time zone of the window; default: the plan\'s timeZone'),
      })
      .strict()
      .prefault({})
      .describe('When a drill may run (it is cancelled outside it)'),
    kind: z
      .enum(['dns-switch', 'fault-injection'])
      .default(DRILL_DEFAULTS.kind)
      .describe('dns-switch: invert the primary\'s Route 53 health check so DNS fails over as in a real outage; fault-injection: run the plan\'s AWS FIS experiment (drills.faults) on the primary'),
    faults: z
      .array(z.enum(DRILL_FAULTS))
      .min(1)
      .default(DRILL_DEFAULTS.faults)
      .describe('fault-injection drills: what the FIS experiment injects on the primary, in parallel: lambda-errors (invocations of the chatbot function fail: DNS should fail over), lambda-delay (added start-up delay), replication-pause (the chatbot global table stops replicating); the Lambda faults need fis.lambdaExtension'),
    fis: z
      .object({
        lambdaExtension: z
          .boolean()
          .default(DRILL_DEFAULTS.lambdaExtension)
          .describe('Attach the AWS FIS Lambda extension (a layer, two environment variables and an S3 configuration bucket) to the primary chatbot function; needed by lambda-errors and lambda-delay'),
        errorPercentage: z.number().int().min(1).max(100).default(DRILL_DEFAULTS.errorPercentage).describe('lambda-errors: share of invocations that fail, percent'),
        delayMilliseconds: z.number().int().min(100).max(900000).default(DRILL_DEFAULTS.delayMilliseconds).describe('lambda-delay: start-up delay added to every invocation, milliseconds'),
      })
      .strict()
      .prefault({})
      .describe('AWS FIS settings of fault-injection drills'),
    maxDurationMinutes: z
      .number()
      .int()
      .min(2)
      .max(240)
      .default(DRILL_DEFAULTS.maxDurationMinutes)
      .describe('Longest the fault stays injected before the drill aborts and fails back; also the longest wait for the primary afterwards'),
    holdMinutes: z.number().int().min(0).max(60).default(DRILL_DEFAULTS.holdMinutes).describe('How long the standby keeps serving before fail-back (lets pages and the drill incident be measured)'),
    objectiveMinutes: z.number().min(1).optional().describe('Injection → customers served by the standby, the drill is judged against it; default: objectives.rtoMinutes'),
    audiences: z
      .array(z.enum(['opsOnCall', 'customerService', 'management', 'partners']))
      .min(1)
      .default(DRILL_DEFAULTS.audiences)
      .describe('Audiences told a drill starts, aborts and ends (customers never are); each must be defined in audiences'),
  })
  .strict()
  .prefault({})
  .describe('Live drills (§9.2.2 實戰演練, §9.2.3, §9.3): scheduled failover drills that measure recovery time against the objective');
/** Defaults of the canaries section, stated once (the schema, the construct and the docs read them). */
export const CANARY_DEFAULTS = {
  enabled: true,
  /** Hourly: 730 runs a month per canary, $0.88 at $0.0012 a run (three canaries: $2.63). */
  everyMinutes: 60,
  levels: { region: 'important' as WarningLevel, publicName: 'emergency' as WarningLevel },
  failedRunsToAlarm: 1,
  timeoutSeconds: 30,
  artifactRetentionDays: 14,
};

const canaries = z
  .object({
    enabled: z.boolean().default(CANARY_DEFAULTS.enabled).describe('Build the conversation canaries (one per chatbot region, one on the public name) and their alarms'),
    everyMinutes: z
      .number({ error: 'must be a whole number of minutes from 1 to 60 (CloudWatch Synthetics runs a canary at most once a minute and, by rate, at least once an hour)' })
      .int({ error: 'must be a whole number of minutes from 1 to 60' })
      .min(1, { error: 'must be at least 1 (minute): CloudWatch Synthetics runs a canary at most once a minute' })
      .max(60, { error: 'must be at most 60 (minutes): a rate schedule runs at least once an hour' })
      .default(CANARY_DEFAULTS.everyMinutes)
      .describe('Minutes between two runs of each canary; each run costs $0.0012 (every minute ≈ $52.56 a month per canary, hourly ≈ $0.88)'),
    probe: z
      .object({
        faq: z.string().min(1).optional().describe('Id of the knowledge-base entry whose answer each run expects; default: the first entry'),
        questions: z
          .record(z.string(), z.string().min(1).max(1000))
          .optional()
          .describe('Question sent per plan language; default: the entry\'s first question in that language'),
      })
      .strict()
      .prefault({})
      .describe('The chat turn each run sends in every plan language, and the FAQ answer it must get back'),
    levels: z
      .object({
        region: levelEnum.default(CANARY_DEFAULTS.levels.region).describe('Warning level when the canary of one chatbot region fails'),
        publicName: levelEnum.default(CANARY_DEFAULTS.levels.publicName).describe('Warning level when the canary on the public name fails (customers asking there get no right answer)'),
      })
      .strict()
      .prefault({})
      .describe('Warning levels the canary alarms join'),
    failedRunsToAlarm: z.number().int().min(1).max(10).default(CANARY_DEFAULTS.failedRunsToAlarm).describe('Consecutive failed runs (each already retried once) before the alarm fires'),
    timeoutSeconds: z.number().int().min(10).max(120).default(CANARY_DEFAULTS.timeoutSeconds).describe('Longest one run may take (all languages); each chat turn gets an equal share'),
    artifactRetentionDays: z.number().int().min(1).max(455).default(CANARY_DEFAULTS.artifactRetentionDays).describe('Days run artifacts (logs, results) are kept in the artifacts bucket and in Synthetics'),
  })
  .strict()
  .prefault({})
  .describe('Conversation canaries (CloudWatch Synthetics): a real chat turn in every plan language, checked against the FAQ answer, per region and on the public name');

/** The units of the contingency organisation (plan §2.1): command post, office, technical support, customer service, information security. */
export const ORG_UNITS = ['commandPost', 'office', 'technicalSupport', 'customerService', 'informationSecurity'] as const;
export type OrgUnit = (typeof ORG_UNITS)[number];
export const AUDIENCE_KEYS = ['opsOnCall', 'customerService', 'management', 'partners'] as const;
export type AudienceKey = (typeof AUDIENCE_KEYS)[number];

const orgUnit = z
  .object({
    members: texts.describe('The people or rotas of this unit, e.g. {en: "Commander: chief operating officer; deputy: CTO"}'),
    contacts: z.array(text()).default([]).describe('How to reach them (e-mail, phone, rota tool); default: the e-mail and SMS of the audiences the unit owns'),
    duties: z.array(texts).min(1).describe('What the unit does in an incident (§2.2), one text per duty'),
    audiences: z
      .array(z.enum(AUDIENCE_KEYS))
      .default([])
      .describe('Audiences (§4.3.2) this unit owns: it keeps their recipients current and acts on what they are told; every audience must be owned by a unit'),
  })
  .strict();

/** Risk categories of plan §3.1. */
export const RISK_CATEGORIES = ['technical', 'operational', 'external', 'maintenance', 'legal'] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];

/** Priority (likelihood × impact) from which a risk must name what detects it. */
export const DEFAULT_DETECTION_REQUIRED_FROM = 10;

const score = (what: string) => z.number().int().min(1).max(5).describe(`${what}, 1 (lowest) to 5 (highest)`);

const risk = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, { message: 'must be 2-41 lower-case letters, digits or dashes, starting with a letter, such as "region-outage"' }).describe('Short stable id'),
    category: z.enum(RISK_CATEGORIES).describe('§3.1 category: technical, operational (human error), external (attack, power), maintenance, legal'),
    title: texts.describe('What could happen'),
    likelihood: score('How likely it is (§3.2)'),
    impact: score('How much it hurts customers and the business (§3.2)'),
    detectedBy: z
      .array(z.enum(RUNBOOK_KEYS))
      .default([])
      .describe('Indicators whose alarms detect it (alarm runbook keys such as endpoint-health, error-rate); the document lists the deployed alarms of each'),
    controls: z.array(texts).default([]).describe('What prevents it or limits its harm (§3.3), one text per control'),
  })
  .strict();

/** The plan as the schema reads it, before the text maps are checked against `languages`. */
export const planObjectSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{2,24}$/, {
        message: 'must be 3-25 lower-case letters, digits or dashes, starting with a letter, such as "acme-chat"',
      })
      .describe('Plan name: prefixes stack names and the few physical names that must be shared across regions'),
    title: texts.optional().describe('Plan title for documents and pages (heading of the fallback page); default: built-in "Customer service"'),
    languages: z
      .array(z.string().min(1))
      .min(1)
      .default(DEFAULT_LANGUAGES)
      .describe(
        'Languages customers and operators are spoken to in: BCP 47 tags in canonical form (e.g. en, zh-Hant, zh-Hans, ja); the first is the default. Built-in words exist for zh-Hant, zh-Hans and en (and their regional forms); any other language needs every key of `texts.<tag>`',
      ),
    texts: z
      .record(z.string(), z.partialRecord(z.enum(WORD_KEYS), z.string().min(1)))
      .default({})
      .describe('Fixed words per language (labels, headings, hand-off phrases, alert words), keyed by language tag then word key; built-in languages may override some, any other language must give them all'),
    account: z
      .string()
      .regex(/^\d{12}$/, { message: 'must be a 12-digit AWS account id' })
      .optional()
      .describe('AWS account to deploy to; optional for synth (stacks are then environment-agnostic in account)'),
    timeZone: z.string().default('Asia/Hong_Kong').describe('IANA time zone for times in messages and documents'),
    regions: z
      .object({
        primary: region.describe('Region serving customers normally'),
        standby: region.describe('Warm standby region that takes over on failover'),
      })
      .strict()
      .describe('The two chatbot regions'),
    dns: z
      .object({
        name: dnsName('chat.example.com').describe('The one public name customers use for the chatbot API (case-insensitive; stored lower-case)'),
        statusName: dnsName('status.chat.example.com')
          .refine((v) => v.length <= 64, { message: 'must be at most 64 characters (ACM certificate names)' })
          .optional()
          .describe('Name of the customer status page, in the zone, at most 64 characters (ACM); default: status.<name>'),
        zone: z
          .union([
            z.object({ create: z.literal(true).describe('Create the public hosted zone'), name: dnsName('example.com').describe('Zone name, e.g. example.com') }).strict(),
            z
              .object({
                id: z.string().regex(/^Z[A-Z0-9]{4,32}$/, { message: 'must be a Route 53 hosted zone id such as "Z0123456789ABCDEFGHIJ"' }).describe('Existing hosted zone id'),
                name: dnsName('example.com').describe('Zone name, e.g. example.com'),
              })
              .strict(),
          ], { error: 'must be one of two forms: {create: true, name: "example.com"} to create a public hosted zone, or {id: "Z0123456789ABCDEFGHIJ", name: "example.com"} for an existing one' })
          .describe('Existing hosted zone ({id, name}) or {create: true, name} to create one (the example does)'),
      })
      .strict()
      .describe('Public DNS'),
    chatbot: z
      .object({
        entry: z
          .string()
          .optional()
          .describe('Path (relative to the plan file) of your own bot handler; default: the reference FAQ bot'),
        memoryMb: z.number().int().min(128).max(10240).default(512).describe('Function memory, MB'),
        timeoutSeconds: z.number().int().min(1).max(29).default(10).describe('Function timeout; at most 29 s (API Gateway limit 30 s)'),
        reservedConcurrency: z
          .number()
          .int()
          .min(1)
          .optional()
          .describe('Reserved concurrency; default unset (uses the account pool). Caps cost and protects other functions'),
        provisionedConcurrency: z
          .number()
          .int()
          .min(0)
          .default(0)
          .describe('Provisioned concurrency on the live alias; default 0 (no standing cost)'),
        rollout: z
          .enum(ROLLOUT_STRATEGIES)
          .default('canary-10-percent-5-minutes')
          .describe('How a new bot version reaches the live alias in each region (CodeDeploy), rolled back automatically on the region\'s important chatbot alarms'),
        throttle: z
          .object({
            rateLimit: z.number().int().min(1).default(50).describe('Steady-state requests per second per region'),
            burstLimit: z.number().int().min(1).default(100).describe('Burst bucket size per region'),
            healthRateLimit: z
              .number()
              .int()
              .min(1)
              .default(HEALTH_THROTTLE_DEFAULTS.rateLimit)
              .describe('GET /health requests per second per region, throttled apart from /chat so a flood of chat requests cannot fail the Route 53 health checks'),
            healthBurstLimit: z.number().int().min(1).default(HEALTH_THROTTLE_DEFAULTS.burstLimit).describe('Burst bucket of GET /health per region'),
          })
          .strict()
          .prefault({})
          .describe('API Gateway stage throttling, per region'),
        protection: z
          .object({
            requestsPerClient: z
              .number()
              .int()
              .min(10)
              .max(2_000_000_000)
              .default(PROTECTION_DEFAULTS.requestsPerClient)
              .describe('AWS WAF: most /chat requests one client IP address may send per window (10 to 2,000,000,000); above it, its requests are blocked (403) until its rate falls'),
            healthRequestsPerClient: z
              .number()
              .int()
              .min(10)
              .max(2_000_000_000)
              .default(PROTECTION_DEFAULTS.healthRequestsPerClient)
              .describe(`AWS WAF: most GET /health requests one client IP address may send per window; at least ${HEALTH_CHECKER_HEADROOM}× one Route 53 checker's rate (window ÷ failover.requestIntervalSeconds)`),
            windowSeconds: z
              .union([z.literal(60), z.literal(120), z.literal(300), z.literal(600)], { error: 'must be one of the AWS WAF evaluation windows: 60, 120, 300, 600 (seconds)' })
              .default(PROTECTION_DEFAULTS.windowSeconds)
              .describe('AWS WAF rate-rule evaluation window, seconds: 60, 120, 300 or 600'),
          })
          .strict()
          .prefault({})
          .describe('AWS WAF in front of the chat API in each region: per-client rate limits and AWS managed rules (IP reputation, common rule set, known bad inputs)'),
        logRetentionDays: z
          .union(LOG_RETENTION_DAYS.map((d) => z.literal(d)) as unknown as [z.ZodLiteral<LogRetentionDays>, ...z.ZodLiteral<LogRetentionDays>[]], {
            error: `must be one of the retention periods CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(', ')} (days)`,
          })
          .default(30)
          .describe('CloudWatch Logs retention, days (one of the values CloudWatch accepts)'),
        conversationTtlHours: z.number().int().min(1).max(24 * 90).default(24).describe('How long conversation turns are kept (DynamoDB TTL)'),
        matchThreshold: z.number().min(0.05).max(1).default(0.3).describe('Minimum FAQ similarity to answer; below it the bot hands off to a human'),
        healthToken: z
          .string()
          .regex(/^[A-Za-z0-9_-]{6,64}$/, { message: 'must be 6-64 letters, digits, _ or -' })
          .default('CHATBOT_HEALTHY')
          .describe('Fixed token in a healthy /health body (never in a failing one); Route 53 judges /health by its status code (503 when unhealthy)'),
      })
      .strict()
      .prefault({})
      .describe('The chatbot deployment in each region'),
    objectives: z
      .object({
        availabilityPercent: z.number().min(90).max(99.999).default(99.9).describe('Availability SLO over 30 days'),
        latencyP99Ms: z.number().int().min(50).default(2000).describe('p99 latency objective for /chat'),
        rtoMinutes: z.number().min(1).default(15).describe('Recovery time objective: primary failure → customers served by standby'),
        rpoMinutes: z.number().min(0).default(15).describe('Recovery point objective: most data loss tolerated on restore'),
      })
      .strict()
      .prefault({})
      .describe('Service objectives (§1.2.2); synth fails when the settings cannot meet them'),
    failover: z
      .object({
        requestIntervalSeconds: z
          .union([z.literal(10), z.literal(30)], { error: 'must be 10 or 30 (seconds): the only intervals Route 53 health checks accept' })
          .default(10)
          .describe('Route 53 health-check interval: 10 (fast, extra cost) or 30 seconds'),
        failureThreshold: z.number().int().min(1).max(10).default(3).describe('Consecutive failures before an endpoint is unhealthy'),
        checkerRegions: z
          .array(z.enum(['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1']))
          .min(3)
          .optional()
          .describe('Route 53 checker regions (at least 3); default: all of them'),
        dnsTtlSeconds: z
          .number()
          .int()
          .min(0)
          .max(86400)
          .default(60)
          .describe('TTL of the top failover pair (primary API / standby chain): bounds how long clients keep resolving a failed primary'),
        fallbackTtlSeconds: z
          .number()
          .int()
          .min(0)
          .max(86400)
          .default(60)
          .describe('TTL of the nested failover pair (standby API / human-agent fallback site): bounds how long clients keep resolving a failed standby'),
        alarmEvaluationMinutes: z
          .number()
          .int()
          .min(1)
          .max(60)
          .default(1)
          .describe('Minutes a health check must stay unhealthy before its CloudWatch alarm (us-east-1) fires'),
        fallbackNotice: texts
          .optional()
          .describe('Short notice at the top of the human-agent fallback page; default: built-in "the assistant is unavailable, please contact our agents" (word page.notice)'),
      })
      .strict()
      .prefault({})
      .describe('Route 53 health checks and failover records'),
    widget: z
      .object({
        allowedOrigins: z
          .array(checked(z.string(), originProblems).transform((v) => v.toLowerCase()))
          .min(1)
          .max(WIDGET_MAX_ORIGINS)
          .optional()
          .describe(`Web origins (https://host[:port], no path, no wildcard) whose pages may embed the chat widget: the chat API answers cross-origin requests from these only (CORS), at most ${WIDGET_MAX_ORIGINS}; default: https://<zone name> and https://www.<zone name>`),
        regionNames: z
          .object({
            primary: dnsName('ap-southeast-1.chat.example.com').optional().describe('Own name of the primary region; default: <region>.<dns.name>'),
            standby: dnsName('ap-northeast-1.chat.example.com').optional().describe('Own name of the standby region; default: <region>.<dns.name>'),
          })
          .strict()
          .prefault({})
          .describe('Each region\'s own name in the zone (certificate, custom domain, alias record): the widget calls the regions by these and fails over itself, without waiting for DNS'),
        timeoutSeconds: z
          .number()
          .int()
          .min(1)
          .max(29)
          .default(WIDGET_DEFAULTS.timeoutSeconds)
          .describe('How long the widget waits for one /chat answer before it moves to the other region (API Gateway gives up at 30 s)'),
        probeIntervalSeconds: z
          .number()
          .int()
          .min(10)
          .max(3600)
          .default(WIDGET_DEFAULTS.probeIntervalSeconds)
          .describe('While a widget is off the primary (or in human mode), how often it probes the regions ahead on /health to return'),
      })
      .strict()
      .prefault({})
      .describe('The embeddable chat widget <contingency-chat> (§7.1 online chat) and its client-side failover'),
    handoff: z
      .object({
        teamName: texts.describe('Name of the human customer-service team, per language'),
        phone: checked(z.string(), phoneProblems).describe('Hotline customers can call, international form with the country code (e.g. "+852 3100 0000"); checked with libphonenumber'),
        chatUrl: z.url({ protocol: /^https$/, message: 'must be an https:// URL' }).describe('Online chat with human agents'),
        email: z.email().optional(),
        hours: texts.describe('Opening hours, in words, per language'),
      })
      .strict()
      .describe('Human-agent customer service the bot hands off to (§7.1)'),
    audiences: z
      .object({
        opsOnCall: audience.describe('運維團隊: monitoring, maintenance and response'),
        customerService: audience.optional().describe('業務部門: business operations and customer service'),
        management: audience.optional().describe('管理層: decisions and coordination'),
        partners: audience.optional().describe('外部合作夥伴: business partners'),
      })
      .strict()
      .describe('Who is told about which warning level, over which channels (§4.3.2)'),
    organisation: z
      .object(Object.fromEntries(ORG_UNITS.map((u) => [u, orgUnit.optional()])) as Record<OrgUnit, z.ZodOptional<typeof orgUnit>>)
      .strict()
      .optional()
      .describe('The contingency organisation (§2): command post, office, technical support, customer service, information security, each with its people or rotas, contacts, duties and the audiences it owns; default: the five units of §2 with built-in duties, owning opsOnCall (technical support), customerService, management (command post) and partners (office)'),
    risks: z
      .object({
        detectionRequiredFrom: z
          .number()
          .int()
          .min(1)
          .max(25)
          .default(DEFAULT_DETECTION_REQUIRED_FROM)
          .describe('A risk whose priority (likelihood × impact, 1-25) is at least this must name what detects it (detectedBy)'),
        register: z.array(risk).default([]).describe('The risk register (§3.1-3.2)'),
      })
      .strict()
      .prefault({})
      .describe('Risk register (§3): each risk with its category, likelihood and impact, the alarms that detect it and the controls that mitigate it; default: empty register'),
    thresholds: z
      .object({
        apiLatencyP99Ms: leveled('API p99 latency, ms', { general: 1500, important: 3000, emergency: 6000 }, { min: 1 }),
        errorRatePercent: leveled('5xx share of requests, %', { general: 1, important: 5, emergency: 20 }, { min: 0, max: 100 }),
        throttledRequests: leveled('Throttled requests per 5 minutes', { general: 10, important: 100, emergency: 1000 }, { min: 1, int: true }),
        concurrencyPercent: leveled('Function concurrency as % of its limit', { general: 60, important: 80, emergency: 95 }, { min: 1, max: 100 }),
        functionDurationPercent: leveled('Function p99 duration as % of its timeout', { general: 50, important: 75, emergency: 90 }, { min: 1, max: 100 }),
        functionThrottles: leveled('Function throttles per 5 minutes', { general: 1, important: 10, emergency: 100 }, { min: 1, int: true }),
        tableThrottles: leveled('DynamoDB read+write throttle events per 5 minutes on this region\'s table replica', { general: 1, important: 50, emergency: 500 }, { min: 1, int: true }),
        clientErrorPercent: leveled('4xx share of requests over 5 minutes, % (attack or broken client signal)', { general: 10, important: 25, emergency: 50 }, { min: 0, max: 100 }),
        trafficAnomalyBand: leveled('Width of the anomaly-detection band on request count, standard deviations (surges and sudden drops)', { general: 2, important: 3, emergency: 4 }, { min: 0.5, max: 10 }),
        functionErrors: leveled('Function errors per 5 minutes', { general: 1, important: 10, emergency: 50 }, { min: 1, int: true }),
        blockedRequests: leveled('Requests AWS WAF blocked per 5 minutes in one region (rate limits and managed rules): an attack or abusive client being held off', { general: 100, important: 1000, emergency: 10000 }, { min: 1, int: true }),
        unhandledErrors: leveled('Unhandled errors and timeouts in the function log per 5 minutes (log metric filter)', { general: 1, important: 5, emergency: 25 }, { min: 1, int: true }),
      })
      .strict()
      .prefault({})
      .describe('Warning thresholds per indicator and level (§4.2.2)'),
    alerting: alertingSchema,
    backup: z
      .object({
        snapshotSchedule: checked(z.string(), (v) => cronProblems(v, { example: 'cron(0 3 * * ? *)', hourlyAtMost: true }))
          .default('cron(0 3 * * ? *)')
          .describe('When scheduled snapshots are taken (UTC), in addition to continuous point-in-time recovery'),
        retentionDays: z.number().int().min(1).default(35).describe('Days a snapshot (and each copy of it) is kept'),
        restoreTestSchedule: checked(z.string(), (v) => cronProblems(v, { example: 'cron(0 5 ? * MON *)' }))
          .default('cron(0 5 ? * MON *)')
          .describe('When a restore test runs (UTC); default weekly'),
        restoreTestMaxSilenceDays: z
          .number()
          .int()
          .min(1)
          .default(8)
          .describe('Alarm when no restore test has succeeded for this many days'),
        itemCountTolerancePercent: z
          .number()
          .min(0)
          .max(100)
          .default(1)
          .describe('A restore test fails when the restored item count differs from the source table by more than this share, %'),
        vaultLock: z
          .object({
            mode: z
              .enum(['governance', 'compliance'])
              .default('governance')
              .describe('governance: the lock can be removed by an administrator; compliance: after changeableForDays nobody (not even root) can remove it'),
            minRetentionDays: z.number().int().min(1).max(36500).default(7).describe('Shortest retention a backup or copy into the vault may have'),
            maxRetentionDays: z.number().int().min(1).max(36500).default(365).describe('Longest retention a backup or copy into the vault may have'),
            changeableForDays: z
              .number()
              .int()
              .min(3)
              .max(36500)
              .default(3)
              .describe('Compliance mode only: days after deployment during which the lock can still be changed or removed (at least 3)'),
          })
          .strict()
          .prefault({})
          .describe('AWS Backup Vault Lock on the vault in each region: recovery points cannot be deleted before their retention ends'),
        copyToAccount: z
          .object({
            accountId: z.string().regex(/^\d{12}$/, { message: 'must be a 12-digit AWS account id' }).describe('The other (backup) account'),
            vaultArn: z
              .string()
              .regex(/^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$/, {
                message: 'must be a backup vault ARN such as "arn:aws:backup:ap-east-1:210987654321:backup-vault:acme-chat-offsite"',
              })
              .describe('Vault in that account that accepts copies (its access policy must allow backup:CopyIntoBackupVault from this account)'),
          })
          .strict()
          .optional()
          .describe('Optional: also copy every recovery point to a vault in another AWS account; default: no cross-account copy'),
        sentinelIntervalMinutes: z
          .number()
          .int()
          .min(1)
          .max(60)
          .default(5)
          .describe('How often the sentinel record (timestamp + checksum) is written to the chatbot table; restore tests check it came back'),
        validationWindowHours: z
          .number()
          .int()
          .min(1)
          .max(168)
          .default(2)
          .describe('Hours a restore-test copy exists for validation before AWS Backup deletes it'),
        restoreTestSelectionWindowDays: z
          .number()
          .int()
          .min(1)
          .max(365)
          .default(7)
          .describe('A restore test restores the latest recovery point created within this many days'),
      })
      .strict()
      .prefault({})
      .describe('Backups and restore tests (§6.2)'),
    knowledgeBase: z
      .array(faqEntry)
      .min(1)
      .describe('The FAQ the reference bot answers from, in every plan language'),
    incidents,
    drills,
    canaries,
    maintenance: z.array(maintenanceWindow).default([]).describe('Scheduled maintenance: announced on the status page and in the feed 14 days ahead; the named alarms do not page during it'),
    tags: z
      .record(z.string(), z.string())
      .superRefine((tags, ctx) => {
        for (const [key, value] of Object.entries(tags)) {
          for (const message of tagProblems(key, value)) ctx.addIssue({ code: 'custom', message, path: [key] });
        }
      })
      .default({})
      .describe('Tags added to every resource: keys 1-128 and values up to 256 letters, digits, spaces and _ . : / = + - @; keys must not start with "aws:"'),
  })
  .strict();

/** The plan schema: the object above, then every text resolved over `languages` (missing/extra languages are issues). */
export const planSchema = planObjectSchema.transform(resolveLanguages);

/** A plan as written (defaults not yet applied). */
export type PlanInput = z.input<typeof planSchema>;
/** A plan after validation, with every default applied. */
export type Plan = z.output<typeof planSchema>;
export type Audience = z.output<typeof audience>;
export type AudienceName = keyof Plan['audiences'];
export type { FaqEntry } from './languages';
export type WebhookKind = (typeof webhookKinds)[number];
export const AUDIENCE_NAMES: readonly AudienceName[] = ['opsOnCall', 'customerService', 'management', 'partners'];
