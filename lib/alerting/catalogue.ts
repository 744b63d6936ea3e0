import { LEVEL_LABELS, Plan, RunbookKey, WARNING_LEVELS, WarningLevel } from '../config';

/**
 * The alerting catalogue as data: runbook texts, the indicator families of plan §4.2.1 and which
 * plan threshold each alarm uses, the burn-rate model, and the channels each level reaches. Used
 * by the constructs, the README table and the detection-time model alike.
 */

/** Built-in measures per alarm family; plan `alerting.runbooks` overrides any of them. */
export const DEFAULT_RUNBOOKS: Record<RunbookKey, string> = {
  'api-latency': 'Slow answers. Check function duration and table latency on the dashboard; raise provisioned concurrency or memory if cold starts or CPU dominate; if one dependency is slow, mark the region degraded to hand customers to agents.',
  'function-duration': 'The bot is close to its timeout. Check the logs link for slow calls; raise memory (CPU) or fix the slow dependency before requests start timing out.',
  'function-concurrency': 'Concurrency is near its limit: requests will soon be throttled. Check the traffic graph for a surge or attack; raise reserved concurrency or the account quota, or tighten API throttling.',
  'function-throttles': 'The function is throttled: customers get errors. Raise reserved concurrency or the account quota; check for an abnormal traffic surge.',
  'table-throttles': 'DynamoDB is throttling the chatbot table in this region. Check for a hot key or a bulk job; the table is on-demand, so sustained throttling means a partition limit: spread the keys.',
  'api-throttled': 'The API is returning 429 (stage throttling). A surge or an attack: check sources in the access logs; raise chatbot.throttle only if the traffic is legitimate.',
  'traffic-anomaly': 'Request count left its normal band: a surge (campaign, attack) or a sudden drop (DNS, client or network fault upstream). Compare with the 4xx/429 graphs and the public-name health.',
  'client-errors': 'Many 4xx answers: a broken client release or probing/attack traffic. Check routes and sources in the access logs; block abusive sources at the edge.',
  'error-rate': 'The API returns 5xx. Check the function errors and logs link; roll back the last deployment if it began with it; if the region is failing, mark it degraded so DNS fails over.',
  'error-budget-burn': 'The 5xx error budget is burning faster than the SLO allows. Find the cause in the logs link; roll back, fail over or hand customers to agents before the budget is gone.',
  'function-errors': 'The bot function is failing invocations. Open the logs link for the error type; roll back the last deployment or fix the failing dependency.',
  'unhandled-errors': 'Unhandled errors or timeouts in the bot. Open the logs link; a new error type after a deployment means roll back.',
  'aws-health': 'AWS reports an issue with a service the chatbot uses in this region. Read the event in the Health dashboard; if customers are affected, fail over to the standby region (mark this region degraded).',
  'endpoint-health': 'A public endpoint fails its Route 53 health check. DNS fails over automatically; confirm the standby is serving, then troubleshoot the failed region (plan §5.2, §5.3.2).',
  'delivery-failure': 'Alerts are not reaching a chat channel. Check the notifier logs (kind and secret name are logged), the webhook secret and the platform; e-mail and SMS still work.',
  'alerting-heartbeat': 'The alerting path itself is silent: the notifier has not run. Check the notifier function, its schedule and its errors; until fixed, watch the dashboard by hand.',
  'response-emergency': 'Customers cannot be served (§5.1 emergency). Start the emergency response: command group, human-agent fallback, status page notice with ETA, fix and fail back.',
  'response-severe': 'Part of the service is down or failover is in effect (§5.1 severe). Confirm customers are served by the standby; fix the failed region; publish a notice.',
  'response-general': 'Some customers see a degraded service (§5.1 general). Troubleshoot within working hours; watch for escalation.',
  'restore-validation': 'A scheduled restore test failed: the backup could not be shown to bring the data back (§6.2.1). Read the validator log for the failing check (schema, encryption, item count, sentinel); until a test passes, treat recent recovery points as unproven.',
  'dropped-events': 'Events were dropped into a dead-letter queue (EventBridge could not deliver them, or the function failed on them after its retries): an incident update or a restore-test result may be missing. Read the message (ERROR_CODE/ERROR_MESSAGE attributes, or the Lambda failure record) and the function logs, fix the cause, then redrive the queue.',
  'blocked-requests': 'AWS WAF is blocking many requests in this region (per-client rate limits or AWS managed rules): an attack or an abusive client is being held off. Check which rule blocks (WAF metrics and sampled requests) and whether legitimate customers are among them (many people behind one address can hit the per-client limit); raise chatbot.protection.requestsPerClient only for legitimate traffic.',
  'drill-failed': 'A live drill failed, was aborted or missed its recovery objective (§9.2, §9.3). Read the drill report (drills/ in the report bucket, contingency drill report), check the primary health check is not left inverted (contingency failover fail-back), fix the cause and run the drill again.',
  'drill-overdue': 'No live drill has passed within the plan period (§9.2.3: at least yearly). Check the drill schedule and the last reports; run one with contingency drill run --execute inside the window.',
  'conversation-canary': 'A conversation canary got no right answer: a real chat turn (in one of the plan languages) failed, timed out, handed off or came back in the wrong language or with the wrong FAQ answer. Read the failed run in CloudWatch Synthetics (its log names the language and what differed); compare with the region\'s /health and error alarms. Knowledge base, bot code or the name\'s routing is the likely cause when /health is still fine.',
  'restore-silence': 'No restore test has succeeded within the plan period (§6.2.1). Check the restore-testing plan, recent restore jobs and the watch function; run contingency restore by hand if needed.',
};

