import { randomUUID } from 'crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Command } from 'commander';
import { Option } from 'commander';
import { COMPONENT_STATES, ComponentState, IncidentEvent, UPDATE_STATUSES, UpdateStatus } from '../../lambdas/incidents/model';
import type { Plan } from '../../lib/config/schema';
import { AwsOptions, deployedStackName, CliError, clientConfig, Io, loadPlanOption, UsageError, withAws, withExecute } from '../common';
import { PHYSICAL_NAMES } from '../../contracts';
import { parseLanguageTexts } from '../../lib/config/languages';

/**
 * `contingency incident show|update|resolve` (plan §5.2, §7.2, §8.1): add an update to the current
 * incident or resolve it. It appends the same log entry the incident function reads and then runs
 * the same publisher, so the status page and the customer notice topic show the same words.
 * update/resolve are dry runs (offline: they print the entry) unless --execute.
 */
export interface CliClients {
  readonly ddb: DynamoDBClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
}

export interface IncidentOptions extends AwsOptions {
  readonly table?: string;
  readonly bucket?: string;
  readonly reportBucket?: string;
  readonly topicArn?: string;
  readonly status?: string;
  /** `<language>=<text>`, once per plan language. */
  readonly text?: string[];
  readonly eta?: string;
  readonly chatbot?: string;
  readonly agents?: string;
  readonly author?: string;
  readonly execute?: boolean;
}

export type IncidentAction = 'show' | 'update' | 'resolve';

/** `+90m`, `+2h` (from now) or an ISO time → ISO time. */
export function parseEta(raw: string, now: Date): string {
  const rel = /^\+(\d+)([mh])$/.exec(raw);
  if (rel) return new Date(now.getTime() + Number(rel[1]) * (rel[2] === 'h' ? 3600_000 : 60_000)).toISOString();
  const t = Date.parse(raw);
  if (!Number.isFinite(t)) throw new UsageError(`--eta must be +<n>m, +<n>h or an ISO time such as 2026-11-23T12:00:00Z, got "${raw}"`);
  if (t < now.getTime()) throw new UsageError(`--eta must be in the future, got ${new Date(t).toISOString()}`);
  return new Date(t).toISOString();
}

/** The incident table of a plan (contracts PHYSICAL_NAMES, as the global stack names it). */
export const incidentTable = (plan: Plan): string => PHYSICAL_NAMES.incidentTable(plan.name);

function common(cmd: Command): Command {
  return withAws(cmd, 'region of the incident table (default us-east-1, where the global stack is)')
    .addOption(new Option('--table <name>', 'incident table (default: <plan>-incidents)'))
    .addOption(new Option('--bucket <name>', 'status page bucket: output StatusBucketName of the <plan>-global stack'))
    .addOption(new Option('--report-bucket <name>', 'report bucket: output ReportBucketName of the <plan>-global stack'))
    .addOption(new Option('--topic-arn <arn>', 'customer notice topic: output NoticeTopicArn of the <plan>-global stack'));
}

function texts(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--text <language=text>', 'the message in one plan language, e.g. --text zh-Hant="…" --text en="…"; once per language of the plan').argParser(
        (value: string, previous: string[] = []) => [...previous, value],
      ),
    )
    .addOption(new Option('--author <name>', 'who writes it (shown in the timeline)'));
}

export function register(program: Command, io: Io): void {
  const incident = program.command('incident').description('show the current incident, post an update, or resolve it');
  const act = (action: IncidentAction) => async (opts: IncidentOptions) => io.out(await runIncident(action, opts));
  common(incident.command('show').description('print the current incident as JSON (reads only)')).action(act('show'));
  withExecute(
    texts(
      common(incident.command('update').description('post an update to the current incident: status page and customer notice')).addOption(
        new Option('--status <status>', `update status: ${UPDATE_STATUSES.join(', ')}`),
      ),
    )
      .addOption(new Option('--eta <when>', 'expected recovery: +90m, +2h or an ISO time'))
      .addOption(new Option('--chatbot <state>', `chatbot component state: ${COMPONENT_STATES.join(', ')}`))
      .addOption(new Option('--agents <state>', `human agents component state: ${COMPONENT_STATES.join(', ')}`)),
    'append the update and publish it',
  ).action(act('update'));
  withExecute(texts(common(incident.command('resolve').description('resolve the current incident now (writes the post-incident report)'))), 'resolve and publish').action(act('resolve'));
  for (const c of incident.commands) c.exitOverride();
  incident.exitOverride();
}

