import { Lazy, Stack, Token } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct, IConstruct } from 'constructs';
import type { RunbookKey, WarningLevel } from '../config';

/**
 * The one alarm registry. Every alarm (and the one event rule that raises a warning, AWS Health)
 * the constructs add is recorded once on its construct as metadata of this type, with its level,
 * indicator and title. Synthesis writes the records into the cloud assembly (the stacks'
 * metadata), and `readAlarmRegistry` reads them back: the README tables and the plan document are
 * generated from what was synthesized, not from the plan. The dashboards read the same records from
 * the construct tree when they are synthesized (`registeredAlarms`).
 */
export const ALARM_RECORD_TYPE = 'contingency:alarm';

/** Where an alarm's state goes. */
export type AlarmRoute =
  /** The warning-level topic (and through it every audience of the level). */
  | 'level'
  /** The alerting path's own alarms: e-mail/SMS to the ops on-call directly, bypassing the notifier. */
  | 'ops-direct'
  /** No action of its own: an input of a composite alarm that is routed. */
  | 'composite-input';

export type AlarmKind = 'metric' | 'metric-math' | 'anomaly-band' | 'composite' | 'event-rule';

/** Indicator families (plan §4.2.1) and the other groups alarms belong to. */
export const ALARM_FAMILIES = ['system load', 'abnormal traffic', 'infrastructure fault', 'software anomaly', 'data protection', 'drills', 'alerting path', 'response level'] as const;
export type AlarmFamily = (typeof ALARM_FAMILIES)[number];

/** The family of each alarm kind, by its indicator (runbook key). */
export const FAMILY_OF: Record<RunbookKey, AlarmFamily> = {
  'api-latency': 'system load',
  'function-duration': 'system load',
  'function-concurrency': 'system load',
  'function-throttles': 'system load',
  'table-throttles': 'system load',
  'api-throttled': 'abnormal traffic',
  'traffic-anomaly': 'abnormal traffic',
  'blocked-requests': 'abnormal traffic',
  'drill-failed': 'drills',
  'drill-overdue': 'drills',
  'conversation-canary': 'software anomaly',
  'client-errors': 'abnormal traffic',
  'error-rate': 'software anomaly',
  'error-budget-burn': 'software anomaly',
  'function-errors': 'software anomaly',
  'unhandled-errors': 'software anomaly',
  'aws-health': 'infrastructure fault',
  'endpoint-health': 'infrastructure fault',
  'delivery-failure': 'alerting path',
  'alerting-heartbeat': 'alerting path',
  'dropped-events': 'alerting path',
  'restore-validation': 'data protection',
  'restore-silence': 'data protection',
  'response-emergency': 'response level',
  'response-severe': 'response level',
  'response-general': 'response level',
};

/** One registered alarm, as written into the assembly. */
export interface AlarmRecord {
  /** Construct path of the alarm (without the leading slash). */
  readonly path: string;
  /** Logical id of the CloudFormation resource. */
  readonly logicalId: string;
  readonly stack: string;
  readonly region: string;
  /** The warning level it is routed to, or for a composite input the level of the composite it feeds. */
  readonly level?: WarningLevel;
  readonly route: AlarmRoute;
  readonly indicator: RunbookKey;
  readonly family: AlarmFamily;
  /** Title without the threshold (what the alarm watches). */
  readonly title: string;
  readonly kind: AlarmKind;
  /** When it fires, as people read it (e.g. "≥ 1500 ms", "unhealthy"). */
  readonly condition: string;
  /** The CloudFormation threshold, for metric alarms. */
  readonly threshold?: number;
}

