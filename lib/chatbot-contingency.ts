import { Annotations, Fn, Stack, Stage, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { PLAN_TAG_KEY } from '../contracts';
import { LoadedPlan, loadPlan } from './config';
import { ContingencyChecks, RTO_RULE_ID } from './checks';
import { recordPlan } from './doc/record';
import { FailoverTimingCheck } from './failover';
import { DeployLimitsCheck } from './limits/deploy-limits';
import { ConstructScopedNag, pinFeatureFlags, StackScopedValidation } from './shared';
import { DeploymentRole, FailoverStack, GlobalStack, IncidentKeyStack, RegionalStack } from './stacks';

/** The region of the global stack: Route 53 health-check metrics and CloudFront certificates live there. */
export const GLOBAL_REGION = 'us-east-1';

/** The stacks of one plan. */
export interface ContingencyStacks {
  readonly primary: RegionalStack;
  readonly standby: RegionalStack;
  readonly global: GlobalStack;
  readonly failover: FailoverStack;
  /**
   * The incident log key of each chatbot region that is not us-east-1 (us-east-1's is in the global
   * stack), in stacks of their own that deploy first.
   */
  readonly incidentKeys: Partial<Record<DeploymentRole, IncidentKeyStack>>;
}

export interface ChatbotContingencyProps {
  /**
   * The contingency plan: the path of a plan file (YAML or JSON; relative paths in it resolve
   * against its folder), or a plan already loaded with `loadPlan`. An invalid plan throws a
   * `PlanValidationError` listing every problem with its key.
   */
  readonly plan: string | LoadedPlan;
  /**
   * Start of the CloudFormation stack names (`<prefix>-global`, `-standby`, `-primary`,
   * `-failover`, `-incident-key-<role>`). The operator CLI finds the stacks by the default names,
   * so change it only when two deployments of one plan share an account.
   * @default - the plan's `name`, after the enclosing Stage's name when there is one (`<stage>-<plan name>`)
   */
  readonly stackNamePrefix?: string;
  /**
   * Run the cdk-nag AwsSolutions rule pack on these stacks (and only these) at synth; a finding
   * nobody acknowledged fails synth.
   * @default true
   */
  readonly nag?: boolean;
  /**
   * Check these stacks' templates at synth against limits AWS enforces only at deploy time
   * (environment size, names, policy sizes, tags), naming the plan keys that drive a failing value.
   * @default true
   */
  readonly deployLimits?: boolean;
  /**
   * Run the ContingencyChecks rule pack (the plan's machine-checkable clauses) on these stacks at
   * synth; its results go to contingency-checks.json in the cloud assembly.
   * @default true
   */
  readonly checks?: boolean;
  /**
   * Where the failover timing computed from this plan's failover template is printed at synth. The
   * check itself always runs, against this plan's objective and templates only, and fails synth
   * when the objective is missed.
   * @default - not printed
   */
  readonly log?: (line: string) => void;
}

/**
 * A chatbot's outage contingency plan as four stacks (plus the incident log's key stacks in the
 * chatbot regions that are not us-east-1): global (hosted zone, human-agent fallback
 * site, alerting, status page; us-east-1), standby and primary (the chatbot API, data, backups and
 * restore tests in the plan's two regions) and failover (health checks, failover records and health
 * alarms; us-east-1).
 *
 * Works under any scope that is not a stack: an App, or a `Stage` that CDK Pipelines deploys.
 * Several plans can live in one app: tags (`contingency:plan` and the plan's `tags`), cdk-nag, the
 * deploy-limit and failover-timing checks apply to this construct's stacks only, and every CDK
 * feature flag is pinned on this subtree (`pinFeatureFlags`), so the app's cdk.json does not change
 * what is built. Deploy order follows the stack dependencies: global → standby → primary → failover.
 */
export class ChatbotContingency extends Construct {
  /** The plan these stacks were built from. */
  public readonly loadedPlan: LoadedPlan;
  public readonly global: GlobalStack;
  public readonly standby: RegionalStack;
  public readonly primary: RegionalStack;
  public readonly failover: FailoverStack;
  /** The incident log key stack of each chatbot region other than us-east-1. */
  public readonly incidentKeys: Partial<Record<DeploymentRole, IncidentKeyStack>> = {};
  /** The timing check registered for this plan (its `lastResult` holds the figures after synth). */
  public readonly failoverTiming: FailoverTimingCheck;

  constructor(scope: Construct, id: string, props: ChatbotContingencyProps) {
    super(scope, id);
    // Before any child: CDK reads feature flags from the nearest construct that sets them.
    pinFeatureFlags(this);
    const stage = Stage.of(this);
    if (!stage) throw new Error(`${this.node.path}: ChatbotContingency must be created inside an App or a Stage; got a construct tree without one`);
    if (isInsideStack(scope)) {
      throw new Error(`${this.node.path}: ChatbotContingency creates its own stacks, so it cannot be created inside a stack; create it under the App or a Stage`);
    }

    const loaded = typeof props.plan === 'string' ? loadPlan(props.plan) : props.plan;
    this.loadedPlan = loaded;
    const { plan } = loaded;
    for (const w of loaded.warnings ?? []) Annotations.of(this).addWarningV2('contingency:plan-warning', w);
    const prefix = props.stackNamePrefix ?? (stage.stageName ? `${stage.stageName}-${plan.name}` : plan.name);
    const account = plan.account;
    const env = (region: string) => ({ region, ...(account ? { account } : {}) });
    const what = `Chatbot contingency plan ${plan.name}`;

    // Incident log keys of the chatbot regions first: the global stack's incident table puts a
    // replica under each (us-east-1's own key lives in the global stack).
    for (const role of ['primary', 'standby'] as const) {
      const region = plan.regions[role];
      if (region === GLOBAL_REGION) continue;
      this.incidentKeys[role] = new IncidentKeyStack(this, role === 'primary' ? 'IncidentKeyPrimary' : 'IncidentKeyStandby', {
        planName: plan.name,
        stackName: `${prefix}-incident-key-${role}`,
        env: env(region),
        description: `${what}: incident log key of the ${role} region (${region})`,
      });
    }
    this.global = new GlobalStack(this, 'Global', {
      plan,
      incidentReplicaKeyArns: Object.fromEntries(Object.entries(this.incidentKeys).map(([role, stack]) => [plan.regions[role as DeploymentRole], stack.key.keyArn])),
      stackName: `${prefix}-global`,
      env: env(GLOBAL_REGION),
      description: `${what}: hosted zone and human-agent fallback site (${GLOBAL_REGION})`,
    });
    const hostedZoneId = this.global.hostedZone.hostedZoneId;
    this.standby = new RegionalStack(this, 'Standby', {
      plan,
      planDir: loaded.dir,
      role: 'standby',
      hostedZoneId,
      incidentKey: this.incidentKeys.standby?.key ?? this.global.incidentKey,
      stackName: `${prefix}-standby`,
      env: env(plan.regions.standby),
      description: `${what}: standby deployment (${plan.regions.standby})`,
    });
    this.primary = new RegionalStack(this, 'Primary', {
      plan,
      planDir: loaded.dir,
      role: 'primary',
      hostedZoneId,
      incidentKey: this.incidentKeys.primary?.key ?? this.global.incidentKey,
      standbyKeyArn: this.standby.dataKey.keyArn,
      // By the global stack's output (a bucket without a physical name cannot be referenced across regions).
      drillReportBucketName: Fn.getStackOutput(this.global.stackName, 'ReportBucketName', GLOBAL_REGION),
      stackName: `${prefix}-primary`,
      env: env(plan.regions.primary),
      description: `${what}: primary deployment (${plan.regions.primary})`,
    });
    this.failover = new FailoverStack(this, 'Failover', {
      plan,
      zone: this.global.hostedZone,
      endpoints: {
        primary: { target: this.primary.endpoint.regionalDomainName, probeHost: this.primary.endpoint.probeHost, probePath: this.primary.endpoint.probePath },
        standby: { target: this.standby.endpoint.regionalDomainName, probeHost: this.standby.endpoint.probeHost, probePath: this.standby.endpoint.probePath },
      },
      fallbackTarget: this.global.fallback.distributionDomainName,
      alerting: this.global.alerting,
      drills: { incidentTable: this.global.incidentTable.table, statusBucket: this.global.statusPage.site.bucket, reportBucket: this.global.statusPage.reports },
      stackName: `${prefix}-failover`,
      env: env(GLOBAL_REGION),
      description: `${what}: health checks, failover records and health alarms (${GLOBAL_REGION})`,
    });

    // The plan document's record (people, texts, objectives), read back from the assembly by `contingency doc`.
    recordPlan(this.global, plan);

    // Tags on this subtree only: the app's other stacks (and other plans) keep theirs.
    for (const [key, value] of Object.entries(plan.tags)) Tags.of(this).add(key, value);
    Tags.of(this).add(PLAN_TAG_KEY, plan.name);

    // Validation plugins can only be registered on a Stage; each is limited to this plan's stacks.
    const stacks = stacksOf(this.stacks);
    const checks = Validations.of(stage);
    if (props.nag ?? true) checks.addPlugins(new ConstructScopedNag(new AwsSolutionsChecks(this), this));
    if (props.deployLimits ?? true) checks.addPlugins(new StackScopedValidation(new DeployLimitsCheck(plan), stacks));
    const rulePack = props.checks ?? true;
    if (rulePack) checks.addPlugins(new StackScopedValidation(new ContingencyChecks({ rtoSeconds: plan.objectives.rtoMinutes * 60 }), stacks));
    // A missed objective is reported once: by the rule pack (its rule id names the clause) when it
    // runs; the timing check then only prints the figures.
    this.failoverTiming = new FailoverTimingCheck({ rtoSeconds: plan.objectives.rtoMinutes * 60, ...(props.log ? { log: props.log } : {}), ...(rulePack ? { objectiveCheckedBy: RTO_RULE_ID } : {}) });
    checks.addPlugins(new StackScopedValidation(this.failoverTiming, stacks));

    // Stack names are physical: two plans (or two deployments of one) must not share one in a region.
    this.node.addValidation({ validate: () => stackNameClashes(this, stacks) });
  }

  /** Every stack of this plan, the incident log key stacks included, in deploy order. */
  public get allStacks(): Stack[] {
    return stacksOf(this.stacks);
  }

  /** The four main stacks, and the incident log key stacks under `incidentKeys`. */
  public get stacks(): ContingencyStacks {
    return { global: this.global, standby: this.standby, primary: this.primary, failover: this.failover, incidentKeys: this.incidentKeys };
  }
}

/** Every stack of a plan, the incident log key stacks included, in deploy order. */
export function stacksOf(stacks: ContingencyStacks): Stack[] {
  return [...Object.values(stacks.incidentKeys), stacks.global, stacks.standby, stacks.primary, stacks.failover];
}

function isInsideStack(scope: Construct): boolean {
  return scope.node.scopes.some((s) => Stack.isStack(s));
}

/** Stacks elsewhere in the app that would deploy to the same stack name in the same region (and account, when known). */
function stackNameClashes(self: Construct, mine: Stack[]): string[] {
  const problems: string[] = [];
  const others = self.node.root.node.findAll().filter((c): c is Stack => Stack.isStack(c) && !mine.includes(c));
  const sameAccount = (a: string, b: string) => a === b || /\$\{Token/.test(a) || /\$\{Token/.test(b);
  for (const s of mine) {
    for (const o of others) {
      if (o.stackName === s.stackName && o.region === s.region && sameAccount(o.account, s.account)) {
        problems.push(
          `stack name ${s.stackName} (${s.region}) is also used by ${o.node.path}: give each plan its own name, or set stackNamePrefix on one of them`,
        );
      }
    }
  }
  return problems;
}
