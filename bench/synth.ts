// Synth-time benchmark: the example plan's full app against a minimal one-function CDK app,
// both synthesized (with esbuild bundling and cdk-nag) by this script in the same process.
// Prints each median and their ratio; no thresholds here — it reports figures.
//   npm run bench            (or: npx tsx bench/synth.ts [runs])
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../lib/app';
import { loadPlan } from '../lib/config';

const runs = Number(process.argv[2] ?? 5);
const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
const handlerFile = path.join(__dirname, 'fixtures', 'minimal-handler.ts');

function reference(outdir: string): void {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Minimal', { env: { region: 'eu-west-1' } });
  const fn = new NodejsFunction(stack, 'Fn', { entry: handlerFile, runtime: lambda.Runtime.NODEJS_24_X, bundling: { minify: true, sourceMap: true } });
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'Benchmark reference app only: never deployed, kept as plain as a one-function app gets.',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
}

function example(outdir: string): void {
  const app = new App({ outdir });
  buildApp(app, loadPlan());
  app.synth();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeOnce(fn: (outdir: string) => void, label: string): number[] {
  const outdir = path.join(outRoot, label);
  const t0 = process.hrtime.bigint();
  fn(outdir);
  return [Number(process.hrtime.bigint() - t0) / 1e6];
}

// Warm both paths once (module loading, esbuild start-up) so neither pays it in the figures.
reference(path.join(outRoot, 'warm-ref'));
example(path.join(outRoot, 'warm-ex'));
// Interleaved (reference, example, reference, …) so background load shifts both alike.
const ref: number[] = [];
const ex: number[] = [];
for (let i = 0; i < runs; i++) {
  ref.push(...timeOnce(reference, `ref-${i}`));
  ex.push(...timeOnce(example, `ex-${i}`));
}
const templates = fs.readdirSync(path.join(outRoot, 'ex-0')).filter((f) => f.endsWith('.template.json'));
const resources = templates
  .reduce((n, f) => n + Object.keys(JSON.parse(fs.readFileSync(path.join(outRoot, 'ex-0', f), 'utf8')).Resources).length, 0);
console.log(`runs: ${runs} each (after one warm-up), node ${process.version}, ${os.cpus().length} cpus`);
console.log(`minimal one-function app: median ${median(ref).toFixed(0)} ms  [${ref.map((x) => x.toFixed(0)).join(', ')}]`);
console.log(`example plan (${templates.length} stacks, ${resources} resources): median ${median(ex).toFixed(0)} ms  [${ex.map((x) => x.toFixed(0)).join(', ')}]`);
console.log(`ratio example/minimal: ${(median(ex) / median(ref)).toFixed(2)}`);
fs.rmSync(outRoot, { recursive: true, force: true });
