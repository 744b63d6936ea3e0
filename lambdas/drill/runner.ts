import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetHealthCheckCommand, Route53Client, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { FisClient, GetExperimentCommand, ListExperimentsCommand, ListExperimentTemplatesCommand, StartExperimentCommand, StopExperimentCommand } from '@aws-sdk/client-fis';
import { DRILL_FAULTS_TAG_KEY, DRILL_REPORT_PREFIX, STATUS_OBJECT_KEY, WARNING_LEVELS } from '../../contracts';
import type { Texts } from '../../contracts/languages';
import {
  abort,
  advance,
  DrillEffect,
  DrillReport,
  DrillSettings,
  DrillState,
  ExperimentStatus,
  fillTemplate,
  isFinished,
  Observation,
  recordExperiment,
  renderReportMarkdown,
  Signals,
  startDrill,
  Step,
} from '../../ops/drill/machine';
import { IncidentStore } from '../incidents/store';
import { ProbePorts, probePublicName } from './probe';

/**
 * The drill runner's steps, called by thin Lambda handlers from the Step Functions loop: observe
 * (Route 53, CloudWatch alarms in three regions, status.json, the incident log, the public name),
 * feed the pure machine (ops/drill/machine.ts), execute its effects (announce, invert or restore
 * the plan's primary health check, mark the drill in the incident log, write the report).
 */
export interface RegionalAlarm {
  readonly region: string;
  readonly name: string;
}

export interface RunnerConfig {
  readonly planName: string;
  readonly settings: DrillSettings;
  readonly publicName: string;
  readonly targets: { readonly primary: string; readonly standby: string };
  readonly primaryHealthCheckId: string;
  readonly alarms: {
    readonly primaryHealth: RegionalAlarm;
    readonly standbyHealth: RegionalAlarm;
    readonly emergency: readonly RegionalAlarm[];
    readonly burnRate: readonly RegionalAlarm[];
    readonly levels: Readonly<Record<'general' | 'important' | 'emergency', readonly RegionalAlarm[]>>;
  };
  readonly incidentTable: string;
  /** Retention of incident-log entries, days (plan incidents.retentionDays). */
  readonly incidentRetentionDays: number;
  readonly statusBucket: string;
  readonly reportBucket: string;
  readonly announceTopicArn: string;
  /** fault-injection drills: region of the plan's FIS experiment template (found by its tag). */
  readonly faults?: { readonly region: string };
}

/** Announcement templates per plan language (bundled as drill-words.json). */
export interface DrillWords {
  readonly languages: readonly string[];
  readonly templates: Readonly<Record<'start' | 'abort' | 'end' | 'cancelled', Texts>> & {
    /** The start announcement of a fault-injection drill (nothing is taken out of DNS). */
    readonly 'start-faults'?: Texts;
  };
}

export interface RunnerDeps {
  readonly route53: Route53Client;
  readonly cloudwatch: (region: string) => CloudWatchClient;
  readonly s3: S3Client;
  readonly ddb: DynamoDBClient;
  readonly sns: SNSClient;
  readonly probe: ProbePorts;
  readonly now: () => string;
  /** AWS FIS in a region (fault-injection drills). */
  readonly fis?: (region: string) => FisClient;
}

/** What a tick hands back to Step Functions (and takes in). */
export interface TickPayload {
  readonly drillId: string;
  readonly state?: DrillState;
  readonly waitSeconds?: number;
  readonly finished?: boolean;
  readonly passed?: boolean;
}

type AlarmReading = { state: string; since: string };

