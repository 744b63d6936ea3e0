import type { App } from 'aws-cdk-lib';
import { ChatbotContingency, ContingencyStacks, GLOBAL_REGION } from './chatbot-contingency';
import type { LoadedPlan } from './config';

export { ContingencyStacks, GLOBAL_REGION };

export interface BuildOptions {
  /** Run cdk-nag AwsSolutions checks at synth. @default true */
  readonly nag?: boolean;
  /** Check deploy-time limits at synth. @default true */
  readonly limits?: boolean;
  /**
   * Where the failover timing computed from the synthesized templates is printed. The check runs
   * (and fails synth when the objective is missed) either way.
   * @default - not printed
   */
  readonly log?: (line: string) => void;
}

/**
 * This repository's app: one plan as a `ChatbotContingency` with the plan's name as its id, so the
 * stacks are `<plan>/Global`, `<plan>/Standby`, `<plan>/Primary` and `<plan>/Failover`, deployed
 * as `<plan>-global` … `<plan>-failover`.
 */
export function buildApp(app: App, loaded: LoadedPlan, options: BuildOptions = {}): ContingencyStacks {
  return new ChatbotContingency(app, loaded.plan.name, {
    plan: loaded,
    ...(options.nag !== undefined ? { nag: options.nag } : {}),
    ...(options.limits !== undefined ? { deployLimits: options.limits } : {}),
    ...(options.log ? { log: options.log } : {}),
  }).stacks;
}
