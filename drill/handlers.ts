import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { DrillAssembly, StackModel } from './assembly';
import type { MotoServer } from './moto';
import type { WebhookReceivers } from './receivers';
import type { Audience } from './engine';
import type { NotifierConfig } from '../lambdas/notify/message';
import type { AlarmState } from './sim/alarms';

/**
 * The project's real handlers, run in-process with their AWS SDK clients pointed at moto_server:
 * the chatbot (/health and /chat of each region, on its real table with the knowledge base the
 * deployment seeds), the notifier (delivering to local webhook receivers; its SNS publishes are
 * also handed to the simulated SNS for e-mail and SMS), and the incident recorder and publisher
 * (the incident table, status.json and reports in moto; notices read from its SNS publishes).
 * Every function gets the configuration the deployed one would: its template environment with
 * intrinsics resolved, plus the files bundled next to it (drill.json).
 */

export interface HealthAnswer {
  readonly status: number;
  readonly body: string;
}

export interface Published {
  readonly topic: string;
  readonly message: string;
  readonly subject?: string;
  readonly attributes: Record<string, string>;
}

export interface NotifyOutcome {
  readonly level: string;
  readonly title: string;
  readonly headline: string;
  readonly failures: number;
  readonly published: Published[];
  readonly webhooks: { ok: boolean; kind: string; channel: string; audience: string; detail: string; text?: string }[];
}

export interface PublishOutcome {
  readonly notices: { subject: string; body: string }[];
  readonly statusChanged: boolean;
  readonly overall: string;
  readonly statusText: string;
  readonly opened?: string;
  readonly level?: string;
  readonly resolved?: string;
}

export interface AlarmInAlarm {
  readonly name: string;
  readonly description?: string;
  readonly actions: readonly string[];
  readonly since: number;
  readonly reason: string;
}

export interface Handlers {
  health(role: 'primary' | 'standby', opts: { tableThrottled: boolean }): Promise<HealthAnswer>;
  chat(role: 'primary' | 'standby', message: string, opts: { tableThrottled: boolean }): Promise<{ status: number; reply: string }>;
  notifierConfig(stack: string): NotifierConfig | undefined;
  audienceOfContact(endpoint: string): Audience;
  notify(stack: string, t: number, topic: string, body: string, dead: ReadonlySet<string>): Promise<NotifyOutcome | undefined>;
  tick(stack: string, t: number, stateOf: (name: string) => AlarmState, dead: ReadonlySet<string>, inAlarm?: readonly AlarmInAlarm[]): Promise<NotifyOutcome[]>;
  incidentEvent(stack: string, t: number, event: unknown): Promise<void>;
  publish(t: number): Promise<PublishOutcome | undefined>;
  /** Writes a live drill's start or end marker into the incident log, as the drill runner does. */
  markDrill(t: number, phase: 'start' | 'end', drillId: string): Promise<void>;
  /** Mirrors the simulated alarms' states for the notifier's tick (DescribeAlarms). */
  setAlarmsInAlarm(stack: string, alarms: readonly AlarmInAlarm[]): void;
}

/** Runs a handler with the global console silenced: the handlers' own logs are not the drill's output. */
export async function quiet<T>(fn: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
  const none = () => undefined;
  Object.assign(console, { log: none, info: none, warn: none, error: none, debug: none });
  try {
    return await fn();
  } finally {
    Object.assign(console, saved);
  }
}

type Middlewareable = { middlewareStack: { add: (mw: (next: (a: { input: unknown }) => Promise<unknown>, ctx: { commandName?: string }) => (a: { input: unknown }) => Promise<unknown>, opts: { step: 'initialize'; name?: string }) => void } };

/** Sees every command a client sends; `answer` may answer it instead of the server. */
export function intercept<C>(client: C, see: (command: string, input: Record<string, unknown>) => unknown): C {
  (client as unknown as Middlewareable).middlewareStack.add(
    (next, ctx) => async (args) => {
      const answer = see(ctx.commandName ?? '', args.input as Record<string, unknown>);
      if (answer !== undefined) return { output: { $metadata: {}, ...(answer as object) }, response: {} };
      return next(args);
    },
    { step: 'initialize', name: 'tabletopIntercept' },
  );
  return client;
}

