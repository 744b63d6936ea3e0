import * as fs from 'fs';
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { CfnTemplateLike, describeHops, FailoverHop, failoverTimingFromTemplate } from './timing-model';

export interface FailoverTimingCheckProps {
  /** The recovery time objective, seconds (plan `objectives.rtoMinutes` × 60). */
  readonly rtoSeconds: number;
  /** Where the computed figures are printed. @default - not printed */
  readonly log?: (line: string) => void;
  /**
   * Rule id of another validation plugin that already reports a missed objective and failover
   * records that cannot be modelled (the ContingencyChecks rule `CC-1.2.2-RTO`). Given, this check
   * only computes and prints the figures, so a missed objective is reported once, under the rule
   * that names the plan clause; it still reports an app with no failover records at all.
   * @default - this check reports a missed objective itself (`FailoverTiming-RTO`)
   */
  readonly objectiveCheckedBy?: string;
}

/** Rule id reported when a failover hop cannot meet the objective. */
export const FAILOVER_TIMING_RULE = 'FailoverTiming-RTO';

/**
 * A synth-time validation plugin: reads the synthesized templates (not the plan), computes the
 * worst-case failover times with `failoverTimingFromTemplate`, prints them and fails synth when any
 * hop (or several regions failing at once) exceeds the objective. It checks what will really be
 * deployed, so a construct change that slows failover is caught even when the plan is fine.
 */
export class FailoverTimingCheck implements IPolicyValidationPlugin {
  public readonly name = 'ContingencyFailoverTiming';
  public readonly version = '1.0.0';
  public readonly ruleIds = [FAILOVER_TIMING_RULE];
  /** Hops found by the last validation, by template path. */
  public lastResult: { templatePath: string; hops: FailoverHop[] }[] = [];

  constructor(private readonly props: FailoverTimingCheckProps) {}

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations: PolicyViolation[] = [];
    this.lastResult = [];
    for (const templatePath of context.templatePaths) {
      const template = JSON.parse(fs.readFileSync(templatePath, 'utf8')) as CfnTemplateLike;
      let hops: FailoverHop[] | undefined;
      try {
        hops = failoverTimingFromTemplate(template);
      } catch (e) {
        if (this.props.objectiveCheckedBy) continue;
        violations.push({
          ruleName: FAILOVER_TIMING_RULE,
          description: `failover records cannot be modelled: ${(e as Error).message}`,
          fix: 'Build failover records with FailoverRouting (a PRIMARY with a health check and a SECONDARY per name)',
          violatingResources: [{ resourceLogicalId: '(template)', templatePath, locations: [] }],
        });
        continue;
      }
      if (!hops) continue;
      this.lastResult.push({ templatePath, hops });
      this.props.log?.(`Failover timing (from ${templatePath.split('/').pop()}, objective ${this.props.rtoSeconds} s):`);
      for (const line of describeHops(hops)) this.props.log?.(`  ${line}`);
      if (this.props.objectiveCheckedBy) continue;
      for (const hop of hops) {
        const worst = Math.max(hop.hopSeconds, hop.cumulativeSeconds);
        if (worst > this.props.rtoSeconds) {
          violations.push({
            ruleName: FAILOVER_TIMING_RULE,
            description:
              `failing over ${hop.from} → ${hop.to} can take ${worst} s, more than the recovery time objective of ${this.props.rtoSeconds} s ` +
              `(interval ${hop.inputs.requestIntervalSeconds} s × threshold ${hop.inputs.failureThreshold}, TTL ${hop.inputs.dnsTtlSeconds} s on ${hop.recordName})`,
            fix: 'Raise objectives.rtoMinutes, or lower failover.failureThreshold, failover.dnsTtlSeconds or failover.fallbackTtlSeconds in the plan',
            violatingResources: [{ resourceLogicalId: hop.healthCheckLogicalId, templatePath, locations: [] }],
          });
        }
      }
    }
    if (this.lastResult.length === 0 && violations.length === 0) {
      violations.push({
        ruleName: FAILOVER_TIMING_RULE,
        description: 'no template holds failover records, so the failover time cannot be bounded',
        fix: 'Synthesize the failover stack with the others',
        violatingResources: [{ resourceLogicalId: '(app)', templatePath: context.templatePaths[0] ?? '', locations: [] }],
      });
    }
    return { success: violations.length === 0, violations };
  }
}
