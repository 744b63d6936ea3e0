import { FailoverTimingInputs, HEALTH_CHECK_PROBE_TIMEOUT_SECONDS, worstCaseChainSeconds, worstCaseFailoverSeconds } from '../config/objectives';
import { ENDPOINT_TAG_KEY } from '../../contracts/names';
import { referencedId } from '../assembly/templates';

/** The part of a CloudFormation template the model reads. */
export interface CfnTemplateLike {
  readonly Resources?: Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>;
}

/** One step of the failover chain, read from the synthesized records and health checks. */
export interface FailoverHop {
  /** Endpoint that fails (the health check's `contingency:endpoint` tag), e.g. 'primary'. */
  readonly from: string;
  /** What clients resolve next, e.g. 'standby' or 'fallback'. */
  readonly to: string;
  /** DNS name of the record pair. */
  readonly recordName: string;
  /** Logical id of the health check guarding `from`. */
  readonly healthCheckLogicalId: string;
  readonly inputs: FailoverTimingInputs;
  /** Worst case when only `from` fails (detection + probe timeout + this pair's TTL). */
  readonly hopSeconds: number;
  /** Worst case when every endpoint up to `from` fails at once (the largest detection + probe timeout + TTL of the hops on the way). */
  readonly cumulativeSeconds: number;
}

interface RecordProps {
  Name?: unknown;
  Failover?: string;
  HealthCheckId?: unknown;
  ResourceRecords?: unknown[];
  TTL?: unknown;
  SetIdentifier?: string;
}

const norm = (name: string) => name.toLowerCase().replace(/\.$/, '');

/**
 * Reads a synthesized template (not the plan) and computes the worst-case failover times along its
 * failover record chain: for each PRIMARY/SECONDARY pair, the health check's interval × threshold
 * + the probe timeout + the record TTL. Returns undefined for a template with no failover records.
 * Throws when the records are malformed (a PRIMARY without a health check, a pair missing a side).
 */
export function failoverTimingFromTemplate(template: CfnTemplateLike): FailoverHop[] | undefined {
  const resources = template.Resources ?? {};
  const pairs = new Map<string, { primary?: RecordProps; secondary?: RecordProps }>();
  for (const res of Object.values(resources)) {
    if (res.Type !== 'AWS::Route53::RecordSet') continue;
    const p = (res.Properties ?? {}) as RecordProps;
    if (!p.Failover) continue;
    if (typeof p.Name !== 'string') throw new Error(`failover record name must be a literal in the template, got ${JSON.stringify(p.Name)}`);
    const pair = pairs.get(norm(p.Name)) ?? {};
    if (p.Failover === 'PRIMARY') pair.primary = p;
    else pair.secondary = p;
    pairs.set(norm(p.Name), pair);
  }
  if (pairs.size === 0) return undefined;

  const targetOf = (r: RecordProps) => (typeof r.ResourceRecords?.[0] === 'string' ? norm(r.ResourceRecords[0] as string) : undefined);
  const referenced = new Set([...pairs.values()].map((p) => (p.secondary ? targetOf(p.secondary) : undefined)).filter((n): n is string => !!n && pairs.has(n)));
  const tops = [...pairs.keys()].filter((n) => !referenced.has(n));
  if (tops.length !== 1) throw new Error(`expected one top failover record name, found ${tops.length}: ${tops.join(', ')}`);

  const endpointOf = (logicalId: string): string => {
    const tags = (resources[logicalId]?.Properties?.HealthCheckTags ?? []) as { Key: string; Value: string }[];
    return tags.find((t) => t.Key === ENDPOINT_TAG_KEY)?.Value ?? logicalId;
  };
  const healthCheckOf = (name: string, r: RecordProps): string => {
    const ref = referencedId(r.HealthCheckId);
    if (!ref || resources[ref]?.Type !== 'AWS::Route53::HealthCheck') throw new Error(`PRIMARY failover record ${name} has no health check in this template`);
    return ref;
  };

  const hops: FailoverHop[] = [];
  const seen = new Set<string>();
  for (let name: string | undefined = tops[0]; name && pairs.has(name) && !seen.has(name); ) {
    seen.add(name);
    const { primary, secondary } = pairs.get(name)!;
    if (!primary || !secondary) throw new Error(`failover record ${name} needs both a PRIMARY and a SECONDARY record`);
    const hc = healthCheckOf(name, primary);
    const config = (resources[hc].Properties?.HealthCheckConfig ?? {}) as { RequestInterval?: number; FailureThreshold?: number };
    const inputs: FailoverTimingInputs = {
      // CloudFormation's defaults when the properties are absent.
      requestIntervalSeconds: Number(config.RequestInterval ?? 30),
      failureThreshold: Number(config.FailureThreshold ?? 3),
      dnsTtlSeconds: Math.max(Number(primary.TTL ?? 0), Number(secondary.TTL ?? 0)),
    };
    const next = targetOf(secondary);
    const nextPair = next ? pairs.get(next) : undefined;
    const to = nextPair?.primary ? endpointOf(healthCheckOf(next!, nextPair.primary)) : (secondary.SetIdentifier ?? next ?? 'secondary');
    hops.push({
      from: endpointOf(hc),
      to,
      recordName: name,
      healthCheckLogicalId: hc,
      inputs,
      hopSeconds: worstCaseFailoverSeconds(inputs),
      cumulativeSeconds: worstCaseChainSeconds([...hops.map((h) => h.inputs), inputs]),
    });
    name = nextPair ? next : undefined;
  }
  return hops;
}

/** One line per hop, for the synth output and the README. */
export function describeHops(hops: readonly FailoverHop[]): string[] {
  return hops.map((h, i) => {
    const { requestIntervalSeconds: iv, failureThreshold: th, dnsTtlSeconds: ttl } = h.inputs;
    const alone = `${h.from} → ${h.to}: ${h.hopSeconds} s (${iv} s × ${th} + ${HEALTH_CHECK_PROBE_TIMEOUT_SECONDS} s probe timeout + ${ttl} s TTL)`;
    return i === 0 ? alone : `${alone}; ${hops.slice(0, i + 1).map((x) => x.from).join(' + ')} down at once → ${h.to}: ${h.cumulativeSeconds} s`;
  });
}
