// Synth-time benchmark: the example plan's full app against a minimal one-function CDK app.
//  1. In process: both synthesized (esbuild bundling, cdk-nag) by this script, interleaved, after
//     one warm-up each (module loading, esbuild start-up, the bundle cache).
//  2. The two commands a user types: `npx cdk synth` for the example plan and `npx cdk synth --app`
//     for the minimal app, each a fresh process (start-up, aws-cdk-lib's built-in template
//     validator and all), interleaved, after one warm-up each.
// Figures: median wall time and median CPU time (user+sys; for the commands, of the whole process
// tree). On a shared machine, read the ratios and the CPU figures: both apps meet the same load.
// No thresholds here — it reports figures.
//   npm run bench            (or: npx tsx bench/synth.ts [runs] [command runs])
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { loadPlan } from '../lib/config';
import { minimalApp } from './fixtures/minimal-app';

const runs = Number(process.argv[2] ?? 5);
const commandRuns = Number(process.argv[3] ?? 3);
const ROOT = path.join(__dirname, '..');
const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));

function reference(outdir: string): void {
  minimalApp(outdir).synth();
}

function example(outdir: string): void {
  const app = new App({ outdir });
  buildApp(app, loadPlan());
  app.synth();
}

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** CPU ms of the child processes this process has waited for (esbuild runs), from /proc (Linux; 0 elsewhere). */
function childrenCpuMs(): number {
  try {
    // Fields after the command name: cutime and cstime are the 14th and 15th, in clock ticks (100 per second).
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}

/** In process: wall, and CPU of this process plus the child processes it ran (esbuild). */
function timeOnce(fn: (outdir: string) => void, label: string): Sample {
  const outdir = path.join(outRoot, label);
  const c0 = process.cpuUsage();
  const k0 = childrenCpuMs();
  const t0 = process.hrtime.bigint();
  fn(outdir);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000 + childrenCpuMs() - k0 };
}

/** A command in a fresh shell: wall, and CPU of every process it started (bash `times`, children line). */
function timeCommand(command: string): Sample {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', `${command} >/dev/null 2>"$BENCH_ERR" || exit 1; times`], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', BENCH_ERR: path.join(outRoot, 'command.err') },
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`benchmark command failed: ${command}\n${fs.readFileSync(path.join(outRoot, 'command.err'), 'utf8')}`);
  const children = r.stdout.trim().split('\n').pop()!.trim().split(/\s+/);
  const secs = (t: string) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    if (!m) throw new Error(`unexpected output of bash times: ${r.stdout}`);
    return Number(m[1]) * 60 + Number(m[2]);
  };
  return { wallMs, cpuMs: (secs(children[0]) + secs(children[1])) * 1000 };
}

function report(label: string, samples: Sample[]): void {
  const w = samples.map((s) => s.wallMs);
  const c = samples.map((s) => s.cpuMs);
  console.log(`${label}: wall median ${median(w).toFixed(0)} ms [${w.map((x) => x.toFixed(0)).join(', ')}], CPU median ${median(c).toFixed(0)} ms [${c.map((x) => x.toFixed(0)).join(', ')}]`);
}

function ratios(label: string, ex: Sample[], ref: Sample[]): void {
  const r = (f: (s: Sample) => number) => (median(ex.map(f)) / median(ref.map(f))).toFixed(2);
  console.log(`ratio example/minimal (${label}): wall ${r((s) => s.wallMs)}, CPU ${r((s) => s.cpuMs)}`);
}

console.log(`node ${process.version}, ${os.cpus().length} cpus, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at start`);

// 1. In process. Warm both paths once, then interleave (reference, example, …) so background load shifts both alike.
reference(path.join(outRoot, 'warm-ref'));
example(path.join(outRoot, 'warm-ex'));
const ref: Sample[] = [];
const ex: Sample[] = [];
for (let i = 0; i < runs; i++) {
  ref.push(timeOnce(reference, `ref-${i}`));
  ex.push(timeOnce(example, `ex-${i}`));
}
const templates = fs.readdirSync(path.join(outRoot, 'ex-0')).filter((f) => f.endsWith('.template.json'));
const resources = templates.reduce((n, f) => n + Object.keys(JSON.parse(fs.readFileSync(path.join(outRoot, 'ex-0', f), 'utf8')).Resources).length, 0);
console.log(`in process, ${runs} runs each after one warm-up:`);
report('  minimal one-function app', ref);
report(`  example plan (${templates.length} stacks, ${resources} resources)`, ex);
ratios('in process', ex, ref);

// 2. The commands a user types.
if (commandRuns > 0) {
  const cdk = path.join(ROOT, 'node_modules', '.bin', 'cdk');
  const exampleCmd = (o: string) => `${cdk} synth --quiet -o ${o}`;
  const minimalCmd = (o: string) => `${cdk} synth --quiet --app "npx tsx bench/fixtures/minimal-app.ts" -o ${o}`;
  timeCommand(minimalCmd(path.join(outRoot, 'cmd-warm-ref')));
  timeCommand(exampleCmd(path.join(outRoot, 'cmd-warm-ex')));
  const cref: Sample[] = [];
  const cex: Sample[] = [];
  for (let i = 0; i < commandRuns; i++) {
    cref.push(timeCommand(minimalCmd(path.join(outRoot, `cmd-ref-${i}`))));
    cex.push(timeCommand(exampleCmd(path.join(outRoot, `cmd-ex-${i}`))));
  }
  console.log(`npx cdk synth, ${commandRuns} runs each after one warm-up:`);
  report('  minimal one-function app', cref);
  report('  example plan', cex);
  ratios('npx cdk synth', cex, cref);
}
console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
fs.rmSync(outRoot, { recursive: true, force: true });
