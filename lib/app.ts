import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { LoadedPlan } from './config';
import { GlobalStack, RegionalStack } from './stacks';

export interface ContingencyStacks {
  readonly primary: RegionalStack;
  readonly standby: RegionalStack;
  readonly global: GlobalStack;
}

export interface BuildOptions {
  /** Run cdk-nag AwsSolutions checks at synth. @default true */
  readonly nag?: boolean;
}

/** The region of the global stack: Route 53 health-check metrics and CloudFront certificates live there. */
export const GLOBAL_REGION = 'us-east-1';

/**
 * Turns a validated plan into stacks: standby first (its key encrypts the replica the primary
 * creates), then primary, then the global stack. Data flows one way: plan → constructs → template.
 */
export function buildApp(app: App, loaded: LoadedPlan, options: BuildOptions = {}): ContingencyStacks {
  const { plan } = loaded;
  const account = plan.account;
  const env = (region: string) => ({ region, ...(account ? { account } : {}) });
  const standby = new RegionalStack(app, `${plan.name}-standby`, {
    plan,
    planDir: loaded.dir,
    role: 'standby',
    env: env(plan.regions.standby),
    description: `Chatbot contingency plan ${plan.name}: standby deployment (${plan.regions.standby})`,
  });
  const primary = new RegionalStack(app, `${plan.name}-primary`, {
    plan,
    planDir: loaded.dir,
    role: 'primary',
    standbyKeyArn: standby.dataKey.keyArn,
    env: env(plan.regions.primary),
    description: `Chatbot contingency plan ${plan.name}: primary deployment (${plan.regions.primary})`,
  });
  const global = new GlobalStack(app, `${plan.name}-global`, {
    plan,
    env: env(GLOBAL_REGION),
    description: `Chatbot contingency plan ${plan.name}: DNS, health checks and fallback (${GLOBAL_REGION})`,
  });
  for (const [key, value] of Object.entries(plan.tags)) Tags.of(app).add(key, value);
  Tags.of(app).add('contingency:plan', plan.name);
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { primary, standby, global };
}
