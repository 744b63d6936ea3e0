import * as fs from 'fs';
import * as path from 'path';
import { BatchWriteItemCommand, CreateTableCommand, DeleteItemCommand, DeleteTableCommand, DynamoDBClient, PutItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { BackupClient } from '@aws-sdk/client-backup';
import { CronExpressionParser } from 'cron-parser';
import { DRILL_ACCOUNT, type DrillAssembly, type StackModel } from './assembly';
import { DRILL_START_ISO, type TimelineEntry } from './engine';
import { callChatbot, createChatbot, intercept, silencePowertools, type Chatbot } from './handlers';
import type { MotoServer } from './moto';
import type { RestoreScenario } from './scenario';

/**
 * The data-corruption scenario (plan §6.2.2): a bad write damages the chatbot table, people notice,
 * and the team restores the latest recovery point taken before the damage, validates the copy with
 * the project's real restore validator, and switches the chatbot to it as `contingency restore`
 * prescribes. Event-driven on a simulated clock (only moments where something happens are run).
 *
 * Real: the chatbot table and its knowledge-base seed (moto), the chatbot's /health and /chat
 * handlers, the sentinel records (the sentinel's own record builder), the restore validator
 * (`validateRestoreJob` of lambdas/restore-validator) reading both tables in moto, and every table
 * write of the cut-over. Simulated: AWS Backup (moto has no backup jobs or restores): a recovery
 * point is a copy of the table's items at each time the synthesized backup plan rule schedules a
 * job, usable once `backupJobMinutes` have passed; a restore job creates a new table in moto with
 * those items and takes `restoreJobMinutes`. People's actions take the minutes the scenario gives.
 */



/** The scheduled backup rules of a regional stack's synthesized backup plan. */
export interface BackupRule {
  readonly name: string;
  readonly schedule: string;
  readonly startWindowMinutes: number;
}

export function templateOf(assembly: DrillAssembly, stackName: string): { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> } {
  const manifest = JSON.parse(fs.readFileSync(path.join(assembly.dir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { properties?: { templateFile?: string; stackName?: string } }> };
  const artifact = Object.entries(manifest.artifacts).find(([id, a]) => (a.properties?.stackName ?? id) === stackName)?.[1];
  const file = artifact?.properties?.templateFile;
  if (!file) throw new Error(`the assembly has no template for stack ${stackName}`);
  return JSON.parse(fs.readFileSync(path.join(assembly.dir, file), 'utf8'));
}

export function backupRules(assembly: DrillAssembly, stack: StackModel): BackupRule[] {
  const rules: BackupRule[] = [];
  for (const r of Object.values(templateOf(assembly, stack.name).Resources ?? {})) {
    if (r.Type !== 'AWS::Backup::BackupPlan') continue;
    const plan = (r.Properties?.BackupPlan ?? {}) as { BackupPlanRule?: { RuleName: string; ScheduleExpression?: unknown; StartWindowMinutes?: number }[] };
    for (const rule of plan.BackupPlanRule ?? []) {
      if (typeof rule.ScheduleExpression !== 'string') continue;
      rules.push({ name: rule.RuleName, schedule: rule.ScheduleExpression, startWindowMinutes: rule.StartWindowMinutes ?? 480 });
    }
  }
  if (!rules.length) throw new Error(`stack ${stack.name} has no scheduled AWS Backup plan rule: nothing to restore from`);
  return rules;
}

/** The times (ms) an AWS Backup `cron(min hour day-of-month month day-of-week year)` expression fires in [from, to), UTC. */
export function scheduleTimes(expression: string, fromMs: number, toMs: number): number[] {
  const m = /^cron\((.+)\)$/.exec(expression.trim());
  if (!m) throw new Error(`backup schedule "${expression}" is not a cron() expression`);
  const f = m[1].trim().split(/\s+/);
  if (f.length !== 6) throw new Error(`backup schedule "${expression}" must have 6 fields`);
  if (f[5] !== '*') throw new Error(`backup schedule "${expression}": the tabletop reads only "*" in the year field`);
  // AWS numbers days of the week 1-7 from Sunday; cron-parser 0-6.
  const dow = f[4] === '?' ? '*' : f[4].replace(/\d+/g, (d) => String((Number(d) + 6) % 7));
  const it = CronExpressionParser.parse([f[0], f[1], f[2] === '?' ? '*' : f[2], f[3], dow].join(' '), { currentDate: new Date(fromMs - 1), endDate: new Date(toMs), tz: 'UTC' });
  const out: number[] = [];
  while (it.hasNext()) {
    const t = it.next().getTime();
    if (t >= toMs) break;
    if (t >= fromMs) out.push(t);
  }
  return out;
}

export interface RestoreAttempt {
  readonly recoveryPointCreated: string;
  readonly restoredTable: string;
  readonly verdict: 'SUCCESSFUL' | 'FAILED';
  readonly code: string | null;
  readonly message: string;
}

export interface RestoreReport {
  readonly scenario: string;
  readonly title: string;
  readonly kind: 'data-corruption';
  readonly objectives: { readonly rtoSeconds: number; readonly rpoSeconds: number };
  readonly measured: {
    /** Alarms per warning level: none sees damaged content (null), measured, not assumed. */
    readonly detectionSeconds: { general: number | null; important: number | null; emergency: number | null };
    readonly declaredSeconds: number;
    /** Declaration → customers get correct answers again. */
    readonly restoreSeconds: number | null;
    /** Damage → customers get correct answers again: judged against the RTO. */
    readonly recoverySeconds: number | null;
    /** Damage − creation of the recovery point restored: judged against the RPO. */
    readonly dataLossSeconds: number | null;
    /** The longest gap between two scheduled recovery points: the data loss of damage just before a backup. */
    readonly worstCaseDataLossSeconds: number;
    /** Items written between the recovery point and the damage: still damaged after the restore. */
    readonly itemsLost: number | null;
    readonly recoveryPoint: string | null;
    readonly attempts: RestoreAttempt[];
    readonly failoverSeconds: null;
    readonly fallbackSeconds: null;
    readonly firstPageSeconds: null;
    readonly customerNoticeSeconds: null;
    readonly incidentOpenSeconds: null;
  };
  readonly passed: boolean;
  readonly failures: string[];
}

export interface RestoreResult {
  readonly scenario: RestoreScenario;
  readonly startIso: string;
  readonly faultStart: number;
  readonly timeline: TimelineEntry[];
}

type Item = Record<string, AttributeValue>;

async function scanAll(ddb: DynamoDBClient, table: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const out = await ddb.send(new ScanCommand({ TableName: table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

async function writeAll(ddb: DynamoDBClient, table: string, items: readonly Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let req: Record<string, { PutRequest: { Item: Item } }[]> | undefined = { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) };
    while (req && Object.keys(req).length) {
      const out = await ddb.send(new BatchWriteItemCommand({ RequestItems: req }));
      req = out.UnprocessedItems as typeof req;
    }
  }
}

const keyOf = (i: Item) => `${i.pk?.S}|${i.sk?.S}`;
const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');

/** The first question of the first knowledge-base entry (what the simulated customers ask). */
function firstQuestion(items: readonly Item[]): string {
  const kb = items.find((i) => i.pk?.S === 'KB' && i.sk?.S === 'CURRENT');
  try {
    const entries = JSON.parse(kb?.entries?.S ?? '[]') as { texts?: Record<string, { questions?: string[] }> }[];
    const q = Object.values(entries[0]?.texts ?? {})[0]?.questions?.[0];
    if (q) return q;
  } catch {
    /* no knowledge base */
  }
  throw new Error('the chatbot table has no knowledge-base entry with a question: the plan must seed one for this scenario');
}

/** The chatbot's answer text (without the conversation id, which differs on every call). */
const replyOf = (body: string) => {
  try {
    const o = JSON.parse(body) as { answer?: string; handoff?: boolean; handoffReason?: string };
    return `${String(o.answer ?? body)}${o.handoff ? ` [hand-off: ${o.handoffReason ?? '?'}]` : ''}`;
  } catch {
    return body;
  }
};

export async function runRestoreDrill(assembly: DrillAssembly, scenario: RestoreScenario, moto: MotoServer): Promise<{ result: RestoreResult; report: RestoreReport }> {
  silencePowertools();
  const startMs = Date.parse(DRILL_START_ISO);
  let now = 0;
  const clock = () => new Date(startMs + now * 1000);
  const iso = (t: number) => new Date(startMs + t * 1000).toISOString();
  const timeline: TimelineEntry[] = [];
  const add = (e: Omit<TimelineEntry, 'at'>) => timeline.push({ ...e, at: iso(e.t) });
  const primary = assembly.stacks.find((s) => s.role === 'primary');
  const standby = assembly.stacks.find((s) => s.role === 'standby');
  if (!primary || !standby) throw new Error('the assembly has no primary or standby stack');

  const bot: Chatbot = await createChatbot(assembly, primary, moto, clock);
  const ddb = bot.ddb;
  const live = bot.tableName;
  const { restoreValidatorConfig } = require('../contracts') as typeof import('../contracts');
  const validatorFn = primary.functions.find((f) => f.handlerDir === 'restore-validator');
  if (!validatorFn) throw new Error(`stack ${primary.name} has no restore validator function`);
  const vcfg = restoreValidatorConfig.fromEnvironment({ ...validatorFn.environment, AWS_REGION: primary.region });
  if (vcfg.sourceTable !== live) throw new Error(`the restore validator reads ${vcfg.sourceTable}, the chatbot writes ${live}`);
  const { buildSentinel } = require('../lambdas/sentinel/sentinel') as typeof import('../lambdas/sentinel/sentinel');
  const { validateRestoreJob } = require('../lambdas/restore-validator/handler') as typeof import('../lambdas/restore-validator/handler');

  const c = scenario.corruption.at * 60;
  const declared = c + scenario.detection.afterMinutes * 60;
  const R = scenario.restore;
  const rules = backupRules(assembly, primary);
  // Recovery points the schedule makes up to the end of the drill (a day after the declaration is enough).
  const horizon = declared + 24 * 3600;
  const points = rules.flatMap((r) => scheduleTimes(r.schedule, startMs, startMs + horizon * 1000).map((ms) => ({ rule: r.name, t: (ms - startMs) / 1000 }))).sort((a, b) => a.t - b.t);
  const gaps = rules.map((r) => {
    const week = scheduleTimes(r.schedule, startMs, startMs + 8 * 86400 * 1000);
    return Math.max(...week.slice(1).map((t, i) => (t - week[i]) / 1000));
  });
  const worstCase = Math.min(...gaps);
  const question = firstQuestion(await scanAll(ddb, live));

  // ---- the events before the declaration, in time order ----
  type Ev = { t: number; order: number; run: () => Promise<void> };
  const events: Ev[] = [];
  const interval = vcfg.sentinelIntervalMinutes * 60;
  // Each region's sentinel overwrites its own item: only the last write before a moment anyone
  // reads the table (a backup, the damage, the declaration) changes what is read, so only those run.
  const reads = [...points.filter((p) => p.t <= declared).map((p) => p.t), c, declared];
  for (const t of [...new Set(reads.map((r) => Math.floor(r / interval) * interval))]) {
    events.push({
      t,
      order: 0,
      run: async () => {
        for (const region of [primary.region, standby.region]) {
          const s = buildSentinel(region, clock(), `tabletop-${region}-${t}`);
          await ddb.send(new PutItemCommand({ TableName: live, Item: Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { S: String(v) }])) }));
        }
      },
    });
  }
  const perHour = scenario.traffic.conversationsPerHour;
  if (perHour > 0) {
    for (let t = 30; t < c; t += 3600 / perHour) {
      events.push({ t: Math.round(t), order: 1, run: async () => void (await callChatbot(bot.handler, 'POST', '/chat', JSON.stringify({ message: question }), 'chatbot-primary')) });
    }
  }
  const taken: { t: number; rule: string; items: Item[]; completed: number }[] = [];
  for (const p of points) {
    if (p.t > declared) break;
    events.push({
      t: p.t,
      order: 2,
      run: async () => {
        const items = await scanAll(ddb, live);
        taken.push({ t: p.t, rule: p.rule, items, completed: p.t + R.backupJobMinutes * 60 });
        add({ t: p.t, kind: 'status', audience: 'system', title: `AWS Backup (simulated): scheduled job ${p.rule} starts; recovery point of ${live} as of ${iso(p.t)}, ${items.length} items, COMPLETED at +${R.backupJobMinutes} min` });
      },
    });
  }
  let baseline = '';
  events.push({
    t: 0,
    order: 3,
    run: async () => {
      baseline = replyOf((await callChatbot(bot.coldHandler(), 'POST', '/chat', JSON.stringify({ message: question }))).body);
    },
  });
  let writtenBefore = new Set<string>();
  events.push({
    t: c,
    order: 4,
    run: async () => {
      const items = await scanAll(ddb, live);
      writtenBefore = new Set(items.map(keyOf));
      for (const i of items) await ddb.send(new PutItemCommand({ TableName: live, Item: { pk: i.pk, sk: i.sk, schemaVersion: { N: '2' } } }));
      add({ t: c, kind: 'fault', audience: 'system', title: `fault: a bad deploy's migration rewrites all ${items.length} items of ${live} with PutItem (keys only): the knowledge base, conversations and sentinels lose their content; the global table replicates it to ${standby.region} within seconds, so failing over does not help` });
      const health = await callChatbot(bot.coldHandler(), 'GET', '/health');
      const chat = await callChatbot(bot.coldHandler(), 'POST', '/chat', JSON.stringify({ message: question }));
      const warm = await callChatbot(bot.handler, 'POST', '/chat', JSON.stringify({ message: question }));
      add({ t: c, kind: 'health', audience: 'system', title: `real /health of ${primary.region} after the damage: ${health.status} (it checks that the knowledge-base item exists, not what it holds): Route 53 and the health alarms see nothing` });
      add({ t: c, kind: 'notice', audience: 'customers', title: `a customer asks "${question}" (new chatbot instance): HTTP ${chat.status}`, text: replyOf(chat.body) });
      add({ t: c, kind: 'notice', audience: 'customers', title: `the same question on a warm instance (knowledge base cached before the damage): HTTP ${warm.status}`, text: replyOf(warm.body) });
    },
  });
  events.sort((a, b) => a.t - b.t || a.order - b.order);
  for (const e of events) {
    now = e.t;
    await e.run();
  }

  // ---- declaration ----
  now = declared;
  add({ t: declared, kind: 'incident', audience: 'customer service', title: `${scenario.detection.how}; no alarm fired (content damage is invisible to /health, error rates and latency)` });
  add({ t: declared, kind: 'page', audience: 'on-call', title: `declared: data corruption in ${live}; the restore procedure starts (docs/backups.md, \`contingency restore\`)` });

  // ---- restore: newest COMPLETED point first, as `contingency restore` picks; older ones when validation fails ----
  const backup = new BackupClient(moto.clientConfig(primary.region));
  let job: { id: string; table: string; created: number; started: number; completed: number } | undefined;
  const results: { status: string; message: string }[] = [];
  intercept(backup, (command, input) => {
    if (command === 'DescribeRestoreJobCommand' && job && input.RestoreJobId === job.id) {
      return {
        RestoreJobId: job.id,
        Status: 'COMPLETED',
        CreatedResourceArn: `arn:aws:dynamodb:${primary.region}:${DRILL_ACCOUNT}:table/${job.table}`,
        RecoveryPointCreationDate: new Date(startMs + job.created * 1000),
        CreationDate: new Date(startMs + job.started * 1000),
        CompletionDate: new Date(startMs + job.completed * 1000),
        ResourceType: 'DynamoDB',
      };
    }
    if (command === 'PutRestoreValidationResultCommand') {
      results.push({ status: String(input.ValidationStatus), message: String(input.ValidationStatusMessage) });
      return {};
    }
    throw new Error(`the tabletop's simulated AWS Backup does not answer ${command}`);
  });
  const attempts: RestoreAttempt[] = [];
  let t = declared + R.decisionMinutes * 60;
  let good: (typeof taken)[number] | undefined;
  let restoredTable = '';
  const candidates = taken.filter((p) => p.completed <= t).sort((a, b) => b.t - a.t);
  if (!candidates.length) add({ t, kind: 'page', audience: 'on-call', title: `no COMPLETED recovery point of ${live} exists yet: nothing to restore (PITR is the only way back)` });
  for (const p of candidates) {
    const table = `${live}-restored-${stamp(startMs + p.t * 1000)}`;
    add({ t, kind: 'page', audience: 'on-call', title: `restore job (simulated AWS Backup) of the recovery point of ${iso(p.t)} into NEW table ${table}; the live table is not touched` });
    await ddb.send(new CreateTableCommand({ TableName: table, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
    await writeAll(ddb, table, p.items);
    job = { id: `tabletop-restore-${attempts.length + 1}`, table, created: p.t, started: t, completed: t + R.restoreJobMinutes * 60 };
    t = job.completed;
    now = t;
    add({ t, kind: 'status', audience: 'system', title: `restore job ${job.id} COMPLETED: ${table} holds ${p.items.length} items` });
    const outcome = await validateRestoreJob(
      { 'detail-type': 'Restore Job State Change', detail: { restoreJobId: job.id, status: 'COMPLETED', createdResourceArn: `arn:aws:dynamodb:${primary.region}:${DRILL_ACCOUNT}:table/${table}`, resourceType: 'DynamoDB' } },
      { backup, ddb, sourceTable: vcfg.sourceTable, region: primary.region, itemCountTolerancePercent: vcfg.itemCountTolerancePercent, sentinelIntervalMinutes: vcfg.sentinelIntervalMinutes, now: clock, retry: { attempts: 1 } },
    );
    t += R.validationMinutes * 60;
    now = t;
    attempts.push({ recoveryPointCreated: iso(p.t), restoredTable: table, verdict: outcome.status, code: outcome.code ?? null, message: outcome.message });
    add({ t, kind: outcome.status === 'SUCCESSFUL' ? 'status' : 'delivery-failed', audience: 'on-call', title: `restore validator (real): ${outcome.status}${outcome.code ? ` ${outcome.code}` : ''}`, text: outcome.message });
    if (outcome.status === 'SUCCESSFUL') {
      good = p;
      restoredTable = table;
      break;
    }
    add({ t, kind: 'page', audience: 'on-call', title: `do not switch to ${table}; try the next older recovery point` });
    await ddb.send(new DeleteTableCommand({ TableName: table }));
  }

  // ---- cut-over, the steps `contingency restore` prints ----
  let recovered: number | null = null;
  let itemsLost: number | null = null;
  if (good) {
    const control = (region: string) => ({ pk: { S: 'CONTROL' }, sk: { S: `REGION#${region}` } });
    for (const region of [primary.region, standby.region]) await ddb.send(new PutItemCommand({ TableName: live, Item: { ...control(region), degraded: { BOOL: true }, reason: { S: 'restore' } } }));
    t += R.stepMinutes * 60;
    now = t;
    const health = await callChatbot(bot.coldHandler(), 'GET', '/health');
    const handoff = await callChatbot(bot.coldHandler(), 'POST', '/chat', JSON.stringify({ message: question }));
    add({ t, kind: 'page', audience: 'on-call', title: `a. both regions marked degraded (CONTROL items): real /health answers ${health.status}; Route 53 moves customers to the human-agent page` });
    add({ t, kind: 'notice', audience: 'customers', title: `the chatbot hands customers to agents while the data is switched: HTTP ${handoff.status}`, text: replyOf(handoff.body) });
    add({ t, kind: 'page', audience: 'customer service', title: 'customers are handed to human agents during the switch (degraded flag set for the restore)' });
    const copy = await scanAll(ddb, restoredTable);
    await writeAll(ddb, live, copy);
    const keep = new Set(copy.map(keyOf));
    itemsLost = [...writtenBefore].filter((k) => !keep.has(k)).length;
    t += Math.ceil(copy.length / R.copyItemsPerSecond);
    now = t;
    add({ t, kind: 'page', audience: 'on-call', title: `b-c. ${copy.length} items of ${restoredTable} copied into the live table ${live}; ${itemsLost} item(s) written after the recovery point stay damaged (data loss)` });
    for (const region of [primary.region, standby.region]) await ddb.send(new DeleteItemCommand({ TableName: live, Key: control(region) }));
    t += R.stepMinutes * 60;
    now = t;
    const after = await callChatbot(bot.coldHandler(), 'GET', '/health');
    const answer = await callChatbot(bot.coldHandler(), 'POST', '/chat', JSON.stringify({ message: question }));
    const ok = after.status === 200 && replyOf(answer.body) === baseline;
    add({ t, kind: 'page', audience: 'on-call', title: `d. degraded flags lifted: real /health ${after.status}; /chat answers ${ok ? 'as before the damage' : 'NOT as before the damage'}` });
    add({ t, kind: 'notice', audience: 'customers', title: `a customer asks "${question}" again: HTTP ${answer.status}`, text: replyOf(answer.body) });
    await ddb.send(new DeleteTableCommand({ TableName: restoredTable }));
    add({ t, kind: 'page', audience: 'on-call', title: `e. copy ${restoredTable} deleted` });
    if (ok) {
      recovered = t;
      add({ t, kind: 'incident', audience: 'management', title: `service restored with the data of ${iso(good.t)}: ${Math.round((t - c) / 60)} min after the damage, ${Math.round((c - good.t) / 60)} min of data lost` });
    }
  } else add({ t, kind: 'incident', audience: 'management', title: 'no recovery point passed validation: the data is not restored' });

  timeline.sort((a, b) => a.t - b.t);
  const rto = assembly.sidecar.objectives.rtoMinutes * 60;
  const rpo = assembly.sidecar.objectives.rpoMinutes * 60;
  const measured: RestoreReport['measured'] = {
    detectionSeconds: { general: null, important: null, emergency: null },
    declaredSeconds: declared - c,
    restoreSeconds: recovered !== null ? recovered - declared : null,
    recoverySeconds: recovered !== null ? recovered - c : null,
    dataLossSeconds: good ? c - good.t : null,
    worstCaseDataLossSeconds: worstCase,
    itemsLost,
    recoveryPoint: good ? iso(good.t) : null,
    attempts,
    failoverSeconds: null,
    fallbackSeconds: null,
    firstPageSeconds: null,
    customerNoticeSeconds: null,
    incidentOpenSeconds: null,
  };
  const failures: string[] = [];
  if (measured.recoverySeconds === null) failures.push(`recovery: never happened (objective RTO ${rto} s)`);
  else if (measured.recoverySeconds > rto) failures.push(`recovery (damage → correct answers again): ${measured.recoverySeconds} s, objective RTO ${rto} s`);
  if (measured.dataLossSeconds === null) failures.push(`data loss: no recovery point restored (objective RPO ${rpo} s)`);
  else if (measured.dataLossSeconds > rpo) failures.push(`data loss (damage − recovery point): ${measured.dataLossSeconds} s, objective RPO ${rpo} s`);
  const report: RestoreReport = { scenario: scenario.name, title: scenario.title, kind: 'data-corruption', objectives: { rtoSeconds: rto, rpoSeconds: rpo }, measured, passed: failures.length === 0, failures };
  return { result: { scenario, startIso: DRILL_START_ISO, faultStart: c, timeline }, report };
}