const lambdaContext = (name: string): Context =>
  ({
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: 'tabletop',
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'tabletop',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;

function httpEvent(method: string, path: string, body?: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'tabletop' }, requestId: 'tabletop', routeKey: `${method} ${path}`, stage: '$default', time: '', timeEpoch: 0, accountId: '000000000000', apiId: 'tabletop', domainName: 'tabletop', domainPrefix: 'tabletop' },
    isBase64Encoded: false,
    ...(body ? { body } : {}),
  } as APIGatewayProxyEventV2;
}

/** The text of a webhook body as the platform would show it. */
function webhookText(body: string): string {
  try {
    const o = JSON.parse(body) as Record<string, unknown>;
    const pick = (v: unknown): string | undefined => {
      if (typeof v === 'string' && v.length > 20) return v;
      if (v && typeof v === 'object') for (const x of Object.values(v)) {
        const s = pick(x);
        if (s) return s;
      }
      return undefined;
    };
    return pick(o) ?? body;
  } catch {
    return body;
  }
}

/** Quiet logs and no metric output from the handlers' Powertools (the tabletop counts for itself); call before loading a handler. */
export function silencePowertools(): void {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
  // Dev mode makes Powertools write through the global console, which `quiet` silences.
  process.env.POWERTOOLS_DEV = 'true';
}

export type ChatbotHandler = (e: APIGatewayProxyEventV2, c: Context) => Promise<unknown>;

export interface Chatbot {
  readonly handler: ChatbotHandler;
  /** While on, every table call of this chatbot is throttled. */
  readonly throttled: { on: boolean };
  readonly tableName: string;
  readonly region: string;
  readonly ddb: DynamoDBClient;
  /** A new handler on the same table (a cold Lambda instance: nothing cached). */
  coldHandler(): ChatbotHandler;
}

/**
 * One region's chatbot: its table in moto (created on first use) with the knowledge base the
 * deployment seeds, and the real handler on it with the function's own configuration.
 */
