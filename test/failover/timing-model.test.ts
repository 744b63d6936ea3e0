import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { ChatbotContingency } from '../../lib/chatbot-contingency';
import { RTO_RULE_ID } from '../../lib/checks';
import { parsePlan, planFailoverChain, planFailoverTiming, worstCaseChainSeconds, worstCaseFailoverSeconds } from '../../lib/config';
import { CfnTemplateLike, describeHops, FAILOVER_TIMING_RULE, FailoverTimingCheck, failoverTimingFromTemplate } from '../../lib/failover';
import { examplePlanInput, loadedPlan } from '../helpers/plan';
import { synthPlan } from '../helpers/synth';

let template: CfnTemplateLike;
let templatePath: string;
beforeAll(() => {
  const s = synthPlan();
  const assembly = s.app.synth();
  templatePath = path.join(assembly.directory, s.stacks.failover.templateFile);
  template = JSON.parse(fs.readFileSync(templatePath, 'utf8'));
});

const clone = (): any => JSON.parse(JSON.stringify(template));

describe('failoverTimingFromTemplate', () => {
  test('reads the chain primary → standby → fallback and agrees with the plan model for the example plan', () => {
    const hops = failoverTimingFromTemplate(template)!;
    const plan = loadedPlan().plan;
    expect(hops.map((h) => [h.from, h.to])).toEqual([['primary', 'standby'], ['standby', 'fallback']]);
    expect(hops[0].inputs).toEqual(planFailoverTiming(plan));
    expect(hops[0].hopSeconds).toBe(worstCaseFailoverSeconds(planFailoverTiming(plan)));
    expect(hops[0].hopSeconds).toBe(56); // 10 s × 3 + 6 s + 20 s
    expect(hops[1].hopSeconds).toBe(56);
    expect(hops[1].cumulativeSeconds).toBe(worstCaseChainSeconds(planFailoverChain(plan)));
    // Each name is cached under its own TTL: the slowest hop decides, the TTLs do not add up (issue 12).
    expect(hops[1].cumulativeSeconds).toBe(56); // max(30 + 6 + 20, 30 + 6 + 20)
    expect(describeHops(hops)[1]).toBe('standby → fallback: 56 s (10 s × 3 + 6 s probe timeout + 20 s TTL); primary + standby down at once → fallback: 56 s');
  });

  test('follows what the template says, not the plan: a slower check and a longer TTL change the figures', () => {
    const t = clone();
    for (const r of Object.values<any>(t.Resources)) {
      if (r.Type === 'AWS::Route53::HealthCheck') Object.assign(r.Properties.HealthCheckConfig, { RequestInterval: 30, FailureThreshold: 5 });
      if (r.Type === 'AWS::Route53::RecordSet' && r.Properties.Name.startsWith('chat.')) r.Properties.TTL = '300';
    }
    const hops = failoverTimingFromTemplate(t)!;
    expect(hops[0].hopSeconds).toBe(30 * 5 + 6 + 300);
    expect(hops[1].cumulativeSeconds).toBe(30 * 5 + 6 + 300); // the slower hop (300 s TTL) decides
  });

  test('uses the CloudFormation defaults (30 s, 3) when a check omits interval and threshold', () => {
    const t = clone();
    for (const r of Object.values<any>(t.Resources)) {
      if (r.Type === 'AWS::Route53::HealthCheck') {
        delete r.Properties.HealthCheckConfig.RequestInterval;
        delete r.Properties.HealthCheckConfig.FailureThreshold;
      }
    }
    expect(failoverTimingFromTemplate(t)![0].hopSeconds).toBe(30 * 3 + 6 + 20);
  });

  test('a template without failover records has no model; a PRIMARY without a check is an error', () => {
    expect(failoverTimingFromTemplate({ Resources: { B: { Type: 'AWS::S3::Bucket' } } })).toBeUndefined();
    const t = clone();
    for (const r of Object.values<any>(t.Resources)) if (r.Type === 'AWS::Route53::RecordSet' && r.Properties.Failover === 'PRIMARY') delete r.Properties.HealthCheckId;
    expect(() => failoverTimingFromTemplate(t)).toThrow(/PRIMARY failover record chat\.acme-example\.com has no health check/);
  });
});

