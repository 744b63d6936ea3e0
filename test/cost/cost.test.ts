import { spawnSync } from 'child_process';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { contactVolumes, planSecrets } from '../../cli/commands/cost';
import { costReport, fixedMonthlyCost, readAssembly, renderCostReport, runsPerMonth, StackTemplate, usageDrivers } from '../../lib/cost';
import { cleanEnv, ROOT, runCli } from '../helpers/cli';
import { loadedPlan } from '../helpers/plan';
import { synthPlan } from '../helpers/synth';

/** A small stack with one of every fixed item the report prices, built here so the total can be computed by hand. */
function smallStack(): StackTemplate {
  const app = new App();
  const stack = new Stack(app, 'Small', { env: { region: 'us-east-1', account: '111111111111' } });
  // Non-AWS endpoint, HTTPS + string matching + fast interval + latency: $0.75 + 4 × $2.00 = $8.75
  new route53.CfnHealthCheck(stack, 'External', {
    healthCheckConfig: { type: 'HTTPS_STR_MATCH', fullyQualifiedDomainName: 'status.example.net', searchString: 'ok', requestInterval: 10, measureLatency: true },
  });
  // AWS endpoint (execute-api), HTTPS only, 30 s: $0.50 + 1 × $1.00 = $1.50
  new route53.CfnHealthCheck(stack, 'Api', {
    healthCheckConfig: { type: 'HTTPS', fullyQualifiedDomainName: 'abc123.execute-api.us-east-1.amazonaws.com', requestInterval: 30, resourcePath: '/health' },
  });
  const m = (name: string, period = 300) => new cw.Metric({ namespace: 'Test', metricName: name, period: Duration.seconds(period) });
  // Standard single metric: $0.10
  const standard = new cw.Alarm(stack, 'Standard', { metric: m('A'), threshold: 1, evaluationPeriods: 1 });
  // High resolution (10 s): $0.30
  const fast = new cw.Alarm(stack, 'Fast', { metric: m('B', 10), threshold: 1, evaluationPeriods: 1 });
  // Metric math over two metrics: 2 × $0.10 = $0.20
  new cw.Alarm(stack, 'Math', { metric: new cw.MathExpression({ expression: 'a + b', usingMetrics: { a: m('C'), b: m('D') } }), threshold: 1, evaluationPeriods: 1 });
  // Anomaly detection band on one metric: 3 × $0.10 = $0.30
  new cw.CfnAlarm(stack, 'Anomaly', {
    comparisonOperator: 'GreaterThanUpperThreshold',
    evaluationPeriods: 1,
    thresholdMetricId: 'ad1',
    metrics: [
      { id: 'm1', metricStat: { metric: { namespace: 'Test', metricName: 'E' }, period: 300, stat: 'Average' }, returnData: true },
      { id: 'ad1', expression: 'ANOMALY_DETECTION_BAND(m1, 2)' },
    ],
  });
  // Composite: $0.50
  new cw.CompositeAlarm(stack, 'Composite', { alarmRule: cw.AlarmRule.anyOf(standard, fast) });
  // Dashboard: $3.00; KMS key: $1.00; secret: $0.40; hosted zone: $0.50
  new cw.Dashboard(stack, 'Board');
  new kms.Key(stack, 'Key');
  new secrets.Secret(stack, 'Secret');
  new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.net' });
  // Canary every 5 minutes: 730 h × 12 = 8,760 runs × $0.0012 = $10.512
  new synthetics.CfnCanary(stack, 'Canary', {
    name: 'probe',
    artifactS3Location: 's3://bucket/prefix',
    executionRoleArn: 'arn:aws:iam::111111111111:role/canary',
    runtimeVersion: 'syn-nodejs-puppeteer-9.1',
    schedule: { expression: 'rate(5 minutes)' },
    code: { handler: 'index.handler', script: 'exports.handler = async () => {};' },
  });
  // WAF web ACL with two rules: $5.00 + 2 × $1.00 = $7.00
  const rule = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
    name,
    priority,
    action: { block: {} },
    statement: { rateBasedStatement: { limit: 1000, aggregateKeyType: 'IP' } },
    visibilityConfig: { cloudWatchMetricsEnabled: false, metricName: name, sampledRequestsEnabled: false },
  });
  new wafv2.CfnWebACL(stack, 'Acl', {
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: { cloudWatchMetricsEnabled: false, metricName: 'acl', sampledRequestsEnabled: false },
    rules: [rule('r1', 1), rule('r2', 2)],
  });
  return { stackName: 'Small', region: 'us-east-1', template: Template.fromStack(stack).toJSON() };
}

