import { AlarmDef, AlarmEvaluator, decide, evaluateExpression, parseExpression, parseRule, evaluateRule, Point, TreatMissingData } from '../../drill/sim/alarms';
import { MetricStore } from '../../drill/sim/metrics';
import { HealthCheckDef, HealthCheckSim, judgeProbe, ProbeAnswer } from '../../drill/sim/route53';
import { CachingClient, RecordDef, Zone } from '../../drill/sim/dns';
import { matchesPolicy, SnsSim } from '../../drill/sim/sns';

const pts = (s: string) => s.split(' ') as Point[];

describe('missing data: the documented table (3 datapoints to alarm out of 5)', () => {
  // "How alarm state is evaluated when data is missing", CloudWatch user guide.
  const rows: [string, Record<TreatMissingData, string>][] = [
    ['0 - X - X', { missing: 'OK', ignore: 'OK', breaching: 'ALARM', notBreaching: 'OK' }],
    ['- - - - 0', { missing: 'OK', ignore: 'OK', breaching: 'OK', notBreaching: 'OK' }],
    ['- - - - -', { missing: 'INSUFFICIENT_DATA', ignore: 'RETAIN', breaching: 'ALARM', notBreaching: 'OK' }],
    ['0 X X - X', { missing: 'ALARM', ignore: 'ALARM', breaching: 'ALARM', notBreaching: 'ALARM' }],
    ['- - X - -', { missing: 'ALARM', ignore: 'RETAIN', breaching: 'ALARM', notBreaching: 'OK' }],
  ];
  test.each(rows)('%s', (row, expected) => {
    for (const mode of ['missing', 'ignore', 'breaching', 'notBreaching'] as const) {
      for (const current of ['OK', 'ALARM'] as const) {
        const want = expected[mode] === 'RETAIN' ? current : expected[mode];
        expect([mode, current, decide(pts(row), 3, mode, current)]).toEqual([mode, current, want]);
      }
    }
  });
});

const m = { namespace: 'AWS/ApiGateway', name: 'Count', dimensions: { ApiId: 'a' } };
const e5 = { namespace: 'AWS/ApiGateway', name: '5xx', dimensions: { ApiId: 'a' } };

function alarm(over: Partial<Extract<AlarmDef, { kind: 'metric' }>> = {}): AlarmDef {
  return { kind: 'metric', name: 'a', comparison: 'GreaterThanOrEqualToThreshold', threshold: 10, evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: 'notBreaching', alarmActions: ['topic-alarm'], okActions: ['topic-ok'], metricStat: { metric: m, stat: 'Sum', periodSeconds: 60 }, ...over };
}

describe('metric alarms: M of N, periods, actions', () => {
  test('2 of 3 one-minute datapoints ≥ 10 → ALARM with alarm actions, back to OK with OK actions', () => {
    const store = new MetricStore();
    const ev = new AlarmEvaluator([alarm()], store);
    expect(ev.evaluate(60).map((c) => c.to)).toEqual(['OK']);
    store.put(m, 61, 12);
    expect(ev.evaluate(120)).toEqual([]); // one breaching datapoint of 3: still OK
    store.put(m, 150, 10);
    const [c] = ev.evaluate(180);
    expect(c).toMatchObject({ alarm: 'a', from: 'OK', to: 'ALARM', actions: ['topic-alarm'], value: 10 });
    store.put(m, 190, 3);
    expect(ev.evaluate(240)).toEqual([]); // [X X 0]: 2 of 3 still breach
    expect(ev.evaluate(300)[0]).toMatchObject({ to: 'OK', actions: ['topic-ok'] }); // [X 0 -]
  });
  test('a 5-minute period sums the last five minutes (sliding, evaluated every minute)', () => {
    const store = new MetricStore();
    const ev = new AlarmEvaluator([alarm({ evaluationPeriods: 1, datapointsToAlarm: 1, metricStat: { metric: m, stat: 'Sum', periodSeconds: 300 } })], store);
    for (let t = 0; t < 300; t += 60) store.put(m, t, 2);
    expect(ev.evaluate(240).map((c) => c.to)).toEqual(['OK']); // 4 minutes: 8
    expect(ev.evaluate(300).map((c) => c.to)).toEqual(['ALARM']); // 5 minutes: 10
  });
  test('percentile statistics are taken over the samples of the period', () => {
    const store = new MetricStore();
    for (let i = 1; i <= 100; i++) store.put(m, 10, i * 10, { keepSamples: true });
    expect(store.datapoint(m, 'p99', 60, 60)).toBe(990);
    expect(store.datapoint(m, 'p50', 60, 60)).toBe(500);
    expect(store.datapoint(m, 'Maximum', 60, 60)).toBe(1000);
  });
  test('alarms on AWS/DynamoDB metrics ignore missing data whatever they say', () => {
    const store = new MetricStore();
    const ddb = { namespace: 'AWS/DynamoDB', name: 'ReadThrottleEvents' };
    const ev = new AlarmEvaluator([alarm({ evaluationPeriods: 1, datapointsToAlarm: 1, threshold: 1, treatMissingData: 'notBreaching', metricStat: { metric: ddb, stat: 'Sum', periodSeconds: 60 } })], store);
    store.put(ddb, 0, 5);
    expect(ev.evaluate(60).map((c) => c.to)).toEqual(['ALARM']);
    expect(ev.evaluate(120)).toEqual([]); // no data: state kept
  });
});

