import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PLAN_TAG_KEY } from '../contracts';
import type { LoadedPlan } from './config';
import { FailoverTimingCheck } from './failover';
import { DeployLimitsCheck } from './limits/deploy-limits';
import { FailoverStack, GlobalStack, RegionalStack } from './stacks';

export interface ContingencyStacks {
  readonly primary: RegionalStack;
  readonly standby: RegionalStack;
  readonly global: GlobalStack;
  readonly failover: FailoverStack;
}

export interface BuildOptions {
  /** Run cdk-nag AwsSolutions checks at synth. @default true */
  readonly nag?: boolean;
  /**
   * Where the failover timing computed from the synthesized templates is printed. The check runs
   * (and fails synth when the objective is missed) either way.
   * @default - not printed
   */
  readonly log?: (line: string) => void;
}

/** The region of the global stack: Route 53 health-check metrics and CloudFront certificates live there. */
export const GLOBAL_REGION = 'us-east-1';

/**
 * Turns a validated plan into stacks. Deploy order: global (zone, fallback site) → standby (its key
 * encrypts the replica the primary creates) → primary → failover (health checks, failover records,
 * health alarms; reads the other three). Data flows one way: plan → constructs → template.
 */
export function buildApp(app: App, loaded: LoadedPlan, options: BuildOptions = {}): ContingencyStacks {
  const { plan } = loaded;
  const account = plan.account;
  const env = (region: string) => ({ region, ...(account ? { account } : {}) });
  const global = new GlobalStack(app, `${plan.name}-global`, {
    plan,
    env: env(GLOBAL_REGION),
    description: `Chatbot contingency plan ${plan.name}: hosted zone and human-agent fallback site (${GLOBAL_REGION})`,
  });
  const hostedZoneId = global.hostedZone.hostedZoneId;
  const standby = new RegionalStack(app, `${plan.name}-standby`, {
    plan,
    planDir: loaded.dir,
    role: 'standby',
    hostedZoneId,
    env: env(plan.regions.standby),
    description: `Chatbot contingency plan ${plan.name}: standby deployment (${plan.regions.standby})`,
  });
  const primary = new RegionalStack(app, `${plan.name}-primary`, {
    plan,
    planDir: loaded.dir,
    role: 'primary',
    hostedZoneId,
    standbyKeyArn: standby.dataKey.keyArn,
    env: env(plan.regions.primary),
    description: `Chatbot contingency plan ${plan.name}: primary deployment (${plan.regions.primary})`,
  });
  const failover = new FailoverStack(app, `${plan.name}-failover`, {
    plan,
    zone: global.hostedZone,
    endpoints: {
      primary: { target: primary.endpoint.regionalDomainName, probeHost: primary.endpoint.probeHost },
      standby: { target: standby.endpoint.regionalDomainName, probeHost: standby.endpoint.probeHost },
    },
    fallbackTarget: global.fallback.distributionDomainName,
    alerting: global.alerting,
    drills: { incidentTable: global.incidentTable.table, statusBucket: global.statusPage.site.bucket, reportBucket: global.statusPage.reports },
    env: env(GLOBAL_REGION),
    description: `Chatbot contingency plan ${plan.name}: health checks, failover records and health alarms (${GLOBAL_REGION})`,
  });
  for (const [key, value] of Object.entries(plan.tags)) Tags.of(app).add(key, value);
  Tags.of(app).add(PLAN_TAG_KEY, plan.name);
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // Limits CloudFormation and the services enforce only at deploy time, naming the plan key that drives them.
  if ((options as { limits?: boolean }).limits ?? true) Validations.of(app).addPlugins(new DeployLimitsCheck(plan));
  Validations.of(app).addPlugins(new FailoverTimingCheck({ rtoSeconds: plan.objectives.rtoMinutes * 60, ...(options.log ? { log: options.log } : {}) }));
  return { primary, standby, global, failover };
}