describe('fixed monthly cost of a small hand-built template', () => {
  const report = fixedMonthlyCost([smallStack()]);
  const line = (item: string) => report.lines.find((l) => l.item === item);

  test('the total matches the hand computation', () => {
    const byHand = 8.75 + 1.5 + 0.1 + 0.3 + 0.2 + 0.3 + 0.5 + 3.0 + 1.0 + 0.4 + 0.5 + 8760 * 0.0012 + 7.0;
    expect(byHand).toBeCloseTo(34.062, 6);
    expect(report.totalUsd).toBe(34.06);
    expect(report.byRegion).toEqual({ 'us-east-1': 34.06 });
  });

  test('health checks: endpoint kind and each option counted', () => {
    expect(line('Route 53 health checks, non-AWS endpoint')).toMatchObject({ resources: 1, quantity: 1, unitUsd: 0.75 });
    expect(line('Route 53 health-check options, non-AWS endpoint')).toMatchObject({ quantity: 4, unitUsd: 2, monthlyUsd: 8 });
    expect(line('Route 53 health-check options, non-AWS endpoint')!.detail).toMatch(/HTTPS, string matching, fast interval \(10 s\), latency measurement/);
    expect(line('Route 53 health checks, AWS endpoint')).toMatchObject({ resources: 1, unitUsd: 0.5 });
    expect(line('Route 53 health-check options, AWS endpoint')).toMatchObject({ quantity: 1, unitUsd: 1 });
  });

  test('alarms by kind: metric math per metric, anomaly band as 3 metrics, composites apart', () => {
    expect(line('CloudWatch alarms, standard resolution (single metric)')).toMatchObject({ resources: 1, quantity: 1 });
    expect(line('CloudWatch alarms, high resolution (single metric)')).toMatchObject({ resources: 1, quantity: 1, unitUsd: 0.3 });
    expect(line('CloudWatch alarms, standard resolution (metric math)')).toMatchObject({ resources: 1, quantity: 2 });
    expect(line('CloudWatch alarms, standard resolution (anomaly detection)')).toMatchObject({ resources: 1, quantity: 3 });
    expect(line('CloudWatch composite alarms')).toMatchObject({ resources: 1, monthlyUsd: 0.5 });
  });

  test('canary runs from its schedule, WAF ACL and rules, keys, secrets, dashboards, zones', () => {
    expect(line('Synthetics canary runs')).toMatchObject({ quantity: 8760 });
    expect(line('WAF web ACLs')).toMatchObject({ monthlyUsd: 5 });
    expect(line('WAF rules')).toMatchObject({ quantity: 2, monthlyUsd: 2 });
    for (const item of ['KMS customer managed keys', 'Secrets Manager secrets', 'CloudWatch dashboards', 'Route 53 hosted zones']) expect(line(item)).toMatchObject({ resources: 1 });
  });
});

describe('schedules', () => {
  test.each([
    ['rate(5 minutes)', 8760],
    ['rate(1 hour)', 730],
    ['cron(0 3 * * ? *)', 730 / 24],
    ['cron(0 5 ? * MON *)', 730 / 24 / 7],
    ['cron(0 5 ? * MON-FRI *)', (5 * 730) / 24 / 7],
    ['cron(0,30 * * * ? *)', 730 * 2],
    ['cron(0 4 1 * ? *)', 1],
  ])('%s fires %d times a month', (expr, runs) => {
    expect(runsPerMonth(expr)).toBeCloseTo(runs, 6);
  });
  test('what it cannot count is undefined, not a guess', () => {
    expect(runsPerMonth('cron(0 5 ? * 2#1 *)')).toBeUndefined();
    expect(runsPerMonth('at(2026-01-01T00:00:00)')).toBeUndefined();
  });
});

