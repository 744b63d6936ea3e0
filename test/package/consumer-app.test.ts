import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { parse, stringify } from 'yaml';

/**
 * The package as a team uses it: `npm pack`, then a consumer app in its own folder (the layout
 * `cdk init app --language typescript` writes: package.json, cdk.json with the feature flags
 * `cdk init` sets, tsconfig.json, bin/app.ts) installs the tarball with npm and builds two plans
 * and one unrelated stack of its own. The app runs twice, as the CDK CLI runs it (CDK_OUTDIR and
 * CDK_CONTEXT_JSON): under ts-node (older `cdk init`, which type-checks through `types`) and under
 * tsx after `tsc --noEmit` with NodeNext resolution (current `cdk init`, which reads `exports`).
 *
 * Speed: npm would fetch the tarball's dependencies over the network; instead the consumer's
 * node_modules starts as links to this checkout's packages, so `npm install --offline` only adds
 * the tarball. Only the first plan's functions are bundled (esbuild, from the installed package's
 * lambdas/ sources); bundling the second plan's would test nothing more.
 */

const ROOT = path.join(__dirname, '..', '..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  main: string;
  types: string;
  exports: Record<string, { types: string; default: string }>;
  bin: Record<string, string>;
};
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-app-'));
const app = path.join(work, 'team-app');
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  // A jest worker's own settings must not leak into the consumer's processes.
  delete env.NODE_OPTIONS;
  delete env.JEST_WORKER_ID;
  return spawnSync(cmd, args, { cwd: opts.cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function ok(r: SpawnSyncReturns<string>, what: string): SpawnSyncReturns<string> {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Newest modification time of the files under `dir` with one of `exts`. */
function newest(dir: string, exts: RegExp): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p, exts));
    else if (exts.test(e.name)) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

/** `npm pack`; its prepack step compiles dist/ (skipped when dist/ is newer than every source it is built from). */
function pack(): { tarball: string; files: string[] } {
  const built = fs.existsSync(path.join(ROOT, 'dist', '.tsbuildinfo')) ? fs.statSync(path.join(ROOT, 'dist', '.tsbuildinfo')).mtimeMs : 0;
  const sources = Math.max(...['lib', 'cli', 'contracts', 'lambdas', 'ops'].map((d) => newest(path.join(ROOT, d), /\.ts$/)), fs.statSync(path.join(ROOT, 'tsconfig.build.json')).mtimeMs);
  const r = ok(run('npm', ['pack', '--json', '--pack-destination', work, ...(built > sources ? ['--ignore-scripts'] : [])], { cwd: ROOT }), 'npm pack');
  const info = (JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[])[0];
  return { tarball: path.join(work, info.filename), files: info.files.map((f) => f.path) };
}

/** The consumer's node_modules: links to this checkout's packages (each one, scoped ones one by one). */
function linkDependencies(): void {
  const from = path.join(ROOT, 'node_modules');
  const to = path.join(app, 'node_modules');
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from)) {
    if (e.startsWith('.') || e === PKG.name) continue;
    if (e.startsWith('@')) {
      fs.mkdirSync(path.join(to, e), { recursive: true });
      for (const s of fs.readdirSync(path.join(from, e))) fs.symlinkSync(path.join(from, e, s), path.join(to, e, s));
    } else fs.symlinkSync(path.join(from, e), path.join(to, e));
  }
}