describe('metric math used by the project', () => {
  const share = 'IF(total > 0, 100 * FILL(part, 0) / total, 0)';
  const ctx = (vals: Record<string, number | undefined>) => ({ value: (id: string) => vals[id], band: () => undefined });
  test('5xx share: FILL of a missing part is 0, no traffic is 0, otherwise the percentage', () => {
    const e = parseExpression(share);
    expect(evaluateExpression(e, ctx({ part: 5, total: 200 }))).toBe(2.5);
    expect(evaluateExpression(e, ctx({ part: undefined, total: 200 }))).toBe(0);
    expect(evaluateExpression(e, ctx({ part: undefined, total: 0 }))).toBe(0);
    expect(evaluateExpression(e, ctx({ part: undefined, total: undefined }))).toBeUndefined();
  });
  test('FILL(r, 0) + FILL(w, 0) and operator precedence', () => {
    expect(evaluateExpression(parseExpression('FILL(r, 0) + FILL(w, 0)'), ctx({ r: undefined, w: 7 }))).toBe(7);
    expect(evaluateExpression(parseExpression('1 + 2 * 3 - -1'), ctx({}))).toBe(8);
  });
  test('unsupported functions are named', () => {
    expect(() => parseExpression('RATE(m1)')).toThrow(/RATE is not simulated/);
  });
  test('metric math alarm: 5xx share ≥ 20% over 5 minutes', () => {
    const store = new MetricStore();
    const def: AlarmDef = {
      ...(alarm() as Extract<AlarmDef, { kind: 'metric' }>),
      metricStat: undefined,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 20,
      queries: [
        { id: 'expr_1', expression: share, returnData: true },
        { id: 'part', metricStat: { metric: e5, stat: 'Sum', periodSeconds: 300 }, returnData: false },
        { id: 'total', metricStat: { metric: m, stat: 'Sum', periodSeconds: 300 }, returnData: false },
      ],
    };
    const ev = new AlarmEvaluator([def], store);
    for (let t = 0; t < 300; t += 60) store.put(m, t, 100);
    store.put(e5, 250, 99);
    expect(ev.evaluate(300).map((c) => c.to)).toEqual(['OK']); // 99/500 = 19.8%
    store.put(e5, 260, 1);
    expect(ev.evaluate(300)[0]).toMatchObject({ to: 'ALARM', value: 20 });
  });
  test('anomaly band: a drop far outside mean ± k·σ of the history breaches, normal traffic does not', () => {
    const store = new MetricStore();
    const def: AlarmDef = {
      kind: 'metric', name: 'band', comparison: 'LessThanLowerOrGreaterThanUpperThreshold', thresholdMetricId: 'expr_1', evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: 'notBreaching', alarmActions: [], okActions: [],
      queries: [
        { id: 'expr_1', expression: 'ANOMALY_DETECTION_BAND(m0, 2)', returnData: true },
        { id: 'm0', metricStat: { metric: m, stat: 'Sum', periodSeconds: 300 }, returnData: true },
      ],
    };
    const ev = new AlarmEvaluator([def], store);
    for (let t = 0; t < 3600; t += 60) store.put(m, t, 100 + ((t / 60) % 3));
    expect(ev.evaluate(3600).map((c) => c.to)).toEqual(['OK']);
    for (let t = 3600; t < 3900; t += 60) store.put(m, t, 10);
    expect(ev.evaluate(3900).map((c) => c.to)).toEqual(['ALARM']);
  });
});

