#!/usr/bin/env node
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { EXAMPLE_PLAN_PATH, loadPlan } from '../lib/config';
import { pinnedFeatureFlags } from '../lib/shared';
import { bundleCounts } from '../lib/shared/bundle-cache';
import { countingBundles, synthOrReport } from '../lib/synth';

// Entry point: load and validate the plan, build the stacks, synthesize. Any failure (plan,
// bundling, CDK validation, rule packs, synth-time limits) is printed plainly, without a stack
// trace (unless -c debug=true), and leaves the output folder empty. Progress: one line per long
// step on stderr (stdout is the CDK CLI's).
// The feature flags the stacks are built with (also pinned on the stacks themselves) are the app's
// context too, so the CDK CLI has no unconfigured flags to warn about.
const app = new App({ context: pinnedFeatureFlags() });
const planPath = (app.node.tryGetContext('plan') as string | undefined) ?? EXAMPLE_PLAN_PATH;
const debug = String(app.node.tryGetContext('debug')) === 'true';
const progress = (line: string) => console.error(`contingency: ${line}`);
const outcome = synthOrReport(
  app,
  () => {
    const loaded = loadPlan(planPath);
    // Plan warnings (deprecated keys) become construct warnings, which the CDK CLI prints once after synth.
    progress(`plan ${loaded.plan.name} loaded from ${path.relative(process.cwd(), loaded.source) || loaded.source} (languages: ${loaded.plan.languages.join(', ')})`);
    progress('building the stacks and bundling the Lambda functions with esbuild…');
    const started = Date.now();
    // The failover timing, computed from the synthesized templates, is printed to stderr at synth.
    const { result: stacks, bundled: others } = countingBundles(() => buildApp(app, loaded, { log: (line) => console.error(line) }));
    const took = ((Date.now() - started) / 1000).toFixed(1);
    // The project's functions go through the bundle cache (lib/shared/bundle-cache.ts); any other NodejsFunction prints its own line.
    const { built, reused } = bundleCounts();
    const runs = built + others;
    progress(
      `${runs + reused ? `bundled the Lambda functions (${runs} esbuild run${runs === 1 ? '' : 's'}, ${reused} bundle${reused === 1 ? '' : 's'} unchanged since an earlier synth; identical code is bundled once)` : 'no function needed bundling'} in ${took} s; synthesizing ${4 + Object.keys(stacks.incidentKeys).length} stacks and running the checks (cdk-nag AwsSolutions, ContingencyChecks, deploy limits, failover timing)…`,
    );
  },
  { debug },
);
if (!outcome.ok) {
  for (const line of outcome.lines) console.error(line);
  process.exit(1);
}