async function readAlarms(deps: RunnerDeps, alarms: readonly RegionalAlarm[]): Promise<Map<string, AlarmReading>> {
  const out = new Map<string, AlarmReading>();
  const byRegion = new Map<string, string[]>();
  for (const a of alarms) byRegion.set(a.region, [...(byRegion.get(a.region) ?? []), a.name]);
  await Promise.all(
    [...byRegion].map(async ([region, names]) => {
      const unique = [...new Set(names)];
      for (let i = 0; i < unique.length; i += 100) {
        const res = await deps.cloudwatch(region).send(new DescribeAlarmsCommand({ AlarmNames: unique.slice(i, i + 100), AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
        for (const a of [...(res.MetricAlarms ?? []), ...(res.CompositeAlarms ?? [])]) {
          out.set(`${region}/${a.AlarmName}`, { state: a.StateValue ?? 'INSUFFICIENT_DATA', since: (a.StateUpdatedTimestamp ?? new Date(0)).toISOString() });
        }
      }
    }),
  );
  for (const a of alarms) {
    if (!out.has(`${a.region}/${a.name}`)) throw new Error(`alarm ${a.name} not found in ${a.region}: are all the plan's stacks deployed?`);
  }
  return out;
}

async function openIncident(deps: RunnerDeps, bucket: string): Promise<boolean> {
  try {
    const res = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: STATUS_OBJECT_KEY }));
    const doc = JSON.parse(await res.Body!.transformToString()) as { current?: unknown };
    return Boolean(doc.current);
  } catch (e) {
    if ((e as Error).name === 'NoSuchKey') return false;
    throw e;
  }
}

/** Reads everything the machine needs at one moment. */
export async function observe(cfg: RunnerConfig, deps: RunnerDeps, state: DrillState): Promise<Observation> {
  const a = cfg.alarms;
  const levelAlarms = WARNING_LEVELS.flatMap((l) => a.levels[l]);
  const [alarms, hc, incident, probe] = await Promise.all([
    readAlarms(deps, [a.primaryHealth, a.standbyHealth, ...a.emergency, ...a.burnRate, ...levelAlarms]),
    deps.route53.send(new GetHealthCheckCommand({ HealthCheckId: cfg.primaryHealthCheckId })),
    openIncident(deps, cfg.statusBucket),
    probePublicName(cfg.publicName, state.settings.regions, deps.probe, cfg.targets),
  ]);
  const time = deps.now();
  const inAlarm = (x: RegionalAlarm) => alarms.get(`${x.region}/${x.name}`)?.state === 'ALARM';
  const inverted = hc.HealthCheck?.HealthCheckConfig?.Inverted ?? false;
  const signals: Record<string, string> = {};
  if (state.injectedAt) {
    for (const level of WARNING_LEVELS) {
      const times = a.levels[level].filter(inAlarm).map((x) => alarms.get(`${x.region}/${x.name}`)!.since).sort();
      if (times.length) signals[level] = times[0];
    }
    // The first page: the earliest paging alarm (a warning level or a response level) that went to
    // ALARM; its action publishes to the warning topic at that moment, and the notifier pages from it.
    const paging = [...levelAlarms, ...a.emergency, ...a.burnRate].filter(inAlarm).map((x) => alarms.get(`${x.region}/${x.name}`)!.since).sort();
    if (paging.length) signals.firstPage = paging[0];
    if (probe.resolvedTo === 'standby') signals.dnsSwitched = time;
    const store = new IncidentStore(deps.ddb, cfg.incidentTable, 1);
    const { events } = await store.load(state.injectedAt);
    const opened = events.filter((e) => e.kind === 'alarm' && e.state === 'ALARM').map((e) => e.time).sort()[0];
    const noticed = events.filter((e) => e.kind === 'notice' && e.time >= state.injectedAt!).map((e) => e.time).sort()[0];
    if (opened) signals.incidentOpened = opened;
    if (noticed) signals.customerNotice = noticed;
  }
  return {
    time,
    // Before injection the primary is healthy only when its alarm is OK and nobody inverted its check.
    primaryHealthy: !inAlarm(a.primaryHealth) && (state.injectedAt ? true : !inverted),
    standbyHealthy: !inAlarm(a.standbyHealth),
    ...(probe.servingRegion ? { servingRegion: probe.servingRegion } : {}),
    openIncident: incident,
    emergencyLevel: a.emergency.some(inAlarm),
    burnRate: a.burnRate.some(inAlarm),
    signals: signals as Signals,
    ...(state.experimentId && cfg.faults ? { experiment: await readExperiment(cfg, deps, state.experimentId) } : {}),
  };
}