describe('composite alarms', () => {
  test('rules with ARNs, AND/OR/NOT and parentheses', () => {
    const r = parseRule('((ALARM("arn:aws:cloudwatch:us-east-1:1:alarm:p") AND ALARM("s")) OR ALARM("pub")) AND NOT OK("x")');
    const states: Record<string, string> = { p: 'ALARM', s: 'OK', pub: 'OK', x: 'ALARM' };
    expect(evaluateRule(r, (n) => states[n] as never)).toBe(false);
    states.s = 'ALARM';
    expect(evaluateRule(r, (n) => states[n] as never)).toBe(true);
    states.x = 'OK';
    expect(evaluateRule(r, (n) => states[n] as never)).toBe(false);
    expect(() => parseRule('ALARM(p)')).toThrow(/ALARM\("alarm name or ARN"\) expected/);
  });
  test('a composite follows its children in the same evaluation and fires its own actions', () => {
    const store = new MetricStore();
    const child = (name: string, metric = m) => alarm({ name, evaluationPeriods: 1, datapointsToAlarm: 1, metricStat: { metric, stat: 'Sum', periodSeconds: 60 }, alarmActions: [], okActions: [] });
    const ev = new AlarmEvaluator([child('long'), child('short', e5), { kind: 'composite', name: 'burn', rule: 'ALARM("long") AND ALARM("short")', alarmActions: ['page'], okActions: ['clear'] }], store);
    store.put(m, 0, 50);
    const first = ev.evaluate(60);
    expect(first.find((c) => c.alarm === 'burn')).toMatchObject({ to: 'OK', actions: ['clear'] });
    store.put(m, 60, 50);
    store.put(e5, 60, 50);
    expect(ev.evaluate(120).find((c) => c.alarm === 'burn')).toMatchObject({ from: 'OK', to: 'ALARM', actions: ['page'] });
  });
  test('a composite naming an unknown alarm is refused', () => {
    expect(() => new AlarmEvaluator([{ kind: 'composite', name: 'c', rule: 'ALARM("nope")', alarmActions: [], okActions: [] }], new MetricStore())).toThrow(/refers to nope/);
  });
});

const hc = (over: Partial<HealthCheckDef> = {}): HealthCheckDef => ({
  id: 'hc', endpoint: 'primary', type: 'HTTPS_STR_MATCH', fqdn: 'p.example', resourcePath: '/health', searchString: 'CHATBOT_HEALTHY',
  requestIntervalSeconds: 10, failureThreshold: 3, inverted: false, regions: ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8'], ...over,
});
const ok: ProbeAnswer = { kind: 'answer', connectSeconds: 0.05, responseSeconds: 0.1, status: 200, body: '{"status":"CHATBOT_HEALTHY"}' };

describe('Route 53 health checkers', () => {
  test('a probe fails after 4 s without a connection, or 2 s without an answer after connecting', () => {
    expect(judgeProbe(hc(), { kind: 'no-answer' })).toMatchObject({ ok: false, after: 4 });
    expect(judgeProbe(hc(), { ...ok, connectSeconds: 1, responseSeconds: 3 } as ProbeAnswer)).toMatchObject({ ok: false, after: 3 });
    expect(judgeProbe(hc(), { ...ok, connectSeconds: 3.5, responseSeconds: 1.9 } as ProbeAnswer)).toMatchObject({ ok: true });
    expect(judgeProbe(hc(), { ...ok, body: 'x'.repeat(6000) + 'CHATBOT_HEALTHY' } as ProbeAnswer).ok).toBe(false);
    expect(judgeProbe(hc(), { ...ok, status: 503 } as ProbeAnswer).ok).toBe(false);
  });
  test('unhealthy once no more than 18% of checkers see it healthy: 7 of 8 after 3 failures each', () => {
    const sim = new HealthCheckSim(hc()); // phases 0, 1.25, …, 8.75 s
    expect(sim.advance(100, (t) => (t < 50 ? ok : { kind: 'refused' }))).toEqual([
      expect.objectContaining({ healthy: false, time: 50 + 7.5 + 20, healthyCheckers: 1 }),
    ]);
  });
  test('a hanging endpoint is seen 4 s later per probe; worst phase stays within interval × threshold + 6 s', () => {
    let worst = 0;
    for (let phase = 0; phase < 10; phase += 0.5) {
      const sim = new HealthCheckSim(hc(), { phases: [0, 1.25, 2.5, 3.75, 5, 6.25, 7.5, 8.75].map((p) => (p + phase) % 10) });
      const [c] = sim.advance(200, (t) => (t < 100 ? ok : { kind: 'answer', connectSeconds: 3.9, responseSeconds: 5, status: 200, body: '' }));
      worst = Math.max(worst, c.time - 100);
    }
    expect(worst).toBeLessThanOrEqual(10 * 3 + 6);
    expect(worst).toBeGreaterThan(10 * 3 + 6 - 10);
  });
  test('recovery needs threshold consecutive successes; inverted checks report the opposite', () => {
    const sim = new HealthCheckSim(hc());
    const answer = (t: number): ProbeAnswer => (t >= 50 && t < 150 ? { kind: 'refused' } : ok);
    const changes = sim.advance(300, answer);
    expect(changes.map((c) => c.healthy)).toEqual([false, true]);
    expect(changes[1].time).toBeGreaterThanOrEqual(150 + 20);
    const inv = new HealthCheckSim(hc({ inverted: true }));
    expect(inv.healthy).toBe(false);
    expect(inv.advance(300, answer).map((c) => c.healthy)).toEqual([true, false]);
  });
});

