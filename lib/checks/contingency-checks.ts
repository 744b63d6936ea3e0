import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { StackTemplate, CfnTemplate } from '../assembly/templates';
import { ChecksOptions, evaluateRules, RULES, RuleResult } from './rules';

/** File the results are written to, in the cloud assembly folder (next to the templates). */
export const CHECKS_RESULTS_FILE = 'contingency-checks.json';

/** What the results file holds: compliance evidence for the plan document. */
export interface ChecksResultsFile {
  readonly pack: string;
  readonly version: string;
  readonly options: ChecksOptions;
  readonly results: RuleResult[];
}

export interface ContingencyChecksProps extends ChecksOptions {
  /**
   * Write the results (every rule: pass / fail / not applicable, resources checked, findings and
   * acknowledgements with their reasons) to `contingency-checks.json` in the cloud assembly.
   * @default true
   */
  readonly writeResults?: boolean;
}

/**
 * The contingency plan's machine-checkable clauses as a rule pack for any CDK app, registered the
 * way cdk-nag 3 registers its packs:
 *
 * ```ts
 * Validations.of(app).addPlugins(new ContingencyChecks({ rtoSeconds: 15 * 60 }));
 * ```
 *
 * It is a CDK validation plugin that reads the synthesized templates, because its rules are
 * relations between resources — a table and the backup selection (possibly in another stack) that
 * selects it, an alarm and the composite that uses it, a topic and its policy, the failover chain
 * and its health checks — which cdk-nag's one-resource-at-a-time `NagPack.checkResource` cannot see.
 * Findings are acknowledged exactly like cdk-nag's, on the resource or any parent:
 * `Validations.of(construct).acknowledge({ id: 'CC-4.2.3-AlarmLevel', reason: '…' })`.
 * Failing rules fail synth (the CDK prints them in the validation report); results are kept on
 * `lastResults` and written to the assembly for the plan document.
 */
export class ContingencyChecks implements IPolicyValidationPlugin {
  public readonly name = 'ContingencyChecks';
  public readonly version = '1.0.0';
  public readonly ruleIds = RULES.map((r) => r.id);
  /** Results of the last validation (every rule, including those that passed). */
  public lastResults: RuleResult[] = [];

  constructor(private readonly props: ContingencyChecksProps = {}) {}

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const stackNames = new Map(context.appConstruct.node.findAll().filter((c) => Stack.isStack(c)).map((c) => [c.node.path, (c as Stack).stackName]));
    const stacks: (StackTemplate & { constructPath: string; templatePath: string })[] = context.stackTemplates.map((s) => ({
      stackName: stackNames.get(s.stackConstructPath) ?? path.basename(s.templatePath).replace(/\.template\.json$/, ''),
      region: s.region,
      template: JSON.parse(fs.readFileSync(s.templatePath, 'utf8')) as CfnTemplate,
      constructPath: s.stackConstructPath,
      templatePath: s.templatePath,
    }));
    const acknowledgements = acknowledgementsByResource(context.appConstruct);
    const options: ChecksOptions = this.props.rtoSeconds !== undefined ? { rtoSeconds: this.props.rtoSeconds } : {};
    this.lastResults = evaluateRules(stacks, options, (ruleId, f) => {
      const stack = stacks.find((s) => s.stackName === f.stack);
      const acks = stack ? acknowledgements.get(`${stack.constructPath}|${f.logicalId}`) : undefined;
      // Both spellings: the rule id (as cdk-nag rules are acknowledged) and the CDK's `<plugin>::<rule>`.
      return acks?.get(ruleId) ?? acks?.get(`${this.name}::${ruleId}`);
    });
    if ((this.props.writeResults ?? true) && stacks.length > 0) {
      const file: ChecksResultsFile = { pack: this.name, version: this.version, options, results: this.lastResults };
      fs.writeFileSync(path.join(path.dirname(stacks[0].templatePath), CHECKS_RESULTS_FILE), JSON.stringify(file, null, 2));
    }
    // One violation per finding: the CDK prints a violation's description under each of its
    // resources, so a description listing every finding would repeat them all under each resource.
    const violations: PolicyViolation[] = this.lastResults
      .filter((r) => r.status === 'fail')
      .flatMap((r) =>
        r.findings.map((f) => {
          const stack = stacks.find((s) => s.stackName === f.stack);
          return {
            ruleName: r.id,
            description: `${r.id} (§${r.clause}: ${r.title}): ${f.stack}/${f.logicalId}: ${f.message}`,
            fix: r.fix,
            severity: 'error',
            violatingResources: [{ resourceLogicalId: f.logicalId, templatePath: stack?.templatePath ?? '', locations: [] }],
          };
        }),
      );
    return { success: violations.length === 0, violations };
  }
}

/**
 * Acknowledged rule ids (with reasons) of every CloudFormation resource, keyed by
 * `<stack construct path>|<logical id>`, read from the resource and all its parents, as cdk-nag does.
 */
function acknowledgementsByResource(root: IConstruct): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const node of root.node.findAll()) {
    if (!CfnResource.isCfnResource(node)) continue;
    const rules = new Map<string, string>();
    for (let c: IConstruct | undefined = node; c; c = c.node.scope) {
      for (const m of c.node.metadata) {
        if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !m.data) continue;
        for (const [key, reason] of Object.entries(m.data as Record<string, string>)) {
          const id = key.replace(/^annotation::/i, '');
          if (!rules.has(id)) rules.set(id, reason);
        }
      }
    }
    if (rules.size === 0) continue;
    const stack = Stack.of(node);
    out.set(`${stack.node.path}|${stack.resolve(node.logicalId)}`, rules);
  }
  return out;
}

/** Reads the results a synth wrote to a cloud assembly folder (for the plan document), or undefined when the pack did not run. */
export function readChecksResults(assemblyDir: string): ChecksResultsFile | undefined {
  const file = path.join(assemblyDir, CHECKS_RESULTS_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ChecksResultsFile) : undefined;
}
