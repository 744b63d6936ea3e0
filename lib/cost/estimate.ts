import { FIXED_PRICES, FixedPriceKey, FREE_TIER, PRICE_TABLE_DATE, PRICE_TABLE_REGION } from './prices';
import { referencedId, referencedIds, resourcesOfType, runsPerMonth, StackTemplate } from '../assembly/templates';

/**
 * The fixed monthly cost of synthesized templates: every resource that is billed per month whether
 * or not anything happens, priced from the one price table (prices.ts). Pure: templates in,
 * figures out; no AWS call, no aws-cdk-lib.
 */

/** One priced line: resources of one kind in one stack. */
export interface FixedCostLine {
  readonly stack: string;
  readonly region: string;
  /** What is billed, e.g. "CloudWatch alarms, standard resolution". */
  readonly item: string;
  /** The price-table entry. */
  readonly price: FixedPriceKey;
  /** How many resources. */
  readonly resources: number;
  /** How many billing units (alarm metrics, options, canary runs…). */
  readonly quantity: number;
  readonly unitUsd: number;
  readonly monthlyUsd: number;
  /** Logical ids of the resources. */
  readonly logicalIds: string[];
  /** How the quantity was counted, when it is not one unit per resource. */
  readonly detail?: string;
}

export interface FixedCostReport {
  readonly priceDate: string;
  readonly priceRegion: string;
  readonly lines: FixedCostLine[];
  /** Monthly total by stack region. */
  readonly byRegion: Record<string, number>;
  readonly totalUsd: number;
  /** What the figures leave out or assume. */
  readonly notes: string[];
  /**
   * What the account's always-free tier could cover of these items, at most: not subtracted from
   * `totalUsd`, because the allowance is per account and shared with everything else it runs.
   */
  readonly freeTier: { readonly items: { readonly price: FixedPriceKey; readonly what: string; readonly units: number; readonly usd: number }[]; readonly usd: number };
}

/** Rounds to cents the way a bill does (half up), avoiding float noise. */
export const cents = (usd: number): number => Math.round((usd + Number.EPSILON) * 100) / 100;

const HEALTH_CHECK_OPTIONS = ['HTTPS', 'string matching', 'fast interval (10 s)', 'latency measurement'] as const;

/** Optional features of a Route 53 health check config, each billed per month. */
export function healthCheckOptions(config: Record<string, unknown>): string[] {
  const type = String(config.Type ?? '');
  const out: string[] = [];
  if (type === 'HTTPS' || type === 'HTTPS_STR_MATCH') out.push(HEALTH_CHECK_OPTIONS[0]);
  if (type.endsWith('_STR_MATCH')) out.push(HEALTH_CHECK_OPTIONS[1]);
  if (Number(config.RequestInterval ?? 30) === 10) out.push(HEALTH_CHECK_OPTIONS[2]);
  if (config.MeasureLatency === true) out.push(HEALTH_CHECK_OPTIONS[3]);
  return out;
}

const AWS_HOST = /(\.amazonaws\.com(\.cn)?|\.cloudfront\.net|\.awsglobalaccelerator\.com)\.?$/i;

/**
 * Whether Route 53 bills the endpoint as an AWS endpoint. A host name under amazonaws.com (also
 * when the template builds it from `AWS::URLSuffix`, as for an execute-api host) or CloudFront is
 * counted as AWS; an IP address or any other name as non-AWS. Calculated and CloudWatch-alarm
 * health checks have no endpoint and take the AWS price.
 */
export function isAwsEndpoint(config: Record<string, unknown>): boolean {
  const type = String(config.Type ?? '');
  if (type === 'CALCULATED' || type === 'CLOUDWATCH_METRIC' || type === 'RECOVERY_CONTROL') return true;
  const fqdn = config.FullyQualifiedDomainName;
  if (typeof fqdn === 'string') return AWS_HOST.test(fqdn);
  if (fqdn && typeof fqdn === 'object') return /AWS::URLSuffix|amazonaws\.com|execute-api/.test(JSON.stringify(fqdn));
  return false;
}

/** How an alarm is billed: its kind and the number of alarm metrics. */
export interface AlarmBilling {
  readonly kind: 'standard' | 'high-resolution';
  /** Alarm metrics billed: 1 for a single-metric alarm, one per metric in a metric-math alarm, 3 per metric of an anomaly band. */
  readonly metrics: number;
  readonly anomaly: boolean;
  readonly math: boolean;
}

/** Reads how CloudWatch bills one `AWS::CloudWatch::Alarm`. */
export function alarmBilling(props: Record<string, unknown>): AlarmBilling {
  const metrics = props.Metrics as { MetricStat?: { Period?: unknown }; Expression?: unknown }[] | undefined;
  if (!Array.isArray(metrics)) {
    return { kind: Number(props.Period ?? 60) < 60 ? 'high-resolution' : 'standard', metrics: 1, anomaly: false, math: false };
  }
  const stats = metrics.filter((m) => m.MetricStat);
  const highRes = stats.some((m) => Number(m.MetricStat?.Period ?? 60) < 60);
  const anomaly = !!props.ThresholdMetricId && metrics.some((m) => typeof m.Expression === 'string' && /ANOMALY_DETECTION_BAND/i.test(m.Expression));
  return { kind: highRes ? 'high-resolution' : 'standard', metrics: (anomaly ? 3 : 1) * Math.max(stats.length, 1), anomaly, math: !anomaly && metrics.some((m) => m.Expression !== undefined) };
}

