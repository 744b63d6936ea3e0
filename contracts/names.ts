/**
 * Names that cross the lib/ ↔ lambdas/ boundary: metric namespace and names, custom events, SNS
 * message attributes and resource tags. A construct alarms on or routes by exactly what a function
 * emits because both read the name from here.
 */

/** CloudWatch namespace of every metric the project's functions publish (Powertools EMF) and of its log metric filters. */
export const METRICS_NAMESPACE = 'ChatbotContingency';

/** Powertools service name of each function: its log `service` field and its metrics' `service` dimension. */
export const SERVICES = {
  chatbot: 'chatbot',
  notifier: 'notifier',
  incidents: 'incidents',
  restoreValidator: 'restore-validator',
  restoreWatch: 'restore-watch',
  sentinel: 'backup-sentinel',
  drillRunner: 'drill-runner',
  observer: 'failover-observer',
  subscriptions: 'status-subscriptions',
  survey: 'survey',
} as const;
export type ServiceName = (typeof SERVICES)[keyof typeof SERVICES];

/** Metric names, per emitting service. */
export const METRICS = {
  chatbot: {
    answered: 'Answered',
    handedOff: 'HandedOff',
    /** A conversation canary's turn (header x-contingency-canary): counted here, not in Answered/HandedOff. */
    canaryTurns: 'CanaryTurns',
    /** A /chat request answered although conversation storage failed or timed out. */
    storageFailures: 'ConversationStorageFailures',
  },
  notifier: {
    deliveryFailures: 'DeliveryFailures',
    heartbeat: 'NotifierHeartbeat',
    /** Failed deliveries with dimensions `kind` (a webhook kind, `email-sms` or `voice`) and `audience`. */
    channelFailures: 'ChannelDeliveryFailures',
    /** Events with a malformed part (the alert still went out, naming it) and records that were not SNS notifications. */
    malformedEvents: 'MalformedEvents',
  },
  incidents: { recorded: 'IncidentEventsRecorded', duplicate: 'IncidentEventsDuplicate', noticesSent: 'CustomerNoticesSent' },
  restoreValidator: {
    succeeded: 'RestoreValidationSucceeded',
    failed: 'RestoreValidationFailed',
    durationMinutes: 'RestoreDurationMinutes',
    dataAgeMinutes: 'RestoreDataAgeMinutes',
  },
  restoreWatch: { hoursSinceSuccess: 'HoursSinceRestoreTestSucceeded' },
  sentinel: { written: 'SentinelWritten' },
  /** Per finished drill (dimension-free, us-east-1). */
  drillRunner: {
    /** Injection → first standby answer through the public name, seconds (emitted when measured). */
    measuredRto: 'DrillMeasuredRtoSeconds',
    /** 1 for a drill that ran and passed. */
    succeeded: 'DrillSucceeded',
    /** 1 for a drill that failed, aborted, missed its objective or could not start. */
    failed: 'DrillFailed',
    /** Days since a drill last passed (daily watch; before the first, since the watch started). */
    daysSinceSuccess: 'DaysSinceDrillSucceeded',
  },
  /** Every minute, from each observer region (dimension `ObserverRegion`). */
  observer: {
    /** 1 while the public name is served by the primary, else 0. */
    servedByPrimary: 'ServedByPrimary',
    /** 1 while it is served by the standby, else 0. */
    servedByStandby: 'ServedByStandby',
    /** 1 while no chatbot region answers it (the human-agent fallback, or nothing). */
    servedByNone: 'ServedByNone',
  },
  /** Log metric filters on the chatbot API's access logs and function logs. */
  logs: { apiThrottled: 'ApiThrottled', unhandledErrors: 'UnhandledErrors' },
} as const;

/** The custom event a failover (seen by health checks or run in a drill) is reported with. */
export const FAILOVER_EVENT_SOURCE = 'contingency.failover';
export const FAILOVER_DETAIL_TYPE = 'Failover Observed';

/** Object key prefix of drill reports in the report bucket: `drills/<year>/<drill id>.json|.md`. */
export const DRILL_REPORT_PREFIX = 'drills/';

/**
 * SNS message attribute the notifier sets on the formatted alerts it republishes to a level topic:
 * people's subscriptions receive only messages with it, the notifier only messages without it.
 */
export const FORMATTED_ATTRIBUTE = 'contingency_formatted';

/** Tag every resource of a plan carries; the operator commands find the plan's resources by it. */
export const PLAN_TAG_KEY = 'contingency:plan';
/**
 * Tag that marks a table as holding customer data (value `customer`): the ContingencyChecks rule
 * pack requires such tables to have PITR, a backup selection and a cross-region copy (plan §6.2.1).
 */
export const DATA_CLASS_TAG_KEY = 'contingency:data';
export const CUSTOMER_DATA = 'customer';
/** Tag on every alarm naming its warning level (§4.2.3): general, important or emergency. */
export const WARNING_LEVEL_TAG_KEY = 'contingency:warning-level';
/** Tag on each endpoint health check naming its endpoint (primary, standby). */
export const ENDPOINT_TAG_KEY = 'contingency:endpoint';

/**
 * Physical names derived from the plan's name, where a CloudFormation reference would make a
 * cycle (see README "Design decisions"). The stacks create them and the operator commands find
 * them by these names.
 */
export const PHYSICAL_NAMES = {
  /** The chatbot global table, shared by both regions' replicas. */
  chatbotTable: (planName: string) => `${planName}-chatbot`,
  /** The incident global table, shared by its replicas in every region. */
  incidentTable: (planName: string) => `${planName}-incidents`,
  /** The backup vault, the same in both regions so each can name the other's. */
  backupVault: (planName: string) => `${planName}-backup`,
} as const;

/** What a `fault-injection` drill injects with AWS FIS on the primary (one experiment template, these actions in parallel). */
export const DRILL_FAULTS = ['lambda-errors', 'lambda-delay', 'replication-pause'] as const;
export type DrillFault = (typeof DRILL_FAULTS)[number];
/** AWS FIS action of each drill fault (AWS FIS actions reference). */
export const FIS_ACTIONS: Record<DrillFault, string> = {
  'lambda-errors': 'aws:lambda:invocation-error',
  'lambda-delay': 'aws:lambda:invocation-add-delay',
  'replication-pause': 'aws:dynamodb:global-table-pause-replication',
};
/**
 * Tag on the plan's drill experiment template and on every experiment the drill runner starts
 * (value: the plan name): the runner finds the template by it and may start, read and stop only
 * what carries it.
 */
export const DRILL_FAULTS_TAG_KEY = 'contingency:drill-faults';
/** Object key prefix of AWS FIS experiment reports in the report bucket. */
export const FIS_REPORT_PREFIX = `${DRILL_REPORT_PREFIX}fis/`;
/** Key prefix in the FIS Lambda extension's configuration bucket (AWS_FIS_CONFIGURATION_LOCATION). */
export const FIS_CONFIG_PREFIX = 'FisConfigs/';
/**
 * Header a conversation canary sends with each chat turn (lambdas/canary): the reference bot counts
 * those turns as CanaryTurns instead of customer answers.
 */
export const CANARY_HEADER = 'x-contingency-canary';