/** The runbook text an alert shows for a key: the plan's, else the built-in text. */
export function runbookText(plan: Plan, key: RunbookKey): string {
  return plan.alerting.runbooks[key] ?? DEFAULT_RUNBOOKS[key];
}

/** Indicator families of plan §4.2.1. */
export type IndicatorFamily = 'system load' | 'abnormal traffic' | 'infrastructure fault' | 'software anomaly';

/** A per-level threshold indicator: one alarm per level. */
export interface IndicatorSpec {
  readonly key: RunbookKey;
  readonly family: IndicatorFamily;
  readonly title: string;
  /** The plan threshold it uses. */
  readonly threshold: keyof Plan['thresholds'];
  /** How the plan value is shown and turned into the alarm threshold. */
  readonly unit: string;
}

export const INDICATORS: readonly IndicatorSpec[] = [
  { key: 'api-latency', family: 'system load', title: 'API p99 latency', threshold: 'apiLatencyP99Ms', unit: 'ms' },
  { key: 'function-duration', family: 'system load', title: 'Function p99 duration', threshold: 'functionDurationPercent', unit: '% of timeout' },
  { key: 'function-concurrency', family: 'system load', title: 'Function concurrency', threshold: 'concurrencyPercent', unit: '% of limit' },
  { key: 'function-throttles', family: 'system load', title: 'Function throttles', threshold: 'functionThrottles', unit: '/5 min' },
  { key: 'table-throttles', family: 'system load', title: 'Table throttle events', threshold: 'tableThrottles', unit: '/5 min' },
  { key: 'traffic-anomaly', family: 'abnormal traffic', title: 'Request count outside its anomaly band (surge or drop)', threshold: 'trafficAnomalyBand', unit: 'std dev' },
  { key: 'client-errors', family: 'abnormal traffic', title: 'API 4xx share', threshold: 'clientErrorPercent', unit: '%' },
  { key: 'api-throttled', family: 'abnormal traffic', title: 'API throttled (429) requests', threshold: 'throttledRequests', unit: '/5 min' },
  { key: 'blocked-requests', family: 'abnormal traffic', title: 'Requests blocked by AWS WAF', threshold: 'blockedRequests', unit: '/5 min' },
  { key: 'error-rate', family: 'software anomaly', title: 'API 5xx share', threshold: 'errorRatePercent', unit: '%' },
  { key: 'function-errors', family: 'software anomaly', title: 'Function errors', threshold: 'functionErrors', unit: '/5 min' },
  { key: 'unhandled-errors', family: 'software anomaly', title: 'Unhandled errors and timeouts (log filter)', threshold: 'unhandledErrors', unit: '/5 min' },
];

/** Error budget of the SLO as a fraction of requests (99.9 % → 0.001). */
export function errorBudget(plan: Plan): number {
  return (100 - plan.objectives.availabilityPercent) / 100;
}