export async function createChatbot(assembly: DrillAssembly, s: StackModel, moto: MotoServer, clock: () => Date): Promise<Chatbot> {
  silencePowertools();
  const { chatbotConfig } = require('../contracts') as typeof import('../contracts');
  const chatbotMod = require('../lambdas/chatbot/handler') as typeof import('../lambdas/chatbot/handler');
  const storeMod = require('../lambdas/chatbot/store') as typeof import('../lambdas/chatbot/store');
  const fn = s.functions.find((f) => f.handlerDir === 'chatbot');
  if (!fn) throw new Error(`stack ${s.name} has no chatbot function`);
  const c = chatbotConfig.fromEnvironment({ ...fn.environment, AWS_REGION: s.region });
  const ddb = new DynamoDBClient(moto.clientConfig(s.region));
  await ddb.send(new CreateTableCommand({ TableName: c.tableName, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
  // The chatbot table is a global table: what the deployment seeds in one region is in every replica.
  for (const seed of assembly.stacks.flatMap((x) => x.seeds)) {
    const params = seed.parameters as { TableName?: string };
    if (seed.service === 'DynamoDB' && seed.action === 'putItem' && params.TableName === c.tableName) await ddb.send(new PutItemCommand(seed.parameters as never));
  }
  const throttled = { on: false };
  intercept(ddb, (command) => {
    if (throttled.on && command !== 'CreateTableCommand') {
      const e = new Error('Rate of requests exceeds the allowed throughput (tabletop)');
      e.name = 'ProvisionedThroughputExceededException';
      throw e;
    }
    return undefined;
  });
  const make = (): ChatbotHandler => chatbotMod.createHandler(new storeMod.ChatStore(ddb, c.tableName), { ...c, kbCacheMs: 60_000, healthDeadlineMs: 1_500 }, clock) as never;
  return { handler: make(), throttled, tableName: c.tableName, region: s.region, ddb, coldHandler: make };
}

/** The real chatbot's answer to GET /health or POST /chat, with its console silenced. */
export async function callChatbot(handler: ChatbotHandler, method: 'GET' | 'POST', path: string, body?: string, name = 'chatbot'): Promise<{ status: number; body: string }> {
  const r = (await quiet(() => handler(httpEvent(method, path, body), lambdaContext(name)))) as APIGatewayProxyStructuredResultV2;
  return { status: r.statusCode ?? 200, body: String(r.body ?? '') };
}

export async function createHandlers(assembly: DrillAssembly, moto: MotoServer, receivers: WebhookReceivers, startIso: string): Promise<Handlers> {
  silencePowertools();
  // Loaded after the environment above is set: Powertools reads it when the handlers' modules load.
  const { notifierConfig, INCIDENT_TEMPLATES_FILE } = require('../contracts') as typeof import('../contracts');
  const notifyMod = require('../lambdas/notify/notify') as typeof import('../lambdas/notify/notify');
  const messageMod = require('../lambdas/notify/message') as typeof import('../lambdas/notify/message');
  const incidentsMod = require('../lambdas/incidents/handler') as typeof import('../lambdas/incidents/handler');
  const startMs = Date.parse(startIso);
  let nowT = 0;
  const clock = () => new Date(startMs + nowT * 1000);
  const cfg = (r: string) => moto.clientConfig(r);
  const fnOf = (s: StackModel, dir: string) => s.functions.find((f) => f.handlerDir === dir);

  // ---- chatbot: table + seeded knowledge base per region, then the real handler ----
  const chat: Record<string, { handler: ChatbotHandler; throttled: { on: boolean } }> = {};
  for (const s of assembly.stacks.filter((x) => x.role === 'primary' || x.role === 'standby')) chat[s.role] = await createChatbot(assembly, s, moto, clock);

  // ---- webhook secrets and level topics per notifier ----
  const notifiers = new Map<string, { cfg: NotifierConfig; sns: SNSClient; secrets: SecretsManagerClient; cloudwatch: CloudWatchClient; ssm: SSMClient; published: Published[]; inAlarm: AlarmInAlarm[] }>();
  for (const s of assembly.stacks) {
    const fn = fnOf(s, 'notify');
    if (!fn) continue;
    const n = notifierConfig.fromEnvironment(fn.environment).settings as unknown as NotifierConfig;
    const published: Published[] = [];
    const state = { inAlarm: [] as AlarmInAlarm[] };
    const sns = intercept(new SNSClient(cfg(s.region)), (command, input) => {
      if (command === 'PublishCommand') {
        const attrs = Object.fromEntries(Object.entries((input.MessageAttributes ?? {}) as Record<string, { StringValue?: string }>).map(([k, v]) => [k, String(v.StringValue)]));
        published.push({ topic: String(input.TopicArn), message: String(input.Message), ...(input.Subject ? { subject: String(input.Subject) } : {}), attributes: attrs });
        return { MessageId: `tabletop-${published.length}` };
      }
      return undefined;
    });
    const secrets = new SecretsManagerClient(cfg(s.region));
    const kinds = new Set<string>();
    for (const level of ['general', 'important', 'emergency'] as const) {
      for (const w of n.webhooks[level]) {
        if (kinds.has(w.secretName)) continue;
        kinds.add(w.secretName);
        receivers.setKind(w.secretName, w.kind);
        await secrets.send(new CreateSecretCommand({ Name: w.secretName, SecretString: JSON.stringify({ url: receivers.urlOf(w.secretName), signingSecret: 'tabletop-signing-secret', routingKey: 'tabletop-routing-key' }) })).catch((e: Error) => {
          if (e.name !== 'ResourceExistsException') throw e;
        });
      }
    }
    const cloudwatch = intercept(new CloudWatchClient(cfg(s.region)), (command) => {
      if (command !== 'DescribeAlarmsCommand') return undefined;
      const list = notifiers.get(s.name)!.inAlarm;
      return {
        MetricAlarms: list.map((a) => ({ AlarmName: a.name, AlarmDescription: a.description, StateValue: 'ALARM', StateReason: a.reason, StateUpdatedTimestamp: new Date(startMs + a.since * 1000), AlarmActions: [...a.actions] })),
        CompositeAlarms: [],
      };
    });
    // Acknowledgements (`contingency ack`) live in SSM; nobody acknowledges in a tabletop run.
    const ssm = intercept(new SSMClient(cfg(s.region)), (command) => (command === 'GetParametersByPathCommand' ? { Parameters: [] } : undefined));
    notifiers.set(s.name, { cfg: n, sns, secrets, cloudwatch, ssm, published, inAlarm: state.inAlarm });
  }

  // ---- incidents: one table (the global table's replicas are one table here), buckets, notice topic ----
  const east = 'us-east-1';
  const incDdb = new DynamoDBClient(cfg(east));
  const s3 = new S3Client({ ...cfg(east), forcePathStyle: true });
  const notices: { subject: string; body: string }[] = [];
  const incSns = intercept(new SNSClient(cfg(east)), (command, input) => {
    if (command === 'PublishCommand') {
      notices.push({ subject: String(input.Subject ?? ''), body: String(input.Message) });
      return { MessageId: `notice-${notices.length}` };
    }
    return undefined;
  });
  const incidentHandlers = new Map<string, (e: never) => Promise<unknown>>();
  let publishStack: string | undefined;
  let statusBucket = '';
  let lastStatus = '';
  // Notices the recorder's own publishing sent (after an event) are reported with the next publish.
  let noticesReported = 0;
  // The scheduled publish changes nothing while no incident is open and nothing was recorded since
  // the last one: skipped then (it only costs time).
  let dirty = true;
  let openPhase: string | undefined;
  const tables = new Set<string>();
  let drillStore: import('../lambdas/incidents/store').IncidentStore | undefined;
  for (const s of assembly.stacks) {
    const fn = fnOf(s, 'incidents');
    if (!fn) continue;
    const env = { ...fn.environment };
    const templates = fn.bundledConfig[INCIDENT_TEMPLATES_FILE];
    if (env.PUBLISH_CONFIG) {
      if (!templates) throw new Error(`the incident publisher in ${s.name} has no bundled ${INCIDENT_TEMPLATES_FILE}`);
      env.PUBLISH_CONFIG = JSON.stringify({ ...(JSON.parse(env.PUBLISH_CONFIG) as object), templates: JSON.parse(templates) as unknown });
    }
    const c = incidentsMod.configFromEnv(env);
    if (!tables.has(c.tableName)) {
      tables.add(c.tableName);
      const { IncidentStore } = require('../lambdas/incidents/store') as typeof import('../lambdas/incidents/store');
      drillStore ??= new IncidentStore(incDdb, c.tableName, c.retentionDays);
      await incDdb.send(new CreateTableCommand({ TableName: c.tableName, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
    }
    if (c.publish) {
      publishStack = s.name;
      statusBucket = c.publish.statusBucket;
      for (const b of [c.publish.statusBucket, c.publish.reportBucket]) await s3.send(new CreateBucketCommand({ Bucket: b })).catch(() => undefined);
      // The satisfaction survey's answers table (§10.2), which the publisher reads for the reports.
      if (c.publish.surveyTable && !tables.has(c.publish.surveyTable)) {
        tables.add(c.publish.surveyTable);
        await incDdb.send(new CreateTableCommand({ TableName: c.publish.surveyTable, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
      }
      await incSns.send(new CreateTopicCommand({ Name: c.publish.noticeTopicArn.split(':').pop()! }));
    }
    incidentHandlers.set(s.name, incidentsMod.createHandler(c, { ddb: incDdb, ...(c.publish ? { s3, sns: incSns } : {}) }, clock) as never);
  }

  const audienceOf = new Map<string, Audience>();
  for (const [name, a] of Object.entries(assembly.sidecar.audiences ?? {})) {
    const aud: Audience = name === 'opsOnCall' ? 'on-call' : name === 'customerService' ? 'customer service' : name === 'management' ? 'management' : 'partners';
    for (const c of [...a.email, ...a.sms]) if (!audienceOf.has(c)) audienceOf.set(c, aud);
  }

  const runAlert = async (stack: string, t: number, dead: ReadonlySet<string>, go: (deps: import('../lambdas/notify/notify').NotifierDeps) => Promise<import('../lambdas/notify/notify').AlertOutcome[]>): Promise<NotifyOutcome[]> => {
    const n = notifiers.get(stack)!;
    nowT = t;
    for (const w of Object.values(n.cfg.webhooks).flat()) receivers.setDead(w.secretName, dead.has(w.secretName));
    notifyMod.clearSecretCache();
    const before = n.published.length;
    const seen = receivers.received.length;
    const nowMs = startMs + t * 1000;
    const outcomes = await quiet(() => go({ cfg: n.cfg, sns: n.sns, secrets: n.secrets, cloudwatch: n.cloudwatch, ssm: n.ssm, now: () => nowMs, backoffMs: 5, deadlineMs: nowMs + 50_000 }));
    const got = receivers.since(seen);
    const published = n.published.slice(before);
    return outcomes.map((o) => ({
      level: o.alert.level,
      title: o.alert.title,
      headline: messageMod.headline(o.alert),
      failures: o.deliveries.filter((d) => !d.ok).length + (o.published ? 0 : 1),
      published,
      webhooks: o.deliveries.map((d) => {
        const last = [...got].reverse().find((r) => r.channel === d.name && r.answered < 300);
        return { ok: d.ok, kind: d.kind, channel: d.name, audience: d.audience ?? 'unknown', detail: d.detail, ...(last ? { text: webhookText(last.body) } : {}) };
      }),
    }));
  };

  return {
    async health(role, opts) {
      const c = chat[role];
      c.throttled.on = opts.tableThrottled;
      const r = (await quiet(() => c.handler(httpEvent('GET', '/health'), lambdaContext(`chatbot-${role}`)))) as APIGatewayProxyStructuredResultV2;
      c.throttled.on = false;
      return { status: r.statusCode ?? 200, body: String(r.body ?? '') };
    },
    async chat(role, message, opts) {
      const c = chat[role];
      c.throttled.on = opts.tableThrottled;
      const r = (await quiet(() => c.handler(httpEvent('POST', '/chat', JSON.stringify({ message })), lambdaContext(`chatbot-${role}`)))) as APIGatewayProxyStructuredResultV2;
      c.throttled.on = false;
      let reply = String(r.body ?? '');
      try {
        reply = String((JSON.parse(reply) as { reply?: string }).reply ?? reply);
      } catch {
        /* not JSON */
      }
      return { status: r.statusCode ?? 200, reply };
    },
    notifierConfig: (stack) => notifiers.get(stack)?.cfg,
    audienceOfContact: (endpoint) => audienceOf.get(endpoint) ?? 'on-call',
    async notify(stack, t, topic, body, dead) {
      const [o] = await runAlert(stack, t, dead, async (deps) => {
        const out = await notifyMod.handleTopicMessage(deps, topic, body);
        return out ? [out] : [];
      });
      return o;
    },
    async tick(stack, t, _stateOf, dead) {
      if (!notifiers.has(stack)) return [];
      return runAlert(stack, t, dead, async (deps) => (await notifyMod.tick(deps, new Date(startMs + t * 1000).toISOString())).repeated);
    },
    async markDrill(t, phase, drillId) {
      if (!drillStore) return;
      dirty = true;
      await drillStore.append({ kind: 'drill', id: `drill#${drillId}#${phase}`, time: new Date(startMs + t * 1000).toISOString(), phase, drill: drillId });
    },
    setAlarmsInAlarm(stack, alarms) {
      const n = notifiers.get(stack);
      if (n) n.inAlarm.splice(0, n.inAlarm.length, ...alarms);
    },
    async incidentEvent(stack, t, event) {
      const h = incidentHandlers.get(stack);
      if (!h) return;
      nowT = t;
      dirty = true;
      await quiet(() => h(event as never));
    },
    async publish(t) {
      if (!publishStack) return undefined;
      // With nothing recorded, only a recovering incident can change (it closes once recovery held).
      if (!dirty && openPhase !== 'recovering') return { notices: [], statusChanged: false, overall: 'operational', statusText: lastStatus };
      dirty = false;
      nowT = t;
      const before = noticesReported;
      await quiet(() => incidentHandlers.get(publishStack!)!({ source: 'aws.events', 'detail-type': 'Scheduled Event' } as never));
      const doc = await s3.send(new GetObjectCommand({ Bucket: statusBucket, Key: 'status.json' })).then(
        async (r) => JSON.parse(await r.Body!.transformToString()) as { overall: string; components: { id: string; state: string }[]; current: null | { id: string; level: string; phase: string; updates: { status: string; message: Record<string, string> }[] }; history: { id: string }[] },
        () => undefined,
      );
      noticesReported = notices.length;
      if (!doc) return { notices: notices.slice(before), statusChanged: false, overall: 'unknown', statusText: '' };
      const summary = `${doc.overall} · ${doc.components.map((c) => `${c.id} ${c.state}`).join(', ')}${doc.current ? ` · incident ${doc.current.id} (${doc.current.level}, ${doc.current.phase})` : ''}`;
      const changed = summary !== lastStatus;
      openPhase = doc.current?.phase;
      const prevCurrent = /incident (\S+)/.exec(lastStatus)?.[1];
      lastStatus = summary;
      const latest = doc.current?.updates[0];
      return {
        notices: notices.slice(before),
        statusChanged: changed,
        overall: doc.overall,
        statusText: `${summary}${latest ? `\n${Object.values(latest.message).join('\n')}` : ''}`,
        ...(doc.current && doc.current.id !== prevCurrent ? { opened: doc.current.id, level: doc.current.level } : {}),
        ...(prevCurrent && doc.history.some((h) => h.id === prevCurrent) ? { resolved: prevCurrent } : {}),
      };
    },
  };
}
