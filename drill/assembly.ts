import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { AlarmDef, Comparison, MetricQuery, MetricStat, TreatMissingData } from './sim/alarms';
import type { HealthCheckDef } from './sim/route53';
import type { RecordDef } from './sim/dns';
import type { SubscriptionDef } from './sim/sns';
import { ROUTE53_CHECKER_REGIONS } from './sim/route53';

/**
 * The tabletop reads what will be deployed: the synthesized cloud assembly (manifest + templates),
 * plus one sidecar written at synth (`drill.json`) with what templates do not hold: each project
 * function's handler folder and its bundled configuration files (the files esbuild would write
 * next to the handler), the stack roles, and the plan's objectives.
 */

export const DRILL_SIDECAR = 'drill.json';
/** Placeholder account of every ARN the tabletop makes up (no AWS account is involved). */
export const DRILL_ACCOUNT = '000000000000';

export type StackRole = 'primary' | 'standby' | 'global' | 'failover';

export interface DrillSidecar {
  readonly planName: string;
  readonly stacks: Record<string, StackRole>;
  readonly objectives: { readonly rtoMinutes: number; readonly rpoMinutes: number; readonly availabilityPercent: number };
  readonly timeZone: string;
  readonly languages: readonly string[];
  readonly functions: readonly { readonly stack: string; readonly logicalId: string; readonly handlerDir?: string; readonly bundledConfig: Record<string, string> }[];
  /** Contacts of each audience, to tell who an e-mail or SMS subscription reaches. */
  readonly audiences: Record<string, { readonly email: readonly string[]; readonly sms: readonly string[] }>;
}

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}
interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value: unknown }>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
}

export interface FunctionModel {
  readonly stack: string;
  readonly logicalId: string;
  readonly arn: string;
  readonly handlerDir?: string;
  /** Environment variables with every intrinsic resolved to the tabletop's names. */
  readonly environment: Record<string, string>;
  readonly bundledConfig: Record<string, string>;
}

export interface StackModel {
  readonly name: string;
  readonly region: string;
  readonly role: StackRole;
  readonly alarms: AlarmDef[];
  readonly healthChecks: HealthCheckDef[];
  readonly records: RecordDef[];
  readonly topics: { readonly arn: string; readonly logicalId: string; readonly displayName?: string }[];
  readonly subscriptions: SubscriptionDef[];
  readonly functions: FunctionModel[];
  /** EventBridge rules: schedule or pattern, and target ARNs. */
  readonly rules: { readonly logicalId: string; readonly schedule?: string; readonly pattern?: unknown; readonly targets: string[] }[];
  /** SDK calls the stack's custom resources make on create (e.g. the knowledge-base seed). */
  readonly seeds: { readonly service: string; readonly action: string; readonly parameters: unknown }[];
}

export interface DrillAssembly {
  readonly dir: string;
  readonly sidecar: DrillSidecar;
  readonly stacks: StackModel[];
}

/** Resolves CloudFormation intrinsics to stable made-up names, across stacks (Fn::GetStackOutput, Fn::ImportValue). */
export class IntrinsicResolver {
  constructor(private readonly templates: Map<string, { region: string; template: CfnTemplate }>) {}

  private alarmName(stack: string, id: string): string {
    const p = this.templates.get(stack)?.template.Resources?.[id]?.Properties;
    const n = p?.AlarmName;
    return n !== undefined ? String(this.resolve(stack, n)) : `${stack}-${id}`;
  }

