import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, ContingencyStacks } from '../../lib/app';
import type { LoadedPlan } from '../../lib/config';
import { pinnedFeatureFlags } from '../../lib/shared';
import { loadedPlan } from './plan';

/** The context `cdk synth` uses (bin/app.ts: the pinned feature flags; cdk.json), so tests synthesize what the CLI does. */
const CDK_JSON_CONTEXT = {
  ...pinnedFeatureFlags(),
  ...(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context,
};

export interface Synthesized {
  readonly app: App;
  readonly stacks: ContingencyStacks;
  readonly templates: { primary: Template; standby: Template; global: Template; failover: Template };
}

/**
 * Builds the app for a plan without bundling Lambda code (esbuild runs in one dedicated test, test/shared/bundling.test.ts), so
 * template assertions stay fast. No cdk-nag here: test/nag.test.ts runs it on the real synth.
 */
export function synthPlan(loaded: LoadedPlan = loadedPlan(), opts: { bundle?: boolean } = {}): Synthesized {
  const app = new App({
    outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-test-')),
    context: { ...CDK_JSON_CONTEXT, ...(opts.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
  const stacks = buildApp(app, loaded, { nag: false });
  return {
    app,
    stacks,
    templates: {
      primary: Template.fromStack(stacks.primary),
      standby: Template.fromStack(stacks.standby),
      global: Template.fromStack(stacks.global),
      failover: Template.fromStack(stacks.failover),
    },
  };
}

/** A finding cdk-nag reported and nobody acknowledged. */
export interface NagViolation {
  readonly rule: string;
  readonly path: string;
  readonly severity: string;
}

/**
 * Synthesizes the app for a plan with the AwsSolutions pack, as `cdk synth` does, and returns the
 * app (for `acknowledgements`) with every unacknowledged finding (errors and warnings) from the
 * validation report.
 */
export function nagSynth(loaded: LoadedPlan = loadedPlan()): { app: App; violations: NagViolation[] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-nag-'));
  const app = new App({ outdir, context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  buildApp(app, loaded, { nag: true });
  // As `cdk synth` does: with aws-cdk-lib's built-in template validator (test/helpers/jest-setup.ts
  // turns it off for the other template tests), so its findings land in the report too.
  const switchedOff = process.env.CDK_VALIDATION;
  delete process.env.CDK_VALIDATION;
  try {
    app.synth();
  } catch (e) {
    if (!/Validation failed/.test((e as Error).message)) throw e;
  } finally {
    if (switchedOff !== undefined) process.env.CDK_VALIDATION = switchedOff;
  }
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[] }[];
  };
  const violations = report.pluginReports.flatMap((p) =>
    p.violations.flatMap((v) => v.violatingConstructs.map((c) => ({ rule: v.ruleName, path: c.constructPath, severity: v.severity }))),
  );
  return { app, violations };
}

/** Every unacknowledged cdk-nag finding of the app for a plan (see `nagSynth`). */
export function nagViolations(loaded: LoadedPlan = loadedPlan()): NagViolation[] {
  return nagSynth(loaded).violations;
}

/** Every acknowledgement recorded in the construct tree, with where it was made. */
export function acknowledgements(app: App): { id: string; reason: string; path: string }[] {
  const out: { id: string; reason: string; path: string }[] = [];
  for (const c of app.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type === 'aws:cdk:acknowledged-rules') {
        // Stored as { "Annotation::<rule id>": reason }.
        for (const [qualified, reason] of Object.entries(m.data as Record<string, string>)) {
          out.push({ id: qualified.replace(/^annotation::/i, ''), reason, path: c.node.path });
        }
      }
    }
  }
  return out;
}