function fisClient(cfg: RunnerConfig, deps: RunnerDeps): FisClient {
  if (!cfg.faults || !deps.fis) throw new Error('this drill runner has no AWS FIS experiment configured (drills.kind is not fault-injection in the deployed plan)');
  return deps.fis(cfg.faults.region);
}

async function readExperiment(cfg: RunnerConfig, deps: RunnerDeps, id: string): Promise<{ status: ExperimentStatus; reason?: string }> {
  const x = (await fisClient(cfg, deps).send(new GetExperimentCommand({ id }))).experiment;
  return { status: (x?.state?.status ?? 'failed') as ExperimentStatus, ...(x?.state?.reason ? { reason: x.state.reason } : {}) };
}

/** The plan's experiment template: the one tagged DRILL_FAULTS_TAG_KEY = plan name in the drill region. */
export async function findTemplate(cfg: RunnerConfig, deps: RunnerDeps): Promise<string> {
  const fis = fisClient(cfg, deps);
  const found: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await fis.send(new ListExperimentTemplatesCommand({ ...(nextToken ? { nextToken } : {}) }));
    for (const t of page.experimentTemplates ?? []) if (t.id && t.tags?.[DRILL_FAULTS_TAG_KEY] === cfg.planName) found.push(t.id);
    nextToken = page.nextToken;
  } while (nextToken);
  if (found.length !== 1) {
    throw new Error(`expected one FIS experiment template tagged ${DRILL_FAULTS_TAG_KEY}=${cfg.planName} in ${cfg.faults!.region}, found ${found.length}${found.length ? ` (${found.join(', ')})` : ': is the primary stack deployed with drills.kind fault-injection?'}`);
  }
  return found[0];
}

/** Starts the plan's experiment, tagged with the plan (the only experiments the runner may read and stop). */
async function startExperiment(cfg: RunnerConfig, deps: RunnerDeps, drillId: string): Promise<string> {
  const experimentTemplateId = await findTemplate(cfg, deps);
  const res = await fisClient(cfg, deps).send(new StartExperimentCommand({ experimentTemplateId, clientToken: drillId.slice(0, 64), tags: { [DRILL_FAULTS_TAG_KEY]: cfg.planName, drill: drillId.slice(0, 256) } }));
  if (!res.experiment?.id) throw new Error(`AWS FIS started no experiment from template ${experimentTemplateId}`);
  return res.experiment.id;
}

const ACTIVE: readonly string[] = ['pending', 'initiating', 'running'];

/** Stops an experiment that is still active; true when a stop was asked for. */
async function stopExperiment(cfg: RunnerConfig, deps: RunnerDeps, id: string): Promise<boolean> {
  const x = await readExperiment(cfg, deps, id);
  if (!ACTIVE.includes(x.status)) return false;
  await fisClient(cfg, deps).send(new StopExperimentCommand({ id }));
  return true;
}

