import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app';
import { EXAMPLE_PLAN_PATH, parsePlan } from '../../lib/config';
import { CfnTemplate, DEPLOY_LIMITS, deployLimitProblems, estimatedBytes } from '../../lib/limits/deploy-limits';
import { synthOrReport } from '../../lib/synth';
import { readBundledJson } from '../../lambdas/shared/bundled';
import { configFromEnv } from '../../lambdas/incidents/handler';
import { synthPlan } from '../helpers/synth';
import { examplePlanInput, loadedPlan } from '../helpers/plan';
import { fiveTimesPlanInput } from './five-times';

const dir = path.dirname(EXAMPLE_PLAN_PATH);
const one = (type: string, props: Record<string, unknown>): CfnTemplate => ({ Resources: { R: { Type: type, Properties: props } } });
const rulesOf = (t: CfnTemplate) => deployLimitProblems(t).map((p) => p.rule);

describe('each deploy-time limit', () => {
  test.each<[string, CfnTemplate, CfnTemplate]>([
    ['LambdaEnvironmentSize', one('AWS::Lambda::Function', { Environment: { Variables: { A: 'x'.repeat(4096) } } }), one('AWS::Lambda::Function', { Environment: { Variables: { A: 'x'.repeat(4095) } } })],
    ['LambdaDescription', one('AWS::Lambda::Function', { Description: 'd'.repeat(257) }), one('AWS::Lambda::Function', { Description: 'd'.repeat(256) })],
    ['AlarmName', one('AWS::CloudWatch::Alarm', { AlarmName: 'n'.repeat(256) }), one('AWS::CloudWatch::Alarm', { AlarmName: 'n'.repeat(255) })],
    ['AlarmDescription', one('AWS::CloudWatch::Alarm', { AlarmDescription: '說'.repeat(1025) }), one('AWS::CloudWatch::Alarm', { AlarmDescription: '說'.repeat(1024) })],
    ['AlarmPeriod', one('AWS::CloudWatch::Alarm', { Period: 90, EvaluationPeriods: 1 }), one('AWS::CloudWatch::Alarm', { Period: 20, EvaluationPeriods: 1 })],
    ['AlarmEvaluationRange', one('AWS::CloudWatch::Alarm', { Period: 60, EvaluationPeriods: 1441 }), one('AWS::CloudWatch::Alarm', { Period: 60, EvaluationPeriods: 1440 })],
    ['AlarmEvaluationRange', one('AWS::CloudWatch::Alarm', { Metrics: [{ MetricStat: { Period: 3600 } }], EvaluationPeriods: 169 }), one('AWS::CloudWatch::Alarm', { Metrics: [{ MetricStat: { Period: 3600 } }], EvaluationPeriods: 168 })],
    ['AlarmDatapoints', one('AWS::CloudWatch::Alarm', { Period: 60, EvaluationPeriods: 2, DatapointsToAlarm: 3 }), one('AWS::CloudWatch::Alarm', { Period: 60, EvaluationPeriods: 3, DatapointsToAlarm: 3 })],
    ['CompositeAlarmRule', one('AWS::CloudWatch::CompositeAlarm', { AlarmRule: 'r'.repeat(10241) }), one('AWS::CloudWatch::CompositeAlarm', { AlarmRule: 'r'.repeat(10240) })],
    ['SnsDisplayName', one('AWS::SNS::Topic', { DisplayName: 's'.repeat(101) }), one('AWS::SNS::Topic', { DisplayName: 's'.repeat(100) })],
    ['IamRoleDescription', one('AWS::IAM::Role', { Description: 'r'.repeat(1001) }), one('AWS::IAM::Role', { Description: 'r'.repeat(1000) })],
    ['IamManagedPolicySize', one('AWS::IAM::ManagedPolicy', { PolicyDocument: { S: 'p'.repeat(6200) } }), one('AWS::IAM::ManagedPolicy', { PolicyDocument: { S: 'p'.repeat(6000) } })],
    ['HealthCheckInterval', one('AWS::Route53::HealthCheck', { HealthCheckConfig: { RequestInterval: 20 } }), one('AWS::Route53::HealthCheck', { HealthCheckConfig: { RequestInterval: 30 } })],
    ['HealthCheckThreshold', one('AWS::Route53::HealthCheck', { HealthCheckConfig: { FailureThreshold: 11 } }), one('AWS::Route53::HealthCheck', { HealthCheckConfig: { FailureThreshold: 10 } })],
    ['HealthCheckRegions', one('AWS::Route53::HealthCheck', { HealthCheckConfig: { Regions: ['us-east-1', 'eu-west-1'] } }), one('AWS::Route53::HealthCheck', { HealthCheckConfig: { Regions: ['us-east-1', 'eu-west-1', 'sa-east-1'] } })],
    ['HealthCheckString', one('AWS::Route53::HealthCheck', { HealthCheckConfig: { SearchString: 'h'.repeat(256) } }), one('AWS::Route53::HealthCheck', { HealthCheckConfig: { SearchString: 'h'.repeat(255) } })],
    ['EventRuleDescription', one('AWS::Events::Rule', { Description: 'e'.repeat(513) }), one('AWS::Events::Rule', { Description: 'e'.repeat(512) })],
    ['LogGroupName', one('AWS::Logs::LogGroup', { LogGroupName: 'l'.repeat(513) }), one('AWS::Logs::LogGroup', { LogGroupName: 'l'.repeat(512) })],
    [
      'TagsPerResource',
      one('AWS::SNS::Topic', { Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) }),
      one('AWS::SNS::Topic', { Tags: [...Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })), { Key: 'aws:cloudformation:stack-name', Value: 's' }] }),
    ],
  ])('%s: over the limit is refused, at the limit passes', (rule, over, at) => {
    expect(rulesOf(over)).toEqual([rule]);
    expect(rulesOf(at)).toEqual([]);
  });

  test('inline policies count together per role', () => {
    const policy = (n: number) => ({ Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: { S: 'p'.repeat(n) } } });
    expect(deployLimitProblems({ Resources: { A: policy(5200), B: policy(5200) } }).map((p) => p.rule)).toEqual(['IamInlinePolicySize']);
    expect(deployLimitProblems({ Resources: { A: policy(5000), B: policy(5000) } })).toEqual([]);
  });

  test('values resolved at deploy time count at an upper estimate', () => {
    expect(estimatedBytes({ Ref: 'AWS::URLSuffix' })).toBe(16);
    expect(estimatedBytes({ 'Fn::GetAtt': ['Topic', 'Arn'] })).toBe(128);
    expect(estimatedBytes({ 'Fn::Join': ['.', [{ Ref: 'Api' }, 'execute-api.ap-east-1', { Ref: 'AWS::URLSuffix' }]] })).toBe(64 + 21 + 16 + 2);
    expect(estimatedBytes({ 'Fn::Sub': 'arn:${AWS::Partition}:sns:${AWS::Region}:${Topic.Arn}' })).toBe('arn::sns::'.length + 10 + 16 + 128);
    expect(DEPLOY_LIMITS.lambdaEnvironmentBytes).toBe(4096);
  });

  test('the plan keys whose texts make a value too long are named, biggest first', () => {
    const { plan } = loadedPlan();
    const vars = { CONTACTS: JSON.stringify({ hours: plan.handoff.hours, team: plan.handoff.teamName }), PAD: 'x'.repeat(4000) };
    const [problem] = deployLimitProblems(one('AWS::Lambda::Function', { Environment: { Variables: vars } }), plan);
    expect(problem.rule).toBe('LambdaEnvironmentSize');
    const keys = ['handoff.hours.zh-Hant', 'handoff.hours.en', 'handoff.teamName.zh-Hant', 'handoff.teamName.en'];
    expect([...problem.planKeys].sort()).toEqual([...keys].sort());
    const bytes = (k: string) => { const [a, b, lang] = k.split('.'); return Buffer.byteLength((plan as any)[a][b][lang]); };
    expect(problem.planKeys.map(bytes)).toEqual(keys.map(bytes).sort((a, b) => b - a));
  });
});

