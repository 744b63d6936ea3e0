import type { DrillAssembly, FunctionModel, StackModel } from './assembly';
import { AlarmEvaluator, StateChange } from './sim/alarms';
import { MetricId, MetricStore } from './sim/metrics';
import { HealthCheckSim, ProbeAnswer } from './sim/route53';
import { CachingClient, norm, Zone } from './sim/dns';
import { Attributes, SnsSim } from './sim/sns';
import { Fault, faultWindow, Scenario } from './scenario';
import type { Handlers, HealthAnswer } from './handlers';
import { Rehearsal } from './rehearsal';
import { responseAlarmName } from '../lib/alerting/response-levels';
import type { DrillReport } from '../ops/drill/machine';

/**
 * The tabletop's event loop on a simulated clock. Time advances one second per step; within a
 * step, health checkers probe (each on its own phase), customers' clients send requests (each
 * with its own DNS cache), and on every minute boundary CloudWatch evaluates every alarm of every
 * stack, whose actions go through SNS (filter policies) to the real notifier, the real incident
 * recorder and publisher (handlers.ts), and to people. Everything that happens lands on the
 * timeline with the second it happened.
 */

export type Audience = 'on-call' | 'customer service' | 'management' | 'partners' | 'customers' | 'system';

export interface TimelineEntry {
  /** Seconds after the drill started. */
  readonly t: number;
  readonly at: string;
  readonly kind: 'fault' | 'fault-end' | 'health' | 'alarm' | 'page' | 'dns' | 'incident' | 'status' | 'notice' | 'delivery-failed' | 'notifier';
  readonly audience: Audience;
  readonly title: string;
  readonly level?: string;
  readonly channel?: string;
  readonly text?: string;
}

export interface Measured {
  readonly detectionSeconds: { general: number | null; important: number | null; emergency: number | null };
  /** Burn-rate composite per level (the README's detection table speaks of these). */
  readonly burnRateDetectionSeconds: { general: number | null; important: number | null; emergency: number | null };
  readonly failoverSeconds: number | null;
  readonly fallbackSeconds: number | null;
  readonly firstPageSeconds: number | null;
  readonly customerNoticeSeconds: number | null;
  readonly incidentOpenSeconds: number | null;
  readonly recoverySeconds: number | null;
  /** Customer requests that failed (no answer, 5xx or 429) / all, during the drill. */
  readonly failedRequests: number;
  readonly requests: number;
}

export interface DrillResult {
  readonly scenario: Scenario;
  readonly startIso: string;
  readonly faultStart: number;
  readonly faultEnd: number;
  readonly timeline: TimelineEntry[];
  readonly measured: Measured;
  /** A drill-rehearsal scenario: the live drill's report (the runner's shape) and when it injected, failed back and finished (seconds). */
  readonly drill?: { readonly report: DrillReport | undefined; readonly times: { injected?: number; failBack?: number; finished?: number } };
  /** One sample per 10 s: where clients' requests went and what health checks said (the picture). */
  readonly series: { t: number; primary: number; standby: number; fallback: number; failed: number; health: Record<string, boolean> }[];
}

/** The simulated start: a Monday 10:00 in Hong Kong, so the rendered times read naturally. */
export const DRILL_START_ISO = '2026-01-05T02:00:00.000Z';
/** History written before the drill (steady traffic, no errors), so the longest burn-rate window is full. */
export const WARMUP_MINUTES = 3 * 24 * 60 + 10;

type Role = 'primary' | 'standby';

interface RegionView {
  down: 'hang' | 'refused' | undefined;
  errorShare: number;
  latencyMs: number;
  healthLatency: boolean;
  throttleShare: number;
  tableThrottleShare: number;
}

/** Deterministic pseudo-random numbers (mulberry32), so one seed gives one drill. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class World {
  constructor(private readonly faults: readonly Fault[], private readonly duration: number) {}

  active(t: number): Fault[] {
    return this.faults.filter((f) => {
      const w = faultWindow(f, this.duration);
      if (t < w.from || t >= w.to) return false;
      if (f.kind === 'flapping') return (t - w.from) % (f.downSeconds + f.upSeconds) < f.downSeconds;
      return true;
    });
  }

  region(role: Role, t: number): RegionView {
    const v: RegionView = { down: undefined, errorShare: 0, latencyMs: 120, healthLatency: false, throttleShare: 0, tableThrottleShare: 0 };
    for (const f of this.active(t)) {
      if (!('target' in f) || f.target !== role) continue;
      if (f.kind === 'down') v.down = f.mode;
      if (f.kind === 'flapping') v.down = 'hang';
      if (f.kind === 'errors') v.errorShare = f.percent / 100;
      if (f.kind === 'latency') {
        v.latencyMs = f.ms;
        v.healthLatency = f.health;
      }
      if (f.kind === 'throttling') v.throttleShare = f.percent / 100;
      if (f.kind === 'table-throttling') v.tableThrottleShare = f.percent / 100;
    }
    return v;
  }

  deadChannels(t: number): Set<string> {
    return new Set(this.active(t).flatMap((f) => (f.kind === 'channel-dead' ? [f.channel] : [])));
  }

  throttledNotifiers(t: number): Set<string> {
    return new Set(this.active(t).flatMap((f) => (f.kind === 'notifier-throttled' ? [f.stack] : [])));
  }
}

/** Writes metrics into a stack's store under every metric id its alarms use with that namespace and name. */
class StackMetrics {
  readonly store = new MetricStore();
  private readonly ids = new Map<string, MetricId[]>();