const version = (name: string) => (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** Two plans the team derives from the shipped examples: their own names, tags and objectives. */
function writePlans(): void {
  const northwind = parse(fs.readFileSync(path.join(ROOT, 'plans', 'examples', 'english-only.yaml'), 'utf8'));
  // Slow failover (10 s × 10 failures + 300 s TTL), allowed by a 15-minute objective.
  northwind.objectives = { rtoMinutes: 15 };
  northwind.failover = { ...northwind.failover, failureThreshold: 10, dnsTtlSeconds: 300 };
  northwind.tags = { project: 'northwind-chat', 'cost-centre': 'nw-42' };
  const huaxia = parse(fs.readFileSync(path.join(ROOT, 'plans', 'examples', 'zh-hans-en.yaml'), 'utf8'));
  // Fast failover with a 5-minute objective: Northwind's 406 s hops would miss it.
  huaxia.objectives = { rtoMinutes: 5 };
  huaxia.tags = { project: 'huaxia-chat' };
  fs.mkdirSync(path.join(app, 'plans'), { recursive: true });
  fs.writeFileSync(path.join(app, 'plans', 'northwind.yaml'), stringify(northwind));
  fs.writeFileSync(path.join(app, 'plans', 'huaxia.yaml'), stringify(huaxia));
}

const APP_TS = `#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ChatbotContingency, loadPlan } from '${PKG.name}';

const app = new cdk.App();

// The team's own stack, built the team's way: no contingency plan may tag it or judge it.
const own = new cdk.Stack(app, 'TeamStack', { env: { region: 'eu-central-1' } });
new s3.Bucket(own, 'Reports');
cdk.Tags.of(own).add('team', 'platform');

// Two chatbots, two plans: one given as a path, one loaded first.
new ChatbotContingency(app, 'Northwind', {
  plan: 'plans/northwind.yaml',
  log: (line) => console.error(\`[Northwind] \${line}\`),
});
const huaxia = new ChatbotContingency(app, 'Huaxia', {
  plan: loadPlan('plans/huaxia.yaml'),
  log: (line) => console.error(\`[Huaxia] \${line}\`),
});
// The leaf constructs' outputs are there for the team's own wiring.
new cdk.CfnOutput(huaxia.global, 'TeamNote', { value: huaxia.global.hostedZone.zoneName });
`;

/** The files \`cdk init app --language typescript\` writes, reduced to what a synth needs. */
function writeApp(): void {
  fs.mkdirSync(path.join(app, 'bin'), { recursive: true });
  fs.writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'team-app',
        version: '0.1.0',
        bin: { 'team-app': 'bin/app.js' },
        dependencies: { 'aws-cdk-lib': version('aws-cdk-lib'), constructs: version('constructs') },
        devDependencies: Object.fromEntries(['typescript', 'ts-node', 'tsx', '@types/node'].map((n) => [n, version(n)])),
      },
      null,
      2,
    ),
  );
  // cdk init writes every currently recommended feature flag: the plans must not change with them.
  fs.writeFileSync(path.join(app, 'cdk.json'), JSON.stringify({ app: 'npx ts-node --prefer-ts-exts bin/app.ts', context: CURRENTLY_RECOMMENDED_FLAGS }, null, 2));
  fs.writeFileSync(path.join(app, 'bin', 'app.ts'), APP_TS);
}

/** cdk init's tsconfig: `commonjs`/`node` for the ts-node layout, `NodeNext` for the tsx one. */
function tsconfig(module: 'commonjs' | 'NodeNext'): string {
  return JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module,
      moduleResolution: module === 'commonjs' ? 'node' : 'NodeNext',
      lib: ['es2022'],
      declaration: true,
      strict: true,
      noImplicitReturns: true,
      experimentalDecorators: true,
      strictPropertyInitialization: false,
      skipLibCheck: true,
      noEmit: true,
      typeRoots: ['./node_modules/@types'],
      types: ['node'],
    },
    exclude: ['node_modules', 'cdk.out*'],
  });
}

interface Synth {
  readonly result: SpawnSyncReturns<string>;
  readonly outdir: string;
  /** Template by the stack's construct path (Northwind/Global …). */
  readonly templates: Record<string, { file: string; stackName: string; template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> } }>;
}

