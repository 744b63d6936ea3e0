// Operator CLI for incidents (plan §5.2, §7.2, §8.1): add an update or resolve the current
// incident. It appends the same log entry the incident function reads and then runs the same
// publisher, so the status page and the customer notice topic show the same words.
//
//   npx tsx scripts/incident.ts show
//   npx tsx scripts/incident.ts update --status identified --text zh-Hant="…" --text en="…" [--eta +90m|2026-11-23T12:00:00Z]
//                                      [--chatbot degraded] [--agents operational] [--author alice]
//   npx tsx scripts/incident.ts resolve [--text zh-Hant="…" --text en="…"] [--author alice]
//   (one --text <language>=TEXT per language of the plan's `languages:`)
//
// Common options: --plan plans/example.yaml  --region us-east-1  --table <plan>-incidents
//   --bucket <StatusBucketName> --report-bucket <ReportBucketName> --topic-arn <NoticeTopicArn>
//   (the three are outputs of the <plan>-global stack)  --endpoint URL (an emulator, for tests)
import { randomUUID } from 'crypto';
import { parseArgs } from 'util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { loadPlan, parseLanguageTexts } from '../lib/config';
import { incidentTemplates } from '../lib/incidents/status-page-content';
import { incidentTableName } from '../lib/stacks/global-stack';
import { COMPONENT_STATES, ComponentState, IncidentEvent, UPDATE_STATUSES, UpdateStatus } from '../lambdas/incidents/model';
import { currentIncident, foldIncidents } from '../lambdas/incidents/state';
import { IncidentStore, publishAll, PublishConfig, PublishResult } from '../lambdas/incidents/store';

export interface CliClients {
  readonly ddb: DynamoDBClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
}

/** `+90m`, `+2h` (from now) or an ISO time → ISO time. */
export function parseEta(raw: string, now: Date): string {
  const rel = /^\+(\d+)([mh])$/.exec(raw);
  if (rel) return new Date(now.getTime() + Number(rel[1]) * (rel[2] === 'h' ? 3600_000 : 60_000)).toISOString();
  const t = Date.parse(raw);
  if (!Number.isFinite(t)) throw new Error(`--eta must be +<n>m, +<n>h or an ISO time such as 2026-11-23T12:00:00Z, got "${raw}"`);
  if (t < now.getTime()) throw new Error(`--eta must be in the future, got ${new Date(t).toISOString()}`);
  return new Date(t).toISOString();
}

const USAGE = 'usage: incident.ts show|update|resolve [--status S --text LANG=TEXT (one per plan language) --eta +90m --chatbot STATE --agents STATE --author NAME] --bucket B --report-bucket B --topic-arn ARN [--plan FILE --region R --table T --endpoint URL]';