  constructor(readonly stack: StackModel) {
    for (const a of stack.alarms) {
      if (a.kind !== 'metric') continue;
      const stats = a.metricStat ? [a.metricStat] : (a.queries ?? []).flatMap((q) => (q.metricStat ? [q.metricStat] : []));
      for (const s of stats) {
        const k = `${s.metric.namespace}|${s.metric.name}`;
        const list = this.ids.get(k) ?? [];
        if (!list.some((m) => JSON.stringify(m) === JSON.stringify(s.metric))) list.push(s.metric);
        this.ids.set(k, list);
      }
    }
  }

  emit(namespace: string, name: string, t: number, value: number, opts: { weight?: number; keepSamples?: boolean; dims?: (d: Readonly<Record<string, string>>) => boolean } = {}): void {
    for (const id of this.ids.get(`${namespace}|${name}`) ?? []) {
      if (opts.dims && !opts.dims(id.dimensions ?? {})) continue;
      this.store.put(id, t, value, opts);
    }
  }
}

const LEVELS = ['general', 'important', 'emergency'] as const;
type Level = (typeof LEVELS)[number];

export interface EngineOptions {
  readonly assembly: DrillAssembly;
  readonly scenario: Scenario;
  readonly handlers: Handlers;
}

export async function runEngine(opts: EngineOptions): Promise<DrillResult> {
  const { assembly, scenario, handlers } = opts;
  const duration = scenario.durationMinutes * 60;
  const world = new World(scenario.faults, duration);
  const startMs = Date.parse(DRILL_START_ISO);
  const iso = (t: number) => new Date(startMs + t * 1000).toISOString();
  const timeline: TimelineEntry[] = [];
  const add = (e: Omit<TimelineEntry, 'at'>) => timeline.push({ ...e, at: iso(e.t) });
  const random = rng(scenario.seed);

  const byRole = (role: string) => {
    const s = assembly.stacks.find((x) => x.role === role);
    if (!s) throw new Error(`the assembly has no ${role} stack`);
    return s;
  };
  const failoverStack = byRole('failover');
  const metrics = new Map(assembly.stacks.map((s) => [s.name, new StackMetrics(s)]));
  const evaluators = new Map(assembly.stacks.map((s) => [s.name, new AlarmEvaluator(s.alarms, metrics.get(s.name)!.store)]));
  const sns = new SnsSim(assembly.stacks.flatMap((s) => s.subscriptions));
  const regionStacks: Record<Role, StackModel> = { primary: byRole('primary'), standby: byRole('standby') };
  const chatbotFn = (s: StackModel): FunctionModel => {
    const f = s.functions.find((x) => x.handlerDir === 'chatbot');
    if (!f) throw new Error(`stack ${s.name} has no chatbot function`);
    return f;
  };
  const chatbotName = { primary: nameOf(chatbotFn(regionStacks.primary)), standby: nameOf(chatbotFn(regionStacks.standby)) };

  // ---- DNS: the failover records and which endpoint each target is ----
  const hcs = failoverStack.healthChecks.map((def) => {
    const r = rng(scenario.seed * 7919 + def.id.length);
    return new HealthCheckSim(def, { phases: def.regions.map(() => r() * def.requestIntervalSeconds) });
  });
  const hcById = new Map(hcs.map((h) => [h.def.id, h]));
  const zone = new Zone(failoverStack.records, (id) => hcById.get(id)?.healthy ?? true);
  const endpointOfTarget = new Map<string, Role | 'fallback'>();
  for (const r of failoverStack.records) {
    const hc = r.healthCheckId ? hcById.get(r.healthCheckId) : undefined;
    if (hc && (hc.def.endpoint === 'primary' || hc.def.endpoint === 'standby')) endpointOfTarget.set(norm(r.value), hc.def.endpoint);
  }
  for (const r of failoverStack.records) if (r.failover === 'SECONDARY' && !zone.has(r.value)) endpointOfTarget.set(norm(r.value), 'fallback');
  const publicName = [...new Set(failoverStack.records.map((r) => norm(r.name)))].find((n) => !failoverStack.records.some((r) => norm(r.value) === n));
  if (!publicName) throw new Error('the failover records have no top name');
  const targetRole = (target: string): Role | 'fallback' => {
    const r = endpointOfTarget.get(norm(target));
    if (!r) throw new Error(`DNS answer ${target} is neither a chatbot region nor the fallback site`);
    return r;
  };

  // ---- what an endpoint answers a health probe with: the real /health, memoized per state ----
  const healthMemo = new Map<string, HealthAnswer>();
  const healthOf = async (role: Role, view: RegionView): Promise<HealthAnswer> => {
    const throttled = view.tableThrottleShare > 0 && random() < view.tableThrottleShare;
    const key = `${role}|${throttled}`;
    let h = healthMemo.get(key);
    if (!h) {
      h = await handlers.health(role, { tableThrottled: throttled });
      healthMemo.set(key, h);
    }
    return h;
  };
  const probeRegion = async (role: Role, t: number): Promise<ProbeAnswer> => {
    const v = world.region(role, t);
    if (v.down) return { kind: v.down === 'hang' ? 'no-answer' : 'refused' };
    const h = await healthOf(role, v);
    return { kind: 'answer', connectSeconds: 0.05, responseSeconds: v.healthLatency ? v.latencyMs / 1000 : 0.1, status: h.status, body: h.body };
  };
  const checkerClients = new Map<string, CachingClient>();

  // ---- clients ----
  const clients = scenario.traffic.clients;
  const interval = scenario.traffic.requestIntervalSeconds ?? Math.max(1, Math.round((60 * clients) / scenario.traffic.requestsPerMinute));
  const weight = (scenario.traffic.requestsPerMinute * interval) / (60 * clients);
  const maxTtl = Math.max(...failoverStack.records.map((r) => r.ttlSeconds));
  const population = Array.from({ length: clients }, (_, i) => ({ dns: new CachingClient(`client-${i}`), next: (i * maxTtl) / clients, last: undefined as Role | 'fallback' | undefined, moved: new Set<string>() }));
  const chainNames = [...new Set(failoverStack.records.map((r) => norm(r.name)))];
  /** When each health check last turned unhealthy (exact, from the checkers). */
  const unhealthySince = new Map<string, number>();

  // ---- warm-up history: steady traffic, no errors ----
  const rpm = scenario.traffic.requestsPerMinute;
  for (const role of ['primary', 'standby'] as const) {
    const m = metrics.get(regionStacks[role].name)!;
    const share = role === 'primary' ? 1 : 0;
    for (let mi = -WARMUP_MINUTES; mi < 0; mi++) {
      const t = mi * 60;
      if (share) {
        m.emit('AWS/ApiGateway', 'Count', t, rpm * share);
        m.emit('AWS/ApiGateway', '5xx', t, 0);
        m.emit('AWS/ApiGateway', '5XXError', t, 0); // REST API name
        m.emit('AWS/ApiGateway', '4xx', t, 0);
        m.emit('AWS/ApiGateway', '4XXError', t, 0); // REST API name
        m.emit('AWS/ApiGateway', 'Latency', t, 120, { weight: 1, keepSamples: true });
      }
      if (mi % 5 === 0) m.emit('ChatbotContingency', 'NotifierHeartbeat', t, 1);
      if (mi % 60 === 0) m.emit('ChatbotContingency', 'HoursSinceRestoreTestSucceeded', t, 20);
    }
  }
  for (const s of assembly.stacks) {
    const m = metrics.get(s.name)!;
    if (s.role === 'global') for (let mi = -30; mi < 0; mi += 5) m.emit('ChatbotContingency', 'NotifierHeartbeat', mi * 60, 1);
    if (s.role === 'failover') for (const h of hcs) for (let mi = -5; mi < 0; mi++) metrics.get(failoverStack.name)!.store.put({ namespace: 'AWS/Route53', name: 'HealthCheckStatus', dimensions: { HealthCheckId: h.def.id } }, mi * 60, h.healthy ? 1 : 0);
  }
  // Settle every alarm into its steady state before the drill (no actions, not on the timeline).
  for (const ev of evaluators.values()) ev.evaluate(0);

  // ---- routing alarm actions ----
  const levelOfTopic = new Map<string, Level>();
  const directTopics = new Set<string>();
  for (const s of assembly.stacks) {
    const n = handlers.notifierConfig(s.name);
    if (!n) continue;
    for (const l of LEVELS) levelOfTopic.set(n.topics[l], l);
  }
  for (const s of assembly.stacks) for (const t of s.topics) if (!levelOfTopic.has(t.arn) && /direct/i.test(t.logicalId)) directTopics.add(t.arn);
  const notifierStackOf = (topic: string) => assembly.stacks.find((s) => handlers.notifierConfig(s.name) && Object.values(handlers.notifierConfig(s.name)!.topics).includes(topic));
  const stackRoleKey = (s: StackModel) => (s.role === 'failover' ? 'global' : s.role);

  const firstAlarm: Record<Level, number | null> = { general: null, important: null, emergency: null };
  const firstBurn: Record<Level, number | null> = { general: null, important: null, emergency: null };
  let firstPage: number | null = null;
  let firstNotice: number | null = null;
  let incidentOpen: number | null = null;
  let incidentResolved: number | null = null;
  // A rehearsal's "fault" is the drill's injection; its faults (a stop condition) come on top.
  const drillAt = scenario.kind === 'drill-rehearsal' && scenario.drill ? scenario.drill.at * 60 : undefined;
  const faultStart = Math.min(...scenario.faults.map((f) => faultWindow(f, duration).from), drillAt ?? Infinity);
  const faultEnd = scenario.faults.length ? Math.max(...scenario.faults.map((f) => faultWindow(f, duration).to)) : duration;

  const deliverPeople = (t: number, topic: string, message: string, attributes: Attributes, subject: string | undefined, level: string | undefined, title: string) => {
    for (const d of sns.publish(topic, message, attributes, subject)) {
      if (d.subscription.protocol !== 'email' && d.subscription.protocol !== 'sms') continue;
      let text = message;
      try {
        const o = JSON.parse(message) as Record<string, string>;
        text = (d.subscription.protocol === 'sms' ? o.sms : o.email) ?? o.default ?? message;
      } catch {
        /* a plain message */
      }
      const audience = handlers.audienceOfContact(d.subscription.endpoint);
      add({ t, kind: 'page', audience, level: level ?? 'direct', channel: d.subscription.protocol, title: `${d.subscription.protocol} to ${d.subscription.endpoint}: ${subject ?? title}`, text });
      if (firstPage === null && t >= faultStart) firstPage = t;
    }
  };

  const since = new Map<string, { t: number; reason: string }>();
  const onChange = async (t: number, stack: StackModel, c: StateChange) => {
    const def = stack.alarms.find((a) => a.name === c.alarm)!;
    since.set(`${stack.name}|${c.alarm}`, { t, reason: c.reason });
    const topicLevels = c.actions.map((a) => levelOfTopic.get(a)).filter((x): x is Level => !!x);
    const level = topicLevels[0];
    add({ t, kind: 'alarm', audience: 'system', ...(level ? { level } : {}), title: `${c.alarm} ${c.from} → ${c.to}`, text: c.reason });
    if (c.to === 'ALARM' && t >= faultStart) {
      for (const l of topicLevels) if (firstAlarm[l] === null) firstAlarm[l] = t - faultStart;
      const burn = /BurnRates(general|important|emergency)alert/.exec(c.alarm);
      if (burn && firstBurn[burn[1] as Level] === null) firstBurn[burn[1] as Level] = t - faultStart;
    }
    // CloudWatch → SNS: the alarm message as CloudWatch writes it.
    for (const topic of c.actions) {
      const body = JSON.stringify({
        AlarmName: c.alarm,
        AlarmDescription: def.description ?? null,
        AWSAccountId: '000000000000',
        NewStateValue: c.to,
        OldStateValue: c.from,
        NewStateReason: c.reason,
        StateChangeTime: iso(t).replace('Z', '+0000'),
        Region: stack.region,
        AlarmArn: `arn:aws:cloudwatch:${stack.region}:000000000000:alarm:${c.alarm}`,
        Trigger:
          def.kind === 'metric' && def.metricStat
            ? { MetricName: def.metricStat.metric.name, Namespace: def.metricStat.metric.namespace, Dimensions: Object.entries(def.metricStat.metric.dimensions ?? {}).map(([name, value]) => ({ name, value })), Period: def.metricStat.periodSeconds, Threshold: def.threshold }
            : undefined,
      });
      if (directTopics.has(topic)) {
        deliverPeople(t, topic, body, {}, `${c.to}: "${c.alarm}"`, undefined, `${c.alarm} → ${c.to}`);
        continue;
      }
      for (const d of sns.publish(topic, body, {})) {
        if (d.subscription.protocol !== 'lambda') continue;
        const nStack = notifierStackOf(topic);
        if (!nStack) continue;
        if (world.throttledNotifiers(t).has(stackRoleKey(nStack))) {
          add({ t, kind: 'notifier', audience: 'system', title: `notifier in ${nStack.name} throttled: ${c.alarm} ${c.to} not delivered (Lambda retries, then its dead-letter queue)` });
          continue;
        }
        await runNotifier(t, nStack, topic, body);
      }
    }
    // EventBridge: response-level alarm changes → the incident function of the stack.
    for (const fnStack of assembly.stacks) {
      for (const rule of fnStack.rules) {
        const pattern = rule.pattern as { source?: string[]; resources?: string[] } | undefined;
        if (!pattern?.source?.includes('aws.cloudwatch') || !pattern.resources?.includes(`arn:aws:cloudwatch:${stack.region}:000000000000:alarm:${c.alarm}`)) continue;
        if (fnStack.region !== stack.region) continue;
        const incidentFn = fnStack.functions.find((f) => rule.targets.includes(f.arn));
        if (!incidentFn) continue;
        await handlers.incidentEvent(fnStack.name, t, {
          id: `tabletop-${c.alarm}-${t}`,
          source: 'aws.cloudwatch',
          'detail-type': 'CloudWatch Alarm State Change',
          time: iso(t),
          region: stack.region,
          resources: [`arn:aws:cloudwatch:${stack.region}:000000000000:alarm:${c.alarm}`],
          detail: { alarmName: c.alarm, state: { value: c.to, reason: c.reason, timestamp: iso(t).replace('Z', '+0000') } },
        });
      }
    }
  };

  const runNotifier = async (t: number, nStack: StackModel, topic: string, body: string) => {
    const dead = world.deadChannels(t);
    const out = await handlers.notify(nStack.name, t, topic, body, dead);
    if (!out) return;
    const m = metrics.get(nStack.name)!;
    m.emit('ChatbotContingency', 'DeliveryFailures', t, out.failures);
    for (const p of out.published) deliverPeople(t, p.topic, p.message, p.attributes, p.subject, out.level, out.title);
    for (const w of out.webhooks) {
      if (w.ok) {
        add({ t, kind: 'page', audience: audienceName(w.audience), level: out.level, channel: w.kind, title: `${w.kind} (${w.channel}): ${out.headline}`, text: w.text });
        if (firstPage === null && t >= faultStart) firstPage = t;
      } else add({ t, kind: 'delivery-failed', audience: audienceName(w.audience), level: out.level, channel: w.kind, title: `${w.kind} (${w.channel}) failed: ${w.detail}` });
    }
  };

  const onIncidentPublish = (t: number, r: Awaited<ReturnType<Handlers['publish']>>) => {
    if (!r) return;
    for (const n of r.notices) {
      add({ t, kind: 'notice', audience: 'customers', title: n.subject, text: n.body });
      if (firstNotice === null && t >= faultStart) firstNotice = t;
    }
    if (r.statusChanged) add({ t, kind: 'status', audience: 'customers', title: `status page: ${r.overall}`, text: r.statusText });
    if (r.opened && incidentOpen === null && t >= faultStart) {
      incidentOpen = t;
      add({ t, kind: 'incident', audience: 'management', title: `incident ${r.opened} opened (${r.level})` });
    }
    if (r.resolved && incidentResolved === null) {
      incidentResolved = t;
      add({ t, kind: 'incident', audience: 'management', title: `incident ${r.resolved} resolved` });
    }
  };

  // ---- the loop ----
  const faultsSeen = new Set<Fault>();
  const series: DrillResult['series'] = [];
  let requests = 0;
  let failed = 0;
  let lastFailoverSwitch: number | null = null;
  let lastFallbackSwitch: number | null = null;
  const stepCounts = { primary: 0, standby: 0, fallback: 0, failed: 0 };
  const spread = new Map<string, number>();
  const failedRegion = (role: Role) => !!world.region(role, faultStart).down || scenario.faults.some((f) => (f.kind === 'down' || f.kind === 'flapping') && f.target === role);

  // ---- a live drill rehearsed: the shared state machine, its observations from this simulation ----
  const rehearsal =
    drillAt !== undefined && scenario.drill
      ? new Rehearsal(
          {
            scenario: `${scenario.name}: dns-switch rehearsal, primary ${regionStacks.primary.region} taken out of DNS`,
            kind: 'dns-switch',
            regions: { primary: regionStacks.primary.region, standby: regionStacks.standby.region },
            window: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], startHour: 0, endHour: 24, timeZone: assembly.sidecar.timeZone },
            objectiveSeconds: assembly.sidecar.objectives.rtoMinutes * 60,
            maxDurationSeconds: scenario.drill.maxDurationMinutes * 60,
            holdSeconds: scenario.drill.holdMinutes * 60,
            pollSeconds: scenario.drill.pollSeconds,
          },
          drillAt,
          iso,
        )
      : undefined;
  const observer = new CachingClient('drill-observer');
  let drillMarkedAt: number | undefined;
  const alarmsInAlarm = (match: (s: StackModel, a: StackModel['alarms'][number]) => boolean) =>
    assembly.stacks.some((s) => s.alarms.some((a) => match(s, a) && evaluators.get(s.name)!.state(a.name) === 'ALARM'));
  const since0 = (v: number | null) => (v === null ? undefined : v + faultStart);
  const drillWorld: import('./rehearsal').RehearsalWorld = {
    setInverted: (on) => {
      for (const h of hcs) if (h.def.endpoint === 'primary') h.setInverted(on);
    },
    regionHealthy: async (role, t) => {
      const v = world.region(role, t);
      return !v.down && (await healthOf(role, v)).status === 200;
    },
    serving: (t) => {
      const role = targetRole(observer.resolve(publicName, t, zone).target);
      return role === 'fallback' || world.region(role, t).down ? undefined : regionStacks[role].region;
    },
    // The alarms the deployed runner watches (lib/stacks/failover-stack.ts): the us-east-1
    // EMERGENCY response level, and each chatbot region's SEVERE level (emergency burn rate).
    emergencyLevel: () => alarmsInAlarm((_s, a) => a.name === responseAlarmName(assembly.sidecar.planName, 'us-east-1', 'emergency')),
    burnRate: () => alarmsInAlarm((_s, a) => a.name === responseAlarmName(assembly.sidecar.planName, 'primary', 'severe') || a.name === responseAlarmName(assembly.sidecar.planName, 'standby', 'severe')),
    openIncident: () => incidentOpen !== null && incidentResolved === null && (drillMarkedAt === undefined || incidentOpen < drillMarkedAt),
    signals: () => ({ general: since0(firstAlarm.general), important: since0(firstAlarm.important), emergency: since0(firstAlarm.emergency), firstPage: firstPage ?? undefined, customerNotice: firstNotice ?? undefined, incidentOpened: incidentOpen ?? undefined }),
    announce: (t, what, text) => add({ t, kind: 'page', audience: 'on-call', level: 'drill', title: `[DRILL] announcement (${what})`, text }),
    markDrill: async (t, phase) => {
      if (phase === 'start') drillMarkedAt = t;
      await handlers.markDrill(t, phase, scenario.name);
      add({ t, kind: 'incident', audience: 'system', title: `incident log: drill ${scenario.name} ${phase === 'start' ? 'started' : 'ended'} (incidents meanwhile are drill incidents)` });
    },
    note: (t, title) => add({ t, kind: 'dns', audience: 'system', title }),
  };

  for (let t = 0; t < duration; t++) {
    if (rehearsal) await rehearsal.step(t, drillWorld);
    for (const f of scenario.faults) {
      const w = faultWindow(f, duration);
      if (t === w.from && !faultsSeen.has(f)) {
        faultsSeen.add(f);
        add({ t, kind: 'fault', audience: 'system', title: `fault: ${describeFault(f)}` });
      }
      if (t === w.to && w.to < duration) add({ t, kind: 'fault-end', audience: 'system', title: `fault over: ${describeFault(f)}` });
    }
    // Health checkers.
    for (const h of hcs) {
      const probe = async (pt: number, region: string): Promise<ProbeAnswer> => {
        if (h.def.endpoint === 'primary' || h.def.endpoint === 'standby') return probeRegion(h.def.endpoint, pt);
        let c = checkerClients.get(`${h.def.id}|${region}`);
        if (!c) checkerClients.set(`${h.def.id}|${region}`, (c = new CachingClient(region)));
        const role = targetRole(c.resolve(h.def.fqdn, pt, zone).target);
        if (role === 'fallback') return { kind: 'answer', connectSeconds: 0.05, responseSeconds: 0.05, status: 200, body: '<!doctype html><title>fallback</title>' };
        return probeRegion(role, pt);
      };
      // HealthCheckSim.advance is synchronous: answer from a per-second snapshot of every region.
      const snapshot = new Map<string, ProbeAnswer>();
      for (const region of h.dueRegions(t + 1)) snapshot.set(region, await probe(t, region));
      for (const change of h.advance(t + 1, (_pt, region) => snapshot.get(region)!)) {
        if (!change.healthy) unhealthySince.set(change.endpoint, change.time);
        add({ t: Math.floor(change.time), kind: 'health', audience: 'system', title: `Route 53: ${change.endpoint} ${change.healthy ? 'healthy' : 'unhealthy'} (${change.healthyCheckers}/${change.checkers} checkers see it healthy) at ${change.time.toFixed(1)} s` });
      }
      metrics.get(failoverStack.name)!.store.put({ namespace: 'AWS/Route53', name: 'HealthCheckStatus', dimensions: { HealthCheckId: h.def.id } }, t, h.healthy ? 1 : 0);
    }
    // Clients.
    for (const c of population) {
      while (c.next < t + 1) {
        const rt = c.next;
        c.next += interval;
        const before = chainNames.map((n) => c.dns.expiresAt(n) ?? -Infinity);
        const role = targetRole(c.dns.resolve(publicName, rt, zone).target);
        if (role !== c.last && rt >= faultStart && rt < faultEnd && c.last !== undefined) {
          // The moment this client could first have had the new answer: its stale answers had
          // expired and the health checks had turned (clients are assumed to ask as soon as they may).
          const turned = role === 'standby' ? (unhealthySince.get('primary') ?? rt) : Math.max(unhealthySince.get('primary') ?? rt, unhealthySince.get('standby') ?? rt);
          const at = Math.min(rt, Math.max(turned, ...before.filter((e) => e <= rt)));
          // The first move of each client counts: the figure is when the last client first got there.
          if (role === 'standby' && !c.moved.has(role)) lastFailoverSwitch = Math.max(lastFailoverSwitch ?? -Infinity, at);
          if (role === 'fallback' && !c.moved.has(role)) lastFallbackSwitch = Math.max(lastFallbackSwitch ?? -Infinity, at);
          c.moved.add(role);
        }
        c.last = role;
        requests += weight;
        if (role === 'fallback') {
          stepCounts.fallback++;
          continue;
        }
        stepCounts[role]++;
        const v = world.region(role, rt);
        const m = metrics.get(regionStacks[role].name)!;
        if (v.down) {
          failed += weight;
          stepCounts.failed++;
          continue;
        }
        const isFn = (d: Readonly<Record<string, string>>) => !d.FunctionName || d.FunctionName === chatbotName[role];
        m.emit('AWS/ApiGateway', 'Count', rt, weight);
        // Shares are spread evenly (an error every 1/share requests), not drawn at random: the same
        // share gives the same figures on every run.
        const due = (k: 'throttle' | 'error', share: number) => {
          const key = `${role}|${k}`;
          const acc = (spread.get(key) ?? 0) + share;
          spread.set(key, acc >= 1 ? acc - 1 : acc);
          return acc >= 1;
        };
        if (due('throttle', v.throttleShare)) {
          failed += weight;
          stepCounts.failed++;
          m.emit('AWS/ApiGateway', '4xx', rt, weight);
          m.emit('AWS/ApiGateway', '4XXError', rt, weight); // REST API name
          m.emit('ChatbotContingency', 'ApiThrottled', rt, weight);
          continue;
        }
        m.emit('AWS/ApiGateway', '4xx', rt, 0);
        m.emit('AWS/ApiGateway', '4XXError', rt, 0); // REST API name
        // Errors are counted in requests, not in samples: a sample stands for `weight` requests, and
        // failing all of them at once would quantize a 2% share in steps of `weight` requests (the
        // window would reach 0.6% one evaluation minute late when the crossing falls on a whole minute).
        const errorKey = `${role}|error-requests`;
        const errorAcc = (spread.get(errorKey) ?? 0) + v.errorShare * weight;
        const errors = Math.min(weight, Math.floor(errorAcc + 1e-9));
        spread.set(errorKey, errorAcc - errors);
        const error = errors > 0;
        m.emit('AWS/ApiGateway', '5xx', rt, errors);
        m.emit('AWS/ApiGateway', '5XXError', rt, errors); // REST API name
        m.emit('AWS/ApiGateway', 'Latency', rt, v.latencyMs, { keepSamples: true, weight: Math.max(1, Math.round(weight)) });
        m.emit('AWS/Lambda', 'Duration', rt, Math.max(1, v.latencyMs - 20), { keepSamples: true, dims: isFn });
        m.emit('AWS/Lambda', 'ConcurrentExecutions', rt, Math.ceil((rpm / 60) * (v.latencyMs / 1000)), { dims: isFn });
        if (error) {
          failed += errors;
          stepCounts.failed++;
          m.emit('AWS/Lambda', 'Errors', rt, errors, { dims: isFn });
          m.emit('ChatbotContingency', 'UnhandledErrors', rt, errors);
        } else m.emit('AWS/Lambda', 'Errors', rt, 0, { dims: isFn });
        if (v.tableThrottleShare > 0) {
          m.emit('AWS/DynamoDB', 'ReadThrottleEvents', rt, random() < v.tableThrottleShare ? 2 * weight : 0);
          m.emit('AWS/DynamoDB', 'WriteThrottleEvents', rt, random() < v.tableThrottleShare ? weight : 0);
        }
      }
    }
    if ((t + 1) % 10 === 0) {
      series.push({ t: t + 1, ...stepCounts, health: Object.fromEntries(hcs.map((h) => [h.def.endpoint, h.healthy])) });
      stepCounts.primary = stepCounts.standby = stepCounts.fallback = stepCounts.failed = 0;
    }
    // Minute boundary: CloudWatch, EventBridge schedules.
    const T = t + 1;
    if (T % 60 === 0) {
      for (const s of assembly.stacks) {
        const throttled = world.throttledNotifiers(T).has(stackRoleKey(s));
        // The notifier's tick (every 5 min) beats the heartbeat and repeats emergencies.
        if ((T / 60) % 5 === 0 && handlers.notifierConfig(s.name)) {
          if (!throttled) {
            const emergencyTopic = handlers.notifierConfig(s.name)!.topics.emergency;
            const ev = evaluators.get(s.name)!;
            handlers.setAlarmsInAlarm(
              s.name,
              s.alarms
                .filter((a) => a.alarmActions.includes(emergencyTopic) && ev.state(a.name) === 'ALARM')
                .map((a) => ({ name: a.name, ...(a.description ? { description: a.description } : {}), actions: a.alarmActions, since: since.get(`${s.name}|${a.name}`)?.t ?? 0, reason: since.get(`${s.name}|${a.name}`)?.reason ?? '' })),
            );
            metrics.get(s.name)!.emit('ChatbotContingency', 'NotifierHeartbeat', T - 1, 1);
            const rep = await handlers.tick(s.name, T, (name) => evaluators.get(s.name)!.state(name), world.deadChannels(T));
            for (const o of rep) {
              for (const p of o.published) deliverPeople(T, p.topic, p.message, p.attributes, p.subject, o.level, o.title);
              for (const w of o.webhooks) if (w.ok) add({ t: T, kind: 'page', audience: audienceName(w.audience), level: o.level, channel: w.kind, title: `${w.kind} (${w.channel}): ${o.headline}`, text: w.text });
            }
          }
        }
        if ((T / 60) % 60 === 0 && (s.role === 'primary' || s.role === 'standby')) metrics.get(s.name)!.emit('ChatbotContingency', 'HoursSinceRestoreTestSucceeded', T - 1, 20);
      }
      for (const s of assembly.stacks) for (const c of evaluators.get(s.name)!.evaluate(T)) await onChange(T, s, c);
      onIncidentPublish(T, await handlers.publish(T));
    }
  }

  const failedPrimary = failedRegion('primary');
  const measured: Measured = {
    detectionSeconds: firstAlarm,
    burnRateDetectionSeconds: firstBurn,
    failoverSeconds: failedPrimary && lastFailoverSwitch !== null ? round1(lastFailoverSwitch - faultStart) : null,
    fallbackSeconds: lastFallbackSwitch !== null ? round1(lastFallbackSwitch - faultStart) : null,
    firstPageSeconds: firstPage !== null ? firstPage - faultStart : null,
    customerNoticeSeconds: firstNotice !== null ? firstNotice - faultStart : null,
    incidentOpenSeconds: incidentOpen !== null ? incidentOpen - faultStart : null,
    recoverySeconds: incidentResolved !== null && faultEnd < duration ? incidentResolved - faultEnd : null,
    failedRequests: Math.round(failed),
    requests: Math.round(requests),
  };
  timeline.sort((a, b) => a.t - b.t);
  return { scenario, startIso: DRILL_START_ISO, faultStart, faultEnd, timeline, measured, series, ...(rehearsal ? { drill: { report: rehearsal.report, times: rehearsal.times } } : {}) };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