export interface RecordAlarmOptions {
  readonly level?: WarningLevel;
  readonly route: AlarmRoute;
  readonly indicator: RunbookKey;
  readonly title: string;
  /** @default - read from the alarm at synth (comparison, threshold, datapoints × period) */
  readonly condition?: string;
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

/** "≥ 1 over 2/2 × 3600 s" from a synthesized metric alarm. */
function describeCfnAlarm(cfn: cw.CfnAlarm): string {
  const op = OPERATORS[String(cfn.comparisonOperator)] ?? String(cfn.comparisonOperator);
  const queries = (cfn.metrics ?? []) as { returnData?: boolean; period?: number; metricStat?: { period?: number } }[];
  const returned = queries.find((m) => m.returnData !== false);
  const period = cfn.period ?? returned?.metricStat?.period ?? returned?.period ?? queries.find((m) => m.metricStat?.period)?.metricStat?.period;
  const periods = `${cfn.datapointsToAlarm ?? cfn.evaluationPeriods}/${cfn.evaluationPeriods}`;
  const threshold = cfn.threshold !== undefined ? ` ${cfn.threshold}` : '';
  return `${op}${threshold} in ${periods} × ${period ?? '?'} s`;
}

function kindOf(target: IConstruct): AlarmKind {
  const cfn = target.node.defaultChild;
  if (cfn instanceof cw.CfnCompositeAlarm) return 'composite';
  if (cfn instanceof cw.CfnAlarm) {
    if (cfn.thresholdMetricId) return 'anomaly-band';
    return cfn.metrics ? 'metric-math' : 'metric';
  }
  return 'event-rule';
}

/**
 * Records an alarm (or a warning event rule) in the registry. Each construct is recorded once: a
 * second record is a construct bug and throws.
 */
export function recordAlarm(target: Construct, options: RecordAlarmOptions): void {
  if (target.node.metadata.some((m) => m.type === ALARM_RECORD_TYPE)) {
    throw new Error(`${target.node.path}: the alarm is already in the alarm registry; record each alarm once (Alerting.addAlarm records it)`);
  }
  const stack = Stack.of(target);
  const cfn = target.node.defaultChild as cw.CfnAlarm | cw.CfnCompositeAlarm | undefined;
  const resource = cfn ?? (target.node.children.find((c) => (c as { cfnResourceType?: string }).cfnResourceType) as cw.CfnAlarm | undefined);
  if (!resource) throw new Error(`${target.node.path}: has no CloudFormation resource to record in the alarm registry`);
  const condition =
    options.condition ??
    (resource instanceof cw.CfnAlarm ? Lazy.string({ produce: () => describeCfnAlarm(resource) }) : 'composite rule');
  const record = {
    path: target.node.path,
    logicalId: stack.getLogicalId(resource),
    stack: stack.stackName,
    region: Token.isUnresolved(stack.region) ? '(any)' : stack.region,
    ...(options.level ? { level: options.level } : {}),
    route: options.route,
    indicator: options.indicator,
    family: FAMILY_OF[options.indicator],
    title: options.title,
    kind: kindOf(target),
    condition,
    ...(resource instanceof cw.CfnAlarm ? { threshold: Lazy.any({ produce: () => (resource as cw.CfnAlarm).threshold }) } : {}),
  };
  target.node.addMetadata(ALARM_RECORD_TYPE, record);
}

/** Every record of the registry in a synthesized cloud assembly, in stack then construct order. */
export function readAlarmRegistry(assembly: cxapi.CloudAssembly): AlarmRecord[] {
  const out: AlarmRecord[] = [];
  for (const stack of assembly.stacks) {
    for (const entry of stack.findMetadataByType(ALARM_RECORD_TYPE)) out.push(entry.data as unknown as AlarmRecord);
  }
  return out;
}

/** A registered alarm found in the construct tree, with what the registry says about it. */
export type RegisteredAlarm = Pick<AlarmRecord, 'region' | 'level' | 'route' | 'indicator' | 'family' | 'title'> & { readonly alarm: cw.AlarmBase };

/**
 * The alarms recorded in the registry under `scope` (construct order), read from the construct tree
 * (for what is built at synth, such as the dashboards); `region` keeps those of one region. Event
 * rules (AWS Health) are records too but no alarm, and are left out.
 */
export function registeredAlarms(scope: IConstruct, region?: string): RegisteredAlarm[] {
  const out: RegisteredAlarm[] = [];
  for (const c of scope.node.findAll()) {
    if (!(c instanceof cw.AlarmBase)) continue;
    const m = c.node.metadata.find((x) => x.type === ALARM_RECORD_TYPE);
    if (!m) continue;
    const r = m.data as { region: string; level?: WarningLevel; route: AlarmRoute; indicator: RunbookKey; family: AlarmFamily; title: string };
    const stackRegion = Stack.of(c).region;
    if (region !== undefined && stackRegion !== region) continue;
    out.push({ alarm: c, region: r.region, ...(r.level ? { level: r.level } : {}), route: r.route, indicator: r.indicator, family: r.family, title: r.title });
  }
  return out;
}
