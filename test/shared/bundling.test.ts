import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LAMBDAS_DIR } from '../../lib/shared';
import { BUNDLE_SOURCE_BASE } from '../../lib/shared/bundle-cache';
import { ProjectFunction } from '../../lib/shared/project-function';
import { synthPlan } from '../helpers/synth';
import { loadedPlan } from '../helpers/plan';

// The one real synth with bundling (other template tests skip it): esbuild runs locally (never
// Docker) for every function of the app and produces a minified handler with a source map, with
// the AWS SDK left to the runtime, Powertools bundled in and none of the CDK.

/** Per Powertools service name: the handler folder, the SDK clients it must require at run time, a size ceiling. */
const EXPECTED: Record<string, { dir: string; sdk: string[]; maxBytes: number }> = {
  chatbot: { dir: 'chatbot', sdk: ['client-dynamodb'], maxBytes: 1_000_000 },
  incidents: { dir: 'incidents', sdk: ['client-dynamodb', 'client-s3', 'client-sns'], maxBytes: 400_000 },
  notifier: { dir: 'notify', sdk: ['client-cloudwatch', 'client-secrets-manager', 'client-sns', 'client-ssm'], maxBytes: 1_000_000 },
  'backup-sentinel': { dir: 'sentinel', sdk: ['client-dynamodb'], maxBytes: 1_000_000 },
  'restore-validator': { dir: 'restore-validator', sdk: ['client-backup', 'client-dynamodb'], maxBytes: 1_000_000 },
  'restore-watch': { dir: 'restore-watch', sdk: ['client-backup'], maxBytes: 1_000_000 },
  'drill-runner': { dir: 'drill', sdk: ['client-cloudwatch', 'client-dynamodb', 'client-route-53', 'client-s3', 'client-sns'], maxBytes: 1_000_000 },
  'failover-observer': { dir: 'observer', sdk: ['client-dynamodb', 'client-eventbridge'], maxBytes: 1_000_000 },
  survey: { dir: 'survey', sdk: ['client-dynamodb'], maxBytes: 1_000_000 },
  'status-subscriptions': { dir: 'subscriptions', sdk: ['client-dynamodb', 'client-sesv2'], maxBytes: 1_000_000 },
};

interface Bundle {
  /** Construct path of the function. */
  readonly path: string;
  readonly service: string;
  readonly files: string[];
  /** Configuration files the construct bundled next to the handler (ProjectFunction bundledConfig): name → expected JSON. */
  readonly bundledConfig: Record<string, string>;
  /** The same files as found in the asset. */
  readonly bundledFiles: Record<string, string>;
  readonly code: string;
  readonly bytes: number;
  /** Inputs esbuild put in the bundle (from the source map), relative to the project root. */
  readonly sources: string[];
}