describe('failover answers and DNS caching', () => {
  const records: RecordDef[] = [
    { name: 'chat.example.', type: 'CNAME', failover: 'PRIMARY', healthCheckId: 'p', value: 'primary.api', ttlSeconds: 60 },
    { name: 'chat.example.', type: 'CNAME', failover: 'SECONDARY', value: 'chain.chat.example', ttlSeconds: 60 },
    { name: 'chain.chat.example.', type: 'CNAME', failover: 'PRIMARY', healthCheckId: 's', value: 'standby.api', ttlSeconds: 30 },
    { name: 'chain.chat.example.', type: 'CNAME', failover: 'SECONDARY', value: 'fallback.cdn', ttlSeconds: 30 },
  ];
  test('PRIMARY while healthy, else the SECONDARY chain; both unhealthy at the end of the chain → its SECONDARY', () => {
    const health: Record<string, boolean> = { p: true, s: true };
    const zone = new Zone(records, (id) => health[id]);
    expect(new CachingClient('a').resolve('chat.example', 0, zone).target).toBe('primary.api');
    health.p = false;
    expect(new CachingClient('b').resolve('chat.example', 0, zone).target).toBe('standby.api');
    health.s = false;
    expect(new CachingClient('c').resolve('chat.example', 0, zone).target).toBe('fallback.cdn');
  });
  test('a client keeps each answer of the chain for its own TTL', () => {
    const health: Record<string, boolean> = { p: true, s: true };
    const zone = new Zone(records, (id) => health[id]);
    const c = new CachingClient('x');
    expect(c.resolve('chat.example', 0, zone).target).toBe('primary.api');
    health.p = false;
    expect(c.resolve('chat.example', 59.9, zone).target).toBe('primary.api');
    expect(c.resolve('chat.example', 60, zone).target).toBe('standby.api'); // top name re-asked at its TTL
    health.s = false;
    expect(c.resolve('chat.example', 89.9, zone).target).toBe('standby.api');
    expect(c.resolve('chat.example', 90, zone).target).toBe('fallback.cdn'); // chain name cached 30 s from 60
    expect(c.queries).toBe(4);
  });
  test('a failover name must have one PRIMARY and one SECONDARY', () => {
    expect(() => new Zone([records[0]], () => true)).toThrow(/one PRIMARY and one SECONDARY/);
  });
});

describe('SNS filter policies', () => {
  test('exists false / exact values / anything-but / prefix / numeric', () => {
    expect(matchesPolicy({ contingency_formatted: [{ exists: false }] }, {})).toBe(true);
    expect(matchesPolicy({ contingency_formatted: [{ exists: false }] }, { contingency_formatted: 'true' })).toBe(false);
    expect(matchesPolicy({ contingency_formatted: ['true'] }, {})).toBe(false);
    expect(matchesPolicy({ contingency_formatted: ['true'] }, { contingency_formatted: 'true' })).toBe(true);
    expect(matchesPolicy({ a: [{ 'anything-but': ['x'] }], b: [{ prefix: 'em' }] }, { a: 'y', b: 'emergency' })).toBe(true);
    expect(matchesPolicy({ a: [{ 'anything-but': ['x'] }], b: [{ prefix: 'em' }] }, { a: 'x', b: 'emergency' })).toBe(false);
    expect(matchesPolicy({ n: [{ numeric: ['>=', 5, '<', 10] }] }, { n: 7 })).toBe(true);
    expect(matchesPolicy({ n: [{ numeric: ['>=', 5, '<', 10] }] }, { n: 10 })).toBe(false);
  });
  test('a raw alarm reaches only the notifier; the formatted copy only people', () => {
    const sns = new SnsSim([
      { id: 'notifier', topic: 't', protocol: 'lambda', endpoint: 'fn', filterPolicy: { contingency_formatted: [{ exists: false }] } },
      { id: 'mail', topic: 't', protocol: 'email', endpoint: 'a@b', filterPolicy: { contingency_formatted: ['true'] } },
      { id: 'other', topic: 'u', protocol: 'email', endpoint: 'c@d' },
    ]);
    expect(sns.publish('t', '{}').map((d) => d.subscription.id)).toEqual(['notifier']);
    expect(sns.publish('t', 'text', { contingency_formatted: 'true' }).map((d) => d.subscription.id)).toEqual(['mail']);
  });
});