/** Stops every active experiment of this plan (the safety net, and an abort whose state lost the id). */
export async function stopPlanExperiments(cfg: RunnerConfig, deps: RunnerDeps): Promise<string[]> {
  const fis = fisClient(cfg, deps);
  const stopped: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await fis.send(new ListExperimentsCommand({ ...(nextToken ? { nextToken } : {}) }));
    for (const x of page.experiments ?? []) {
      if (!x.id || x.tags?.[DRILL_FAULTS_TAG_KEY] !== cfg.planName || !ACTIVE.includes(x.state?.status ?? '')) continue;
      await fis.send(new StopExperimentCommand({ id: x.id }));
      stopped.push(x.id);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return stopped;
}

/** Object keys of a drill's report. */
export function drillReportKeys(drillId: string, startedAt: string): { json: string; markdown: string } {
  const base = `${DRILL_REPORT_PREFIX}${startedAt.slice(0, 4)}/${drillId}`;
  return { json: `${base}.json`, markdown: `${base}.md` };
}

async function setInverted(cfg: RunnerConfig, deps: RunnerDeps, inverted: boolean): Promise<void> {
  await deps.route53.send(new UpdateHealthCheckCommand({ HealthCheckId: cfg.primaryHealthCheckId, Inverted: inverted }));
}

/**
 * Executes the machine's effects in order; returns the state (with the experiment id once a
 * fault-injection drill started one) and the report when one was written.
 */
export async function execute(cfg: RunnerConfig, deps: RunnerDeps, words: DrillWords, drillId: string, input: DrillState, effects: readonly DrillEffect[]): Promise<{ state: DrillState; report?: DrillReport }> {
  let report: DrillReport | undefined;
  let state = input;
  const faults = state.settings.kind === 'fault-injection';
  const store = new IncidentStore(deps.ddb, cfg.incidentTable, cfg.incidentRetentionDays);
  const mark = (phase: 'start' | 'end', time: string) => store.append({ kind: 'drill', id: `drill#${drillId}#${phase}`, time, phase, drill: drillId });
  for (const e of effects) {
    switch (e.type) {
      case 'announce': {
        const t = (faults && e.what === 'start' && words.templates['start-faults']) || words.templates[e.what];
        const body = words.languages.map((l) => fillTemplate(t[l] ?? e.text, e.params)).join('\n\n');
        // The drill marker goes into the incident log before anything is injected, so incidents it causes are drills.
        if (e.what === 'start') await mark('start', state.announcedAt ?? deps.now());
        await deps.sns.send(new PublishCommand({ TopicArn: cfg.announceTopicArn, Subject: `[DRILL] ${cfg.planName}: ${e.what}`.slice(0, 100), Message: body }));
        break;
      }
      case 'inject':
        if (faults) state = recordExperiment(state, await startExperiment(cfg, deps, drillId));
        else await setInverted(cfg, deps, true);
        break;
      case 'fail-back':
        if (faults) {
          if (state.experimentId) await stopExperiment(cfg, deps, state.experimentId);
        } else await setInverted(cfg, deps, false);
        break;
      case 'report': {
        report = e.report;
        const keys = drillReportKeys(drillId, state.startedAt);
        await deps.s3.send(new PutObjectCommand({ Bucket: cfg.reportBucket, Key: keys.json, Body: JSON.stringify(e.report, null, 2), ContentType: 'application/json' }));
        await deps.s3.send(new PutObjectCommand({ Bucket: cfg.reportBucket, Key: keys.markdown, Body: renderReportMarkdown(e.report, cfg.planName), ContentType: 'text/markdown; charset=utf-8' }));
        if (e.report.passed) {
          await deps.s3.send(new PutObjectCommand({ Bucket: cfg.reportBucket, Key: LAST_SUCCESS_KEY, Body: JSON.stringify({ drillId, finishedAt: state.finishedAt, report: keys.json }), ContentType: 'application/json' }));
        }
        break;
      }
    }
  }
  // Every drill that was marked as started is marked as ended (also when cancelled after the announcement).
  if (isFinished(state) && state.announcedAt) await mark('end', state.finishedAt ?? deps.now());
  return { state, ...(report ? { report } : {}) };
}

function payload(drillId: string, step: Step, report?: DrillReport): TickPayload & { report?: DrillReport } {
  return {
    drillId,
    state: step.state,
    // Step Functions Wait needs at least 1 s.
    waitSeconds: Math.max(1, Math.round(step.waitSeconds)),
    finished: isFinished(step.state),
    ...(isFinished(step.state) ? { passed: step.state.phase === 'done' && (report?.passed ?? false) } : {}),
    ...(report ? { report } : {}),
  };
}

/** One loop iteration: observe, advance, execute. Starts the drill when the payload has no state yet. */
export async function tick(cfg: RunnerConfig, deps: RunnerDeps, words: DrillWords, input: TickPayload): Promise<TickPayload & { report?: DrillReport }> {
  const state = input.state ?? startDrill(cfg.settings, deps.now());
  const step = advance(state, await observe(cfg, deps, state));
  const done = await execute(cfg, deps, words, input.drillId, step.state, step.effects);
  return payload(input.drillId, { ...step, state: done.state }, done.report);
}

/**
 * The Step Functions Catch path: the runner failed (or an operator stopped it). Restores the
 * primary's health check first, whatever the state says, then records the abort.
 */
export async function abortDrill(cfg: RunnerConfig, deps: RunnerDeps, words: DrillWords, input: TickPayload, reason: string): Promise<TickPayload & { report?: DrillReport }> {
  await setInverted(cfg, deps, false);
  // fault-injection: every active experiment of the plan is stopped (also one whose id the state lost).
  if (cfg.faults && cfg.settings.kind === 'fault-injection') await stopPlanExperiments(cfg, deps);
  const state = input.state ?? startDrill(cfg.settings, deps.now());
  const step = abort(state, 'runner-error', reason.slice(0, 300), deps.now());
  // Fail-back already done above; the rest (announce, report) as the machine says.
  const done = await execute(cfg, deps, words, input.drillId, step.state, step.effects.filter((e) => e.type !== 'fail-back'));
  return payload(input.drillId, { ...step, state: done.state }, done.report);
}

/** The safety net (an execution that failed, timed out or was stopped): the primary's check is restored. */
export async function safetyFailBack(cfg: RunnerConfig, deps: RunnerDeps): Promise<{ restored: boolean; stoppedExperiments?: string[] }> {
  const stoppedExperiments = cfg.faults && cfg.settings.kind === 'fault-injection' ? await stopPlanExperiments(cfg, deps) : undefined;
  const extra = stoppedExperiments ? { stoppedExperiments } : {};
  const hc = await deps.route53.send(new GetHealthCheckCommand({ HealthCheckId: cfg.primaryHealthCheckId }));
  if (!hc.HealthCheck?.HealthCheckConfig?.Inverted) return { restored: Boolean(stoppedExperiments?.length), ...extra };
  await setInverted(cfg, deps, false);
  return { restored: true, ...extra };
}

/** The last passed drill (written by the runner) and the watch's own start (when no drill passed yet). */
export const LAST_SUCCESS_KEY = `${DRILL_REPORT_PREFIX}last-success.json`;
export const WATCH_SINCE_KEY = `${DRILL_REPORT_PREFIX}watch-since.json`;

async function readJson(deps: RunnerDeps, bucket: string, key: string): Promise<Record<string, unknown> | undefined> {
  try {
    const res = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse(await res.Body!.transformToString()) as Record<string, unknown>;
  } catch (e) {
    if ((e as Error).name === 'NoSuchKey') return undefined;
    throw e;
  }
}

/**
 * Days since a drill last passed, for the "no successful drill within the period" alarm (a
 * CloudWatch alarm cannot look back a year). Before any drill passed it counts from the watch's
 * first run, which it records.
 */
export async function daysSinceSuccess(cfg: RunnerConfig, deps: RunnerDeps): Promise<{ days: number; since: string; kind: 'success' | 'watch-start' }> {
  const now = Date.parse(deps.now());
  const last = await readJson(deps, cfg.reportBucket, LAST_SUCCESS_KEY);
  let since = typeof last?.finishedAt === 'string' ? last.finishedAt : undefined;
  let kind: 'success' | 'watch-start' = 'success';
  if (!since) {
    kind = 'watch-start';
    const watch = await readJson(deps, cfg.reportBucket, WATCH_SINCE_KEY);
    since = typeof watch?.since === 'string' ? watch.since : deps.now();
    if (!watch) await deps.s3.send(new PutObjectCommand({ Bucket: cfg.reportBucket, Key: WATCH_SINCE_KEY, Body: JSON.stringify({ since }), ContentType: 'application/json' }));
  }
  return { days: Math.max(0, (now - Date.parse(since)) / 86400_000), since, kind };
}