/** Builds the entry an update or resolve appends; throws a UsageError listing every bad option. */
export function buildEntry(action: 'update' | 'resolve', o: IncidentOptions, now: Date, languages: readonly string[]): IncidentEvent {
  const nowIso = now.toISOString();
  const message = parseLanguageTexts(o.text ?? [], languages, action === 'update');
  if (action === 'resolve') {
    if (message.errors.length) throw new UsageError(message.errors.join('; '));
    return {
      kind: 'resolve',
      id: `resolve#${randomUUID()}`,
      time: nowIso,
      ...(message.texts ? { message: message.texts } : {}),
      ...(o.author ? { author: o.author } : {}),
    };
  }
  const errors: string[] = [];
  if (!o.status || !(UPDATE_STATUSES as readonly string[]).includes(o.status)) errors.push(`--status must be one of ${UPDATE_STATUSES.join(', ')}, got ${o.status ?? 'nothing'}`);
  errors.push(...message.errors);
  for (const c of ['chatbot', 'agents'] as const) {
    if (o[c] !== undefined && !(COMPONENT_STATES as readonly string[]).includes(o[c]!)) errors.push(`--${c} must be one of ${COMPONENT_STATES.join(', ')}, got ${o[c]}`);
  }
  let eta: string | undefined;
  try {
    if (o.eta) eta = parseEta(o.eta, now);
  } catch (e) {
    errors.push((e as Error).message);
  }
  if (errors.length) throw new UsageError(errors.join('; '));
  const components: Partial<Record<'chatbot' | 'agents', ComponentState>> = {};
  if (o.chatbot) components.chatbot = o.chatbot as ComponentState;
  if (o.agents) components.agents = o.agents as ComponentState;
  return {
    kind: 'update',
    id: `update#${randomUUID()}`,
    time: nowIso,
    status: o.status as UpdateStatus,
    message: message.texts!,
    ...(eta ? { eta } : {}),
    ...(Object.keys(components).length ? { components } : {}),
    ...(o.author ? { author: o.author } : {}),
  };
}

/** Runs one action; returns what it prints. */
export async function runIncident(action: IncidentAction, o: IncidentOptions, makeClients?: (region: string) => CliClients, now: Date = new Date()): Promise<string> {
  const { plan } = loadPlanOption(o);
  const table = o.table ?? incidentTable(plan);
  const entry = action === 'show' ? undefined : buildEntry(action, o, now, plan.languages);
  if (entry && !o.execute) {
    return [
      `would append to ${table}: ${JSON.stringify(entry)}`,
      'then publish the status page and send the customer notice for the current incident',
      'dry run: nothing changed; add --execute to apply',
    ].join('\n');
  }
  const missing = (['bucket', 'reportBucket', 'topicArn'] as const).filter((k) => !o[k]);
  if (action !== 'show' && missing.length) {
    throw new UsageError(`missing ${missing.map((m) => `--${m.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} (outputs of the ${deployedStackName(plan, o, 'global')} stack)`);
  }
  const { incidentTemplates } = (require('../../lib/incidents/status-page-content') as typeof import('../../lib/incidents/status-page-content'));
  const { currentIncident, foldIncidents } = (require('../../lambdas/incidents/state') as typeof import('../../lambdas/incidents/state'));
  const { IncidentStore, publishAll } = (require('../../lambdas/incidents/store') as typeof import('../../lambdas/incidents/store'));
  const cfg = {
    statusBucket: o.bucket ?? '',
    reportBucket: o.reportBucket ?? '',
    noticeTopicArn: o.topicArn ?? '',
    confirmationMinutes: plan.incidents.confirmationMinutes,
    lookbackDays: plan.incidents.lookbackDays,
    historyLength: plan.incidents.historyLength,
    noticeMaxAgeMinutes: plan.incidents.noticeMaxAgeMinutes,
    planName: plan.name,
    templates: incidentTemplates(plan),
  };
  const region = o.region ?? 'us-east-1';
  const clients = makeClients ? makeClients(region) : await defaultClients(region, o);
  const store = new IncidentStore(clients.ddb, table, plan.incidents.retentionDays);
  const nowIso = now.toISOString();
  const since = new Date(now.getTime() - cfg.lookbackDays * 86400_000).toISOString();
  const [{ incidents: register }, { events }] = [await store.loadRegister(), await store.load(since)];
  const cur = currentIncident(foldIncidents(events, { confirmationMs: cfg.confirmationMinutes * 60_000, now: nowIso, templates: cfg.templates, register }));
  if (action === 'show') return JSON.stringify(cur ?? { current: null }, null, 2);
  if (!cur) throw new CliError('there is no open incident: updates and resolve apply to the current incident, which the response alarms open');
  await store.append(entry!);
  const result = await publishAll({ store, s3: clients.s3, sns: clients.sns }, cfg, nowIso);
  return [
    `${action === 'update' ? 'updated' : 'resolved'} ${cur.id}`,
    `status page: ${result.status.overall}${result.status.current ? ` (${result.status.current.phase})` : ''}`,
    `notices sent: ${result.noticesSent.length}${result.noticesSent.length ? ` (${result.noticesSent.join(', ')})` : ''}`,
    ...(result.reportsWritten.length ? [`report: s3://${cfg.reportBucket}/${result.reportsWritten.join(', ')}`] : []),
  ].join('\n');
}

async function defaultClients(region: string, o: AwsOptions): Promise<CliClients> {
  const { DynamoDBClient } = (require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb'));
  const { S3Client } = (require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3'));
  const { SNSClient } = (require('@aws-sdk/client-sns') as typeof import('@aws-sdk/client-sns'));
  const base = clientConfig(region, o);
  return { ddb: new DynamoDBClient(base), s3: new S3Client({ ...base, ...(o.endpointUrl ? { forcePathStyle: true } : {}) }), sns: new SNSClient(base) };
}