/** Runs one command; returns what it printed. Throws with a message naming the fix on bad input. */
export async function runCli(argv: string[], makeClients?: (region: string, endpoint?: string) => CliClients, now: Date = new Date()): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      plan: { type: 'string' },
      region: { type: 'string', default: 'us-east-1' },
      table: { type: 'string' },
      bucket: { type: 'string' },
      'report-bucket': { type: 'string' },
      'topic-arn': { type: 'string' },
      endpoint: { type: 'string' },
      status: { type: 'string' },
      text: { type: 'string', multiple: true },
      eta: { type: 'string' },
      chatbot: { type: 'string' },
      agents: { type: 'string' },
      author: { type: 'string' },
    },
  });
  const command = positionals[0];
  if (!command || !['show', 'update', 'resolve'].includes(command)) throw new Error(USAGE);
  const { plan } = loadPlan(values.plan);
  const missing = (['bucket', 'report-bucket', 'topic-arn'] as const).filter((k) => !values[k]);
  if (command !== 'show' && missing.length) throw new Error(`missing ${missing.map((m) => `--${m}`).join(', ')} (outputs of the ${plan.name}-global stack)\n${USAGE}`);
  const cfg: PublishConfig = {
    statusBucket: values.bucket ?? '',
    reportBucket: values['report-bucket'] ?? '',
    noticeTopicArn: values['topic-arn'] ?? '',
    confirmationMinutes: plan.incidents.confirmationMinutes,
    lookbackDays: plan.incidents.lookbackDays,
    historyLength: plan.incidents.historyLength,
    noticeMaxAgeMinutes: plan.incidents.noticeMaxAgeMinutes,
    planName: plan.name,
    templates: incidentTemplates(plan),
  };
  const clients = (makeClients ?? defaultClients)(values.region!, values.endpoint);
  const store = new IncidentStore(clients.ddb, values.table ?? incidentTableName(plan), plan.incidents.retentionDays);
  const nowIso = now.toISOString();
  const since = new Date(now.getTime() - cfg.lookbackDays * 86400_000).toISOString();
  const { events } = await store.load(since);
  const cur = currentIncident(foldIncidents(events, { confirmationMs: cfg.confirmationMinutes * 60_000, now: nowIso, templates: cfg.templates }));

  if (command === 'show') {
    return JSON.stringify(cur ?? { current: null }, null, 2);
  }
  if (!cur) throw new Error('there is no open incident: updates and resolve apply to the current incident, which the response alarms open');

  let entry: IncidentEvent;
  if (command === 'update') {
    const errors: string[] = [];
    if (!values.status || !(UPDATE_STATUSES as readonly string[]).includes(values.status)) errors.push(`--status must be one of ${UPDATE_STATUSES.join(', ')}, got ${values.status ?? 'nothing'}`);
    const message = parseLanguageTexts(values.text ?? [], plan.languages, true);
    errors.push(...message.errors);
    for (const c of ['chatbot', 'agents'] as const) {
      if (values[c] !== undefined && !(COMPONENT_STATES as readonly string[]).includes(values[c]!)) errors.push(`--${c} must be one of ${COMPONENT_STATES.join(', ')}, got ${values[c]}`);
    }
    let eta: string | undefined;
    try {
      if (values.eta) eta = parseEta(values.eta, now);
    } catch (e) {
      errors.push((e as Error).message);
    }
    if (errors.length) throw new Error(errors.join('\n'));
    const components: Partial<Record<'chatbot' | 'agents', ComponentState>> = {};
    if (values.chatbot) components.chatbot = values.chatbot as ComponentState;
    if (values.agents) components.agents = values.agents as ComponentState;
    entry = {
      kind: 'update',
      id: `update#${randomUUID()}`,
      time: nowIso,
      status: values.status as UpdateStatus,
      message: message.texts!,
      ...(eta ? { eta } : {}),
      ...(Object.keys(components).length ? { components } : {}),
      ...(values.author ? { author: values.author } : {}),
    };
  } else {
    const message = parseLanguageTexts(values.text ?? [], plan.languages, false);
    if (message.errors.length) throw new Error(message.errors.join('\n'));
    entry = {
      kind: 'resolve',
      id: `resolve#${randomUUID()}`,
      time: nowIso,
      ...(message.texts ? { message: message.texts } : {}),
      ...(values.author ? { author: values.author } : {}),
    };
  }
  await store.append(entry);
  const result: PublishResult = await publishAll({ store, s3: clients.s3, sns: clients.sns }, cfg, nowIso);
  return [
    `${command === 'update' ? 'updated' : 'resolved'} ${cur.id}`,
    `status page: ${result.status.overall}${result.status.current ? ` (${result.status.current.phase})` : ''}`,
    `notices sent: ${result.noticesSent.length}${result.noticesSent.length ? ` (${result.noticesSent.join(', ')})` : ''}`,
    ...(result.reportsWritten.length ? [`report: s3://${cfg.reportBucket}/${result.reportsWritten.join(', ')}`] : []),
  ].join('\n');
}

function defaultClients(region: string, endpoint?: string): CliClients {
  const base = { region, ...(endpoint ? { endpoint } : {}) };
  return { ddb: new DynamoDBClient(base), s3: new S3Client({ ...base, ...(endpoint ? { forcePathStyle: true } : {}) }), sns: new SNSClient(base) };
}

if (require.main === module) {
  runCli(process.argv.slice(2))
    .then((out) => console.log(out))
    .catch((e: Error) => {
      console.error(`incident: ${e.message}`);
      process.exitCode = 1;
    });
}
