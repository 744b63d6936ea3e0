#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { EXAMPLE_PLAN_PATH, loadPlan } from '../lib/config';
import { synthOrReport } from '../lib/synth';

// Entry point: load and validate the plan, build the stacks, synthesize. Any failure (plan,
// bundling, CDK validation, rule packs, synth-time limits) is printed plainly, without a stack
// trace (unless -c debug=true), and leaves the output folder empty.
const app = new App();
const planPath = (app.node.tryGetContext('plan') as string | undefined) ?? EXAMPLE_PLAN_PATH;
const debug = String(app.node.tryGetContext('debug')) === 'true';
const outcome = synthOrReport(
  app,
  // The failover timing, computed from the synthesized templates, is printed to stderr at synth.
  () => {
    const loaded = loadPlan(planPath);
    for (const w of loaded.warnings ?? []) console.error(`warning: ${w}`);
    buildApp(app, loaded, { log: (line) => console.error(line) });
  },
  { debug },
);
if (!outcome.ok) {
  for (const line of outcome.lines) console.error(line);
  process.exit(1);
}