describe('FailoverTimingCheck (synth-time plugin)', () => {
  test('passes and prints the figures when the objective holds', () => {
    const lines: string[] = [];
    const check = new FailoverTimingCheck({ rtoSeconds: 900, log: (l) => lines.push(l) });
    const report = check.validate({ templatePaths: [templatePath], stackTemplates: [] } as any);
    expect(report).toEqual({ success: true, violations: [] });
    expect(lines.join('\n')).toContain('primary → standby: 56 s');
  });

  test('reports a violation naming the hop and the fix when the templates miss the objective', () => {
    const report = new FailoverTimingCheck({ rtoSeconds: 50 }).validate({ templatePaths: [templatePath], stackTemplates: [] } as any);
    expect(report.success).toBe(false);
    expect(report.violations[0].ruleName).toBe(FAILOVER_TIMING_RULE);
    expect(report.violations.map((v) => v.description).join('\n')).toMatch(/standby → fallback can take 56 s, more than the recovery time objective of 50 s/);
    expect(report.violations[0].fix).toMatch(/objectives\.rtoMinutes/);
  });

  test('with objectiveCheckedBy it prints the figures and leaves a missed objective to that rule; an app without failover records is still reported', () => {
    const lines: string[] = [];
    const check = new FailoverTimingCheck({ rtoSeconds: 90, objectiveCheckedBy: RTO_RULE_ID, log: (l) => lines.push(l) });
    expect(check.validate({ templatePaths: [templatePath], stackTemplates: [] } as any)).toEqual({ success: true, violations: [] });
    expect(lines.join('\n')).toContain('primary → standby: 56 s');
    const empty = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'timing-')), 'empty.template.json');
    fs.writeFileSync(empty, JSON.stringify({ Resources: { B: { Type: 'AWS::S3::Bucket' } } }));
    const report = check.validate({ templatePaths: [empty], stackTemplates: [] } as any);
    expect(report.violations.map((v) => v.description)).toEqual(['no template holds failover records, so the failover time cannot be bounded']);
  });

  test('synth of templates that miss the objective (plan check bypassed) fails once per hop: under CC-1.2.2-RTO with the rule pack, under FailoverTiming-RTO without it', () => {
    // Build with a valid plan, then lower the objective the plugins enforce, as a construct change
    // that slows failover would: the plugins read the templates and stop synth. Two plans in one app:
    // one with the rule pack (the default), one without.
    const base = loadedPlan();
    const slowPlan = (name: string) => ({ ...base, plan: { ...base.plan, name, objectives: { ...base.plan.objectives, rtoMinutes: 0.75 } } });
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-timing-')), context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:defaultCrossStackReferences': 'weak' } });
    new ChatbotContingency(app, 'Pack', { plan: slowPlan('pack-chat'), nag: false });
    new ChatbotContingency(app, 'NoPack', { plan: slowPlan('nopack-chat'), nag: false, checks: false });
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    const count = (re: RegExp) => (message.match(re) ?? []).length;
    // The rule pack's finding names the clause and the inputs; the timing check says the same once, only where the pack is off.
    expect(count(/CC-1\.2\.2-RTO \(§1\.2\.2: [^)]*\): pack-chat-failover\/\w+: failing over primary → standby can take 56 s, more than the objective of 45 s \(interval 10 s × threshold 3 \+ probe timeout, TTL 20 s on chat\.acme-example\.com\)/g)).toBe(1);
    expect(count(/failing over primary → standby can take 56 s, more than the recovery time objective of 45 s/g)).toBe(1);
    expect(count(/failing over standby → fallback can take 56 s, more than the (recovery time )?objective of 45 s/g)).toBe(2);
    expect(count(/CC-1\.2\.2-RTO/g)).toBeGreaterThan(0);
    expect(count(new RegExp(FAILOVER_TIMING_RULE, 'g'))).toBeGreaterThan(0);
    // Which plan each report is about: the pack's under its stacks, the timing check's under the other plan's template.
    const timingSection = message.slice(message.indexOf('ContingencyFailoverTiming'));
    expect(timingSection).not.toMatch(/pack-chat-failover\/|PackFailover/);
  });
});

describe('plan rules (checked before synth)', () => {
  test('an objective the plan\'s own settings cannot meet is rejected with both figures', () => {
    expect(() => loadedPlan({ objectives: { rtoMinutes: 1 }, failover: { requestIntervalSeconds: 30, failureThreshold: 3, dnsTtlSeconds: 60 } })).toThrow(
      /objectives\.rtoMinutes: 1 min cannot be met: failover alone can take 156 s/,
    );
    expect(() => loadedPlan({ objectives: { rtoMinutes: 1 }, failover: { requestIntervalSeconds: 30, failureThreshold: 3, dnsTtlSeconds: 60 } })).toThrow(
      /objectives\.rtoMinutes: 1 min cannot be met when both regions fail: reaching the human-agent fallback can take 156 s/,
    );
  });

  test('the fallback chain alone can break the objective', () => {
    expect(() => loadedPlan({ objectives: { rtoMinutes: 2 }, failover: { dnsTtlSeconds: 60, fallbackTtlSeconds: 100 } })).toThrow(
      /objectives\.rtoMinutes: 2 min cannot be met when both regions fail.*136 s.*failover\.fallbackTtlSeconds/,
    );
    expect(() => loadedPlan({ objectives: { rtoMinutes: 2 }, failover: { dnsTtlSeconds: 60, fallbackTtlSeconds: 20 } })).not.toThrow();
  });

  test('the public name cannot be the zone apex (CNAME failover records)', () => {
    expect(() => loadedPlan({ dns: { name: 'acme-example.com' } })).toThrow(/dns\.name: must be below the zone apex, got "acme-example\.com"/);
  });

  test('checker regions must not repeat', () => {
    expect(() => loadedPlan({ failover: { checkerRegions: ['us-east-1', 'us-east-1', 'eu-west-1'] } })).toThrow(/failover\.checkerRegions: must not repeat a region, got "us-east-1"/);
  });

  test('new failover fields have documented defaults', () => {
    const input = examplePlanInput() as any;
    delete input.failover;
    const plan = parsePlan(input);
    expect(plan.failover).toMatchObject({ requestIntervalSeconds: 10, failureThreshold: 3, dnsTtlSeconds: 60, fallbackTtlSeconds: 60, alarmEvaluationMinutes: 1 });
    expect(plan.failover.fallbackNotice).toBeUndefined();
  });
});