describe('the example plan', () => {
  let stacks: StackTemplate[];
  let outdir: string;
  beforeAll(() => {
    const s = synthPlan();
    const assembly = s.app.synth();
    outdir = assembly.directory;
    stacks = readAssembly(outdir);
  });

  test('itemised fixed cost, by hand', () => {
    const loaded = loadedPlan();
    const report = fixedMonthlyCost(stacks, { secrets: planSecrets(loaded.plan) });
    // Per chatbot region: 34 single-metric alarms (indicators incl. WAF blocked requests, restore,
    // dead letters, maintenance switches, the conversation canary) + 15 metric-math alarms of 2 metrics
    // (error rates and burn-rate windows) + 3 anomaly bands (3 metrics each) = 73 alarm metrics × $0.10,
    // 5 composites × $0.50 (burn-rate pairs and response levels), 1 dashboard $3, 2 KMS keys $1
    // (customer data, backup vault), the WAF web ACL $5 with its 5 rules × $1, the region's operations
    // key (incident log and warning topics; its own stack) $1, the plan's 3 webhook secrets × $0.40, and
    // the hourly conversation canary: 730 runs × $0.0012.
    const regional = 73 * 0.1 + 5 * 0.5 + 3 + 2 * 1 + 5 + 5 * 1 + 1 + 3 * 0.4 + 730 * 0.0012;
    // us-east-1: global stack — hosted zone $0.50, 4 alarms × $0.10, 3 KMS keys (the operations key:
    // incident log, warning topics, notices, drill announcements; the ten-year reports key; the survey
    // answers' key, customers' words kept apart from operations texts);
    // failover stack — two execute-api health checks with HTTPS and the 10 s interval (no string
    // matching): 2 × ($0.50 + 2 × $1), the public-name check (a non-AWS name): $0.75 + 2 × $2,
    // 8 alarms × $0.10 (health, drills, maintenance switch, public-name canary), 2 composites, 1
    // dashboard, no key of its own, the hourly public-name canary (730 runs × $0.0012); the 3 webhook
    // secrets again.
    const east = 0.5 + 4 * 0.1 + 3 + 2 * (0.5 + 2) + (0.75 + 2 * 2) + 8 * 0.1 + 2 * 0.5 + 3 + 730 * 0.0012 + 3 * 0.4;
    expect(report.byRegion).toEqual({ 'ap-southeast-1': Number(regional.toFixed(2)), 'ap-northeast-1': Number(regional.toFixed(2)), 'us-east-1': Number(east.toFixed(2)) });
    expect(report.totalUsd).toBe(Number((2 * regional + east).toFixed(2)));
    expect(report.totalUsd).toBe(76.28);
    // The free tier is a separate figure, never subtracted: 10 alarm metrics and 3 dashboards, once per account.
    expect(report.freeTier).toEqual({
      items: [
        { price: 'alarmMetricStandard', what: '10 standard-resolution alarm metrics', units: 10, usd: 1 },
        { price: 'dashboard', what: '3 dashboards of up to 50 metrics each', units: 3, usd: 9 },
      ],
      usd: 10,
    });
    const primary = report.lines.filter((l) => l.stack === 'acme-chat-primary');
    expect(primary.filter((l) => l.item.startsWith('CloudWatch alarms')).reduce((s, l) => s + l.quantity, 0)).toBe(73);
    expect(primary.find((l) => l.item.includes('metric math'))).toMatchObject({ resources: 15, quantity: 30 });
    expect(primary.find((l) => l.item.includes('anomaly'))).toMatchObject({ resources: 3, quantity: 9 });
    expect(report.notes.join('\n')).toMatch(/non-AWS endpoints, add \$4\.50 a month/); // 2 × ($0.25 + 2 × $1)
  });

  test('usage drivers: the request formula from the chatbot function and the table replicas', () => {
    const drivers = usageDrivers(stacks, contactVolumes(loadedPlan().plan), { requestsPerMonth: 2_000_000, tableGb: 10, alertsPerMonth: 20 });
    const requests = drivers.find((d) => d.name === 'Chatbot requests')!;
    // 1M × ($3.50 REST API + $0.60 WAF inspection + $0.20 invocations) + 1M × 0.5 GB × 0.3 s ×
    // $0.0000133334 (arm64) + 3 writes × $0.625 + 3 replicated writes × $0.625 + 3 reads × $0.125
    const perMillion = 3.5 + 0.6 + 0.2 + 1e6 * 0.5 * 0.3 * 0.0000133334 + 3 * 0.625 + 3 * 0.625 + 3 * 0.125;
    expect(requests.terms.map((i) => i.label).join('\n')).toMatch(/REST API[\s\S]*AWS WAF/);
    expect(requests.perUnitUsd).toBeCloseTo(perMillion, 6);
    expect(requests.monthlyUsd).toBe(Number((2 * perMillion).toFixed(2)));
    const data = drivers.find((d) => d.name.includes('(customer data)'))!;
    // 2 replicas × ($0.25 storage + $0.20 PITR); per region: daily backups kept 35 days (35 copies) and
    // their copies in the other region (35) × $0.10, 730/24 copies a month × $0.02 transfer, weekly
    // restore tests (730/24/7 a month) × $0.15.
    const perRegion = 35 * 0.1 + 35 * 0.1 + (730 / 24) * 0.02 + (730 / 24 / 7) * 0.15;
    expect(data.perUnitUsd).toBeCloseTo(2 * (0.25 + 0.2) + 2 * perRegion, 6);
    expect(data.monthlyUsd).toBe(Number((10 * data.perUnitUsd).toFixed(2)));
    const incidentLog = drivers.find((d) => d.name.includes('incidents'))!;
    expect(incidentLog.monthlyUsd).toBeUndefined(); // not customer data: --table-gb does not apply
    const sms = drivers.find((d) => d.name === 'SMS alerts')!;
    expect(sms.terms.map((t) => t.label)).toEqual(['2 number(s) in HK × $0.0403/SMS (assumed)']);
    expect(sms.monthlyUsd).toBe(Number((20 * 2 * 0.0403).toFixed(2)));
  });

  test('the printed table has a line per item and region, the totals and the formulas', () => {
    const lines = renderCostReport(costReport(stacks, { contacts: contactVolumes(loadedPlan().plan), external: { secrets: planSecrets(loadedPlan().plan) } }));
    const text = lines.join('\n');
    expect(text).toMatch(/^ {2}us-east-1\s+acme-chat-failover\s+Route 53 health-check options, AWS endpoint\s+2\s+4\s+\$1\.00\s+\$4\.00$/m);
    expect(text).toMatch(/^ {2}ap-northeast-1\s+\$27\.88$/m);
    expect(text).toContain('Fixed total: $76.28 a month');
    expect(text).toMatch(/^Free tier, not subtracted: at most \$10\.00 a month .*only if nothing else in the account uses it.* → \$66\.28 at best$/m);
    expect(text).toMatch(/Chatbot requests: \$10\.43 per 1 million chatbot requests/);
  });

  test('CLI: --assembly reads an existing synth, prints JSON, and never loads aws-cdk-lib', async () => {
    const r = await runCli(['cost', '--assembly', outdir, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.fixed.totalUsd).toBe(76.28);
    expect(json.prices.used.healthCheckAws).toMatchObject({ usd: 0.5, source: 'https://aws.amazon.com/route53/pricing/' });
    const script = `
      require('tsx/cjs');
      const { run } = require(${JSON.stringify(path.join(ROOT, 'cli', 'main.ts'))});
      (async () => {
        await run(['cost', '--assembly', ${JSON.stringify(outdir)}], { out: () => {}, err: (l) => console.error(l) });
        console.log(Object.keys(require.cache).filter((k) => k.includes('/aws-cdk-lib/')).length);
      })();`;
    const probe = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, env: cleanEnv(), encoding: 'utf8' });
    expect(probe.stderr).toBe('');
    expect(probe.stdout.trim()).toBe('0');
  });

  test('CLI: bad values exit 2 with one line naming the option', async () => {
    const cases: [string[], RegExp][] = [
      [['cost', '--requests', '-5'], /^contingency: --requests must be a number of 0 or more, got "-5"$/],
      [['cost', '--table-gb', 'big'], /^contingency: --table-gb must be a number of 0 or more, got "big"$/],
      [['cost', '--assembly', '/nonexistent'], /^contingency: --assembly: \/nonexistent is not a cloud assembly \(no manifest\.json\)/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args)));
    runs.forEach((r, i) => {
      expect({ args: cases[i][0], code: r.code }).toEqual({ args: cases[i][0], code: 2 });
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr.trimEnd()).toMatch(cases[i][1]);
    });
  });
});