  arnOf(stack: string, id: string): string {
    const t = this.templates.get(stack);
    if (!t) throw new Error(`no stack ${stack} in the assembly`);
    const r = t.template.Resources?.[id];
    const region = t.region;
    switch (r?.Type) {
      case 'AWS::CloudWatch::Alarm':
      case 'AWS::CloudWatch::CompositeAlarm':
        return `arn:aws:cloudwatch:${region}:${DRILL_ACCOUNT}:alarm:${this.alarmName(stack, id)}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${region}:${DRILL_ACCOUNT}:${stack}-${id}`;
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${region}:${DRILL_ACCOUNT}:function:${stack}-${id}`;
      case 'AWS::Events::Rule':
        return `arn:aws:events:${region}:${DRILL_ACCOUNT}:rule/${stack}-${id}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${region}:${DRILL_ACCOUNT}:${stack}-${id}`;
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return `arn:aws:dynamodb:${region}:${DRILL_ACCOUNT}:table/${stack}-${id}`;
      default:
        return `arn:aws:drill:${region}:${DRILL_ACCOUNT}:${stack}/${id}`;
    }
  }

  /** A Ref: topics and queues give ARNs/URLs as CloudFormation does; everything else its physical name. */
  ref(stack: string, id: string): string {
    const t = this.templates.get(stack)!;
    if (id === 'AWS::Region') return t.region;
    if (id === 'AWS::AccountId') return DRILL_ACCOUNT;
    if (id === 'AWS::Partition') return 'aws';
    if (id === 'AWS::URLSuffix') return 'amazonaws.com';
    if (id === 'AWS::StackName') return stack;
    const r = t.template.Resources?.[id];
    if (r?.Type === 'AWS::SNS::Topic') return this.arnOf(stack, id);
    if (r?.Type === 'AWS::CloudWatch::Alarm' || r?.Type === 'AWS::CloudWatch::CompositeAlarm') return this.alarmName(stack, id);
    const named = r?.Properties?.TableName ?? r?.Properties?.BucketName ?? r?.Properties?.Name;
    if (typeof named === 'string') return named;
    return `${stack}-${id}`.toLowerCase();
  }

  resolve(stack: string, v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => this.resolve(stack, x));
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1) {
      const [k] = keys;
      const a = o[k];
      if (k === 'Ref') return this.ref(stack, String(a));
      if (k === 'Fn::GetAtt') {
        const [id, attr] = a as [string, string];
        if (attr === 'Arn' || attr.endsWith('Arn')) return this.arnOf(stack, id);
        return `${this.ref(stack, id)}.${attr.toLowerCase()}`;
      }
      if (k === 'Fn::Join') {
        const [sep, parts] = a as [string, unknown[]];
        return (this.resolve(stack, parts) as unknown[]).map(String).join(sep);
      }
      if (k === 'Fn::Select') {
        const [i, list] = a as [number, unknown];
        return (this.resolve(stack, list) as unknown[])[Number(i)];
      }
      if (k === 'Fn::Split') {
        const [sep, s] = a as [string, unknown];
        return String(this.resolve(stack, s)).split(sep);
      }
      if (k === 'Fn::FindInMap') {
        const [m, k1, k2] = this.resolve(stack, a) as string[];
        return this.templates.get(stack)!.template.Mappings?.[m]?.[k1]?.[k2] ?? `${m}.${k1}.${k2}`;
      }
      if (k === 'Fn::GetStackOutput') {
        const { StackName, OutputName } = a as { StackName: string; OutputName: string };
        const other = this.templates.get(StackName);
        const out = other?.template.Outputs?.[OutputName];
        if (!out) throw new Error(`Fn::GetStackOutput: stack ${StackName} has no output ${OutputName}`);
        return this.resolve(StackName, out.Value);
      }
      if (k === 'Fn::ImportValue') {
        const name = String(this.resolve(stack, a));
        for (const [s, t] of this.templates) for (const out of Object.values(t.template.Outputs ?? {}) as { Value: unknown; Export?: { Name: unknown } }[]) {
          if (out.Export && this.resolve(s, out.Export.Name) === name) return this.resolve(s, out.Value);
        }
        throw new Error(`Fn::ImportValue: no stack exports ${name}`);
      }
      if (k === 'Fn::Sub') {
        const [tpl, vars] = (Array.isArray(a) ? a : [a, {}]) as [string, Record<string, unknown>];
        return tpl.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
          if (name in vars) return String(this.resolve(stack, vars[name]));
          const [id, attr] = name.split('.');
          return attr ? String(this.resolve(stack, { 'Fn::GetAtt': [id, attr] })) : this.ref(stack, id);
        });
      }
    }
    return Object.fromEntries(Object.entries(o).map(([kk, vv]) => [kk, this.resolve(stack, vv)]));
  }
}

const num = (v: unknown, fallback?: number): number | undefined => (v === undefined ? fallback : Number(v));

function metricStatOf(resolver: IntrinsicResolver, stack: string, p: Record<string, unknown>): MetricStat {
  const dims = (resolver.resolve(stack, p.Dimensions ?? []) as { Name: string; Value: string }[]).map((d) => [d.Name, String(d.Value)]);
  return {
    metric: { namespace: String(p.Namespace), name: String(p.MetricName), dimensions: Object.fromEntries(dims) },
    stat: String(p.ExtendedStatistic ?? p.Statistic),
    periodSeconds: Number(p.Period),
  };
}

function alarmOf(resolver: IntrinsicResolver, stack: string, id: string, r: CfnResource): AlarmDef {
  const p = r.Properties ?? {};
  const name = resolver.arnOf(stack, id).replace(/^.*:alarm:/, '');
  const actions = (k: string) => ((resolver.resolve(stack, p[k] ?? []) as unknown[]).map(String));
  const description = typeof p.AlarmDescription === 'string' ? p.AlarmDescription : undefined;
  if (r.Type === 'AWS::CloudWatch::CompositeAlarm') {
    return { kind: 'composite', name, rule: String(resolver.resolve(stack, p.AlarmRule)), alarmActions: actions('AlarmActions'), okActions: actions('OKActions'), ...(description ? { description } : {}) };
  }
  const queries: MetricQuery[] | undefined = (p.Metrics as Record<string, unknown>[] | undefined)?.map((q) => {
    const ms = q.MetricStat as Record<string, unknown> | undefined;
    const metric = ms?.Metric as Record<string, unknown> | undefined;
    return {
      id: String(q.Id),
      returnData: q.ReturnData !== false,
      ...(q.Expression ? { expression: String(q.Expression) } : {}),
      ...(ms && metric ? { metricStat: metricStatOf(resolver, stack, { ...metric, Statistic: ms.Stat, Period: ms.Period }) } : {}),
    };
  });
  return {
    kind: 'metric',
    name,
    ...(description ? { description } : {}),
    ...(queries ? { queries } : { metricStat: metricStatOf(resolver, stack, p) }),
    ...(p.ThresholdMetricId ? { thresholdMetricId: String(p.ThresholdMetricId) } : {}),
    ...(p.Threshold !== undefined ? { threshold: Number(p.Threshold) } : {}),
    comparison: p.ComparisonOperator as Comparison,
    evaluationPeriods: Number(p.EvaluationPeriods),
    ...(p.DatapointsToAlarm !== undefined ? { datapointsToAlarm: Number(p.DatapointsToAlarm) } : {}),
    treatMissingData: (p.TreatMissingData as TreatMissingData | undefined) ?? 'missing',
    alarmActions: actions('AlarmActions'),
    okActions: actions('OKActions'),
    insufficientDataActions: actions('InsufficientDataActions'),
  };
}

/** Reads a synthesized assembly folder written by `synthesizeForDrill` (or `cdk synth` plus the sidecar). */
export function loadAssembly(dir: string): DrillAssembly {
  const sidecarPath = path.join(dir, DRILL_SIDECAR);
  if (!fs.existsSync(sidecarPath)) throw new Error(`${dir} has no ${DRILL_SIDECAR}: synthesize it with the tabletop (contingency drill tabletop), which writes it next to the templates`);
  const sidecar = JSON.parse(fs.readFileSync(sidecarPath, 'utf8')) as DrillSidecar;
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { type: string; environment?: string; properties?: { templateFile?: string } }> };
  const templates = new Map<string, { region: string; template: CfnTemplate }>();
  for (const [name, a] of Object.entries(manifest.artifacts)) {
    if (a.type !== 'aws:cloudformation:stack' || !a.properties?.templateFile) continue;
    const region = a.environment?.split('/').pop() ?? 'unknown';
    // Keyed by the deployed stack name (the artifact id is a construct path under ChatbotContingency).
    const stackName = (a.properties as { stackName?: string }).stackName ?? name;
    templates.set(stackName, { region, template: JSON.parse(fs.readFileSync(path.join(dir, a.properties.templateFile), 'utf8')) as CfnTemplate });
  }
  const resolver = new IntrinsicResolver(templates);
  const stacks: StackModel[] = [];
  for (const [name, { region, template }] of templates) {
    const role = sidecar.stacks[name];
    if (!role) continue;
    const res = Object.entries(template.Resources ?? {});
    const of = (type: string) => res.filter(([, r]) => r.Type === type);
    const alarms = [...of('AWS::CloudWatch::Alarm'), ...of('AWS::CloudWatch::CompositeAlarm')].map(([id, r]) => alarmOf(resolver, name, id, r));
    const healthChecks: HealthCheckDef[] = of('AWS::Route53::HealthCheck').map(([id, r]) => {
      const c = resolver.resolve(name, r.Properties?.HealthCheckConfig ?? {}) as Record<string, unknown>;
      const tags = (r.Properties?.HealthCheckTags ?? []) as { Key: string; Value: string }[];
      return {
        id: resolver.ref(name, id),
        endpoint: tags.find((t) => t.Key === 'contingency:endpoint')?.Value ?? id,
        type: String(c.Type) as HealthCheckDef['type'],
        fqdn: String(c.FullyQualifiedDomainName ?? c.IPAddress),
        resourcePath: String(c.ResourcePath ?? '/'),
        ...(c.SearchString ? { searchString: String(c.SearchString) } : {}),
        requestIntervalSeconds: num(c.RequestInterval, 30)!,
        failureThreshold: num(c.FailureThreshold, 3)!,
        inverted: c.Inverted === true,
        regions: (c.Regions as string[] | undefined) ?? [...ROUTE53_CHECKER_REGIONS],
      };
    });
    const records: RecordDef[] = of('AWS::Route53::RecordSet')
      .filter(([, r]) => r.Properties?.ResourceRecords)
      .map(([, r]) => {
        const p = resolver.resolve(name, r.Properties) as Record<string, unknown>;
        return {
          name: String(p.Name),
          type: p.Type as RecordDef['type'],
          ...(p.Failover ? { failover: p.Failover as 'PRIMARY' | 'SECONDARY' } : {}),
          ...(p.SetIdentifier ? { setIdentifier: String(p.SetIdentifier) } : {}),
          ...(p.HealthCheckId ? { healthCheckId: String(p.HealthCheckId) } : {}),
          value: String((p.ResourceRecords as unknown[])[0]),
          ttlSeconds: Number(p.TTL ?? 300),
        };
      });
    const topics = of('AWS::SNS::Topic').map(([id, r]) => ({ arn: resolver.arnOf(name, id), logicalId: id, ...(typeof r.Properties?.DisplayName === 'string' ? { displayName: r.Properties.DisplayName } : {}) }));
    const subscriptions: SubscriptionDef[] = of('AWS::SNS::Subscription').map(([id, r]) => {
      const p = resolver.resolve(name, r.Properties) as Record<string, unknown>;
      return { id, topic: String(p.TopicArn), protocol: String(p.Protocol), endpoint: String(p.Endpoint), ...(p.FilterPolicy ? { filterPolicy: p.FilterPolicy as SubscriptionDef['filterPolicy'] } : {}) };
    });
    const functions: FunctionModel[] = of('AWS::Lambda::Function').map(([id, r]) => {
      const env = resolver.resolve(name, (r.Properties?.Environment as { Variables?: unknown } | undefined)?.Variables ?? {}) as Record<string, unknown>;
      const side = sidecar.functions.find((f) => f.stack === name && f.logicalId === id);
      return {
        stack: name,
        logicalId: id,
        arn: resolver.arnOf(name, id),
        ...(side?.handlerDir ? { handlerDir: side.handlerDir } : {}),
        environment: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])),
        bundledConfig: side?.bundledConfig ?? {},
      };
    });
    const rules = of('AWS::Events::Rule').map(([id, r]) => {
      const p = resolver.resolve(name, r.Properties) as Record<string, unknown>;
      return { logicalId: id, ...(p.ScheduleExpression ? { schedule: String(p.ScheduleExpression) } : {}), ...(p.EventPattern ? { pattern: p.EventPattern } : {}), targets: ((p.Targets ?? []) as { Arn: string }[]).map((t) => String(t.Arn)) };
    });
    const seeds = of('Custom::AWS').flatMap(([, r]) => {
      const create = r.Properties?.Create;
      if (create === undefined) return [];
      const call = JSON.parse(String(resolver.resolve(name, create))) as { service: string; action: string; parameters: unknown };
      return [{ service: call.service, action: call.action, parameters: call.parameters }];
    });
    stacks.push({ name, region, role, alarms, healthChecks, records, topics, subscriptions, functions, rules, seeds });
  }
  return { dir, sidecar, stacks };
}

/**
 * Synthesizes the plan's app into a new temporary folder as `cdk synth` does (same context; Lambda
 * code is not bundled: the tabletop runs the handlers from source) and writes the sidecar.
 * Returns the folder.
 */
export async function synthesizeForDrill(planPath: string, outdir: string = fs.mkdtempSync(path.join(os.tmpdir(), 'tabletop-'))): Promise<string> {
  // Loaded lazily: the operator CLI must not load aws-cdk-lib for its other commands.
  const { App, Stack } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const { buildApp } = require('../lib/app') as typeof import('../lib/app');
  const { loadPlan } = require('../lib/config') as typeof import('../lib/config');
  const { ProjectFunction, LAMBDAS_DIR } = require('../lib/shared/project-function') as typeof import('../lib/shared/project-function');
  const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const loaded = loadPlan(planPath);
  const app = new App({ outdir, context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const stacks = buildApp(app, loaded, { nag: false });
  app.synth();
  const functions: DrillSidecar['functions'][number][] = [];
  for (const c of app.node.findAll()) {
    if (!(c instanceof ProjectFunction)) continue;
    const stack = Stack.of(c);
    const rel = path.relative(LAMBDAS_DIR, path.dirname(c.entry));
    const handlerDir = rel.startsWith('..') || path.isAbsolute(rel) ? undefined : rel;
    functions.push({ stack: stack.stackName, logicalId: stack.getLogicalId(c.fn.node.defaultChild as import('aws-cdk-lib').CfnElement), ...(handlerDir ? { handlerDir } : {}), bundledConfig: c.bundledConfig });
  }
  const { plan } = loaded;
  const sidecar: DrillSidecar = {
    planName: plan.name,
    stacks: { [stacks.primary.stackName]: 'primary', [stacks.standby.stackName]: 'standby', [stacks.global.stackName]: 'global', [stacks.failover.stackName]: 'failover' },
    objectives: { rtoMinutes: plan.objectives.rtoMinutes, rpoMinutes: plan.objectives.rpoMinutes, availabilityPercent: plan.objectives.availabilityPercent },
    timeZone: plan.timeZone,
    languages: plan.languages,
    functions,
    audiences: Object.fromEntries(Object.entries(plan.audiences).map(([k, a]) => [k, { email: [...((a as { email?: string[] }).email ?? [])], sms: [...((a as { sms?: string[] }).sms ?? [])] }])),
  };
  fs.writeFileSync(path.join(outdir, DRILL_SIDECAR), JSON.stringify(sidecar, null, 2));
  return outdir;
}
