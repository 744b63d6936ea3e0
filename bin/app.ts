#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { EXAMPLE_PLAN_PATH, loadPlan, PlanValidationError } from '../lib/config';

// Entry point: load and validate the plan, build the stacks. Nothing else.
const app = new App();
const planPath = (app.node.tryGetContext('plan') as string | undefined) ?? EXAMPLE_PLAN_PATH;
try {
  // The failover timing, computed from the synthesized templates, is printed to stderr at synth.
  const loaded = loadPlan(planPath);
  for (const w of loaded.warnings ?? []) console.error(`warning: ${w}`);
  buildApp(app, loaded, { log: (line) => console.error(line) });
} catch (e) {
  if (e instanceof PlanValidationError) {
    // A plan error is the user's to fix: print it plainly, no stack trace, and synthesize nothing.
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
