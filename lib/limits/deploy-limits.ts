import * as fs from 'fs';
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import type { Plan } from '../config';

/**
 * Limits that CloudFormation or the service enforces only at deploy time, checked on the
 * synthesized templates so a plan the schema accepts cannot synthesize a stack that then fails
 * to deploy. Each limit names the plan keys that drive the failing value when there are any.
 *
 * Values that are tokens at synth time (a Ref, a GetAtt, a Join) are counted by an upper
 * estimate of what they resolve to (`TOKEN_ESTIMATE`), so a check errs on the safe side.
 */

/** Bytes assumed for an ARN CloudFormation resolves at deploy time (Fn::GetAtt …Arn). */
export const TOKEN_ESTIMATE = 128;
/** Bytes assumed for a name or id resolved at deploy time (Ref, other attributes, stack outputs). */
export const NAME_ESTIMATE = 64;
/** Pseudo parameters, by their longest value. */
const PSEUDO: Record<string, number> = { 'AWS::URLSuffix': 16, 'AWS::Region': 16, 'AWS::AccountId': 12, 'AWS::Partition': 10, 'AWS::StackName': 128, 'AWS::StackId': 160 };

/** The limits, with their sources. */
export const DEPLOY_LIMITS = {
  /** https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html (keys and values, all variables) */
  lambdaEnvironmentBytes: 4096,
  /** https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html */
  lambdaDescription: 256,
  lambdaFunctionName: 64,
  /** https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html */
  alarmName: 255,
  alarmDescription: 1024,
  compositeAlarmRule: 10240,
  /** Period × EvaluationPeriods: 7 days, or 1 day for periods under an hour. */
  alarmRangeSeconds: 604800,
  alarmRangeShortPeriodSeconds: 86400,
  /** https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html */
  snsDisplayName: 100,
  snsTopicName: 256,
  /** https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (characters, whitespace not counted) */
  iamInlinePoliciesPerRole: 10240,
  iamManagedPolicy: 6144,
  iamRoleName: 64,
  iamRoleDescription: 1000,
  /** https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html */
  healthCheckString: 255,
  healthCheckMinRegions: 3,
  /** https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html */
  ruleDescription: 512,
  ruleName: 64,
  /** https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html */
  logGroupName: 512,
  /** https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html: user tags per resource */
  tagsPerResource: 50,
} as const;

export interface DeployLimitProblem {
  readonly rule: string;
  readonly logicalId: string;
  readonly description: string;
  /** Plan keys whose values drive the failing value (biggest contributors first); empty when none does. */
  readonly planKeys: string[];
}

type Json = unknown;
interface CfnResource {
  Type: string;
  Properties?: Record<string, Json>;
}
export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
}

/** Upper estimate of the UTF-8 bytes a template value becomes at deploy time. */
export function estimatedBytes(value: Json): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const [fn, args] = Object.entries(value as Record<string, Json>)[0] ?? [];
    if (fn === 'Fn::Join' && Array.isArray(args) && Array.isArray(args[1])) {
      const parts = args[1] as Json[];
      return parts.reduce<number>((sum, p) => sum + estimatedBytes(p), 0) + Math.max(0, parts.length - 1) * estimatedBytes(args[0]);
    }
    if (fn === 'Fn::Sub') {
      const text = typeof args === 'string' ? args : Array.isArray(args) ? String(args[0]) : '';
      const refs = text.match(/\$\{[^}]+\}/g) ?? [];
      return Buffer.byteLength(text.replace(/\$\{[^}]+\}/g, ''), 'utf8') + refs.reduce((n, r) => n + (PSEUDO[r.slice(2, -1)] ?? (/\.Arn\}$/.test(r) ? TOKEN_ESTIMATE : NAME_ESTIMATE)), 0);
    }
    if (fn === 'Ref') return PSEUDO[String(args)] ?? NAME_ESTIMATE;
    if (fn === 'Fn::GetAtt') {
      const attr = Array.isArray(args) ? String(args[1]) : String(args).split('.').slice(1).join('.');
      return /Arn$/.test(attr) ? TOKEN_ESTIMATE : NAME_ESTIMATE;
    }
    return NAME_ESTIMATE;
  }
  return 0;
}