describe('plans the schema accepts', () => {
  test('a plan whose texts are 5× the example synthesizes and every template passes the limits check', () => {
    const plan = parsePlan(fiveTimesPlanInput(), '5x plan', dir);
    expect(plan.incidents.templates.severe.message['zh-Hant'].length).toBe(5 * parsePlan(examplePlanInput(), 'example', dir).incidents.templates.severe.message['zh-Hant'].length + 4);
    // synthPlan runs the app's validation plugins (the limits check among them): it throws on a violation.
    const s = synthPlan({ plan, source: '5x plan', dir });
    for (const t of Object.values(s.templates)) expect(deployLimitProblems(t.toJSON() as CfnTemplate, plan)).toEqual([]);
    // The publisher's environment no longer carries the templates; they are bundled with the handler.
    const fn = Object.values(s.templates.global.findResources('AWS::Lambda::Function')).find((r: any) => r.Properties.Environment?.Variables?.PUBLISH_CONFIG) as any;
    const bytes = Object.entries(fn.Properties.Environment.Variables).reduce((n, [k, v]) => n + k.length + estimatedBytes(v), 0);
    expect(bytes).toBeLessThan(1024);
    expect(JSON.stringify(fn.Properties.Environment.Variables)).not.toContain(plan.incidents.templates.severe.message['zh-Hant'].slice(0, 20));
  });

  test('a plan built to exceed one limit is refused at synth, naming the plan key, and nothing is written', () => {
    // The hand-off contacts stay in the chatbot's environment (custom bots read HANDOFF_CONTACTS):
    // 200 repetitions of a 24-byte sentence of opening hours (Chinese is 3 bytes a character) take it past 4,096 bytes.
    const input = examplePlanInput() as any;
    input.handoff.hours['zh-Hant'] = '每日 08:00–22:00 開放。'.repeat(200);
    const plan = parsePlan(input, 'long hours', dir);
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-limits-')), context: { 'aws:cdk:bundling-stacks': [] } });
    const outcome = synthOrReport(app, () => buildApp(app, { plan, source: 'long hours', dir }, { nag: false }));
    expect(outcome.ok).toBe(false);
    const text = outcome.lines.join('\n');
    expect(text).toMatch(/LambdaEnvironmentSize|environment is about \d+ bytes/);
    expect(text).toContain('handoff.hours.zh-Hant');
    expect(fs.readdirSync(app.outdir)).toEqual([]);
  });
});

describe('bundled configuration at run time', () => {
  test('readBundledJson reads a file next to the handler, and is undefined without one', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
    fs.writeFileSync(path.join(d, 'incident-templates.json'), '{"levels":{}}');
    expect(readBundledJson('incident-templates.json', d)).toEqual({ levels: {} });
    expect(readBundledJson('absent.json', d)).toBeUndefined();
    fs.writeFileSync(path.join(d, 'bad.json'), '{');
    expect(() => readBundledJson('bad.json', d)).toThrow(/bad.json is not valid JSON/);
  });
  test('the incident function refuses to start without templates in its config or bundle', () => {
    const env = { TABLE_NAME: 't', RETENTION_DAYS: '400', ALARM_LEVELS: '[]', PUBLISH_CONFIG: JSON.stringify({ statusBucket: 'b', reportBucket: 'r', noticeTopicArn: 'arn:aws:sns:us-east-1:123456789012:n', confirmationMinutes: 15, lookbackDays: 30, historyLength: 5, noticeMaxAgeMinutes: 60, planName: 'p' }) };
    expect(() => configFromEnv(env)).toThrow(/PUBLISH_CONFIG has no templates and incident-templates.json is not bundled/);
  });
});