interface Accumulator {
  resources: number;
  quantity: number;
  ids: string[];
  details: string[];
}

/** Billed items a plan needs that no template creates (the operator creates them). */
export interface ExternalItems {
  /** Secrets the stacks read by name (webhook secrets), with every region each must exist in. */
  readonly secrets?: readonly { readonly name: string; readonly region: string }[];
}

/** Stack name shown for items created outside the stacks. */
export const EXTERNAL_STACK = '(created by you)';

/** Prices the fixed monthly items of every stack (and the external items the plan needs). */
export function fixedMonthlyCost(stacks: readonly StackTemplate[], external: ExternalItems = {}): FixedCostReport {
  const lines: FixedCostLine[] = [];
  const secretsByRegion = new Map<string, string[]>();
  for (const s of external.secrets ?? []) secretsByRegion.set(s.region, [...(secretsByRegion.get(s.region) ?? []), s.name]);
  for (const [region, names] of secretsByRegion) {
    lines.push({ stack: EXTERNAL_STACK, region, item: 'Secrets Manager secrets (webhook secrets the plan names)', price: 'secret', resources: names.length, quantity: names.length, unitUsd: FIXED_PRICES.secret.usd, monthlyUsd: names.length * FIXED_PRICES.secret.usd, logicalIds: names });
  }
  const notes: string[] = [];
  let nonAwsExtra = 0;
  for (const stack of stacks) {
    const region = stack.region ?? '(any region)';
    const acc = new Map<string, { item: string; price: FixedPriceKey; a: Accumulator }>();
    const add = (item: string, price: FixedPriceKey, id: string, quantity: number, detail?: string) => {
      const key = `${item}|${price}`;
      const entry = acc.get(key) ?? { item, price, a: { resources: 0, quantity: 0, ids: [], details: [] } };
      if (!entry.a.ids.includes(id)) {
        entry.a.resources += 1;
        entry.a.ids.push(id);
      }
      entry.a.quantity += quantity;
      if (detail) entry.a.details.push(detail);
      acc.set(key, entry);
    };
    const t = stack.template;

    for (const [id, p] of resourcesOfType(t, 'AWS::Route53::HealthCheck')) {
      const config = (p.HealthCheckConfig ?? {}) as Record<string, unknown>;
      const aws = isAwsEndpoint(config);
      const options = healthCheckOptions(config);
      add(`Route 53 health checks, ${aws ? 'AWS' : 'non-AWS'} endpoint`, aws ? 'healthCheckAws' : 'healthCheckNonAws', id, 1);
      if (options.length) add(`Route 53 health-check options, ${aws ? 'AWS' : 'non-AWS'} endpoint`, aws ? 'healthCheckOptionAws' : 'healthCheckOptionNonAws', id, options.length, `${id}: ${options.join(', ')}`);
      if (aws && config.Type !== 'CALCULATED' && config.Type !== 'CLOUDWATCH_METRIC') {
        nonAwsExtra += FIXED_PRICES.healthCheckNonAws.usd - FIXED_PRICES.healthCheckAws.usd + options.length * (FIXED_PRICES.healthCheckOptionNonAws.usd - FIXED_PRICES.healthCheckOptionAws.usd);
      }
    }
    for (const [id] of resourcesOfType(t, 'AWS::Route53::HostedZone')) add('Route 53 hosted zones', 'hostedZone', id, 1);
    for (const [id, p] of resourcesOfType(t, 'AWS::CloudWatch::Alarm')) {
      const b = alarmBilling(p);
      const what = b.anomaly ? 'anomaly detection' : b.math ? 'metric math' : 'single metric';
      add(`CloudWatch alarms, ${b.kind === 'standard' ? 'standard' : 'high'} resolution (${what})`, b.kind === 'standard' ? 'alarmMetricStandard' : 'alarmMetricHighRes', id, b.metrics);
    }
    for (const [id] of resourcesOfType(t, 'AWS::CloudWatch::CompositeAlarm')) add('CloudWatch composite alarms', 'compositeAlarm', id, 1);
    for (const [id] of resourcesOfType(t, 'AWS::CloudWatch::Dashboard')) add('CloudWatch dashboards', 'dashboard', id, 1);
    for (const [id] of [...resourcesOfType(t, 'AWS::KMS::Key'), ...resourcesOfType(t, 'AWS::KMS::ReplicaKey')]) add('KMS customer managed keys', 'kmsKey', id, 1);
    for (const [id, p] of resourcesOfType(t, 'AWS::SecretsManager::Secret')) {
      const replicas = Array.isArray(p.ReplicaRegions) ? p.ReplicaRegions.length : 0;
      add('Secrets Manager secrets', 'secret', id, 1 + replicas, replicas ? `${id}: ${replicas} replica region(s)` : undefined);
    }
    for (const [id, p] of resourcesOfType(t, 'AWS::Synthetics::Canary')) {
      const expr = (p.Schedule as { Expression?: unknown } | undefined)?.Expression;
      const runs = typeof expr === 'string' ? runsPerMonth(expr) : undefined;
      if (runs === undefined) notes.push(`${stack.stackName}/${id}: canary schedule ${JSON.stringify(expr)} cannot be counted; not priced`);
      else add('Synthetics canary runs', 'canaryRun', id, runs, `${id}: ${expr}`);
    }
    for (const [id, p] of resourcesOfType(t, 'AWS::WAFv2::WebACL')) {
      add('WAF web ACLs', 'wafWebAcl', id, 1);
      const rules = Array.isArray(p.Rules) ? p.Rules.length : 0;
      if (rules) add('WAF rules', 'wafRule', id, rules);
    }

    for (const { item, price, a } of acc.values()) {
      const unitUsd = FIXED_PRICES[price].usd;
      lines.push({
        stack: stack.stackName,
        region,
        item,
        price,
        resources: a.resources,
        quantity: a.quantity,
        unitUsd,
        monthlyUsd: a.quantity * unitUsd,
        logicalIds: a.ids,
        ...(a.details.length ? { detail: a.details.join('; ') } : {}),
      });
    }
  }
  const byRegion: Record<string, number> = {};
  for (const l of lines) byRegion[l.region] = (byRegion[l.region] ?? 0) + l.monthlyUsd;
  for (const r of Object.keys(byRegion)) byRegion[r] = cents(byRegion[r]);
  if (nonAwsExtra > 0) notes.push(`If Route 53 bills the health-checked hosts as non-AWS endpoints, add $${cents(nonAwsExtra).toFixed(2)} a month.`);
  notes.push(`List prices for ${PRICE_TABLE_REGION} as of ${PRICE_TABLE_DATE}; other regions may differ by a few percent. No free tier (shown apart below), discount or tax.`);
  return { priceDate: PRICE_TABLE_DATE, priceRegion: PRICE_TABLE_REGION, lines, byRegion, totalUsd: cents(lines.reduce((s, l) => s + l.monthlyUsd, 0)), notes, freeTier: freeTierOf(lines) };
}