/** A template value with every intrinsic (Ref, Fn::…) replaced by a string of its estimated size. */
function withTokensEstimated(value: Json): Json {
  if (Array.isArray(value)) return value.map(withTokensEstimated);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, Json>);
    if (entries.length === 1 && /^(Ref|Fn::)/.test(entries[0][0])) return 'x'.repeat(estimatedBytes(value));
    return Object.fromEntries(entries.map(([k, v]) => [k, withTokensEstimated(v)]));
  }
  return value;
}

/** The template value as deployed text (a string as is, anything else as JSON), tokens at their estimated size. */
function estimatedText(value: Json): string {
  const v = withTokensEstimated(value);
  return typeof v === 'string' ? v : JSON.stringify(v ?? '');
}

/** Every string leaf of the plan with its path, for naming the keys behind a value. */
function planStrings(plan: Plan): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (v: unknown, at: string) => {
    if (typeof v === 'string') out.push({ path: at, text: v });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, at ? `${at}.${k}` : k);
  };
  walk(plan, '');
  return out;
}

/** Plan keys whose text appears in `value` (as written or JSON-escaped), biggest first. */
function contributors(value: Json, strings: { path: string; text: string }[]): string[] {
  const haystack = JSON.stringify(value);
  return strings
    .filter((s) => s.text.length >= 8 && (haystack.includes(s.text) || haystack.includes(JSON.stringify(JSON.stringify(s.text)).slice(3, -3))))
    .sort((a, b) => Buffer.byteLength(b.text) - Buffer.byteLength(a.text))
    .map((s) => s.path);
}

const isNumber = (v: Json): v is number => typeof v === 'number';