const ROOT = path.join(LAMBDAS_DIR, '..');
let bundles: Bundle[];
beforeAll(() => {
  // The example plan with the one opt-in function switched on (e-mail subscriptions), so every handler is bundled.
  const { app } = synthPlan(loadedPlan({ incidents: { statusPage: { subscriptions: { enabled: true, from: 'status@acme-example.com' } } } } as never), { bundle: true });
  const assembly = app.synth();
  const functions = app.node.findAll().filter((c): c is NodejsFunction => c instanceof NodejsFunction);
  bundles = functions.map((fn) => {
    const stack = Stack.of(fn);
    const res = assembly.getStackArtifact(stack.artifactId).template.Resources[stack.getLogicalId(fn.node.defaultChild as never)];
    // The code's S3 key is <asset hash>.zip; the bundled directory is asset.<asset hash> in the assembly.
    const dir = path.join(assembly.directory, `asset.${String(res.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
    const map = JSON.parse(fs.readFileSync(path.join(dir, 'index.js.map'), 'utf8')) as { sources: string[] };
    return {
      path: fn.node.path,
      service: res.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME,
      files: fs.readdirSync(dir).sort(),
      bundledConfig: (fn.node.scope as ProjectFunction).bundledConfig,
      bundledFiles: Object.fromEntries(fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')])),
      code: fs.readFileSync(path.join(dir, 'index.js'), 'utf8'),
      bytes: fs.statSync(path.join(dir, 'index.js')).size,
      // Source map paths are relative to where `cdk synth` puts assets by default, wherever this synth wrote them (lib/shared/bundle-cache.ts).
      sources: map.sources.map((s) => path.relative(ROOT, path.resolve(BUNDLE_SOURCE_BASE, s))),
    };
  });
});

test('every NodejsFunction of the app is a known project function, and every handler in lambdas/ is deployed', () => {
  expect(bundles.map((b) => b.service).filter((s) => !(s in EXPECTED))).toEqual([]);
  expect([...new Set(bundles.map((b) => b.service))].sort()).toEqual(Object.keys(EXPECTED).sort());
  const handlerDirs = fs.readdirSync(LAMBDAS_DIR).filter((d) => fs.existsSync(path.join(LAMBDAS_DIR, d, 'handler.ts')));
  expect(Object.values(EXPECTED).map((e) => e.dir).sort()).toEqual(handlerDirs.sort());
});

describe.each(Object.entries(EXPECTED))('%s', (service, expected) => {
  const mine = () => {
    const found = bundles.filter((b) => b.service === service);
    expect(found.length).toBeGreaterThan(0);
    return found;
  };

  test('bundles its own handler: one index.js with its source map, minified', () => {
    for (const b of mine()) {
      expect(b.files).toEqual(['index.js', 'index.js.map', ...Object.keys(b.bundledConfig)].sort());
      // Plan-sized configuration is a file next to the handler, byte for byte as the construct gave it.
      expect(b.bundledFiles).toEqual(b.bundledConfig);
      // Its own entry (handler.ts, or another *handler.ts of its folder, e.g. the subscriptions' delivery-handler.ts).
      expect(b.sources.filter((src) => src.startsWith(`lambdas/${expected.dir}/`) && src.endsWith('handler.ts'))).not.toEqual([]);
      // Minified: a few very long lines, not thousands of short ones.
      expect(b.code.split('\n').filter((l) => l.trim() !== '').length).toBeLessThan(50);
      expect(b.code).toMatch(/sourceMappingURL=index\.js\.map/);
      expect(b.bytes).toBeLessThan(expected.maxBytes);
    }
  });

  test('requires the AWS SDK from the runtime: every client it imports stays external', () => {
    for (const b of mine()) {
      for (const client of expected.sdk) expect(b.code).toContain(`require("@aws-sdk/${client}")`);
      // Every SDK package any bundled source imports (value imports, not types) is required, not bundled.
      const imported = new Set<string>();
      for (const src of b.sources.filter((s) => s.startsWith('lambdas/'))) {
        for (const m of fs.readFileSync(path.join(ROOT, src), 'utf8').matchAll(/^import (?!type )[^;]*? from '@aws-sdk\/([^']+)'/gm)) imported.add(m[1]);
      }
      for (const pkg of imported) expect(b.code).toContain(`require("@aws-sdk/${pkg}")`);
      expect(b.sources.filter((s) => s.includes('node_modules/@aws-sdk/'))).toEqual([]);
    }
  });

  test('contains none of the CDK (aws-cdk-lib, constructs)', () => {
    for (const b of mine()) {
      expect(b.code).not.toContain('aws-cdk-lib');
      expect(b.sources.filter((s) => /node_modules\/(aws-cdk-lib|constructs)\//.test(s))).toEqual([]);
    }
  });

  test('bundles Powertools (logger and metrics) in', () => {
    for (const b of mine()) {
      expect(b.code).toContain('POWERTOOLS_SERVICE_NAME');
      expect(b.sources).toContain('lambdas/shared/powertools.ts');
      expect(b.sources.some((s) => s.includes('node_modules/@aws-lambda-powertools/logger/'))).toBe(true);
      expect(b.sources.some((s) => s.includes('node_modules/@aws-lambda-powertools/metrics/'))).toBe(true);
    }
  });
});

test('the publishing incident function carries the plan templates as a bundled file, not in its environment', () => {
  const publishers = bundles.filter((b) => b.service === 'incidents' && Object.keys(b.bundledConfig).length > 0);
  expect(publishers).toHaveLength(1);
  expect(Object.keys(publishers[0].bundledFiles)).toEqual(['incident-templates.json', 'maintenance-plan.json']);
  // The plan's maintenance windows (none in the example plan) and the six suppressor alarms the publisher sets.
  const maintenance = JSON.parse(publishers[0].bundledFiles['maintenance-plan.json']);
  expect(maintenance.windows).toEqual([]);
  expect(maintenance.suppressors.map((x: { alarmName: string }) => x.alarmName)).toHaveLength(6);
  expect(JSON.parse(publishers[0].bundledFiles['incident-templates.json']).levels.severe.message['zh-Hant']).toContain('{start}');
});