/** The most the account's free tier could take off these lines (each allowance once, whatever the region). */
export function freeTierOf(lines: readonly FixedCostLine[]): FixedCostReport['freeTier'] {
  const items: FixedCostReport['freeTier']['items'] = [];
  for (const [price, tier] of Object.entries(FREE_TIER) as [FixedPriceKey, NonNullable<(typeof FREE_TIER)[FixedPriceKey]>][]) {
    const billed = lines.filter((l) => l.price === price).reduce((n, l) => n + l.quantity, 0);
    const units = Math.min(billed, tier.units);
    if (units > 0) items.push({ price, what: tier.what, units, usd: cents(units * FIXED_PRICES[price].usd) });
  }
  return { items, usd: cents(items.reduce((s, i) => s + i.usd, 0)) };
}

/**
 * The function an API Gateway integration invokes (through an alias or version), if it can be
 * followed, and the kind of API: a REST API proxy method or an HTTP API (v2) integration.
 */
export function integrationFunction(stack: StackTemplate): { logicalId: string; props: Record<string, unknown>; api: 'rest' | 'http' } | undefined {
  const resources = stack.template.Resources ?? {};
  const follow = (start: string | undefined): { logicalId: string; props: Record<string, unknown> } | undefined => {
    let id = start;
    for (let hops = 0; id && hops < 3; hops++) {
      const r = resources[id];
      if (r?.Type === 'AWS::Lambda::Function') return { logicalId: id, props: r.Properties ?? {} };
      if (r?.Type === 'AWS::Lambda::Alias') id = referencedId(r.Properties?.FunctionName);
      else if (r?.Type === 'AWS::Lambda::Version') id = referencedId(r.Properties?.FunctionName);
      else break;
    }
    return undefined;
  };
  for (const [, p] of resourcesOfType(stack.template, 'AWS::ApiGateway::Method')) {
    const integration = p.Integration as { Type?: string; Uri?: unknown } | undefined;
    if (integration?.Type !== 'AWS_PROXY') continue;
    for (const id of referencedIds(integration.Uri)) {
      const fn = follow(id);
      if (fn) return { ...fn, api: 'rest' };
    }
  }
  for (const [, p] of resourcesOfType(stack.template, 'AWS::ApiGatewayV2::Integration')) {
    const fn = follow(referencedId(p.IntegrationUri));
    if (fn) return { ...fn, api: 'http' };
  }
  return undefined;
}
