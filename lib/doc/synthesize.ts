import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import type * as cxapi from 'aws-cdk-lib/cx-api';
import { buildApp } from '../app';
import { PACKAGE_ROOT } from '../package-root';
import type { LoadedPlan } from '../config';

/** The context `cdk synth` uses (cdk.json): the document describes what `cdk synth` builds. */
function cdkJsonContext(): Record<string, unknown> {
  // Not shipped with the package: there the construct's own pinned settings apply.
  const file = path.join(PACKAGE_ROOT, 'cdk.json');
  if (!fs.existsSync(file)) return {};
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { context: Record<string, unknown> }).context;
}

/**
 * Synthesizes the app for a plan into a fresh folder and returns the cloud assembly the plan
 * document is generated from. Lambda code is not bundled (the document reads templates and the
 * registry, not code) and cdk-nag does not run (synth runs it); the synth-time checks (failover
 * timing, deploy limits) do, so a plan that cannot be deployed has no document.
 */
export function synthesizeAssembly(loaded: LoadedPlan, outdir: string = fs.mkdtempSync(path.join(os.tmpdir(), 'contingency-doc-'))): cxapi.CloudAssembly {
  // No built-in CloudFormation template validation: `cdk synth` runs it; starting its engine costs ~13 s of CPU.
  const app = new App({ outdir, builtinCloudFormationValidation: false, context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  buildApp(app, loaded, { nag: false });
  return app.synth();
}