/** 5xx share (%) at which a burn-rate tier fires: factor × budget. */
export function burnRateThresholdPercent(plan: Plan, level: WarningLevel): number {
  return Number((plan.alerting.burnRates[level].factor * errorBudget(plan) * 100).toPrecision(6));
}

/**
 * Modelled time from the start of a constant 5xx share `errorFraction` (0..1, steady traffic) to
 * the burn-rate alert of `level` firing, in minutes; undefined if it never fires. Each window is
 * one alarm period ending at evaluation time, so after t minutes a window of W minutes holds the
 * share errorFraction × t / W; it reaches the threshold at t = W × threshold / errorFraction. Both
 * windows must be in ALARM, so the long window decides; CloudWatch evaluates once a minute, so the
 * time rounds up to a whole minute. Metric ingestion delay (typically 1–2 min) is not included.
 */
export function detectionMinutes(plan: Plan, level: WarningLevel, errorFraction: number): number | undefined {
  const t = plan.alerting.burnRates[level];
  const threshold = burnRateThresholdPercent(plan, level) / 100;
  if (errorFraction < threshold) return undefined;
  const exact = Math.max(t.longWindowMinutes, t.shortWindowMinutes) * threshold / errorFraction;
  return Math.max(1, Math.ceil(exact - 1e-9));
}

/** The unrounded crossing time (minutes) behind detectionMinutes, for the README figures. */
export function crossingMinutes(plan: Plan, level: WarningLevel, errorFraction: number): number | undefined {
  const t = plan.alerting.burnRates[level];
  const threshold = burnRateThresholdPercent(plan, level) / 100;
  if (errorFraction < threshold) return undefined;
  return Number(((t.longWindowMinutes * threshold) / errorFraction).toPrecision(6));
}

/** SLO period the error budget is spent over, minutes (30 days). */
export const SLO_PERIOD_MINUTES = 30 * 24 * 60;

/**
 * Share of the 30-day error budget spent by the time a tier fires, whatever the error share:
 * factor × long window / SLO period (SRE workbook: 2%, 5%, 10% for the default tiers).
 */
export function budgetSpentPercent(plan: Plan, level: WarningLevel): number {
  const t = plan.alerting.burnRates[level];
  return Number(((100 * t.factor * t.longWindowMinutes) / SLO_PERIOD_MINUTES).toPrecision(6));
}

/** When an indicator alarm fires at a level, as people read it (recorded in the alarm registry). */
export function thresholdCell(plan: Plan, spec: IndicatorSpec, level: WarningLevel): string {
  const v = plan.thresholds[spec.threshold][level];
  if (spec.key === 'function-duration') return `≥ ${v}% of ${plan.chatbot.timeoutSeconds} s = ${Math.round(plan.chatbot.timeoutSeconds * 10 * v)} ms`;
  if (spec.key === 'function-concurrency') {
    const limit = plan.chatbot.reservedConcurrency ?? plan.alerting.accountConcurrencyLimit;
    return `≥ ${v}% of ${limit} = ${Math.max(1, Math.floor((limit * v) / 100))}`;
  }
  if (spec.key === 'traffic-anomaly') return `outside ±${v} σ band, 3 × 5 min`;
  return `≥ ${v}${spec.unit.startsWith('/') || spec.unit === '%' ? '' : ' '}${spec.unit}`;
}

/** The README table of modelled burn-rate detection times at 100% and 10% errors. */
export function detectionTableMarkdown(plan: Plan): string {
  const lines = ['| level | burn rate | fires at 5xx share | long / short window | at 100% errors | at 10% errors | budget spent when it fires |', '|---|---|---|---|---|---|---|'];
  for (const level of [...WARNING_LEVELS].reverse()) {
    const t = plan.alerting.burnRates[level];
    const cell = (e: number) => {
      const m = crossingMinutes(plan, level, e);
      return m === undefined ? 'never' : `${m} min → alert at ${detectionMinutes(plan, level, e)} min`;
    };
    lines.push(`| ${LEVEL_LABELS[level].zh} ${level} | ${t.factor}× | ${burnRateThresholdPercent(plan, level)}% | ${t.longWindowMinutes} / ${t.shortWindowMinutes} min | ${cell(1)} | ${cell(0.1)} | ${budgetSpentPercent(plan, level)}% of 30 days |`);
  }
  return lines.join('\n');
}