/** Every deploy-time limit a template breaks. */
export function deployLimitProblems(template: CfnTemplate, plan?: Plan): DeployLimitProblem[] {
  const problems: DeployLimitProblem[] = [];
  const strings = plan ? planStrings(plan) : [];
  const L = DEPLOY_LIMITS;
  const add = (rule: string, logicalId: string, description: string, driver: Json, fixedKeys: string[] = []) =>
    problems.push({ rule, logicalId, description, planKeys: [...new Set([...fixedKeys, ...contributors(driver, strings)])] });
  const maxText = (rule: string, id: string, what: string, value: Json, max: number) => {
    if (value === undefined) return;
    const n = [...estimatedText(value)].length;
    if (n > max) add(rule, id, `${what} is ${n} characters; AWS allows at most ${max}`, value);
  };

  const inlinePolicyChars = new Map<string, { chars: number; ids: string[]; docs: Json[] }>();
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const p = r.Properties ?? {};
    const tags = Array.isArray(p.Tags) ? (p.Tags as { Key?: string }[]).filter((t) => typeof t?.Key === 'string' && !t.Key.startsWith('aws:')) : undefined;
    if (tags && tags.length > L.tagsPerResource) {
      add('TagsPerResource', id, `${r.Type} has ${tags.length} tags; AWS allows at most ${L.tagsPerResource} per resource (this project adds its own, such as contingency:plan)`, null, ['tags']);
    }
    switch (r.Type) {
      case 'AWS::Lambda::Function': {
        const vars = ((p.Environment as { Variables?: Record<string, Json> } | undefined)?.Variables ?? {}) as Record<string, Json>;
        const bytes = Object.entries(vars).reduce((sum, [k, v]) => sum + Buffer.byteLength(k, 'utf8') + estimatedBytes(v), 0);
        if (bytes > L.lambdaEnvironmentBytes) {
          const biggest = Object.entries(vars)
            .map(([k, v]) => [k, estimatedBytes(v)] as const)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 3)
            .map(([k, n]) => `${k} ${n} B`)
            .join(', ');
          add('LambdaEnvironmentSize', id, `the function's environment is about ${bytes} bytes (${biggest}); Lambda allows at most ${L.lambdaEnvironmentBytes} bytes in all`, vars);
        }
        maxText('LambdaDescription', id, 'the function description', p.Description, L.lambdaDescription);
        maxText('LambdaFunctionName', id, 'the function name', p.FunctionName, L.lambdaFunctionName);
        break;
      }
      case 'AWS::CloudWatch::Alarm': {
        maxText('AlarmName', id, 'the alarm name', p.AlarmName, L.alarmName);
        maxText('AlarmDescription', id, 'the alarm description', p.AlarmDescription, L.alarmDescription);
        const periods: number[] = [];
        if (isNumber(p.Period)) periods.push(p.Period);
        for (const m of (p.Metrics as { MetricStat?: { Period?: Json } }[] | undefined) ?? []) if (isNumber(m.MetricStat?.Period)) periods.push(m.MetricStat.Period);
        for (const period of periods) {
          if (![10, 20, 30].includes(period) && period % 60 !== 0) {
            add('AlarmPeriod', id, `the alarm period is ${period} s; CloudWatch accepts 10, 20, 30 or a multiple of 60`, null, numberKeys(plan, [period, period / 60]));
          }
        }
        const evaluation = p.EvaluationPeriods;
        if (isNumber(evaluation) && periods.length) {
          const period = Math.max(...periods);
          const range = period * evaluation;
          const max = period < 3600 ? L.alarmRangeShortPeriodSeconds : L.alarmRangeSeconds;
          if (range > max) {
            add(
              'AlarmEvaluationRange',
              id,
              `the alarm evaluates ${evaluation} × ${period} s = ${range} s; CloudWatch allows at most ${max} s (${period < 3600 ? '1 day for periods under an hour' : '7 days'})`,
              null,
              numberKeys(plan, [period / 60, evaluation]),
            );
          }
        }
        if (isNumber(p.DatapointsToAlarm) && isNumber(evaluation) && p.DatapointsToAlarm > evaluation) {
          add('AlarmDatapoints', id, `DatapointsToAlarm ${p.DatapointsToAlarm} exceeds EvaluationPeriods ${evaluation}`, null);
        }
        break;
      }
      case 'AWS::CloudWatch::CompositeAlarm':
        maxText('AlarmName', id, 'the alarm name', p.AlarmName, L.alarmName);
        maxText('AlarmDescription', id, 'the alarm description', p.AlarmDescription, L.alarmDescription);
        maxText('CompositeAlarmRule', id, 'the composite alarm rule', p.AlarmRule, L.compositeAlarmRule);
        break;
      case 'AWS::SNS::Topic':
        maxText('SnsDisplayName', id, 'the topic display name', p.DisplayName, L.snsDisplayName);
        maxText('SnsTopicName', id, 'the topic name', p.TopicName, L.snsTopicName);
        break;
      case 'AWS::IAM::Role': {
        maxText('IamRoleName', id, 'the role name', p.RoleName, L.iamRoleName);
        maxText('IamRoleDescription', id, 'the role description', p.Description, L.iamRoleDescription);
        for (const pol of (p.Policies as { PolicyDocument?: Json }[] | undefined) ?? []) addInline(inlinePolicyChars, id, id, pol.PolicyDocument);
        break;
      }
      case 'AWS::IAM::Policy':
        for (const role of (p.Roles as Json[] | undefined) ?? []) {
          const roleId = role && typeof role === 'object' && 'Ref' in role ? String((role as { Ref: string }).Ref) : JSON.stringify(role);
          addInline(inlinePolicyChars, roleId, id, p.PolicyDocument);
        }
        break;
      case 'AWS::IAM::ManagedPolicy': {
        const n = policyChars(p.PolicyDocument);
        if (n > L.iamManagedPolicy) add('IamManagedPolicySize', id, `the managed policy is about ${n} characters; IAM allows at most ${L.iamManagedPolicy}`, p.PolicyDocument);
        break;
      }
      case 'AWS::Route53::HealthCheck': {
        const c = (p.HealthCheckConfig ?? {}) as Record<string, Json>;
        if (c.RequestInterval !== undefined && ![10, 30].includes(c.RequestInterval as number)) {
          add('HealthCheckInterval', id, `RequestInterval is ${String(c.RequestInterval)}; Route 53 accepts 10 or 30`, null, ['failover.requestIntervalSeconds']);
        }
        if (isNumber(c.FailureThreshold) && (c.FailureThreshold < 1 || c.FailureThreshold > 10)) {
          add('HealthCheckThreshold', id, `FailureThreshold is ${c.FailureThreshold}; Route 53 accepts 1-10`, null, ['failover.failureThreshold']);
        }
        if (Array.isArray(c.Regions) && c.Regions.length < L.healthCheckMinRegions) {
          add('HealthCheckRegions', id, `${c.Regions.length} checker regions; Route 53 needs at least ${L.healthCheckMinRegions}`, null, ['failover.checkerRegions']);
        }
        for (const k of ['ResourcePath', 'SearchString', 'FullyQualifiedDomainName'] as const) maxText('HealthCheckString', id, `the health check's ${k}`, c[k], L.healthCheckString);
        break;
      }
      case 'AWS::Events::Rule':
        maxText('EventRuleDescription', id, 'the rule description', p.Description, L.ruleDescription);
        maxText('EventRuleName', id, 'the rule name', p.Name, L.ruleName);
        break;
      case 'AWS::Logs::LogGroup':
        maxText('LogGroupName', id, 'the log group name', p.LogGroupName, L.logGroupName);
        break;
    }
  }
  for (const [roleId, { chars, ids, docs }] of inlinePolicyChars) {
    if (chars > L.iamInlinePoliciesPerRole) {
      add('IamInlinePolicySize', ids[0], `the inline policies of role ${roleId} (${ids.join(', ')}) are about ${chars} characters together; IAM allows at most ${L.iamInlinePoliciesPerRole} per role`, docs);
    }
  }
  return problems;
}