function nameOf(f: FunctionModel): string {
  return `${f.stack}-${f.logicalId}`.toLowerCase();
}

export function audienceName(a: string | undefined): Audience {
  switch (a) {
    case 'opsOnCall':
      return 'on-call';
    case 'customerService':
      return 'customer service';
    case 'management':
      return 'management';
    case 'partners':
      return 'partners';
    default:
      return 'on-call';
  }
}

export function describeFault(f: Fault): string {
  switch (f.kind) {
    case 'down':
      return `${f.target} region down (${f.mode === 'hang' ? 'connections time out' : 'connections refused'})`;
    case 'errors':
      return `${f.target}: ${f.percent}% of /chat requests fail with 5xx`;
    case 'latency':
      return `${f.target}: /chat answers in ${f.ms} ms${f.health ? ' (and /health)' : ''}`;
    case 'throttling':
      return `${f.target}: ${f.percent}% of /chat requests throttled (429)`;
    case 'table-throttling':
      return `${f.target}: ${f.percent}% of table calls throttled`;
    case 'flapping':
      return `${f.target} flapping: down ${f.downSeconds} s, up ${f.upSeconds} s`;
    case 'channel-dead':
      return `webhook channel ${f.channel} stops answering`;
    case 'notifier-throttled':
      return `the ${f.stack} notifier is throttled`;
  }
}