/** Runs the consumer app as the CDK CLI would (the CLI passes cdk.json's context in CDK_CONTEXT_JSON). */
function synth(runner: string[], outdir: string, bundlingStacks: string[]): Synth {
  const context = { ...(JSON.parse(fs.readFileSync(path.join(app, 'cdk.json'), 'utf8')) as { context: object }).context, 'aws:cdk:bundling-stacks': bundlingStacks };
  const result = run(runner[0], [...runner.slice(1), 'bin/app.ts'], { cwd: app, env: { CDK_OUTDIR: path.join(app, outdir), CDK_CONTEXT_JSON: JSON.stringify(context) } });
  const templates: Synth['templates'] = {};
  if (result.status === 0) {
    const manifest = JSON.parse(fs.readFileSync(path.join(app, outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; displayName?: string; properties?: { templateFile: string; stackName?: string } }>;
    };
    for (const [id, a] of Object.entries(manifest.artifacts)) {
      if (a.type !== 'aws:cloudformation:stack') continue;
      const file = a.properties!.templateFile;
      templates[a.displayName ?? id] = { file, stackName: a.properties!.stackName ?? id, template: JSON.parse(fs.readFileSync(path.join(app, outdir, file), 'utf8')) };
    }
  }
  return { result, outdir, templates };
}

let packed: ReturnType<typeof pack>;
let tsNode: Synth;
let tsxRun: Synth;
let typeCheck: SpawnSyncReturns<string>;

beforeAll(() => {
  packed = pack();
  linkDependencies();
  writeApp();
  writePlans();
  ok(run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', packed.tarball], { cwd: app }), 'npm install of the tarball');
  fs.writeFileSync(path.join(app, 'tsconfig.json'), tsconfig('commonjs'));
  tsNode = synth([path.join(app, 'node_modules', '.bin', 'ts-node'), '--prefer-ts-exts'], 'cdk.out', ['Northwind/*']);
  fs.writeFileSync(path.join(app, 'tsconfig.json'), tsconfig('NodeNext'));
  typeCheck = run(path.join(app, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', '.'], { cwd: app });
  tsxRun = synth([path.join(app, 'node_modules', '.bin', 'tsx')], 'cdk.out.tsx', []);
}, 600_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const resourcesOf = (s: Synth, stack: string) => Object.entries(s.templates[stack].template.Resources);
const tagsOf = (r: { Properties?: Record<string, unknown> }) => {
  const t = r.Properties?.Tags;
  if (Array.isArray(t)) return Object.fromEntries((t as { Key: string; Value: string }[]).map((x) => [x.Key, x.Value]));
  return (t as Record<string, string> | undefined) ?? {};
};

describe('the packed tarball', () => {
  test('holds the compiled JavaScript with declarations, and main/types/exports/bin point into it', () => {
    expect(packed.files).toEqual(expect.arrayContaining(['dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/chatbot-contingency.js', 'dist/lib/chatbot-contingency.d.ts', 'dist/cli/main.js']));
    for (const f of [PKG.main, PKG.types, PKG.exports['.'].types, PKG.exports['.'].default, ...Object.values(PKG.bin)]) expect(packed.files).toContain(f.replace(/^\.\//, ''));
    // No TypeScript sources of the library itself, no tests.
    expect(packed.files.filter((f) => /^(lib|cli|test)\//.test(f))).toEqual([]);
  });

  test('holds the handler and contract sources that the consumer bundles at synth', () => {
    for (const dir of fs.readdirSync(path.join(ROOT, 'lambdas')).filter((d) => fs.existsSync(path.join(ROOT, 'lambdas', d, 'handler.ts')))) {
      expect(packed.files).toContain(`lambdas/${dir}/handler.ts`);
    }
    expect(packed.files).toEqual(expect.arrayContaining(['contracts/index.ts', 'plans/example.yaml']));
  });
});

describe('a consumer CDK app with two plans and one stack of its own', () => {
  test('type-checks under NodeNext resolution (exports → declarations)', () => {
    expect(typeCheck.stdout + typeCheck.stderr).toBe('');
    expect(typeCheck.status).toBe(0);
  });

  test.each([
    ['ts-node', () => tsNode],
    ['tsx', () => tsxRun],
  ])('synthesizes under %s without a stack trace', (_name, get) => {
    const s = get();
    expect(s.result.stderr).not.toMatch(STACK_FRAME);
    expect(s.result.status).toBe(0);
    expect(Object.keys(s.templates).sort()).toEqual(
      ['Huaxia/Failover', 'Huaxia/Global', 'Huaxia/Primary', 'Huaxia/Standby', 'Northwind/Failover', 'Northwind/Global', 'Northwind/Primary', 'Northwind/Standby', 'TeamStack'].sort(),
    );
  });

  test("each plan's stacks have their own names and carry their own plan's tags", () => {
    for (const [id, plan, project] of [
      ['Northwind', 'northwind-chat', 'northwind-chat'],
      ['Huaxia', 'huaxia-chat', 'huaxia-chat'],
    ]) {
      for (const part of ['Global', 'Standby', 'Primary', 'Failover']) {
        const stack = `${id}/${part}`;
        expect(tsNode.templates[stack].stackName).toBe(`${plan}-${part.toLowerCase()}`);
        const tagged = resourcesOf(tsNode, stack).filter(([, r]) => r.Properties && 'Tags' in r.Properties);
        expect(tagged.length).toBeGreaterThan(0);
        for (const [logicalId, r] of tagged) {
          const tags = tagsOf(r);
          expect({ logicalId, plan: tags['contingency:plan'], project: tags.project }).toEqual({ logicalId, plan, project });
          expect(tags.team).toBeUndefined();
        }
      }
    }
    // Northwind's extra tag stays on Northwind's stacks.
    expect(resourcesOf(tsNode, 'Huaxia/Global').some(([, r]) => 'cost-centre' in tagsOf(r))).toBe(false);
    expect(resourcesOf(tsNode, 'Northwind/Global').some(([, r]) => tagsOf(r)['cost-centre'] === 'nw-42')).toBe(true);
  });

  test('the unrelated stack carries no contingency tags', () => {
    const bucket = resourcesOf(tsNode, 'TeamStack').find(([, r]) => r.Type === 'AWS::S3::Bucket')!;
    expect(tagsOf(bucket[1])).toEqual({ team: 'platform' });
  });

  test('cdk-nag judges only the plans: the unrelated stack, whose bucket breaks AwsSolutions rules, passes synth unjudged', () => {
    const reportFile = path.join(app, tsNode.outdir, 'validation-report.json');
    const report = fs.existsSync(reportFile) ? fs.readFileSync(reportFile, 'utf8') : '';
    expect(report).not.toMatch(/TeamStack/);
    expect(tsNode.result.stderr).not.toMatch(/AwsSolutions-S\d+/);
  });

  test("each plan's failover timing is computed from its own failover template, against its own objective", () => {
    const lines = tsNode.result.stderr.split('\n');
    const heading = (id: string) => lines.filter((l) => l.startsWith(`[${id}] Failover timing`));
    expect(heading('Northwind')).toEqual([`[Northwind] Failover timing (from ${tsNode.templates['Northwind/Failover'].file}, objective 900 s):`]);
    expect(heading('Huaxia')).toEqual([`[Huaxia] Failover timing (from ${tsNode.templates['Huaxia/Failover'].file}, objective 300 s):`]);
    // Northwind's slow hops (10 s × 10 + 6 s + 300 s) are reported under Northwind only.
    expect(lines).toContain('[Northwind]   primary → standby: 406 s (10 s × 10 + 6 s probe timeout + 300 s TTL)');
    expect(lines.filter((l) => l.startsWith('[Huaxia]') && l.includes('406 s'))).toEqual([]);
  });

  test("the first plan's functions were bundled from the installed package's handler sources", () => {
    const assets = JSON.parse(fs.readFileSync(path.join(app, tsNode.outdir, `${tsNode.templates['Northwind/Primary'].file.replace('.template.json', '.assets.json')}`), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging: string } }>;
    };
    const zips = Object.values(assets.files).filter((f) => f.source.packaging === 'zip' && fs.existsSync(path.join(app, tsNode.outdir, f.source.path, 'index.js')));
    expect(zips.length).toBeGreaterThanOrEqual(3);
    const chatbot = zips.map((z) => fs.readFileSync(path.join(app, tsNode.outdir, z.source.path, 'index.js'), 'utf8')).find((code) => code.includes('handoff'));
    expect(chatbot).toBeDefined();
  });

  test('the contingency command runs from the installed package', () => {
    const bin = path.join(app, 'node_modules', '.bin', 'contingency');
    const help = run(bin, ['--help'], { cwd: app });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/validate/);
    const validate = run(bin, ['validate', '--plan', 'plans/huaxia.yaml'], { cwd: app });
    expect(validate.stderr).not.toMatch(STACK_FRAME);
    expect(validate.status).toBe(0);
  });
});
