import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../app';
import { stacksOf } from '../chatbot-contingency';
import type { LoadedPlan } from '../config';
import { StackTemplate } from '../assembly/templates';

/**
 * Synthesizes a plan's stacks into a temporary folder and returns their templates, for reports that
 * read what would be deployed (the cost report). Function code is not bundled and cdk-nag does not
 * run (neither changes what is billed); the synth-time checks still run, so a plan that cannot be
 * deployed fails here too. Loads aws-cdk-lib: the CLI requires this file only inside the
 * subcommands that need it.
 */
export function synthesizeTemplates(loaded: LoadedPlan, context: Record<string, unknown> = {}): StackTemplate[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'contingency-synth-'));
  try {
    // No built-in CloudFormation template validation: `cdk synth` runs it; starting its engine costs ~13 s of CPU.
    const app = new App({ outdir, builtinCloudFormationValidation: false, context: { ...context, 'aws:cdk:bundling-stacks': [] } });
    const stacks = buildApp(app, loaded, { nag: false });
    const assembly = app.synth();
    return stacksOf(stacks).map((s) => {
      const artifact = assembly.getStackByName(s.stackName);
      return { stackName: s.stackName, region: s.region, template: artifact.template };
    });
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