/** Characters of a policy as IAM counts them: minified JSON, tokens at their estimated size. */
function policyChars(doc: Json): number {
  return estimatedText(doc ?? {}).replace(/\s/g, '').length;
}

function addInline(acc: Map<string, { chars: number; ids: string[]; docs: Json[] }>, roleId: string, policyId: string, doc: Json) {
  const entry = acc.get(roleId) ?? { chars: 0, ids: [], docs: [] };
  entry.chars += policyChars(doc);
  entry.ids.push(policyId);
  entry.docs.push(doc);
  acc.set(roleId, entry);
}

/** Numeric plan keys whose value equals one of `values` (the keys that likely set a number). */
function numberKeys(plan: Plan | undefined, values: number[]): string[] {
  if (!plan) return [];
  const out: string[] = [];
  const walk = (v: unknown, at: string) => {
    if (typeof v === 'number' && values.includes(v)) out.push(at);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, at ? `${at}.${k}` : k);
  };
  walk(plan, '');
  return out;
}

export const DEPLOY_LIMITS_RULE_IDS = [
  'LambdaEnvironmentSize',
  'LambdaDescription',
  'LambdaFunctionName',
  'AlarmName',
  'AlarmDescription',
  'CompositeAlarmRule',
  'AlarmPeriod',
  'AlarmEvaluationRange',
  'AlarmDatapoints',
  'SnsDisplayName',
  'SnsTopicName',
  'IamRoleName',
  'IamRoleDescription',
  'IamInlinePolicySize',
  'IamManagedPolicySize',
  'HealthCheckInterval',
  'HealthCheckThreshold',
  'HealthCheckRegions',
  'HealthCheckString',
  'EventRuleDescription',
  'EventRuleName',
  'LogGroupName',
  'TagsPerResource',
];

/**
 * The synth-time validation plugin: runs `deployLimitProblems` on every synthesized template and
 * fails synth (nothing is written, see lib/synth.ts) naming the plan key to change.
 */
export class DeployLimitsCheck implements IPolicyValidationPlugin {
  public readonly name = 'ContingencyDeployLimits';
  public readonly version = '1.0.0';
  public readonly ruleIds = DEPLOY_LIMITS_RULE_IDS;

  constructor(private readonly plan?: Plan) {}

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations: PolicyViolation[] = [];
    for (const templatePath of context.templatePaths) {
      const template = JSON.parse(fs.readFileSync(templatePath, 'utf8')) as CfnTemplate;
      for (const p of deployLimitProblems(template, this.plan)) {
        violations.push({
          ruleName: p.rule,
          description: `${p.description} (fails only at deploy time)`,
          fix: p.planKeys.length
            ? `Shorten or change plan key ${p.planKeys.slice(0, 3).join(', ')}${p.planKeys.length > 3 ? ` (and ${p.planKeys.length - 3} more)` : ''}`
            : 'No plan key drives this value: it is set by this project; report it as a bug',
          violatingResources: [{ resourceLogicalId: p.logicalId, templatePath, locations: [] }],
        });
      }
    }
    return { success: violations.length === 0, violations };
  }
}
